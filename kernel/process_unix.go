//go:build unix

package kernel

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func supported() error { return nil }

// stopGroup waits briefly for a clean exit, then signals the process group.
func (k *Kernel) stopGroup() {
	pgid := k.cmd.Process.Pid
	select {
	case <-k.dead:
	case <-time.After(2 * time.Second):
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-k.dead:
		case <-time.After(3 * time.Second):
		}
	}
	// Whatever is left of the group (a cell program orphaned by a killed
	// kernel) goes too. ESRCH, no such group, is the normal case.
	syscall.Kill(-pgid, syscall.SIGKILL)
	<-k.dead
	// SIGKILL is delivered asynchronously: wait, boundedly, until no member
	// of the group is left, so that Close returns with nothing running.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); {
		if err := syscall.Kill(-pgid, 0); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sweepStale removes what a kernel left behind when the program that
// started it was killed before it could clean up (SIGKILL, a crash).
//
// The temporary directory is shared with every user, and anyone can plant a
// noether-kernel-* directory naming any process group: only what this user
// created and can prove is one of our kernels is touched. A directory is
// considered only if it is a real directory (not a link) owned by this
// user with mode 0700, as Start makes it, holding a pid file owned by this
// user. A process is killed only if it is in the group that file names,
// runs as this user, and carries the directory in its environment
// ($NOETHER_KERNEL_DIR, which Start gives the kernel and so every cell
// program): processes are checked and signalled one by one, never the group
// wholesale. Where processes cannot be inspected (no /proc), none is
// killed. The directory, which holds the connection file's key, is removed
// once its kernel is gone. Directories of live kernels, and new ones
// without a pid file yet, are left alone.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), kernelDirPrefix+"*"))
	for _, d := range dirs {
		fi, err := os.Lstat(d)
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 || !ownedByMe(fi) {
			continue
		}
		pf, err := os.Lstat(filepath.Join(d, pidFile))
		if err != nil {
			if os.IsNotExist(err) && time.Since(fi.ModTime()) > 24*time.Hour {
				os.RemoveAll(d) // never got a kernel, long ago
			}
			continue
		}
		if !pf.Mode().IsRegular() || !ownedByMe(pf) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, pidFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || err == syscall.EPERM {
			// A process has the kernel's pid: the kernel itself, alive, or
			// (where we can tell) another process that took the pid since.
			// Only a process started after the pid file was written can have
			// taken it: a live kernel without the marker (started by an older
			// noether, or another checkout's) is left alone with its
			// directory.
			if !canInspect() || isOurs(pid, d) || !startedAfter(pid, pf.ModTime()) {
				continue
			}
		}
		for _, m := range groupMembers(pid) {
			if isOurs(m, d) {
				killOurs(m, d)
			}
		}
		os.RemoveAll(d)
	}
}

// ownedByMe reports whether fi belongs to this process's user.
func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}

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
// started it was killed before it could clean up (SIGKILL, a crash): for each
// private directory whose kernel process is gone, it kills what is left of
// the kernel's process group (orphaned cell programs) and removes the
// directory, which holds the connection file's key. Directories of live
// kernels, and new ones without a pid file yet, are left alone.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), kernelDirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, pidFile))
		if err != nil {
			if fi, err := os.Stat(d); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				os.RemoveAll(d) // never got a kernel, long ago
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		if err := syscall.Kill(pid, 0); err == nil || err == syscall.EPERM {
			continue // the kernel is alive (or the pid is someone else's now)
		}
		syscall.Kill(-pid, syscall.SIGKILL)
		os.RemoveAll(d)
	}
}

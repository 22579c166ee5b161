package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// processAttr puts the kernel in its own process group, so that it and the
// cell programs it starts can be signalled together, and asks Linux to send it
// SIGTERM if this process dies first (GoNB then shuts down and cleans up).
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// canInspect reports whether isOurs can tell our kernel's processes from
// others': on Linux, through /proc.
func canInspect() bool { return true }

// groupMembers returns the processes of process group pgid, from /proc.
func groupMembers(pgid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// isOurs reports whether process pid runs as this user and carries the
// kernel directory dir in its environment, as Start's kernel and its cell
// programs do.
func isOurs(pid int, dir string) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	fi, err := os.Stat(proc)
	if err != nil || !ownedByMe(fi) {
		return false
	}
	env, err := os.ReadFile(proc + "/environ")
	if err != nil {
		return false
	}
	want := []byte(kernelDirEnv + "=" + dir)
	for _, kv := range bytes.Split(env, []byte{0}) {
		if bytes.Equal(kv, want) {
			return true
		}
	}
	return false
}

// killOurs sends SIGKILL to pid if it is still the process isOurs vouched
// for: through a pidfd, which names that process and no later one that
// takes its pid.
func killOurs(pid int, dir string) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // gone already, or no pidfd (Linux before 5.3): kill nothing
	}
	defer unix.Close(fd)
	if isOurs(pid, dir) { // checked again now that fd pins the process
		unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
	}
}

// startedAfter reports whether process pid started more than two seconds
// after t (the pid file's time: the kernel starts before its pid file is
// written). Its start comes from /proc/PID/stat (field 22, clock ticks since
// boot, at Linux's USER_HZ of 100) and /proc/stat's btime. When either cannot
// be read it reports false: a process that may be the kernel is kept.
func startedAfter(pid int, t time.Time) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return false
	}
	ticks, err := strconv.ParseInt(f[19], 10, 64) // field 22: starttime
	if err != nil {
		return false
	}
	st, err := os.ReadFile("/proc/stat")
	if err != nil {
		return false
	}
	var btime int64 = -1
	for _, line := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			btime, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	if btime <= 0 {
		return false
	}
	start := time.Unix(btime, 0).Add(time.Duration(ticks) * (time.Second / 100))
	return start.After(t.Add(2 * time.Second))
}

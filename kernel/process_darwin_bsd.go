//go:build unix && !linux

package kernel

import (
	"syscall"
	"time"
)

// processAttr puts the kernel in its own process group, so that it and the
// cell programs it starts can be signalled together.
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// canInspect reports whether isOurs can tell our kernel's processes from
// others': not without /proc, so the sweep kills nothing here.
func canInspect() bool { return false }

func groupMembers(pgid int) []int     { return nil }
func isOurs(pid int, dir string) bool { return false }
func killOurs(pid int, dir string)    {}

func startedAfter(pid int, t time.Time) bool { return false }

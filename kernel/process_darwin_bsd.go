//go:build unix && !linux

package kernel

import "syscall"

// processAttr puts the kernel in its own process group, so that it and the
// cell programs it starts can be signalled together.
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

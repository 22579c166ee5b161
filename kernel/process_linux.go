package kernel

import "syscall"

// processAttr puts the kernel in its own process group, so that it and the
// cell programs it starts can be signalled together, and asks Linux to send it
// SIGTERM if this process dies first (GoNB then shuts down and cleans up).
func processAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

//go:build unix

package nn

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used. On a shared machine it
// is a steadier measure of a single-threaded benchmark than wall time, which
// also counts the time other processes hold the core.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

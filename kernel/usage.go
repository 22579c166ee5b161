package kernel

import "time"

// Usage is what a kernel used, known once its process has exited: the
// kernel itself and every process it ran and waited for, as wait4 reports
// them (the terminated descendants' usage is added to a parent's when it
// reaps them). For GoNB that is each cell's build (go, compile, link) and
// each cell's program. A process the kernel did not wait for is missing: a
// cell program that outlived the kernel (Close kills what is left of a
// kernel that does not exit, after a cell's timeout or an interrupt, say),
// or a daemon the kernel left running.
type Usage struct {
	// User and System are the CPU time spent in user and in kernel mode.
	User, System time.Duration
	// MaxRSS is the largest resident set, in bytes, of any one of those
	// processes (0 where the system does not report it, as on Solaris and
	// illumos): the peak of one process, not of their sum. GoNB runs one
	// cell, or one build, at a time, beside the kernel process itself (some
	// tens of MB).
	MaxRSS int64
}

// CPU returns the CPU time, user and system.
func (u Usage) CPU() time.Duration { return u.User + u.System }

// Usage returns the kernel's usage, and false while its process still runs
// (Close waits for it to exit).
func (k *Kernel) Usage() (Usage, bool) {
	select {
	case <-k.dead:
	default:
		return Usage{}, false
	}
	ps := k.cmd.ProcessState
	if ps == nil {
		return Usage{}, false
	}
	return Usage{User: ps.UserTime(), System: ps.SystemTime(), MaxRSS: maxRSS(ps)}, true
}

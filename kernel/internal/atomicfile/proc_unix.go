//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// processGone reports whether no process has this pid.
func processGone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }

// ownedByMe reports whether fi belongs to this process's user.
func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}

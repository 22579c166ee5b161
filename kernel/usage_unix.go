//go:build unix

package kernel

import (
	"os"
	"syscall"
)

// maxRSS returns the peak resident set that wait4 reported for the process
// and its waited-for descendants, in bytes.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return int64(ru.Maxrss) * rssUnit
}

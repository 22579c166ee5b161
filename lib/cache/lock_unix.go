//go:build unix

package cache

import (
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on file (created if missing), waiting for
// whoever holds it, and returns its release. The lock is the kernel's
// (flock): it is released when the holder exits, however it exits, and two
// goroutines of one process exclude each other too, as each opens the file
// anew. It returns nil when the file cannot be opened or locked: the result
// is then computed without waiting.
func lock(file string) (unlock func()) {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil
	}
	return func() {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}
}

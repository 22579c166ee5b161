//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package data

import "context"

// canLock reports whether lockDir excludes other processes: not on this
// system. Concurrent downloads still cannot corrupt each other, since each
// writes its own temporary file and the last complete rename wins, but
// they may fetch the same file twice.
const canLock = false

// lockDir does nothing on this system.
func lockDir(ctx context.Context, dir string) (unlock func(), err error) {
	return func() {}, ctx.Err()
}

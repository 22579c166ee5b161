//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package data

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// canLock reports whether lockDir excludes other processes.
const canLock = true

// lockDir takes an exclusive lock on the directory dir (flock, which other
// processes and other opens of dir in this process respect), waiting for it
// until ctx is done, and returns the function that releases it. Locking
// the directory itself leaves no lock file behind.
func lockDir(ctx context.Context, dir string) (unlock func(), err error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	fd := int(d.Fd())
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			d.Close()
			return nil, &os.PathError{Op: "flock", Path: dir, Err: err}
		}
		select {
		case <-ctx.Done():
			d.Close()
			return nil, context.Cause(ctx)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		d.Close()
	}, nil
}

//go:build !unix

package kernel

import (
	"errors"
	"syscall"
)

// supported reports that kernels cannot run here: GoNB does not build for
// Windows (it uses named pipes made with mkfifo).
func supported() error {
	return errors.New("kernel: GoNB, noether's kernel, runs only on Linux and macOS (on Windows, use WSL)")
}

func (k *Kernel) stopGroup() {
	k.cmd.Process.Kill()
	<-k.dead
}

func sweepStale() {}

func processAttr() *syscall.SysProcAttr { return nil }

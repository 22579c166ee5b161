//go:build unix

package kernel

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// A kernel's usage counts the cell programs it ran, which are its children
// and not this process's. The same cell runs in fresh kernels: doing
// nothing (the baseline: the kernel and the cell's build, under 1 CPU-s
// and 200 MiB here; measured after a first run has warmed the build
// cache, so that the two builds cost the same), then touching 300 MiB and
// spinning until it has used 3 s of CPU. Only counting the cell program can
// add those 3 CPU-s to the baseline and lift the peak to 300 MiB, however
// long a build takes on the machine. The spin is on the program's own CPU
// time, not on the clock: on a busy machine a 3 s spin by the clock could
// get much less CPU.
func TestUsageCountsCellPrograms(t *testing.T) {
	const (
		size = 300 << 20
		spin = 3 * time.Second
		cell = `
import (
	"fmt"
	"syscall"
	"time"
)

// cpu returns this program's CPU time, user and system.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var work = %s

%%%%
if !work {
	fmt.Println(cpu() > 0)
	return
}
b := make([]byte, 300<<20)
for i := range b {
	b[i] = 1
}
x := 0.0
for cpu() < 3*time.Second {
	for i := 0; i < 1<<20; i++ {
		x++
	}
}
fmt.Println(len(b), x > 0)`
	)
	run := func(work bool) Usage {
		t.Helper()
		k := startKernel(t)
		if _, ok := k.Usage(); ok {
			t.Fatal("Usage reported while the kernel runs")
		}
		w := "false"
		if work {
			w = "true"
		}
		reply, c, err := cellRun(t, k, fmt.Sprintf(cell, w), ExecuteSettings{})
		if err != nil || reply.Status != "ok" {
			t.Fatalf("the cell failed: %v, %+v; outputs %+v", err, reply, c.Outputs)
		}
		k.Close()
		u, ok := k.Usage()
		if !ok {
			t.Fatal("no usage after Close")
		}
		t.Logf("work %v: user %v, system %v, peak %d MiB", work, u.User, u.System, u.MaxRSS>>20)
		return u
	}
	run(false) // warms the build cache for the same build in the baseline
	base := run(false)
	u := run(true)
	if d := u.CPU() - base.CPU(); d < spin*5/6 {
		t.Errorf("CPU time %v, only %v above the baseline's %v: the cell's %v are missing", u.CPU(), d, base.CPU(), spin)
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" {
		if base.MaxRSS >= size {
			t.Errorf("the baseline's peak is already %d MiB: the peak check below proves nothing", base.MaxRSS>>20)
		}
		if u.MaxRSS < size {
			t.Errorf("peak resident set %d MiB, want at least the cell's %d MiB", u.MaxRSS>>20, size>>20)
		}
	}
}

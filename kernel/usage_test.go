package kernel

import (
	"runtime"
	"testing"
	"time"
)

// A kernel's usage counts the cell programs it ran, which are its children
// and not nbexec's: a cell that touches 300 MiB and spins for 3 s of CPU
// shows in the kernel's peak and CPU time. Without the cell program, the
// kernel and the cell's build come to about 200 MiB (the link) and 2 s.
func TestUsageCountsCellPrograms(t *testing.T) {
	k := startKernel(t)
	if _, ok := k.Usage(); ok {
		t.Fatal("Usage reported while the kernel runs")
	}
	const size = 300 << 20
	reply, c, err := cellRun(t, k, `
%%
b := make([]byte, 300<<20)
for i := range b {
	b[i] = 1
}
var x float64
for t0 := time.Now(); time.Since(t0) < 3*time.Second; {
	x += 1
}
fmt.Println(len(b), x > 0)`, ExecuteSettings{})
	if err != nil || reply.Status != "ok" {
		t.Fatalf("the cell failed: %v, %+v; outputs %+v", err, reply, c.Outputs)
	}
	k.Close()
	u, ok := k.Usage()
	if !ok {
		t.Fatal("no usage after Close")
	}
	t.Logf("usage: user %v, system %v, peak %d MiB", u.User, u.System, u.MaxRSS>>20)
	if u.CPU() < 3*time.Second {
		t.Errorf("CPU time %v, want at least the cell's 3 s", u.CPU())
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" {
		if u.MaxRSS < size {
			t.Errorf("peak resident set %d MiB, want at least the cell's %d MiB", u.MaxRSS>>20, size>>20)
		}
	}
}

package sweep

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel"
)

// BenchmarkPointOverhead measures what a sweep adds to each point beyond
// the notebook's own run: per iteration, the test notebook run by
// kernel.RunFile as it is, then a one-point sweep of it (Plan, RunLocal
// with the injected-parameters cell, Gather and the table written). The
// metric overhead-s/point is the mean difference; the kernel's tools and
// the build cache are reused, as in a sweep. It needs the kernel built
// (go run ./install); the machine's load shows in the spread.
func BenchmarkPointOverhead(b *testing.B) {
	root, err := kernel.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	l, err := kernel.NewLayout(root)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Ready(ctx); err != nil {
		b.Skipf("the kernel is not built here (go run ./install): %v", err)
	}
	spec, err := l.HeadlessSpec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	base := kernel.RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}
	nb := filepath.Join(root, "testdata", "notebooks", "sweep.ipynb")
	tmp := b.TempDir()
	// Once, to warm the build cache for both.
	direct := base
	direct.Output = filepath.Join(tmp, "direct.ipynb")
	if _, err := kernel.RunFile(ctx, nb, direct); err != nil {
		b.Fatal(err)
	}
	var own, swept time.Duration
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if _, err := kernel.RunFile(ctx, nb, direct); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		g, _ := ParseGrid([]string{"x=" + strconv.Itoa(i+2)})
		dir := filepath.Join(tmp, strconv.Itoa(i))
		m, err := Plan(nb, dir, root, g, kernel.RunSettings{})
		if err != nil {
			b.Fatal(err)
		}
		rs, err := m.RunLocal(ctx, dir, 1, base, nil)
		if err != nil || len(rs) != 1 || rs[0].Err != nil {
			b.Fatal(err, rs)
		}
		res, err := Gather(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := res.Write(dir); err != nil {
			b.Fatal(err)
		}
		own += t1.Sub(t0)
		swept += time.Since(t1)
	}
	b.ReportMetric(own.Seconds()/float64(b.N), "notebook-s/point")
	b.ReportMetric((swept-own).Seconds()/float64(b.N), "overhead-s/point")
}

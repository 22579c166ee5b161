package par_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/noetherlab/noether/lib/par"
)

func TestForRunsEachIndexOnceAndBoundsConcurrency(t *testing.T) {
	const n = 200
	var running, peak atomic.Int64
	hits := make([]int, n)
	par.For(n, func(i int) {
		r := running.Add(1)
		for {
			p := peak.Load()
			if r <= p || peak.CompareAndSwap(p, r) {
				break
			}
		}
		hits[i]++
		runtime.Gosched()
		running.Add(-1)
	})
	for i, h := range hits {
		if h != 1 {
			t.Fatalf("index %d ran %d times, want 1", i, h)
		}
	}
	if p, limit := peak.Load(), int64(runtime.GOMAXPROCS(0)); p > limit {
		t.Errorf("%d calls at once, want at most GOMAXPROCS = %d", p, limit)
	}
}

func TestMapKeepsIndexOrder(t *testing.T) {
	got := par.Map(50, func(i int) int { return i * i })
	for i, v := range got {
		if v != i*i {
			t.Fatalf("Map[%d] = %d, want %d", i, v, i*i)
		}
	}
}

func TestForErrJoinsInIndexOrderAndRunsAll(t *testing.T) {
	var ran atomic.Int64
	err := par.ForErr(10, func(i int) error {
		ran.Add(1)
		if i == 7 || i == 2 {
			return fmt.Errorf("point %d failed", i)
		}
		return nil
	})
	if ran.Load() != 10 {
		t.Errorf("%d calls ran, want all 10", ran.Load())
	}
	if err == nil || !strings.Contains(err.Error(), "point 2 failed\npoint 7 failed") {
		t.Errorf("error %q, want both failures in index order", err)
	}
	if _, err := par.MapErr(3, func(i int) (int, error) { return i, nil }); err != nil {
		t.Errorf("MapErr with no failure: %v", err)
	}
	sentinel := errors.New("x")
	if _, err := par.MapErr(3, func(i int) (int, error) { return 0, sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("MapErr error %v does not wrap the failure", err)
	}
}

func TestForRepanics(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the callee's panic", r)
		}
	}()
	par.For(4, func(i int) {
		if i == 3 {
			panic("boom")
		}
	})
	t.Error("For did not panic")
}

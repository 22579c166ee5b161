package data

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestBatcherEpochCoversAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ n, size int }{{10, 3}, {12, 4}, {7, 7}, {5, 8}, {1, 1}, {100, 32}} {
		b := NewBatcher(c.n, c.size, KeepLast, rng)
		var prev []int
		for epoch := 1; epoch <= 3; epoch++ {
			var seen []int
			batches := 0
			for idx := range b.Epoch() {
				batches++
				want := c.size
				if len(seen)+c.size > c.n {
					want = c.n - len(seen)
				}
				if len(idx) != want {
					t.Errorf("n=%d size=%d: batch %d has %d indices, want %d", c.n, c.size, batches, len(idx), want)
				}
				seen = append(seen, idx...)
			}
			if batches != b.Len() || b.Epochs() != epoch {
				t.Errorf("n=%d size=%d: %d batches in epoch %d (Len %d, Epochs %d)", c.n, c.size, batches, epoch, b.Len(), b.Epochs())
			}
			order := slices.Clone(seen)
			slices.Sort(seen)
			for i, k := range seen {
				if k != i {
					t.Fatalf("n=%d size=%d: epoch %d covers %v, not each index once", c.n, c.size, epoch, seen)
				}
			}
			if c.n >= 10 && slices.Equal(order, prev) {
				t.Errorf("n=%d: epoch %d repeats the previous order", c.n, epoch)
			}
			prev = order
		}
	}
}

func TestBatcherDropLast(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	b := NewBatcher(10, 3, DropLast, rng)
	if b.Len() != 3 {
		t.Errorf("Len = %d, want 3", b.Len())
	}
	// Next runs on across epochs: 3 full batches each, 9 distinct indices.
	for epoch := 1; epoch <= 4; epoch++ {
		seen := map[int]bool{}
		for range 3 {
			idx := b.Next()
			if len(idx) != 3 {
				t.Fatalf("batch of %d with DropLast", len(idx))
			}
			for _, k := range idx {
				if seen[k] || k < 0 || k >= 10 {
					t.Fatalf("epoch %d: index %d twice or out of range", epoch, k)
				}
				seen[k] = true
			}
		}
		if b.Epochs() != epoch {
			t.Errorf("Epochs = %d, want %d", b.Epochs(), epoch)
		}
	}
}

func TestBatcherSequential(t *testing.T) {
	b := NewBatcher(5, 2, KeepLast, nil)
	var got [][]int
	for range 4 {
		got = append(got, slices.Clone(b.Next()))
	}
	want := [][]int{{0, 1}, {2, 3}, {4}, {0, 1}}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Fatalf("batches %v, want %v", got, want)
		}
	}
}

func TestBatcherPanics(t *testing.T) {
	for _, c := range []struct{ n, size int }{{0, 1}, {5, 0}, {3, 4}} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.HasPrefix(r, "data: NewBatcher") {
					t.Errorf("NewBatcher(%d, %d, DropLast): recovered %q", c.n, c.size, r)
				}
			}()
			NewBatcher(c.n, c.size, DropLast, nil)
		}()
	}
}

func TestGatherRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	src := Normal(rng, 20, 6, 1)
	labels := make([]int, 20)
	for i := range labels {
		labels[i] = i * i
	}
	b := NewBatcher(20, 8, KeepLast, rng)
	var dst *mat.Dense
	var lab []int
	for range 7 { // full batches of 8 and partial ones of 4
		idx := b.Next()
		dst = GatherRows(dst, src, idx)
		lab = GatherLabels(lab, labels, idx)
		want := mat.NewDense(len(idx), 6, nil)
		for i, k := range idx {
			for j := 0; j < 6; j++ {
				want.Set(i, j, src.At(k, j))
			}
			if lab[i] != labels[k] {
				t.Errorf("label %d = %d, want %d", i, lab[i], labels[k])
			}
		}
		if !mat.Equal(dst, want) || len(lab) != len(idx) {
			t.Fatalf("GatherRows(%v) differs from the rows copied one by one", idx)
		}
	}
	// After the first full batch a loop allocates nothing.
	dst = GatherRows(nil, src, b.Next())
	allocs := testing.AllocsPerRun(50, func() {
		idx := b.Next()
		dst = GatherRows(dst, src, idx)
		lab = GatherLabels(lab, labels, idx)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per batch", allocs)
	}
}

func TestGatherRowsPanics(t *testing.T) {
	defer func() {
		if r, _ := recover().(string); r != "data: GatherRows: index 3 out of range [0, 3)" {
			t.Errorf("recovered %q", r)
		}
	}()
	GatherRows(nil, mat.NewDense(3, 2, nil), []int{0, 3})
}

func TestOneHot(t *testing.T) {
	labels := []int{2, 0, 1, 2}
	m := OneHot(nil, labels, 3)
	want := mat.NewDense(4, 3, []float64{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1})
	if !mat.Equal(m, want) {
		t.Errorf("OneHot = %v", mat.Formatted(m))
	}
	// Reused with fewer rows: no stale ones.
	m = OneHot(m, []int{1}, 3)
	if !mat.Equal(m, mat.NewDense(1, 3, []float64{0, 1, 0})) {
		t.Errorf("reused OneHot = %v", mat.Formatted(m))
	}
	defer func() {
		if r, _ := recover().(string); !strings.Contains(r, "label 3 of sample 0 out of range [0, 3)") {
			t.Errorf("recovered %q", r)
		}
	}()
	OneHot(nil, []int{3}, 3)
}

func TestCenter(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := Normal(rng, 50, 4, 2)
	y := mat.DenseCopyOf(x)
	mu := Center(x, nil)
	for j := 0; j < 4; j++ {
		s := 0.0
		for i := 0; i < 50; i++ {
			s += x.At(i, j)
			if d := y.At(i, j) - mu[j] - x.At(i, j); d != 0 {
				t.Fatalf("x - μ wrong at %d,%d", i, j)
			}
		}
		if s/50 > 1e-14 || s/50 < -1e-14 {
			t.Errorf("column %d mean %v after centring", j, s/50)
		}
	}
	Center(y, mu) // with a given mean: the same result
	if !mat.Equal(x, y) {
		t.Errorf("Center with the returned mean differs")
	}
}

package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sumSquares is the sum in order up to rounding, and NaN or +Inf exactly
// when that is, for every length around the unrolling of its loop.
func TestSumSquares(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for n := 0; n <= 41; n++ {
		x := randVec(rng, n, 1)
		var want float64
		for _, v := range x {
			want += v * v
		}
		// Both sums of n ≤ 41 non-negative terms are within n·ε of the
		// exact one.
		if got := sumSquares(x); math.Abs(got-want) > 2*float64(n)*0x1p-52*want {
			t.Errorf("n = %d: sumSquares = %v, in order %v", n, got, want)
		}
		if n == 0 {
			continue
		}
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e200} {
			y := append([]float64(nil), x...)
			y[rng.IntN(n)] = bad
			got := sumSquares(y)
			switch {
			case math.IsNaN(bad) && !math.IsNaN(got):
				t.Errorf("n = %d: sumSquares with a NaN = %v", n, got)
			case !math.IsNaN(bad) && !math.IsInf(got, 1):
				t.Errorf("n = %d: sumSquares with %v = %v, want +Inf", n, bad, got)
			}
		}
	}
}

// checkFiniteOnly, whose vector scan only says whether a block is all
// finite, names the first non-finite entry of the gradient, ±Inf or NaN, at
// every position of every length around the scan's blocks of 8.
func TestCheckFiniteOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for n := range 42 {
		g := randVec(rng, n, 1)
		if err := checkFiniteOnly(0, 0, 1, g); err != nil {
			t.Fatalf("n = %d, all finite: %v", n, err)
		}
		for i := range n {
			for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0xfff8000000000001)} {
				h := append([]float64(nil), g...)
				h[i] = bad
				if i+3 < n {
					h[i+3] = math.NaN() // a later one is not reported
				}
				err := checkFiniteOnly(4, 0.5, 1, h)
				e, ok := err.(*NonFiniteError)
				if !ok || e.Index != i || e.What != "gradient" || e.Step != 4 || math.Float64bits(e.Value) != math.Float64bits(bad) {
					t.Errorf("n = %d, %v at %d: %v", n, bad, i, err)
				}
			}
		}
	}
	g := randVec(rng, 55050, 0.01)
	g[55049] = math.MaxFloat64 // finite
	if err := checkFiniteOnly(0, 0, 1, g); err != nil {
		t.Errorf("largest finite value: %v", err)
	}
}

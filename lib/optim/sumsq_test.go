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

package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relu²'s vector loops (ad.Func.Vec and DVec, which ad.Map uses in place of
// F and D) give F's and D's bits at every entry: both branches, ±0, the
// infinities, NaN, subnormals and random values over many scales.
func TestReLU2VecMatchesScalar(t *testing.T) {
	x := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(),
		5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, 1e-160, -1e-160}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		x = append(x, rng.NormFloat64()*math.Exp(10*rng.NormFloat64()))
	}
	y, d := make([]float64, len(x)), make([]float64, len(x))
	relu2Func.Vec(y, x)
	relu2Func.DVec(d, x)
	for i, v := range x {
		if f := relu2Func.F(v); math.Float64bits(y[i]) != math.Float64bits(f) {
			t.Errorf("σ(%v): Vec %v, F %v", v, y[i], f)
		}
		if g := relu2Func.D(v); math.Float64bits(d[i]) != math.Float64bits(g) {
			t.Errorf("σ′(%v): DVec %v, D %v", v, d[i], g)
		}
	}
}

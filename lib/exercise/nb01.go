package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// CubePi checks exercise 01.1. The activation σ(x) = x³ (nn.Pow(3, 1)) is
// equivariant under every invertible diagonal g = diag(s), negative entries
// included. The exercise asks for π(g): a function from the diagonal s of g
// to the diagonal of π(g), with σ(gz) = π(g)σ(z) for every z. It is tested
// with sym.Equivariance on 200 random z ∈ R⁴ for ten random s, first with
// positive entries, then with entries of both signs.
func CubePi(pi func(s []float64) []float64) Verdict {
	const id = "01.1"
	if pi == nil {
		return Open(id)
	}
	const h = 4
	rng := newRand(11)
	Z := data.Normal(rng, h, 200, 1)
	cube := nn.Pow(3, 1)
	for trial := range 10 {
		s := make([]float64, h)
		for j := range s {
			s[j] = uniform(rng, 0.3, 3)
			if trial >= 5 && rng.IntN(2) == 0 {
				s[j] = -s[j]
			}
		}
		var p []float64
		if err := Safely(func() { p = pi(append([]float64(nil), s...)) }); err != nil {
			return Fail(id, "%v", err)
		}
		if len(p) != h {
			return Fail(id, "π(g) has %d diagonal entries for g with %d: one per hidden unit", len(p), h)
		}
		if vecRelDiff(p, p) != 0 { // a NaN or an infinity
			return Fail(id, "π(g) holds a NaN or an infinity for an invertible g")
		}
		// σ(gZ) and πσ(Z) are each a cube and a product: rounding is about
		// 1e-16 relative; a wrong π fails at order one.
		if e := sym.Equivariance(cube, mat.NewDiagDense(h, s), mat.NewDiagDense(h, p), Z); !(e <= 1e-12) {
			if trial >= 5 {
				return Fail(id, "right for positive scalings, wrong when an entry of g is negative (σ(gZ) − πσ(Z) is %.0f%% of σ(gZ)). Is x³ even or odd?", 100*e)
			}
			if vecRelDiff(p, s) < 1e-12 {
				return Fail(id, "π(g) = g is the answer for ReLU, 1-homogeneous; compare σ(c x) with σ(x) for x³.")
			}
			return Fail(id, "σ(gZ) differs from π(g)σ(Z) by %.0f%% of its size: compare σ(c x) with σ(x) for one unit.", 100*e)
		}
	}
	return Pass(id, "σ(gZ) = π(g)σ(Z) to rounding for ten random diagonal g, five with negative entries")
}

// OrbitDimension checks exercise 01.2: the dimension of the GL(8) orbit
// of a linear network with m = 4 outputs, h = 8 hidden units and n = 6
// inputs at a generic point, where U (4×8) and V (8×6) have full rank.
// The check measures it with sym.OrbitDim on random U and V.
func OrbitDimension(dim float64) Verdict {
	const id = "01.2"
	if math.IsNaN(dim) {
		return Open(id)
	}
	rng := newRand(12)
	U, V := data.Normal(rng, 4, 8, 1), data.Normal(rng, 8, 6, 1)
	want := float64(sym.OrbitDim(sym.GLBasis(8), U, V))
	// A count: only the exact integer is right.
	if dim != math.Round(dim) {
		return Fail(id, "a dimension is a whole number")
	}
	return Number(id, dim, want, 1e-12,
		"Not every generator T moves this point: count those with U T = 0 and T V = 0 (the stabiliser) and subtract.")
}

// BiasRescale checks exercise 01.3: the rescaling symmetry of a ReLU
// network with a hidden bias, f(x) = U relu(V x + b). The exercise asks
// for the action of diag(c), c > 0, on (U, V, b). It is compared with
// sym.DeepRescale on random networks and scales.
func BiasRescale(act func(c []float64, U, V *mat.Dense, b []float64) (*mat.Dense, *mat.Dense, []float64)) Verdict {
	const id = "01.3"
	if act == nil {
		return Open(id)
	}
	const m, h, n = 3, 5, 4
	rng := newRand(13)
	for range 5 {
		U, V := data.Normal(rng, m, h, 1), data.Normal(rng, h, n, 1)
		b := make([]float64, h)
		c := make([]float64, h)
		for j := range h {
			b[j] = rng.NormFloat64()
			c[j] = uniform(rng, 0.2, 5)
		}
		W, B := sym.DeepRescale(0, 1, c, []*mat.Dense{V, U}, []*mat.VecDense{mat.NewVecDense(h, append([]float64(nil), b...)), mat.NewVecDense(m, nil)})
		var U2, V2 *mat.Dense
		var b2 []float64
		err := Safely(func() {
			U2, V2, b2 = act(append([]float64(nil), c...), mat.DenseCopyOf(U), mat.DenseCopyOf(V), append([]float64(nil), b...))
		})
		if err != nil {
			return Fail(id, "%v", err)
		}
		// The action is a product per entry: exact to rounding.
		switch {
		case matRelDiff(V2, W[0]) > 1e-12 || matRelDiff(U2, W[1]) > 1e-12:
			return Fail(id, "U or V is not rescaled as without a bias: the bias does not change how the weights move.")
		case vecRelDiff(b2, b) < 1e-12:
			return Fail(id, "with b left in place the function changes: look at which term the bias adds to the pre-activation V x, and what happens to V x.")
		case vecRelDiff(b2, B[0].RawVector().Data) > 1e-12:
			return Fail(id, "the bias moves, but not in step with V x: relu passes a positive factor through only if the whole pre-activation carries it.")
		}
	}
	return Pass(id, "the action agrees with sym.DeepRescale on five random networks and scales")
}

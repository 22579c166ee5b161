package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/sym"
)

// BalancedScale checks exercise 03.1: a function s(U, V) giving the point
// of the orbit g(s) = e^{s}I of a linear network, (e^{−s}U, e^{s}V), at
// which Tr Q = ‖U‖² − ‖V‖² vanishes, the balanced point. It is compared on
// random networks of random scales with the s at which
// conserved.ScaleForQ puts Tr Q = 0.
func BalancedScale(s func(U, V *mat.Dense) float64) Verdict {
	const id = "03.1"
	if s == nil {
		return Open(id)
	}
	rng := newRand(31)
	for range 10 {
		U := data.Normal(rng, 5, 3, uniform(rng, 0.2, 3))
		V := data.Normal(rng, 3, 10, uniform(rng, 0.2, 3))
		uu, vv := mat.Norm(U, 2), mat.Norm(V, 2)
		want := math.Log(conserved.ScaleForQ(0, uu*uu, vv*vv))
		var got float64
		if err := Safely(func() { got = s(mat.DenseCopyOf(U), mat.DenseCopyOf(V)) }); err != nil {
			return Fail(id, "%v", err)
		}
		// A closed form: rounding only, a few ulps of s or of 1.
		if math.Abs(got-want) <= 1e-9*(1+math.Abs(want)) {
			continue
		}
		if math.IsNaN(got) || math.IsInf(got, 0) {
			return Fail(id, "s is NaN or infinite for a network with nonzero U and V")
		}
		trQ := func(s float64) float64 {
			var g mat.Dense
			g.Scale(math.Exp(s), sym.Identity(3))
			gU, gV := sym.GL(&g, U, V)
			return mat.Trace(conserved.Matrix(nil, gU, gV))
		}
		t0, t := trQ(0), trQ(got)
		switch {
		case math.Abs(t) > math.Abs(t0):
			return Fail(id, "at your s, |Tr Q| is larger than at s = 0: you move along the orbit the wrong way.")
		case math.Signbit(t) == math.Signbit(t0):
			return Fail(id, "at your s, Tr Q has shrunk but not reached zero: not far enough. How fast do ‖e^{−s}U‖² and ‖e^{s}V‖² change with s?")
		default:
			return Fail(id, "at your s, Tr Q has changed sign: too far. How fast do ‖e^{−s}U‖² and ‖e^{s}V‖² change with s?")
		}
	}
	return Pass(id, "your s balances ten random networks of different scales")
}

// PredictEnd checks exercise 03.2: for the linear network with one hidden
// unit, f(X) = u vᵀX, the end of gradient flow from a start with conserved
// quantity Q₀ = ‖u‖² − ‖v‖² = q, predicted from another run's end point
// (u, v) as the point (u/c, c·v), c > 0, of its orbit with Q = q. It is
// compared with conserved.MoveToQ on random u ∈ R⁵, v ∈ R¹⁰ and q.
func PredictEnd(predict func(u, v []float64, q float64) ([]float64, []float64)) Verdict {
	const id = "03.2"
	if predict == nil {
		return Open(id)
	}
	rng := newRand(32)
	for range 10 {
		U, V := data.Normal(rng, 5, 1, uniform(rng, 0.3, 2)), data.Normal(rng, 1, 10, uniform(rng, 0.3, 2))
		q := uniform(rng, -5, 5)
		wU, wV, err := conserved.MoveToQ(mat.NewSymDense(1, []float64{q}), U, V)
		mustLib("PredictEnd", err)
		var u2, v2 []float64
		if err := Safely(func() { u2, v2 = predict(mat.Col(nil, 0, U), mat.Row(nil, 0, V), q) }); err != nil {
			return Fail(id, "%v", err)
		}
		if len(u2) != 5 || len(v2) != 10 {
			return Fail(id, "the prediction has %d and %d entries; u has 5 and v 10", len(u2), len(v2))
		}
		// MoveToQ meets the target to 1e-12 of ‖P‖; the closed form is exact
		// to rounding: 1e-9 separates right from wrong with a wide margin.
		if vecRelDiff(u2, mat.Col(nil, 0, wU)) <= 1e-9 && vecRelDiff(v2, mat.Row(nil, 0, wV)) <= 1e-9 {
			continue
		}
		gotU, gotV := mat.NewDense(5, 1, u2), mat.NewDense(1, 10, v2)
		var before, after mat.Dense
		before.Mul(U, V)
		after.Mul(gotU, gotV)
		switch Q := mat.Trace(conserved.Matrix(nil, gotU, gotV)); {
		case matRelDiff(&after, &before) > 1e-9:
			return Fail(id, "your point is not on the orbit: the function u vᵀ changed. The flow ends on the valley the other run found.")
		case !Close(Q, q, 1e-9):
			return Fail(id, "your point computes the same function but its Q is not q: which of u, v must shrink for Q to grow?")
		default:
			return Fail(id, "your point has the same function and Q = q, but it is on the other branch (c < 0), which the continuous orbit does not reach.")
		}
	}
	return Pass(id, "your prediction is the orbit point with Q = q for ten random end points and targets")
}

package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/zhao2023"
)

// SoftplusConserved checks exercise 02.1: the conserved quantity Q(U, V) of
// a two-layer network f(X) = U softplus(V X) with whitened input X = I,
// softplus(x) = log(1 + eˣ) (nn.Softplus), whose σ/σ′ has no elementary
// integral. Any Q′ = a·Q + b with a ≠ 0 is as conserved as Q, so the
// answer is compared with conserved.Elementwise(conserved.RatioQuad(σ, σ′,
// 0), U, V) up to such a factor and constant, on 16 random networks (U 3×4,
// V 4×5, entries N(0, 1)).
func SoftplusConserved(q func(U, V *mat.Dense) float64) Verdict {
	const id = "02.1"
	if q == nil {
		return Open(id)
	}
	rng := newRand(21)
	F := conserved.RatioQuad(nn.Softplus.F, nn.Softplus.D, 0)
	const k = 16
	Us, Vs := make([]*mat.Dense, k), make([]*mat.Dense, k)
	got, want := make([]float64, k), make([]float64, k)
	// Half the samples share V and differ in U only, so that a wrong answer
	// can be told whether its U part or its V part is wrong.
	V0 := data.Normal(rng, 4, 5, 1)
	for i := range k {
		Us[i] = data.Normal(rng, 3, 4, 1)
		Vs[i] = V0
		if i >= k/2 {
			Vs[i] = data.Normal(rng, 4, 5, 1)
		}
		want[i] = conserved.Elementwise(F, Us[i], Vs[i])
		if err := Safely(func() { got[i] = q(mat.DenseCopyOf(Us[i]), mat.DenseCopyOf(Vs[i])) }); err != nil {
			return Fail(id, "%v", err)
		}
	}
	// The reference is exact to about 1e-15 (20-node Gauss–Legendre panels);
	// 1e-6 of the spread admits any careful numerical integral of σ/σ′ and
	// rejects a wrong integrand, which is off at order one.
	const tol = 1e-6
	a, _, resid := Affine(got, want)
	switch {
	case math.IsInf(resid, 1):
		return Fail(id, "Q is NaN or infinite on some network")
	case a == 0 || math.Abs(a) < 1e-9:
		return Fail(id, "your Q does not change with the weights: a constant is conserved by every dynamics and says nothing.")
	case resid <= tol:
		return Pass(id, "your Q is the conserved quantity up to a factor and a constant, on 16 random networks")
	}
	if _, _, r := Affine(got[:k/2], want[:k/2]); r > tol {
		return Fail(id, "wrong already when only U changes: the U part of Q comes from the infinitesimal rescaling of U, as in the notebook's table.")
	}
	return Fail(id, "the U part is right, the V part is not: it is a sum over the entries of V of F(V_aj), with F′ = σ/σ′ and σ = softplus. Check F′ numerically at a few points.")
}

// StepChange checks exercise 02.2: the largest entry, in absolute value, of
// Q₁ − Q₀ after one step of gradient descent with η = 0.05 from the initial
// point of the linear Fig. 3 network (zhao2023.Fig3Network(nn.Linear, 1)),
// Q = UᵀU − VVᵀ. The check computes it by the exact law
// conserved.MatrixStep.
func StepChange(maxEntry float64) Verdict {
	const id = "02.2"
	if math.IsNaN(maxEntry) {
		return Open(id)
	}
	net, p, obj := zhao2023.Fig3Network(nn.Linear, 1)
	g := p.NewLike()
	obj.Func(p.Vec(), g.Vec())
	GU, GV := net.UV(g)
	d := conserved.MatrixStep(nil, GU, GV, 0.05)
	want := math.Max(mat.Max(d), -mat.Min(d))
	// The notebook prints the η = 0.1 change with three significant digits
	// (%.2e, rounding error ≤ 5e-3 relative): an answer scaled from it is
	// right, so the tolerance is 6e-3; a first-order scaling is off by 2.
	return Number(id, maxEntry, want, 6e-3,
		"The first-order terms of the step cancel: how does what is left depend on η?")
}

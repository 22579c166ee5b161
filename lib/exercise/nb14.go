package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// ChargeStep checks exercise 14.1: write the charge after one step of SGD
// with weight decay, θ' = (1 − ηγ)θ − ηĝ, from the charge C before it, the
// learning rate η, the decay γ and q = ĝᵀAĝ: the exact discrete Noether law.
//
// The function is compared with noise.NextCharge on 200 random steps (a
// rescaling symmetry on R⁶, random C, η ∈ (0.01, 0.5), γ ∈ (0.05, 1) and
// normal ĝ). Both evaluate the same three-term expression, so they
// agree to rounding, relative to |C| + η²|q|: tolerance 1e-12.
func ChargeStep(f func(C, eta, gamma, q float64) float64) Verdict {
	const id = "14.1"
	if f == nil {
		return Open(id)
	}
	const d = 6
	A := noise.Rescaling("unit", d, []int{0, 1, 2}, []int{3, 4})
	return OnRandomInputs(id, 200, 14, func(rng *rand.Rand) string {
		g := make([]float64, d)
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		C := 10 * rng.NormFloat64()
		s := noise.SGD{LR: 0.01 + 0.49*rng.Float64(), WeightDecay: 0.05 + 0.95*rng.Float64()}
		q := A.Quad(g, g)
		want := noise.NextCharge(C, A, g, s)
		got := f(C, s.LR, s.WeightDecay, q)
		if !(math.Abs(got-want) <= 1e-12*(math.Abs(C)+s.LR*s.LR*math.Abs(q))) {
			return fmt.Sprintf("for C = %.4g, η = %.4g, γ = %.4g, q = %.4g your C' differs from the exact law. "+
				"Expand θ'ᵀAθ' for θ' = (1 − ηγ)θ − ηĝ term by term, and use that ĝᵀAθ = 0; nothing is neglected, "+
				"not even the terms of order η²γ².", C, s.LR, s.WeightDecay, q)
		}
		return ""
	})
}

// unbalanced14 is notebook 14's point: the Xavier initialisation of the
// 30-40-30 problem moved along the orbit to (2U, V/2), its charge, and the
// per-sample gradients there.
func unbalanced14() ([]float64, *noise.Symmetry, *noise.Gradients, error) {
	prob := ziyin2024.Linear{}
	x, y := prob.Data()
	A := prob.TraceCharge()
	theta := prob.Init(0, nn.XavierNormal, 1)
	A.Exp(theta, math.Ln2, theta)
	g, err := noise.PerSample(prob.Net(), theta, x, y, nn.MSE)
	return theta, A, g, err
}

// BatchDrift checks exercise 14.2: from notebook 14's point (the Xavier
// initialisation moved to (2U, V/2)), what is the expected change of C =
// ‖U‖² − ‖V‖² over one SGD step with η = 0.05, no weight decay, and batches
// of 4 samples drawn with replacement?
//
// The check computes it with noise.PerSample and noise.ExpectedStep, as the
// student is meant to. The value is a sum over 1000 samples of products of
// gradients, computed in a fixed order: tolerance 1e-9 relative, far above
// rounding and far below the change a factor of the batch size makes.
func BatchDrift(got float64) Verdict {
	const id = "14.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	theta, A, g, err := unbalanced14()
	mustLib("BatchDrift", err)
	d, err := noise.ExpectedStep(A, theta, g, noise.SGD{LR: 0.05, BatchSize: 4, Replace: true})
	mustLib("BatchDrift", err)
	return Number(id, got, d.Total, 1e-9,
		"The expected step has a mean-gradient term, which does not depend on the batch, and a noise term "+
			"proportional to c, which does: c = 1/S for batches drawn with replacement.")
}

// CircleGrowth checks exercise 14.3: on notebook 14's scale-invariant loss
// in the plane (ziyin2024.Circle's 100 inputs), SGD with one sample per step
// starts at the minimising direction with ‖θ‖² = 1. Predict the expected
// ‖θ‖² after k = 100 000 steps at η = 0.05 from the √k law.
//
// The check takes T = ‖θ‖² Tr Σ at the minimising direction from
// ziyin2024.Circle (which computes it from the inputs alone) and evaluates
// the law √(‖θ₀‖⁴ + 2η²cTk) with c = 1 (one sample per step, shuffled
// epochs). Tolerance 1e-3 relative: a T copied with four significant digits
// moves the answer by about 1e-4, a wrong power of η by a factor of 4 or more.
func CircleGrowth(got float64) Verdict {
	const id = "14.3"
	if math.IsNaN(got) {
		return Open(id)
	}
	r, err := ziyin2024.Circle(ziyin2024.CircleSettings{Steps: 1})
	mustLib("CircleGrowth", err)
	const eta, k = 0.05, 100000
	c := noise.SGD{LR: eta, BatchSize: 1}.Factor(r.Settings.Samples)
	want := math.Sqrt(1 + 2*eta*eta*c*r.TraceAtMin*k)
	return Number(id, got, want, 1e-3,
		"Each step adds η²‖ĝ‖² to ‖θ‖², and E‖ĝ‖² = T/‖θ‖² near the minimum: integrate d‖θ‖²/dk = η²cT/‖θ‖² "+
			"(the learning rate enters squared).")
}

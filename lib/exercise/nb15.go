package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// DecayEquilibrium checks exercise 15.1: on the orbit of notebook 15's
// point (the Xavier initialisation of the 30-40-30 problem, symmetry (e^λ U,
// e^{−λ} V)), where is the noise equilibrium λ* of SGD with η = 0.05, one
// sample per step and weight decay γ = 0.01?
//
// The check computes it with noise.NewOrbit and Orbit.Equilibrium, whose
// bisection runs to the last bit of λ*: tolerance 1e-6 relative, for an
// answer copied with seven significant digits.
func DecayEquilibrium(got float64) Verdict {
	const id = "15.1"
	if math.IsNaN(got) {
		return Open(id)
	}
	prob := ziyin2024.Linear{}
	x, y := prob.Data()
	theta := prob.Init(0, nn.XavierNormal, 1)
	g, err := noise.PerSample(prob.Net(), theta, x, y, nn.MSE)
	mustLib("DecayEquilibrium", err)
	orbit, err := noise.NewOrbit(prob.TraceCharge(), theta, g, noise.SGD{LR: 0.05, BatchSize: 1, WeightDecay: 0.01})
	mustLib("DecayEquilibrium", err)
	eq, err := orbit.Equilibrium()
	mustLib("DecayEquilibrium", err)
	return Number(id, got, eq.Lambda, 1e-6,
		"Weight decay adds −kC to the expected step, k = 1 − (1 − ηγ)²: the equilibrium moves to where the noise "+
			"balances the decay, not to where it vanishes. Build the orbit with the decay in noise.SGD.")
}

// AnisotropicBalance checks exercise 15.2: for the anisotropic data of
// notebook 15's Fig. 3 at φₓ = 0.3 (Σₓ = diag(0.3 I, 1.7 I)), what is the
// ratio ‖V*‖²/‖U*‖² of the noise equilibrium on the orbit of UV = I?
//
// The check solves the balance V Γ_V Vᵀ = Uᵀ Γ_U U on that orbit with
// noise.Balance.Equilibrate for the population covariances Γ_V ∝ Σₓ and
// Γ_U ∝ I (d = 10; the ratio does not depend on d or on the common factor):
// a closed form evaluated through one SVD, tolerance 1e-9 relative.
func AnisotropicBalance(got float64) Verdict {
	const id = "15.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	const d, phi = 10, 0.3
	gv, gu := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
	eye := mat.NewDense(d, d, nil)
	for i := range d {
		v := phi
		if i >= d/2 {
			v = 2 - phi
		}
		gv.SetSym(i, i, v)
		gu.SetSym(i, i, 1)
		eye.Set(i, i, 1)
	}
	b := noise.Balance{GammaV: gv, GammaU: gu}
	U, V, err := b.Equilibrate(eye, eye)
	mustLib("AnisotropicBalance", err)
	nu, nv := mat.Norm(U, 2), mat.Norm(V, 2)
	return Number(id, got, nv*nv/(nu*nu), 1e-9,
		"At the equilibrium V* = Σₓ^{−1/4} and U* = Σₓ^{1/4}: compute both squared norms (traces of powers of Σₓ) "+
			"and mind which one is on top.")
}

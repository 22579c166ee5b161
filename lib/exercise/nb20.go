package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/repro/kunin2021"
)

// DecayFactor checks exercise 20.1: the factor by which one step of gradient
// descent with learning rate η = 0.05 and weight decay γ = 0.05 multiplies
// a unit's rescale charge, leaving out the η² gradient term. The check
// computes it with conserved.NextCharge on a zero gradient.
func DecayFactor(answer float64) Verdict {
	const id = "20.1"
	if math.IsNaN(answer) {
		return Open(id)
	}
	A := mat.NewSymDense(1, []float64{1})
	want := conserved.NextCharge(1, A, []float64{0}, 0.05, 0.05)
	// The factor is exact in float64; 1e-9 separates it from e^{−2ηγ},
	// which differs by about 1.6e-6.
	switch {
	case exercise20Close(answer, want):
		return Pass(id, "the exact one-step factor, as conserved.NextCharge computes it")
	case exercise20Close(answer, math.Exp(-2*0.05*0.05)):
		return Fail(id, "that is the continuous-time factor over one step. The discrete update multiplies θ by a constant: what does that do to a quadratic form?")
	case exercise20Close(answer, 1-0.05*0.05):
		return Fail(id, "that is the factor of θ; the charge is quadratic in θ.")
	default:
		return Number(id, answer, want, 1e-9, "The update without the gradient is θ' = (1 − ηγ)θ.")
	}
}

func exercise20Close(a, b float64) bool { return Close(a, b, 1e-9) }

// OscillationThreshold checks exercise 20.2: the smallest product ηγ above
// which the charge under momentum β = 0.99 oscillates, that is 4mκ > 1 for
// the mass and stiffness of kunin2021.Oscillator. The check finds it by
// bisection on kunin2021.Oscillator.
func OscillationThreshold(answer float64) Verdict {
	const id = "20.2"
	if math.IsNaN(answer) {
		return Open(id)
	}
	const beta = 0.99
	f := func(eg float64) float64 { m, k := kunin2021.Oscillator(1, eg, beta); return 4*m*k - 1 }
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	// m κ depends on η and γ only through ηγ; the bisection is exact to
	// rounding, and 1e-6 accepts any exact closed form.
	return Number(id, answer, (lo+hi)/2, 1e-6, "m = η(1+β)/(2(1−β)) and κ = 2γ/(1−β): solve 4mκ = 1 for ηγ.")
}

package exercise

import (
	"math"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
)

// LinearBand checks exercise 04.1: the mean and variance of the linear
// form Q = ‖U‖² − ‖V‖² when U (m×h) and V (h×n) have independent entries
// U_ij ~ N(0, sdU²) and V_ij ~ N(0, sdV²), as a function of the shapes and
// the two standard deviations. It is compared with conserved.InitMoments
// on random shapes and deviations.
func LinearBand(moments func(m, h, n int, sdU, sdV float64) (mean, variance float64)) Verdict {
	const id = "04.1"
	if moments == nil {
		return Open(id)
	}
	rng := newRand(41)
	for range 20 {
		m, h, n := 1+rng.IntN(200), 1+rng.IntN(200), 1+rng.IntN(200)
		sdU, sdV := uniform(rng, 0.01, 2), uniform(rng, 0.01, 2)
		wantMean, wantVar := conserved.InitMoments(nn.Linear, m, h, n, sdU, sdV)
		var mean, variance float64
		if err := Safely(func() { mean, variance = moments(m, h, n, sdU, sdV) }); err != nil {
			return Fail(id, "%v", err)
		}
		// Closed forms, a few operations each: rounding only.
		if !Close(mean, wantMean, 1e-9) {
			return Fail(id, "the mean is wrong at (m, h, n) = (%d, %d, %d), sdU = %.3g, sdV = %.3g: count the entries of U and of V, and what each contributes on average.", m, h, n, sdU, sdV)
		}
		if !Close(variance, wantVar, 1e-9) {
			if Close(variance, wantVar/2, 1e-9) {
				return Fail(id, "the variance is off by a factor 2: what is the variance of the square of one N(0, s²) entry?")
			}
			return Fail(id, "the mean is right, the variance is not, at (m, h, n) = (%d, %d, %d), sdU = %.3g, sdV = %.3g: the two norms are independent sums of squared Gaussians.", m, h, n, sdU, sdV)
		}
	}
	return Pass(id, "mean and variance agree with the closed forms on 20 random shapes and deviations")
}

// HeReLUSpread checks exercise 04.2: the standard deviation of the official
// ReLU form Q = ‖U‖² − ‖relu(V)‖² at (m, h, n) = (100, 100, 100) when U
// keeps the paper's N(0, 1/h) and V is drawn with He's variance 2/n,
// in closed form. The check computes it with conserved.InitMoments.
func HeReLUSpread(sd float64) Verdict {
	const id = "04.2"
	if math.IsNaN(sd) {
		return Open(id)
	}
	_, variance := conserved.InitMoments(nn.ReLU, 100, 100, 100, 1/math.Sqrt(100), math.Sqrt(2.0/100))
	// A closed form: 1e-6 admits any rounding of a careful answer, and
	// rejects an estimate from 1000 sampled draws (off by about 2%).
	return Number(id, sd, math.Sqrt(variance), 1e-6,
		"Only the positive entries of V count, each with the fourth moment of a Gaussian; a sampled estimate is not precise enough, work it out in closed form.")
}

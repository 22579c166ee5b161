package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/zhao2023"
)

// BranchFlip checks exercise 00.1. The orbit (u/c, c·v), c > 0, of the
// scalar network f(x) = u·v·x never changes the sign of u, so from the
// minimum (2, 1/2) it cannot reach (−2, −1/2), which computes the same
// function. The exercise asks for a map (u, v) ↦ (u′, v′) that keeps the
// function for every (u, v) and moves every point to the other branch: u′
// of the opposite sign to u. It is tested on random points, with the
// function computed by nn.Predict on random inputs x.
func BranchFlip(flip func(u, v float64) (float64, float64)) Verdict {
	const id = "00.1"
	if flip == nil {
		return Open(id)
	}
	rng := newRand(1)
	net := nn.TwoLayer{In: 1, Hidden: 1, Out: 1, Act: nn.Linear}
	x := mat.NewDense(1, 5, nil)
	for j := range 5 {
		x.Set(0, j, rng.NormFloat64())
	}
	predict := func(u, v float64) *mat.Dense {
		p := net.Params()
		p.M("U").Set(0, 0, u)
		p.M("V").Set(0, 0, v)
		return nn.Predict(net, p, x)
	}
	for range 20 {
		u, v := uniform(rng, 0.2, 3), uniform(rng, 0.2, 3)
		if rng.IntN(2) == 0 {
			u = -u
		}
		if rng.IntN(2) == 0 {
			v = -v
		}
		var u2, v2 float64
		if err := Safely(func() { u2, v2 = flip(u, v) }); err != nil {
			return Fail(id, "%v", err)
		}
		// The same function up to rounding: one product and one
		// multiplication per output, so a relative 1e-12 is generous.
		if d := matRelDiff(predict(u2, v2), predict(u, v)); !(d <= 1e-12) {
			return Fail(id, "at (u, v) = (%.3g, %.3g) the function changes (relative %.1e): the map must keep the product u·v. Look at what the group acting in the notebook keeps.", u, v, d)
		}
		if math.Signbit(u2) == math.Signbit(u) {
			return Fail(id, "at (u, v) = (%.3g, %.3g) the image stays on the same branch (u′ has the sign of u): the point must end on the other branch, where every c > 0 of the orbit fails to go.", u, v)
		}
	}
	return Pass(id, "on 20 random points the map keeps the function and changes branch: a discrete symmetry beside the continuous one")
}

// WelcomeDrift checks exercise 00.2: the relative drift ‖Q(t) − Q(0)‖/‖Q(0)‖
// at t = 100 of gradient descent with η = 0.05 on the tour's network,
// predicted from the two learning rates the notebook ran. The check runs
// zhao2023.Welcome at η = 0.05 (about 0.1 s).
func WelcomeDrift(drift float64) Verdict {
	const id = "00.2"
	if math.IsNaN(drift) {
		return Open(id)
	}
	res, err := zhao2023.Welcome(zhao2023.WelcomeSettings{LRs: []float64{0.05}})
	mustLib("WelcomeDrift", err)
	_, want := res.Final(1)
	// Measured: the drift is proportional to η to 0.15% between η = 0.01 and
	// 0.1 (the prediction from either rate's printed drift lands that close),
	// while the misreadings it must reject (η² scaling, or no scaling) are off
	// by a factor 2 or more: 1% separates them.
	return Number(id, drift, want, 0.01,
		"Each step changes Q by a second-order amount, but reaching t = 100 takes 100/η steps: how does the total scale with η?")
}

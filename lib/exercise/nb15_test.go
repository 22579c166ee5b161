package exercise

import (
	"math"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// notebook15Lambda is the solution of exercise 15.1 for decay gamma.
func notebook15Lambda(t *testing.T, gamma float64) float64 {
	t.Helper()
	prob := ziyin2024.Linear{}
	x, y := prob.Data()
	theta := prob.Init(0, nn.XavierNormal, 1)
	g, err := noise.PerSample(prob.Net(), theta, x, y, nn.MSE)
	if err != nil {
		t.Fatal(err)
	}
	orbit, err := noise.NewOrbit(prob.TraceCharge(), theta, g, noise.SGD{LR: 0.05, BatchSize: 1, WeightDecay: gamma})
	if err != nil {
		t.Fatal(err)
	}
	eq, err := orbit.Equilibrium()
	if err != nil {
		t.Fatal(err)
	}
	return eq.Lambda
}

func TestDecayEquilibrium(t *testing.T) {
	expect12(t, "right", DecayEquilibrium(notebook15Lambda(t, 0.01)), Right)
	expect12(t, "without decay", DecayEquilibrium(notebook15Lambda(t, 0)), Wrong)
	expect12(t, "NaN", DecayEquilibrium(math.NaN()), Unanswered)
}

func TestAnisotropicBalance(t *testing.T) {
	// ‖V*‖²/‖U*‖² = Tr Σₓ^{−1/2} / Tr Σₓ^{1/2} with equal halves φ and 2 − φ.
	const phi = 0.3
	u2 := math.Sqrt(phi) + math.Sqrt(2-phi)
	v2 := 1/math.Sqrt(phi) + 1/math.Sqrt(2-phi)
	expect12(t, "right", AnisotropicBalance(v2/u2), Right)
	expect12(t, "upside down", AnisotropicBalance(u2/v2), Wrong)
	expect12(t, "balanced", AnisotropicBalance(1), Wrong)
	expect12(t, "NaN", AnisotropicBalance(math.NaN()), Unanswered)
}

package exercise

import (
	"math"
	"testing"
)

// answer171 is the solution of exercise 17.1: −kC + η²(1/S)T/C = 0.
func answer171(eta, gamma, T float64, S int) float64 {
	k := 1 - (1-eta*gamma)*(1-eta*gamma)
	return eta * math.Sqrt(T/(k*float64(S)))
}

func TestDecayLevel(t *testing.T) {
	right := answer171
	oneSample := func(eta, gamma, T float64, S int) float64 {
		k := 1 - (1-eta*gamma)*(1-eta*gamma)
		return eta * math.Sqrt(T/k)
	}
	firstOrder := func(eta, gamma, T float64, S int) float64 {
		return eta * math.Sqrt(T/(2*eta*gamma*float64(S)))
	}
	expect12(t, "right", DecayLevel(right), Right)
	expect12(t, "the level of S = 1", DecayLevel(oneSample), Wrong)
	expect12(t, "k ≈ 2ηγ", DecayLevel(firstOrder), Wrong)
	expect12(t, "nil", DecayLevel(nil), Unanswered)
}

func TestScaleInvariantNoise(t *testing.T) {
	// ∇ℓ(cW) = ∇ℓ(W)/c, so the squared norms shrink by c² = 9.
	expect12(t, "right", ScaleInvariantNoise(1.0/9), Right)
	expect12(t, "1/c", ScaleInvariantNoise(1.0/3), Wrong)
	expect12(t, "unchanged", ScaleInvariantNoise(1), Wrong)
	expect12(t, "NaN", ScaleInvariantNoise(math.NaN()), Unanswered)
}

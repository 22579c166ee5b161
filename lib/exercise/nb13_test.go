package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/combin"
)

// answer131 is the solution of exercise 13.1.
func answer131(a, b []float64) float64 {
	var d float64
	for i := range a {
		if (a[i] >= 0) != (b[i] >= 0) { // sign(0) = +1
			d++
		}
	}
	return d / float64(len(a))
}

func TestSignHamming(t *testing.T) {
	right := answer131
	// The typical slip: a product of opposite signs is negative, but a
	// product with a zero weight is zero even when the signs differ.
	byProduct := func(a, b []float64) float64 {
		var d float64
		for i := range a {
			if a[i]*b[i] < 0 {
				d++
			}
		}
		return d / float64(len(a))
	}
	expect12(t, "right", SignHamming(right), Right)
	expect12(t, "a·b < 0", SignHamming(byProduct), Wrong)
	expect12(t, "nil", SignHamming(nil), Unanswered)
}

func TestFlipDisagreement(t *testing.T) {
	// The outputs differ exactly where the unit's pre-activation, a sum of
	// sixteen ±1 terms, is zero: eight +1 and eight −1.
	expect12(t, "right", FlipDisagreement(float64(combin.Binomial(16, 8))/math.Pow(2, 16)), Right)
	expect12(t, "exact symmetry", FlipDisagreement(0), Wrong)
	expect12(t, "half", FlipDisagreement(0.5), Wrong)
	expect12(t, "NaN", FlipDisagreement(math.NaN()), Unanswered)
}

package sym

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Invariance returns the relative change of a loss under an action,
//
//	|L(g·p) − L(p)| / |L(p)|,
//
// or the absolute change |L(g·p)| when L(p) = 0. P is whatever holds the
// parameters (a struct of matrices, a slice of layers, a flat vector); act
// returns the transformed parameters and must not modify its argument. For a
// true symmetry the result is rounding error, about 1e-15 for float64 losses
// of moderate size.
func Invariance[P any](loss func(P) float64, act func(P) P, p P) float64 {
	l0 := loss(p)
	l1 := loss(act(p))
	if l0 == 0 {
		return math.Abs(l1)
	}
	return math.Abs(l1-l0) / math.Abs(l0)
}

// RelDiff returns ‖b − a‖_F / ‖a‖_F, the relative difference of b from the
// reference a (‖b‖_F when a = 0). It compares outputs of a network before and
// after an action, or parameters after two routes through a group law.
func RelDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(b, a)
	na := mat.Norm(a, 2)
	if na == 0 {
		return mat.Norm(&d, 2)
	}
	return mat.Norm(&d, 2) / na
}

package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestBalancedScale(t *testing.T) {
	expect(t, BalancedScale(nil), Unanswered, "not answered")
	// e^{−2s}‖U‖² = e^{2s}‖V‖²  ⇔  s = ¼ ln(‖U‖²/‖V‖²); k scales the answer.
	balance := func(k float64) func(U, V *mat.Dense) float64 {
		return func(U, V *mat.Dense) float64 {
			u, v := mat.Norm(U, 2), mat.Norm(V, 2)
			return k * math.Log(u*u/(v*v)) / 4
		}
	}
	expect(t, BalancedScale(balance(1)), Right, "")
	expect(t, BalancedScale(balance(-1)), Wrong, "wrong way")
	expect(t, BalancedScale(balance(2)), Wrong, "too far")
	expect(t, BalancedScale(balance(0.5)), Wrong, "not far enough")
}

func TestPredictEnd(t *testing.T) {
	expect(t, PredictEnd(nil), Unanswered, "not answered")
	// x = c² solves ‖v‖² x² + q x − ‖u‖² = 0; sign picks the branch, inv
	// swaps the direction of the rescaling.
	predict := func(sign float64, inv bool) func(u, v []float64, q float64) ([]float64, []float64) {
		return func(u, v []float64, q float64) ([]float64, []float64) {
			uu, vv := floats.Dot(u, u), floats.Dot(v, v)
			c := math.Sqrt((-q + math.Sqrt(q*q+4*uu*vv)) / (2 * vv))
			if inv {
				c = 1 / c
			}
			u2, v2 := make([]float64, len(u)), make([]float64, len(v))
			floats.ScaleTo(u2, sign/c, u)
			floats.ScaleTo(v2, sign*c, v)
			return u2, v2
		}
	}
	expect(t, PredictEnd(predict(1, false)), Right, "")
	expect(t, PredictEnd(predict(-1, false)), Wrong, "other branch")
	expect(t, PredictEnd(predict(1, true)), Wrong, "which of u, v must shrink")
	expect(t, PredictEnd(func(u, v []float64, q float64) ([]float64, []float64) { return u, v[:3] }), Wrong, "entries")
}

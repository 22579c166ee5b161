package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/kunin2024"
)

// ImbalanceScale checks exercise 21.1: a hidden unit with output weight
// a = 0.5 and incoming weights w = (0.5, 0) is rescaled, (a/c, c w), to the
// imbalance δ = a²/c² − c²‖w‖² = 1. What is c²?
//
// The check rescales the unit with kunin2024.ToImbalance and reads c off
// the moved weights: closed form, tolerance 1e-12 relative.
func ImbalanceScale(got float64) Verdict {
	const id = "21.1"
	if math.IsNaN(got) {
		return Open(id)
	}
	want := imbalanceScale()
	return Number(id, got, want, 1e-12,
		"Multiply δ = a²/c² − c²‖w‖² by c²: a quadratic in z = c² with one positive root. "+
			"Mind the sign of the linear term, and check your z by putting it back.")
}

func imbalanceScale() float64 {
	U := mat.NewDense(1, 1, []float64{0.5})
	V := mat.NewDense(1, 2, []float64{0.5, 0})
	_, nV := kunin2024.ToImbalance(1, U, V)
	c := nV.At(0, 0) / 0.5
	return c * c
}

// NeuronKernel checks exercise 21.2: the tangent kernel K(x, x') of the
// single linear neuron f(x) = a wᵀx with a = 3, w = (1, 0), at x = (1, 2)
// and x' = (2, 1).
//
// The check evaluates kunin2024.Kernel on the two inputs: a few products of
// small integers, tolerance 1e-12 relative.
func NeuronKernel(got float64) Verdict {
	const id = "21.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	want := neuronKernel()
	return Number(id, got, want, 1e-12,
		"K(x, x′) = ∇_θ f(x) · ∇_θ f(x′) sums over every parameter: the derivative in a gives one term, "+
			"the derivatives in w give another, each with its own factors of a.")
}

func neuronKernel() float64 {
	U := mat.NewDense(1, 1, []float64{3})
	V := mat.NewDense(1, 2, []float64{1, 0})
	X := mat.NewDense(2, 2, []float64{1, 2, 2, 1}) // columns x = (1, 2), x' = (2, 1)
	return kunin2024.Kernel(nn.Linear, U, V, X).At(0, 1)
}

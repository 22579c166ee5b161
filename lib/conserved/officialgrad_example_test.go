package conserved_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
)

// The gradient of the official tanh form is orthogonal to the gradient of the
// loss L = ½‖Y − U tanh(V)‖²_F (whitened input X = I), so gradient flow
// conserves Q; the "+" form used as a normaliser is not conserved.
func ExampleOfficialGrad() {
	U := mat.NewDense(2, 3, []float64{0.5, -1, 0.3, 0.2, 0.7, -0.4})
	V := mat.NewDense(3, 2, []float64{0.1, -0.6, 0.9, 0.2, -0.3, 0.4})
	Y := mat.NewDense(2, 2, []float64{1, -1, 0.5, 2})

	// ∇_U L = −R σ(V)ᵀ and ∇_V L = −(UᵀR) ⊙ σ′(V), with R = Y − Uσ(V).
	S := mat.NewDense(3, 2, nil)
	S.Apply(func(_, _ int, v float64) float64 { return math.Tanh(v) }, V)
	var R, LU, LV mat.Dense
	R.Mul(U, S)
	R.Sub(Y, &R)
	LU.Mul(&R, S.T())
	LU.Scale(-1, &LU)
	LV.Mul(U.T(), &R)
	LV.Apply(func(i, j int, v float64) float64 { s := S.At(i, j); return -v * (1 - s*s) }, &LV)

	gU, gV := conserved.OfficialGrad(nil, nil, nn.Tanh, U, V)
	dot := func(a, b mat.Matrix) float64 { var p mat.Dense; p.MulElem(a, b); return mat.Sum(&p) }
	q := dot(&LU, gU) + dot(&LV, gV)
	plus := dot(&LU, gU) - dot(&LV, gV) // ∇(OfficialPlus) = (∇_U Q, −∇_V Q)
	fmt.Printf("dQ/dt = −⟨∇L, ∇Q⟩ = 0: %v\n", math.Abs(q) < 1e-12)
	fmt.Printf("dD/dt = −⟨∇L, ∇D⟩ = %.4f\n", -plus)
	// Output:
	// dQ/dt = −⟨∇L, ∇Q⟩ = 0: true
	// dD/dt = −⟨∇L, ∇D⟩ = -5.7567
}

package noise_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/noise"
)

// The scalar factorisation ℓ_s(u, w) = ½(uw − y_s)² has the rescaling
// symmetry (e^λu, e^{−λ}w), A = diag(1, −1), charge C = u² − w². One SGD
// step on sample s changes C by exactly η²ĝᵀAĝ.
func ExampleNextCharge() {
	A := noise.Rescaling("(u, w)", 2, []int{0}, []int{1})
	theta := []float64{2, 0.5}
	y := 3.0
	r := theta[0]*theta[1] - y
	g := []float64{r * theta[1], r * theta[0]} // ∇ℓ = (r w, r u)
	s := noise.SGD{LR: 0.1}
	pred := noise.NextCharge(A.Charge(theta), A, g, s)
	next := []float64{theta[0] - s.LR*g[0], theta[1] - s.LR*g[1]}
	fmt.Printf("C = %.4f, C' = %.4f, predicted %.4f, %v\n", A.Charge(theta), A.Charge(next), pred, A.Class())
	// Output:
	// C = 3.7500, C' = 3.6000, predicted 3.6000, class 1
}

// On the orbit (e^λu, e^{−λ}w) the per-sample gradients of the scalar
// factorisation transform as e^{−λA}g, so the expected drift of the charge
// is a sum of exponentials in λ with a single zero: the noise equilibrium.
// With the per-sample residuals r_s the gradients are (r_s w, r_s u), and
// the balance E[(r w)²] = E[(r u)²] puts it at u² = w², C = 0.
func ExampleOrbit_Equilibrium() {
	theta := []float64{2, 0.5} // uw = 1, C = 3.75
	ys := []float64{0.5, 1.5, 0.8, 1.2}
	G := mat.NewDense(len(ys), 2, nil)
	for i, y := range ys {
		r := theta[0]*theta[1] - y
		G.SetRow(i, []float64{r * theta[1], r * theta[0]})
	}
	A := noise.Rescaling("(u, w)", 2, []int{0}, []int{1})
	o, err := noise.NewOrbit(A, theta, noise.FromMatrix(G), noise.SGD{LR: 0.1, BatchSize: 1, Replace: true})
	if err != nil {
		panic(err)
	}
	eq, err := o.Equilibrium()
	if err != nil {
		panic(err)
	}
	fmt.Printf("λ* = %.6f (−ln 2 = %.6f), θ* = (%.4f, %.4f), C* = %.4f\n", eq.Lambda, -math.Ln2, eq.Theta[0], eq.Theta[1], math.Abs(eq.Charge))
	// Output:
	// λ* = -0.693147 (−ln 2 = -0.693147), θ* = (1.0000, 1.0000), C* = 0.0000
}

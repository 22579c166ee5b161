package conserved_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// One gradient-descent step on a linear two-layer net changes Q = UᵀU − VVᵀ by
// exactly η²(G_UᵀG_U − G_VG_Vᵀ): the first-order terms cancel.
func ExampleMatrixStep() {
	U := mat.NewDense(1, 2, []float64{1, 0.5})
	V := mat.NewDense(2, 1, []float64{2, -1})
	// L = ½(UV − y)² with y = 3: ∇ℓ = UV − y = −1.5.
	r := -1.5
	var GU, GV mat.Dense
	GU.Scale(r, V.T())
	GV.Scale(r, U.T())
	const eta = 0.1
	var U2, V2 mat.Dense
	U2.Scale(-eta, &GU)
	U2.Add(&U2, U)
	V2.Scale(-eta, &GV)
	V2.Add(&V2, V)

	var dQ mat.Dense
	dQ.Sub(conserved.Matrix(nil, &U2, &V2), conserved.Matrix(nil, U, V))
	step := conserved.MatrixStep(nil, &GU, &GV, eta)
	fmt.Printf("Q' − Q            = %.6f\n", dQ.RawMatrix().Data)
	fmt.Printf("η²(GᵤᵀGᵤ − GᵥGᵥᵀ) = %.6f\n", mat.DenseCopyOf(step).RawMatrix().Data)
	// Output:
	// Q' − Q            = [0.067500 -0.056250 -0.056250 0.016875]
	// η²(GᵤᵀGᵤ − GᵥGᵥᵀ) = [0.067500 -0.056250 -0.056250 0.016875]
}

// The official scalar forms at initialisation, predicted for the setting of
// the paper's Figs. 4–5: m = h = n = 100, U ~ N(0, 1/h), V ~ N(0, 1/n).
func ExampleInitMoments() {
	const m, h, n = 100, 100, 100
	for _, act := range []nn.Activation{nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid} {
		mean, variance := conserved.InitMoments(act, m, h, n, 1/math.Sqrt(h), 1/math.Sqrt(n))
		fmt.Printf("%-7v Q = %9.2f ± %5.2f\n", act, mean, math.Sqrt(variance))
	}
	// Output:
	// linear  Q =      0.00 ±  2.00
	// relu    Q =     50.00 ±  1.80
	// tanh    Q = -10001.01 ±  2.02
	// sigmoid Q = -10000.13 ± 20.08
}

// Q_j is a coordinate on a ReLU unit's rescaling orbit: ScaleForQ finds the
// point of the orbit with any prescribed value.
func ExampleScaleForQ() {
	U := mat.NewDense(1, 1, []float64{2})
	V := mat.NewDense(1, 2, []float64{1, 1})
	fmt.Printf("Q₀ = %.3f\n", conserved.Neurons(nil, 1, U, V, nil)[0])
	for _, q := range []float64{-5, 0, 5} {
		c := conserved.ScaleForQ(q, 4, 2)
		cU, cV := sym.Rescale([]float64{c}, U, V)
		fmt.Printf("c = %.4f: Q = %.3f, U V = %.3f\n", c, conserved.Neurons(nil, 1, cU, cV, nil)[0], cU.At(0, 0)*cV.At(0, 0))
	}
	// Output:
	// Q₀ = 2.000
	// c = 1.7713: Q = -5.000, U V = 2.000
	// c = 1.1892: Q = 0.000, U V = 2.000
	// c = 0.7984: Q = 5.000, U V = 2.000
}

// SGD with weight decay moves a Noether charge by an exact law: decay shrinks
// it by (1 − ηγ)², the gradient adds η²ĝᵀAĝ.
func ExampleNextCharge() {
	A := sym.RescaleGen(2, []int{0}, []int{1}) // C = a² − b²
	theta := []float64{2, 1}                   // C = 3
	g := []float64{0.5, 1}                     // ĝᵀAθ = 2·0.5 − 1·1 = 0
	const eta, gamma = 0.1, 0.5
	next := []float64{(1-eta*gamma)*theta[0] - eta*g[0], (1-eta*gamma)*theta[1] - eta*g[1]}
	fmt.Printf("predicted %.6f, after the step %.6f\n",
		conserved.NextCharge(conserved.Charge(A, theta), A, g, eta, gamma), conserved.Charge(A, next))
	// Output:
	// predicted 2.700000, after the step 2.700000
}

// The official code's Q for a tanh net is twice the paper's formula, shifted
// by the constant hn.
func ExampleOfficial() {
	U := mat.NewDense(1, 2, []float64{0.3, -0.2})
	V := mat.NewDense(2, 1, []float64{0.1, 0.4})
	official := conserved.Official(nn.Tanh, U, V)
	paper := conserved.Elementwise(conserved.RatioIntegral(nn.Tanh), U, V)
	fmt.Printf("official %.6f = 2·paper − hn = %.6f\n", official, 2*paper-2)
	// Output:
	// official -2.048751 = 2·paper − hn = -2.048751
}

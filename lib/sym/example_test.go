package sym_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/sym"
)

// A linear two-layer net U V X and its image under a random g ∈ GL(h): the
// weights move, the function does not.
func ExampleGL() {
	rnd := rand.New(rand.NewPCG(1, 1))
	U := mat.NewDense(2, 3, []float64{1, 2, 0, -1, 0.5, 1})
	V := mat.NewDense(3, 2, []float64{0.3, 1, -2, 0.5, 1, 1})
	g := sym.SampleGL(rnd, 3, 0.5)

	gU, gV := sym.GL(g, U, V)
	var before, after mat.Dense
	before.Mul(U, V)
	after.Mul(gU, gV)
	fmt.Printf("weights moved by %.2f\n", sym.RelDiff(U, gU))
	fmt.Println("function unchanged to 1e-12:", sym.RelDiff(&before, &after) < 1e-12)
	// Output:
	// weights moved by 0.36
	// function unchanged to 1e-12: true
}

// Rescaling hidden unit j of a ReLU net by c_j > 0: U_{:,j}/c_j and c_j V_{j,:}.
func ExampleRescale() {
	U := mat.NewDense(1, 2, []float64{1, 4})
	V := mat.NewDense(2, 1, []float64{3, 1})
	cU, cV := sym.Rescale([]float64{2, 0.5}, U, V)
	fmt.Println("U:", mat.Formatted(cU))
	fmt.Println("Vᵀ:", mat.Formatted(cV.T()))
	// Output:
	// U: [0.5    8]
	// Vᵀ: [  6  0.5]
}

// Moving along the orbit of an exponential symmetry: the rescaling of hidden
// unit 0 of a 1×2×1 net, θ = (U₀₀, U₀₁, V₀₀, V₁₀), keeps the charge
// C = U₀₀² − V₀₀² fixed while the weights change.
func ExampleGenerator() {
	A := sym.NeuronGen(1, 2, 1, 0)
	g := sym.NewGenerator(A)
	theta := []float64{2, 1, 1, 3}
	for _, lambda := range []float64{0, math.Log(2)} {
		th := g.Apply(nil, lambda, theta)
		fmt.Printf("λ=%.2f θ=%.2f tangent Aθ=%.2f\n", lambda, th, g.Tangent(nil, th))
	}
	// Output:
	// λ=0.00 θ=[2.00 1.00 1.00 3.00] tangent Aθ=[2.00 0.00 -1.00 0.00]
	// λ=0.69 θ=[4.00 1.00 0.50 3.00] tangent Aθ=[4.00 0.00 -0.50 0.00]
}

// Invariance measures the relative loss change under an action: zero up to
// rounding for a symmetry, O(1) otherwise.
func ExampleInvariance() {
	type net struct{ U, V *mat.Dense }
	X := mat.NewDense(2, 3, []float64{1, -1, 0.5, 2, 0, -1})
	loss := func(p net) float64 {
		var H, F mat.Dense
		H.Mul(p.V, X)
		H.Apply(func(_, _ int, v float64) float64 { return math.Max(v, 0) }, &H)
		F.Mul(p.U, &H)
		return mat.Norm(&F, 2)
	}
	p := net{mat.NewDense(1, 2, []float64{1, -1}), mat.NewDense(2, 2, []float64{1, 2, -1, 1})}
	rescale := func(q net) net { U, V := sym.Rescale([]float64{3, 0.2}, q.U, q.V); return net{U, V} }
	flip := func(q net) net { U, V := sym.SignFlip([]float64{-1, 1}, q.U, q.V); return net{U, V} }
	fmt.Printf("rescale: %.1g\nsign flip: %.2f\n", sym.Invariance(loss, rescale, p), sym.Invariance(loss, flip, p))
	// Output:
	// rescale: 0
	// sign flip: 0.35
}

// A Haar-random orthogonal matrix is orthogonal to rounding.
func ExampleSampleOrthogonal() {
	rnd := rand.New(rand.NewPCG(2, 2))
	Q := sym.SampleOrthogonal(rnd, 4)
	var QtQ mat.Dense
	QtQ.Mul(Q.T(), Q)
	var worst float64
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			worst = math.Max(worst, math.Abs(QtQ.At(i, j)-want))
		}
	}
	fmt.Println("QᵀQ = I to 1e-14:", worst < 1e-14)
	// Output:
	// QᵀQ = I to 1e-14: true
}

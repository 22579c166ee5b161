package sym_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// A tanh net has no continuous linear symmetry, but the nonlinear action
// fitted on a batch of k = h inputs leaves the outputs on that batch
// unchanged; new inputs see a change of order ε.
func ExampleNonlinearPi() {
	rnd := rand.New(rand.NewPCG(1, 2))
	randn := func(r, c int, std float64) *mat.Dense {
		a := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				a.Set(i, j, std*rnd.NormFloat64())
			}
		}
		return a
	}
	const m, h, n = 2, 4, 3
	U, V := randn(m, h, 0.5), randn(h, n, 0.6)
	batch, other := randn(n, h, 1), randn(n, 100, 1) // k = h samples, and new ones
	out := func(U, V, X mat.Matrix) *mat.Dense {
		var H, F mat.Dense
		H.Mul(V, X)
		F.Mul(U, nn.Tanh.Eval(nil, &H))
		return &F
	}

	g := sym.SampleGL(rnd, h, 0.01)
	pi := sym.NonlinearPi(nn.Tanh, g, V, batch)
	piU, gV := sym.NonlinearAct(pi, g, U, V)
	fmt.Println("batch unchanged to 1e-12:", sym.RelDiff(out(U, V, batch), out(piU, gV, batch)) < 1e-12)
	fmt.Printf("new samples changed by %.1f%%\n", 100*sym.RelDiff(out(U, V, other), out(piU, gV, other)))
	// Output:
	// batch unchanged to 1e-12: true
	// new samples changed by 0.4%
}

// The exact single-sample action maps z' = σ(gVx) to z = σ(Vx) for vectors
// of any signs, through the spherical frames R(z) R(z')⁻¹.
func ExampleExactPi() {
	V := mat.NewDense(3, 2, []float64{1, 0, 0, 1, -1, -1})
	g := sym.Expm(0.3, mat.NewDense(3, 3, []float64{0, 1, 0, -1, 0, 2, 0, 0, 1}))
	x := []float64{0.5, 0.4} // V x = (0.5, 0.4, −0.9): the last entry negative

	pi := sym.ExactPi(nn.Tanh, g, V, x)
	var Vx, gVx, piz mat.Dense
	Vx.Mul(V, mat.NewDense(2, 1, x))
	gVx.Mul(g, &Vx)
	z, zp := nn.Tanh.Eval(nil, &Vx), nn.Tanh.Eval(nil, &gVx)
	piz.Mul(pi, zp)
	fmt.Printf("z = σ(Vx)        %.4f\n", mat.Formatted(z.T()))
	fmt.Printf("z' = σ(gVx)      %.4f\n", mat.Formatted(zp.T()))
	fmt.Printf("π z'             %.4f\n", mat.Formatted(piz.T()))
	fmt.Printf("R(z) e₁          %.4f\n", mat.Formatted(sym.SphericalFrame(z.RawMatrix().Data).ColView(0).T()))
	// Output:
	// z = σ(Vx)        [ 0.4621   0.3799  -0.7163]
	// z' = σ(gVx)      [ 0.4674  -0.3685  -0.8381]
	// π z'             [ 0.4621   0.3799  -0.7163]
	// R(z) e₁          [ 0.4621   0.3799  -0.7163]
}

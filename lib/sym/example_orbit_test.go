package sym_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// The dimension of an orbit is the rank of its tangent vectors: at a generic
// point of a two-layer net with h = 3 hidden units, GL(3) sweeps out h² = 9
// dimensions, the positive diagonal rescalings 3.
func ExampleOrbitDim() {
	rnd := rand.New(rand.NewPCG(1, 1))
	U, V := mat.NewDense(4, 3, nil), mat.NewDense(3, 5, nil)
	for _, a := range []*mat.Dense{U, V} {
		r, c := a.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				a.Set(i, j, rnd.NormFloat64())
			}
		}
	}
	fmt.Println("GL(3):", sym.OrbitDim(sym.GLBasis(3), U, V))
	fmt.Println("rescalings:", sym.OrbitDim(sym.DiagBasis(3), U, V))
	// Output:
	// GL(3): 9
	// rescalings: 3
}

// ReLU commutes with positive rescalings, but no linear π makes tanh do so:
// the best least-squares π leaves an error of order one.
func ExampleFitPi() {
	rnd := rand.New(rand.NewPCG(2, 2))
	Z := mat.NewDense(3, 100, nil)
	for i := 0; i < 3; i++ {
		for j := 0; j < 100; j++ {
			Z.Set(i, j, rnd.NormFloat64())
		}
	}
	g := mat.NewDiagDense(3, []float64{0.5, 1, 3})
	_, relu := sym.FitPi(nn.ReLU, g, Z)
	_, tanh := sym.FitPi(nn.Tanh, g, Z)
	fmt.Println("ReLU: a π exists:", relu < 1e-12)
	fmt.Println("tanh: a π exists:", tanh < 1e-12)
	// Output:
	// ReLU: a π exists: true
	// tanh: a π exists: false
}

package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// The official code's "radial" model (Fig. 7) with its SVD-aligned
// initialisation: scaling the initial diagonals changes Q = ‖U‖² + ‖V‖² but
// not the function, and each hidden unit's Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖² is
// a symmetry's conserved quantity, so ⟨∇L, (U_{:,j}, V_{j,:})⟩ = 0.
func ExampleRadialUnits() {
	rng := rand.New(rand.NewPCG(1, 2))
	const m, n, h = 5, 10, 5
	x := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		x.Set(i, i, 1)
	}
	y := mat.NewDense(m, n, nil)
	nn.Normal(1)(rng, y)
	du, dv := make([]float64, h), make([]float64, h)
	for j := range du {
		du[j], dv[j] = 1+rng.NormFloat64(), 1+rng.NormFloat64()
	}

	net := nn.TwoLayer{In: n, Hidden: h, Out: m, Act: nn.RadialUnits}
	obj := nn.NewObjective(net, x, y, nn.MSE)
	for _, s := range []float64{0.1, 10} {
		u, v := append([]float64(nil), du...), append([]float64(nil), dv...)
		floats.Scale(s, u)
		floats.Scale(s, v)
		p := nn.SVDAligned(y, u, v)
		g := p.NewLike()
		loss := obj.Func(p.Vec(), g.Vec())
		dot := floats.Dot(mat.Col(nil, 0, p.M("U")), mat.Col(nil, 0, g.M("U"))) +
			floats.Dot(p.M("V").RawRowView(0), g.M("V").RawRowView(0))
		fmt.Printf("scale %4g: Q = %8.3f, loss %.6f, |⟨∇L, (U₁, V₁)⟩| < 1e-12: %v\n", s, floats.Dot(p.Vec(), p.Vec()), loss, math.Abs(dot) < 1e-12)
	}
	// Output:
	// scale  0.1: Q =    0.158, loss 3.284938, |⟨∇L, (U₁, V₁)⟩| < 1e-12: true
	// scale   10: Q = 1583.361, loss 3.284938, |⟨∇L, (U₁, V₁)⟩| < 1e-12: true
}

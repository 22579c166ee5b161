package marcotte2023

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/noetherlab/noether/lib/nn"
)

// TestFieldsSecondDerivative checks D²V(θ)[a, u] of the recorded gradient on
// a linear and a ReLU network with biases and three layers: symmetric in a
// and u to rounding (1e-12 relative: the two orders sum the same few hundred
// products differently), and equal to the central difference
// (DV(θ + hu)a − DV(θ − hu)a)/2h of exact Hessian-vector products, whose
// error is O(h²) times the fourth derivative: with h = 1e-4, 1e-6 relative.
func TestFieldsSecondDerivative(t *testing.T) {
	for _, c := range []Case{
		{Name: "linear", Sizes: []int{4, 3, 3, 2}, Act: nn.Linear, Bias: true},
		{Name: "ReLU", Sizes: []int{4, 3, 3, 2}, Act: nn.ReLU, Bias: true},
	} {
		net, x, y, theta := Problem(c, CountSettings{Samples: 5}, 0)
		f := Fields2(net, x, y)[2]
		rng := rand.New(rand.NewPCG(7, 7))
		d := len(theta)
		a, u := make([]float64, d), make([]float64, d)
		for i := range a {
			a[i], u[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		au, ua := make([]float64, d), make([]float64, d)
		f.Deriv2(au, theta, a, u)
		f.Deriv2(ua, theta, u, a)
		scale := floats.Norm(au, math.Inf(1))
		if scale == 0 {
			t.Fatalf("%s: zero second derivative", c.Name)
		}
		if diff := floats.Distance(au, ua, math.Inf(1)); diff > 1e-12*scale {
			t.Errorf("%s: D²V[a,u] − D²V[u,a] = %.2g (scale %.2g)", c.Name, diff, scale)
		}
		const h = 1e-4
		plus, minus := append([]float64(nil), theta...), append([]float64(nil), theta...)
		floats.AddScaled(plus, h, u)
		floats.AddScaled(minus, -h, u)
		dp, dm := make([]float64, d), make([]float64, d)
		f.Deriv(dp, plus, a)
		f.Deriv(dm, minus, a)
		fd := make([]float64, d)
		floats.SubTo(fd, dp, dm)
		floats.Scale(1/(2*h), fd)
		if diff := floats.Distance(au, fd, math.Inf(1)); diff > 1e-6*scale {
			t.Errorf("%s: D²V[a,u] differs from the central difference by %.2g (scale %.2g)", c.Name, diff, scale)
		}
	}
}

package exercise

import (
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/zhao2022"
	"github.com/noetherlab/noether/lib/sym"
)

// OrbitDerivative checks exercise 19.1: at the start θ₀ of the first seed
// of notebook 19's linear network (zhao2022.SpeedupProblem(nn.Linear, 0)),
// what is the derivative d/dε ‖∇L(e^{εA}·θ₀)‖² at ε = 0, with A = E₁₁
// acting on the first hidden layer (sym.DeepGL with layer index 0: the first
// hidden unit's incoming weights scaled by e^ε, its outgoing ones by e^{−ε})?
//
// The check takes the central difference (Φ(ε) − Φ(−ε))/(2ε) at ε = 10⁻⁴
// and at 5·10⁻⁵ and extrapolates (Richardson), accurate to about 1e-9
// relative; a student's central difference at ε ≤ 10⁻³ is within 1e-5, so the
// tolerance is 1e-4.
func OrbitDerivative(got float64) Verdict {
	const id = "19.1"
	if math.IsNaN(got) {
		return Open(id)
	}
	want := orbitDerivative()
	return Number(id, got, want, 1e-4,
		"Move θ₀ by sym.DeepGL(0, g, W, nil) with g = sym.Expm(±ε, E₁₁) for a small ε, evaluate ‖∇L‖² "+
			"(obj.Func with a gradient slice) on both sides, and take the central difference. The quantity is the "+
			"squared norm of the gradient, not the norm, and the direction is e^{+εA}.")
}

// orbitDerivative is the answer of exercise 19.1.
func orbitDerivative() float64 {
	net, obj, theta := zhao2022.SpeedupProblem(nn.Linear, 0)
	E := mat.NewDense(net.Sizes[1], net.Sizes[1], nil)
	E.Set(0, 0, 1)
	phi := func(eps float64) float64 {
		p := obj.Params()
		p.Bind(append([]float64(nil), theta...))
		W, _ := net.Layers(p)
		nW, _ := sym.DeepGL(0, sym.Expm(eps, E), W, nil)
		W[0].Copy(nW[0])
		W[1].Copy(nW[1])
		g := make([]float64, len(theta))
		obj.Func(p.Vec(), g)
		var s float64
		for _, v := range g {
			s += v * v
		}
		return s
	}
	d := func(eps float64) float64 { return (phi(eps) - phi(-eps)) / (2 * eps) }
	d1, d2 := d(1e-4), d(5e-5)
	return d2 + (d2-d1)/3
}

// TeleportCost checks exercise 19.2: the cost, in gradient evaluations, of
// the teleport of notebook 19's first seed of the linear network (8 ascent
// steps, each accepted at its first trial), when one evaluation of ‖∇L‖²
// and of its gradient 2H∇L takes one gradient and one exact Hessian-vector
// product, and a product counts as two gradients.
//
// The check runs that teleport (zhao2022.Speedup with one seed) and reads
// its Cost: an exact count.
func TeleportCost(got float64) Verdict {
	const id = "19.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	r, err := zhao2022.Speedup(zhao2022.SpeedupSettings{Seeds: 1})
	mustLib("TeleportCost", err)
	want := float64(r.Cases[0].Cost[0])
	return Number(id, got, want, 1e-12,
		"Count the evaluations: one at the starting point, then one at every trial point of an ascent step; "+
			"each is a gradient (1) plus a Hessian-vector product (2).")
}

package teleport

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

func problem(act nn.Activation, bias bool) (nn.MLP, *nn.Objective, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.MLP{Sizes: []int{5, 6, 7, 3}, Act: act, NoBias: !bias}
	x, y := mat.NewDense(5, 20, nil), mat.NewDense(3, 20, nil)
	for i := range 5 {
		for k := range 20 {
			x.Set(i, k, rng.NormFloat64())
		}
	}
	for i := range 3 {
		for k := range 20 {
			y.Set(i, k, rng.NormFloat64())
		}
	}
	p := net.Init(rng, nn.LeCunNormal)
	if bias {
		for _, name := range []string{"b1", "b2", "b3"} {
			m := p.M(name)
			for i := range m.RawMatrix().Rows {
				m.Set(i, 0, 0.1*rng.NormFloat64())
			}
		}
	}
	return net, nn.NewObjective(net, x, y, nn.HalfSquaredError), p.Vec()
}

// The algebra gradient is the derivative of Φ along the orbit: for a random
// direction A in gl(h) at each hidden layer, ⟨G, A⟩ equals the central
// difference (Φ(e^{εA}·θ) − Φ(e^{−εA}·θ))/(2ε). The tolerance 1e-6 relative
// is the difference's truncation error O(ε²) at ε = 1e-4 with Φ's third
// derivative of order one, and, for λ_max, the O(1e-8) of the third
// derivative's own difference.
func TestAlgebraGradient(t *testing.T) {
	for _, c := range []struct {
		act    nn.Activation
		group  Group
		target Target
		bias   bool
	}{
		{nn.Linear, GL, GradNorm, false},
		{nn.Linear, GL, GradNorm, true},
		{nn.LeakyReLU(0.1), Rescale, GradNorm, true},
		{nn.Linear, GL, SharpnessUp, true},
		{nn.Linear, GL, SharpnessDown, false},
	} {
		net, obj, theta := problem(c.act, c.bias)
		tp := &teleporter{obj: obj, net: net, s: Settings{Group: c.group, Target: c.target, LanczosSteps: 60}.withDefaults(), n: len(theta)}
		var r Result
		_, w, err := tp.eval(theta, &r)
		if err != nil {
			t.Fatal(err)
		}
		p := obj.Params()
		G := tp.algebraGradient(p, theta, w)
		rng := rand.New(rand.NewPCG(3, 4))
		A := make([]*mat.Dense, len(G))
		var want float64
		for i, g := range G {
			h := g.RawMatrix().Rows
			A[i] = mat.NewDense(h, h, nil)
			for r := range h {
				for c2 := range h {
					if c.group == GL || r == c2 {
						A[i].Set(r, c2, rng.NormFloat64())
					}
				}
			}
			want += floats.Dot(A[i].RawMatrix().Data, g.RawMatrix().Data)
		}
		const eps = 1e-4
		phi := func(sign float64) float64 {
			th := append([]float64(nil), theta...)
			tq := obj.Params()
			tq.Bind(th)
			W, b := net.Layers(tq)
			for i, a := range A {
				var s mat.Dense
				s.Scale(sign*eps, a)
				nW, nb := sym.DeepGL(i, sym.Expm(1, &s), W, b)
				W[i].Copy(nW[i])
				W[i+1].Copy(nW[i+1])
				if b != nil {
					b[i].CopyVec(nb[i])
				}
			}
			tp2 := &teleporter{obj: obj, net: net, s: tp.s, n: len(theta)}
			v, _, err := tp2.eval(th, &r)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		got := (phi(1) - phi(-1)) / (2 * eps)
		if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("%s %v %v bias %v: ⟨G, A⟩ = %.10g, difference quotient %.10g", c.act.Name, c.group, c.target, c.bias, want, got)
		}
	}
}

// A teleport leaves the loss unchanged to rounding (1e-12 relative: a few
// products by g and g⁻¹ per step, each exact to about 1e-15 times the
// condition number of g, which stays below 100 here) and moves the quantity
// the right way.
func TestTeleport(t *testing.T) {
	for _, c := range []struct {
		act    nn.Activation
		group  Group
		target Target
	}{
		{nn.Linear, GL, GradNorm},
		{nn.LeakyReLU(0.1), Rescale, GradNorm},
		{nn.Linear, Rescale, SharpnessUp},
		{nn.LeakyReLU(0.1), Rescale, SharpnessDown},
	} {
		net, obj, theta := problem(c.act, true)
		r, err := Teleport(obj, net, theta, Settings{Group: c.group, Target: c.target, Steps: 5})
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(r.LossAfter-r.LossBefore) / r.LossBefore; d > 1e-12 {
			t.Errorf("%s %v %v: loss %.15g → %.15g (relative %.1e)", c.act.Name, c.group, c.target, r.LossBefore, r.LossAfter, d)
		}
		up := r.After > r.Before
		if c.target == SharpnessDown {
			up = r.After < r.Before
		}
		if !up || r.Steps == 0 {
			t.Errorf("%s %v %v: %g → %g in %d steps", c.act.Name, c.group, c.target, r.Before, r.After, r.Steps)
		}
		if r.Cost != r.Grads+2*r.HVPs || r.Grads == 0 {
			t.Errorf("cost %d from %d gradients and %d products", r.Cost, r.Grads, r.HVPs)
		}
		if !floats.Equal(theta, theta) {
			t.Fatal("NaN in theta")
		}
	}
}

// GL(h) is refused for a non-linear MLP, and rescaling for a non-homogeneous
// activation: their orbits would change the loss.
func TestTeleportRefuses(t *testing.T) {
	net, obj, theta := problem(nn.LeakyReLU(0.1), true)
	if _, err := Teleport(obj, net, theta, Settings{Group: GL}); err == nil {
		t.Error("GL on a LeakyReLU MLP: no error")
	}
	net, obj, theta = problem(nn.Tanh, true)
	if _, err := Teleport(obj, net, theta, Settings{Group: Rescale}); err == nil {
		t.Error("rescaling a tanh MLP: no error")
	}
}

// The nonlinear action on 4 ≤ h samples leaves the loss unchanged to 1e-10
// (its pseudo-inverse is exact to rounding times the condition number of
// σ(gWH), below 10⁴ here) and raises ‖∇L‖²; on more samples than units it
// is refused, as it would change the loss.
func TestTeleportNonlinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	net := nn.MLP{Sizes: []int{5, 6, 7, 3}, Act: nn.LeakyReLU(0.1), NoBias: true}
	x, y := mat.NewDense(5, 4, nil), mat.NewDense(3, 4, nil)
	for i := range 5 {
		for k := range 4 {
			x.Set(i, k, rng.NormFloat64())
		}
	}
	for i := range 3 {
		for k := range 4 {
			y.Set(i, k, rng.NormFloat64())
		}
	}
	p := net.Init(rng, nn.LeCunNormal)
	obj := nn.NewObjective(net, x, y, nn.HalfSquaredError)
	r, err := Teleport(obj, net, p.Vec(), Settings{Group: Nonlinear, Steps: 4, Inputs: x})
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(r.LossAfter-r.LossBefore) / r.LossBefore; d > 1e-10 || r.After <= r.Before || r.Steps == 0 {
		t.Errorf("loss %.15g → %.15g (%.1e), ‖∇L‖² %g → %g in %d steps", r.LossBefore, r.LossAfter, d, r.Before, r.After, r.Steps)
	}
	// Each ascent step costs 2·(6² + 7²) gradients for the differences
	// and one per trial point.
	if r.Grads < 1+r.Steps*(2*(36+49)+1) || r.HVPs != 0 {
		t.Errorf("%d gradients and %d products for %d steps", r.Grads, r.HVPs, r.Steps)
	}
	_, obj2, theta2 := problem(nn.LeakyReLU(0.1), false)
	x20 := mat.NewDense(5, 20, nil)
	if _, err := Teleport(obj2, nn.MLP{Sizes: []int{5, 6, 7, 3}, Act: nn.LeakyReLU(0.1), NoBias: true}, theta2, Settings{Group: Nonlinear, Inputs: x20}); err == nil {
		t.Error("20 samples for widths 6 and 7: no error")
	}
}

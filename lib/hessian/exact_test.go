package hessian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// relDiff returns ‖A − B‖_F / ‖B‖_F.
func relDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// The exact products of nn.Objective (forward over reverse, through
// hessian.New) against the closed-form Hessian of the two-layer linear
// network, hessian.TwoLayerLinear, away from a minimum and with a general X.
// Both are exact, so they differ by rounding only: every entry of H is a sum
// of at most K = h + n + k products of entries of U, V, X, Y and R (K = 17
// here), each computed with a relative error of at most Kε in either order,
// so ‖ΔH‖_F ≤ 2Kε·‖|U||V||X|…‖ ≲ 4Kε‖H‖_F ≈ 1.5e-14 for entries of order one
// (measured: ~1e-16). The finite-difference operator is checked against the
// same matrix to 1e-10 in TestTwoLayerLinear.
func TestExactTwoLayerLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := nn.TwoLayer{In: 4, Hidden: 6, Out: 3, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(1))
	X, Y := mat.NewDense(4, 7, nil), mat.NewDense(3, 7, nil)
	nn.Normal(1)(rng, X)
	nn.Normal(1)(rng, Y)
	obj := nn.NewObjective(net, X, Y, nn.SquaredError)
	op := hessian.New(obj, p.Vec())
	if _, ok := op.(*hessian.Exact); !ok {
		t.Fatalf("New(*nn.Objective) is %T, want *hessian.Exact", op)
	}
	exact := hessian.Full(nil, hessian.TwoLayerLinear(p.M("U"), p.M("V"), X, Y))
	got := hessian.Full(nil, op)
	const K = 6 + 4 + 7
	if e := relDiff(got, exact); e > 4*K*0x1p-52 {
		t.Errorf("exact products vs TwoLayerLinear: relative error %.3g, want ≤ %.2g", e, 4*K*0x1p-52)
	} else {
		t.Logf("exact products vs TwoLayerLinear: relative error %.2g (bound %.2g)", e, 4*K*0x1p-52)
	}
	if n := op.(*hessian.Exact).Products(); n != op.Dim() {
		t.Errorf("Products = %d, want %d", n, op.Dim())
	}
}

// The Fig. 9 network (m = 10, n = 5, h = 50, X = I: 750 parameters) at a
// trained-like random point: the exact full Hessian against TwoLayerLinear
// (rounding, K = h + n + k = 60: bound 4Kε ≈ 5e-14) and against the
// finite-difference operator (exact for this quartic loss up to its rounding,
// about 1e-12).
func TestExactFig9(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	net := nn.TwoLayer{In: 5, Hidden: 50, Out: 10, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(0.3))
	X, Y := mat.NewDense(5, 5, nil), mat.NewDense(10, 5, nil)
	for i := range 5 {
		X.Set(i, i, 1)
	}
	nn.Normal(1)(rng, Y)
	obj := nn.NewObjective(net, X, Y, nn.SquaredError)
	H := hessian.Full(nil, hessian.New(obj, p.Vec()))
	exact := hessian.Full(nil, hessian.TwoLayerLinear(p.M("U"), p.M("V"), X, Y))
	const K = 50 + 5 + 5
	if e := relDiff(H, exact); e > 4*K*0x1p-52 {
		t.Errorf("exact vs TwoLayerLinear: %.3g > %.2g", e, 4*K*0x1p-52)
	}
	fd := hessian.Full(nil, hessian.NewHVP(obj.Func, p.Vec()))
	if e := relDiff(fd, exact); e > 1e-10 {
		t.Errorf("finite differences vs TwoLayerLinear: %.3g > 1e-10", e)
	}
	t.Logf("relative to TwoLayerLinear: exact %.2g, finite differences %.2g", relDiff(H, exact), relDiff(fd, exact))
}

// Exact products against finite differences of the exact gradient for
// networks that are not polynomials: smooth (tanh, sigmoid, softplus MLPs with
// biases, cross-entropy) to 1e-8 relative (the stencil's own error is about
// 1e-12; see HVP), and a leaky-ReLU MLP, where the finite differences are
// exact between kinks and the exact products take σ″ = 0: 1e-8 unless the
// stencil straddles a kink (HVP then reports a retry and is skipped).
func TestExactVsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	X := mat.NewDense(6, 40, nil)
	nn.Normal(1)(rng, X)
	labels := make([]int, 40)
	for i := range labels {
		labels[i] = rng.IntN(4)
	}
	Yr := mat.NewDense(4, 40, nil)
	nn.Normal(1)(rng, Yr)
	for _, c := range []struct {
		act  nn.Activation
		loss nn.Loss
		y    *mat.Dense
	}{
		{nn.Tanh, nn.MSE, Yr},
		{nn.Sigmoid, nn.CrossEntropy, nn.LabelRow(labels)},
		{nn.Softplus, nn.HalfSquaredError, Yr},
		{nn.Swish, nn.Frobenius, Yr},
		{nn.ReLU2, nn.MSE, Yr},
		{nn.LeakyReLU(0.1), nn.MSE, Yr},
	} {
		net := nn.MLP{Sizes: []int{6, 8, 5, 4}, Act: c.act}
		p := net.Init(rng, nn.LeCunNormal)
		for _, b := range []string{"b1", "b2", "b3"} {
			nn.Normal(0.1)(rng, p.M(b))
		}
		obj := nn.NewObjective(net, X, c.y, c.loss)
		ex, fd := hessian.New(obj, p.Vec()), hessian.NewHVP(obj.Func, p.Vec())
		worst := 0.0
		for range 10 {
			v := make([]float64, ex.Dim())
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			got, want := make([]float64, len(v)), make([]float64, len(v))
			ex.MulVec(got, v)
			r := fd.Retries()
			fd.MulVec(want, v)
			if fd.Retries() > r {
				continue
			}
			worst = math.Max(worst, floats.Distance(got, want, 2)/floats.Norm(want, 2))
		}
		if worst > 1e-8 {
			t.Errorf("%s: exact vs finite differences: relative error %.3g > 1e-8", c.act.Name, worst)
		}
		t.Logf("%-16s worst relative difference %.2g over 10 directions", c.act.Name, worst)
	}
}

// Products at one point reuse the recorded pass and allocate nothing;
// a product with dst = v equals one with a separate dst; and New falls back
// to finite differences for an objective without exact products.
func TestExactReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	net := nn.MLP{Sizes: []int{5, 7, 3}, Act: nn.Tanh}
	p := net.Init(rng, nn.LeCunNormal)
	X, Y := mat.NewDense(5, 20, nil), mat.NewDense(3, 20, nil)
	nn.Normal(1)(rng, X)
	nn.Normal(1)(rng, Y)
	obj := nn.NewObjective(net, X, Y, nn.MSE)
	op := hessian.New(obj, p.Vec())
	v := make([]float64, op.Dim())
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	dst := make([]float64, len(v))
	op.MulVec(dst, v)
	// An evaluation of Func in between must not disturb the kept pass.
	obj.Func(p.Vec(), make([]float64, len(v)))
	if a := testing.AllocsPerRun(10, func() { op.MulVec(dst, v) }); a != 0 {
		t.Errorf("%v allocations per product, want 0", a)
	}
	w := append([]float64(nil), v...)
	op.MulVec(w, w)
	if !floats.Equal(w, dst) {
		t.Error("MulVec(v, v) differs from MulVec(dst, v)")
	}
	// A fresh objective (no kept pass) gives the same bits.
	fresh := make([]float64, len(v))
	nn.NewObjective(net, X, Y, nn.MSE).HessVec(fresh, p.Vec(), v)
	if !floats.Equal(fresh, dst) {
		t.Error("kept pass and fresh pass differ")
	}
	if _, ok := hessian.New(plain{obj.Func}, p.Vec()).(*hessian.HVP); !ok {
		t.Error("New of an objective without HessVec is not a finite-difference HVP")
	}
}

type plain struct{ f hessian.Func }

func (p plain) Func(theta, grad []float64) float64 { return p.f(theta, grad) }

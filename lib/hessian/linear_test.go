package hessian_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// The analytic Hessian of ‖Y − UVX‖²_F against finite differences of the
// exact gradient from package nn, away from any minimum (R ≠ 0, so the
// residual term −2R δVᵀ counts), with a general X. The loss is a polynomial
// of degree 4, for which the fourth-order stencil is exact: only rounding
// remains, measured 2e-13 relative; 1e-10 leaves a wide margin.
func TestTwoLayerLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := nn.TwoLayer{In: 4, Hidden: 6, Out: 3, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(1))
	X, Y := mat.NewDense(4, 7, nil), mat.NewDense(3, 7, nil)
	nn.Normal(1)(rng, X)
	nn.Normal(1)(rng, Y)
	obj := nn.NewObjective(net, X, Y, nn.SquaredError)
	exact := hessian.Full(nil, hessian.TwoLayerLinear(p.M("U"), p.M("V"), X, Y))
	fd := hessian.Full(nil, hessian.NewHVP(obj.Func, p.Vec()))
	var d mat.Dense
	d.Sub(exact, fd)
	if e := mat.Norm(&d, 2) / mat.Norm(exact, 2); e > 1e-10 {
		t.Errorf("analytic vs finite-difference Hessian: relative error %.3g, want ≤ 1e-10", e)
	} else {
		t.Logf("analytic vs finite-difference Hessian: relative error %.3g", e)
	}
	// dst may be the input vector.
	op := hessian.TwoLayerLinear(p.M("U"), p.M("V"), X, Y)
	v := make([]float64, op.Dim())
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	want := make([]float64, len(v))
	op.MulVec(want, v)
	op.MulVec(v, v)
	for i := range v {
		if v[i] != want[i] {
			t.Fatalf("MulVec(v, v) differs from MulVec(dst, v) at %d", i)
		}
	}
}

func TestTwoLayerLinearPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for mismatched shapes")
		}
	}()
	hessian.TwoLayerLinear(mat.NewDense(2, 3, nil), mat.NewDense(3, 4, nil), mat.NewDense(5, 5, nil), mat.NewDense(2, 5, nil))
}

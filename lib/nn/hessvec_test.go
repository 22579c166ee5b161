package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/noetherlab/noether/lib/ad"
)

// checkHessVec compares o.HessVec at theta along a random v with the
// fourth-order central difference of the exact gradient,
// [−g(2h) + 8g(h) − 8g(−h) + g(−2h)]/(12h) with ‖hv‖ = 10⁻³·‖θ‖/√n: its
// truncation error is O(h⁴) ≈ 1e-12 and its rounding 1.5εG/h ≈ 1e-12
// relative, so 1e-8 is a wide margin (the exact product's own error is
// rounding). It also checks the loss HessVec returns.
func checkHessVec(t *testing.T, name string, o *Objective, theta []float64, rng *rand.Rand) {
	t.Helper()
	n := len(theta)
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	got := make([]float64, n)
	if l := o.HessVec(got, theta, v); l != o.Func(theta, nil) {
		t.Errorf("%s: HessVec returned loss %v, Func %v", name, l, o.Func(theta, nil))
	}
	h := 1e-3 * floats.Norm(theta, 2) / math.Sqrt(float64(n)) / floats.Norm(v, 2)
	want, g, x := make([]float64, n), make([]float64, n), make([]float64, n)
	for _, c := range [4]struct{ s, w float64 }{{2, -1}, {1, 8}, {-1, -8}, {-2, 1}} {
		floats.AddScaledTo(x, theta, c.s*h, v)
		o.Func(x, g)
		floats.AddScaled(want, c.w/(12*h), g)
	}
	if e := floats.Distance(got, want, 2) / floats.Norm(want, 2); !(e <= 1e-8) {
		t.Errorf("%s: HessVec vs finite differences: relative error %.3g > 1e-8", name, e)
	}
}

// Exact Hessian-vector products of the models whose activations act on whole
// columns or rows (Radial, RadialUnits), of the conv net, of data stored by
// rows, and of the official relu² (a Map with D2), against finite
// differences; and no allocation per product once the pass is kept.
func TestObjectiveHessVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	x, y := randDense(rng, 5, 8, 1), randDense(rng, 3, 8, 1)
	for _, act := range []Activation{Radial, RadialUnits, ReLU2, Tanh} {
		net := TwoLayer{In: 5, Hidden: 4, Out: 3, Act: act}
		checkHessVec(t, net.String(), NewObjective(net, x, y, MSE), net.Init(rng, Normal(1)).Vec(), rng)
	}
	cn := ConvNet{In: ad.Dims{C: 2, H: 6, W: 4}, Channels: 3, Hidden: 5, Classes: 4, Act: Tanh}
	p := cn.Init(rng, KaimingUniform)
	fillNormal(rng, p.M("conv.b"), 0.1)
	cobj := NewObjective(cn, randDense(rng, cn.In.Size(), 5, 1), LabelRow([]int{3, 1, 0, 2, 1}), CrossEntropy)
	checkHessVec(t, cn.String(), cobj, p.Vec(), rng)

	mlp := MLP{Sizes: []int{5, 6, 3}, Act: Sigmoid}
	xr, yr := randDense(rng, 8, 5, 1), randDense(rng, 8, 3, 1)
	q := mlp.Init(rng, XavierNormal)
	rows := NewObjectiveRows(mlp, xr, yr, MSE)
	checkHessVec(t, mlp.String()+" rows", rows, q.Vec(), rng)

	v, hv := make([]float64, q.Len()), make([]float64, q.Len())
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	rows.HessVec(hv, q.Vec(), v)
	if a := testing.AllocsPerRun(10, func() { rows.HessVec(hv, q.Vec(), v) }); a != 0 {
		t.Errorf("%v allocations per product, want 0", a)
	}
	// A new point re-records the pass, also without allocating.
	th := append([]float64(nil), q.Vec()...)
	if a := testing.AllocsPerRun(10, func() { th[0] += 1e-3; rows.HessVec(hv, th, v) }); a != 0 {
		t.Errorf("%v allocations per product at a new point, want 0", a)
	}
}

package sym

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// invTol bounds the relative loss change under a true symmetry. The losses
// here are O(1) sums of O(100) products of O(1) numbers; a symmetry changes
// only the rounding, about 1e-16 per operation, and GL's solve adds a factor
// cond(g) ≲ 10. 1e-12 leaves three orders of margin and is still nine orders
// below the smallest change a broken symmetry makes in these tests (≥ 1e-3).
const invTol = 1e-12

// brokenMin is the smallest relative change we demand of an action that is
// not a symmetry, so that the invariance tests could fail.
const brokenMin = 1e-3

type model func(U, V, X mat.Matrix) *mat.Dense

func TestTwoLayerInvariance(t *testing.T) {
	const m, h, n, k = 3, 6, 4, 7
	rnd := rand.New(rand.NewPCG(1, 2))
	X := randn(rnd, n, k, 1)
	Y := randn(rnd, m, k, 1)
	Yn := randn(rnd, m, n, 1) // targets for the official model, whose X is I_n
	p := net{randn(rnd, m, h, 1), randn(rnd, h, n, 1)}
	U0, V0 := mat.DenseCopyOf(p.U), mat.DenseCopyOf(p.V)

	g := SampleGL(rnd, h, 0.7)
	c := SamplePositive(rnd, h, 1)
	perm := SamplePerm(rnd, h)
	s := SampleSigns(rnd, h)
	s[0] = -1 // at least one flip, so the broken cases change something
	o := SampleOrthogonal(rnd, h)

	act := map[string]func(net) net{
		"GL":          func(q net) net { U, V := GL(g, q.U, q.V); return net{U, V} },
		"Rescale":     func(q net) net { U, V := Rescale(c, q.U, q.V); return net{U, V} },
		"Rescale1.5":  func(q net) net { U, V := RescaleAlpha(1.5, c, q.U, q.V); return net{U, V} },
		"Rescale2":    func(q net) net { U, V := RescaleAlpha(2, c, q.U, q.V); return net{U, V} },
		"Permute":     func(q net) net { U, V := Permute(perm, q.U, q.V); return net{U, V} },
		"SignFlip":    func(q net) net { U, V := SignFlip(s, q.U, q.V); return net{U, V} },
		"Orthogonal":  func(q net) net { U, V := Orthogonal(o, q.U, q.V); return net{U, V} },
		"JointScale":  func(q net) net { U, V := JointScale(2.5, q.U, q.V); return net{U, V} },
		"JointScale-": func(q net) net { U, V := JointScale(-0.7, q.U, q.V); return net{U, V} },
		"UnitScale":   func(q net) net { U, V := UnitScale(c, q.U, q.V); return net{U, V} },
		"PermSign": func(q net) net {
			U, V := Permute(perm, q.U, q.V)
			U, V = SignFlip(s, U, V)
			return net{U, V}
		},
	}
	models := map[string]model{
		"linear":       elementwise(identity),
		"relu":         elementwise(relu),
		"leaky":        elementwise(leaky),
		"hom1.5":       elementwise(homog(1.5)),
		"hom2":         elementwise(homog(2)),
		"tanh":         elementwise(math.Tanh),
		"sigmoid":      elementwise(sigmoid),
		"radial":       radial(func(r2 float64) float64 { return 1 / r2 }),
		"radialSmooth": radial(func(r2 float64) float64 { return 1 / (1 + r2) }),
		"official":     rowNormalised,
	}
	cases := []struct {
		model, act string
		symmetric  bool
	}{
		{"linear", "GL", true},
		{"linear", "Rescale", true},
		{"linear", "Permute", true},
		{"linear", "SignFlip", true},
		{"linear", "Orthogonal", true},
		{"relu", "Rescale", true},
		{"relu", "Permute", true},
		{"relu", "GL", false},
		{"relu", "SignFlip", false},
		{"leaky", "Rescale", true},
		{"leaky", "Permute", true},
		{"hom1.5", "Rescale1.5", true},
		{"hom1.5", "Rescale", false},
		{"hom2", "Rescale2", true},
		{"tanh", "Permute", true},
		{"tanh", "SignFlip", true},
		{"tanh", "PermSign", true},
		{"tanh", "Rescale", false},
		{"sigmoid", "Permute", true},
		{"sigmoid", "SignFlip", false},
		{"radial", "Orthogonal", true},
		{"radial", "JointScale", true},
		{"radial", "JointScale-", true},
		{"radial", "UnitScale", false},
		{"radialSmooth", "Orthogonal", true},
		{"radialSmooth", "JointScale", false},
		{"official", "UnitScale", true},
		{"official", "JointScale", true},
		{"official", "Orthogonal", false},
	}
	for _, tc := range cases {
		fwd := models[tc.model]
		target := Y
		if tc.model == "official" {
			target = Yn
		}
		loss := func(q net) float64 { return mse(fwd(q.U, q.V, X), target) }
		r := Invariance(loss, act[tc.act], p)
		if tc.symmetric && !(r <= invTol) {
			t.Errorf("%s under %s: relative loss change %.3g, want ≤ %g", tc.model, tc.act, r, invTol)
		}
		if !tc.symmetric && !(r >= brokenMin) {
			t.Errorf("%s under %s: relative loss change %.3g, want ≥ %g (not a symmetry)", tc.model, tc.act, r, brokenMin)
		}
		t.Logf("%-12s %-11s relative change %.2g", tc.model, tc.act, r)
	}
	if relErr(U0, p.U) != 0 || relErr(V0, p.V) != 0 {
		t.Error("an action modified its arguments")
	}
}

func TestDeepInvariance(t *testing.T) {
	widths := []int{4, 6, 5, 3}
	const k = 7
	rnd := rand.New(rand.NewPCG(3, 4))
	var p deepNet
	for i := 0; i+1 < len(widths); i++ {
		p.W = append(p.W, randn(rnd, widths[i+1], widths[i], 1/math.Sqrt(float64(widths[i]))))
		p.b = append(p.b, randVec(rnd, widths[i+1], 0.5))
	}
	W0, _ := copyDeep(p.W, p.b)
	X := randn(rnd, widths[0], k, 1)
	Y := randn(rnd, widths[len(widths)-1], k, 1)

	type action func(deepNet) deepNet
	gl := func(i int) action {
		g := SampleGL(rnd, widths[i+1], 0.7)
		return func(q deepNet) deepNet { W, b := DeepGL(i, g, q.W, q.b); return deepNet{W, b} }
	}
	rescale := func(i int, alpha float64) action {
		c := SamplePositive(rnd, widths[i+1], 1)
		return func(q deepNet) deepNet { W, b := DeepRescale(i, alpha, c, q.W, q.b); return deepNet{W, b} }
	}
	permute := func(i int) action {
		perm := SamplePerm(rnd, widths[i+1])
		return func(q deepNet) deepNet { W, b := DeepPermute(i, perm, q.W, q.b); return deepNet{W, b} }
	}
	flip := func(i int) action {
		s := SampleSigns(rnd, widths[i+1])
		s[0] = -1
		return func(q deepNet) deepNet { W, b := DeepSignFlip(i, s, q.W, q.b); return deepNet{W, b} }
	}
	compose := func(as ...action) action {
		return func(q deepNet) deepNet {
			for _, a := range as {
				q = a(q)
			}
			return q
		}
	}
	cases := []struct {
		name      string
		sigma     func(float64) float64
		act       action
		symmetric bool
	}{
		{"linear GL0", identity, gl(0), true},
		{"linear GL1", identity, gl(1), true},
		{"linear GL0∘GL1", identity, compose(gl(0), gl(1)), true},
		{"relu Rescale0", relu, rescale(0, 1), true},
		{"relu Rescale1", relu, rescale(1, 1), true},
		{"relu Permute1", relu, permute(1), true},
		{"relu all", relu, compose(rescale(0, 1), permute(0), rescale(1, 1), permute(1)), true},
		{"relu GL0", relu, gl(0), false},
		{"leaky Rescale0", leaky, rescale(0, 1), true},
		{"hom1.5 Rescale1", homog(1.5), rescale(1, 1.5), true},
		{"hom1.5 Rescale1 α=1", homog(1.5), rescale(1, 1), false},
		{"tanh Permute0", math.Tanh, permute(0), true},
		{"tanh SignFlip1", math.Tanh, flip(1), true},
		{"tanh Flip∘Perm", math.Tanh, compose(flip(0), permute(0), flip(1)), true},
		{"sigmoid SignFlip0", sigmoid, flip(0), false},
	}
	for _, tc := range cases {
		loss := func(q deepNet) float64 { return mse(deepForward(tc.sigma, q.W, q.b, X), Y) }
		r := Invariance(loss, tc.act, p)
		moved := 0.0
		for i, w := range tc.act(p).W {
			moved = math.Max(moved, relErr(p.W[i], w))
		}
		if moved < 0.1 {
			t.Errorf("%s: the action moved the weights by only %.3g: the test would prove nothing", tc.name, moved)
		}
		if tc.symmetric && !(r <= invTol) {
			t.Errorf("%s: relative loss change %.3g, want ≤ %g", tc.name, r, invTol)
		}
		if !tc.symmetric && !(r >= brokenMin) {
			t.Errorf("%s: relative loss change %.3g, want ≥ %g (not a symmetry)", tc.name, r, brokenMin)
		}
		t.Logf("%-20s relative change %.2g", tc.name, r)
	}
	// Without biases too.
	loss := func(q deepNet) float64 { return mse(deepForward(relu, q.W, nil, X), Y) }
	c := SamplePositive(rnd, widths[1], 1)
	if r := Invariance(loss, func(q deepNet) deepNet { W, _ := DeepRescale(0, 1, c, q.W, nil); return deepNet{W: W} }, p); r > invTol {
		t.Errorf("relu without biases under DeepRescale: relative change %.3g", r)
	}
	for i := range W0 {
		if relErr(W0[i], p.W[i]) != 0 {
			t.Errorf("W[%d] modified by an action", i)
		}
	}
}

func TestInvarianceHelper(t *testing.T) {
	loss := func(x float64) float64 { return x * x }
	if r := Invariance(loss, func(x float64) float64 { return -x }, 3); r != 0 {
		t.Errorf("x → −x on x²: %v, want 0", r)
	}
	if r := Invariance(loss, func(x float64) float64 { return 2 * x }, 3); r != 3 {
		t.Errorf("x → 2x on x² at 3: %v, want 3 (36 vs 9)", r)
	}
	if r := Invariance(loss, func(x float64) float64 { return x + 1 }, 0); r != 1 {
		t.Errorf("L(p) = 0 gives the absolute change: %v, want 1", r)
	}
	a := mat.NewDense(1, 2, []float64{3, 4})
	b := mat.NewDense(1, 2, []float64{3, 4.5})
	if r := RelDiff(a, b); r != 0.1 {
		t.Errorf("RelDiff = %v, want 0.5/5 = 0.1", r)
	}
}

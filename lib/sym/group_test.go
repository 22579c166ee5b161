package sym

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lawTol bounds the relative difference between two routes through a group
// law. Each route is a few matrix products and one LU solve of a matrix with
// condition number ≲ 10 (e^{εT}, ε ≤ 0.7); rounding gives ~1e-15, so 1e-12
// leaves margin while any wrong convention (g vs gᵀ, g vs g⁻¹) gives O(1).
const lawTol = 1e-12

func TestGroupLaws(t *testing.T) {
	const m, h, n = 3, 5, 4
	rnd := rand.New(rand.NewPCG(5, 6))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	check := func(name string, U1, V1, U2, V2 mat.Matrix, tol float64) {
		t.Helper()
		eu, ev := relErr(U1, U2), relErr(V1, V2)
		if !(eu <= tol && ev <= tol) {
			t.Errorf("%s: relative differences U %.3g, V %.3g, want ≤ %g", name, eu, ev, tol)
		}
	}

	// GL: left action and identity.
	g1, g2 := SampleGL(rnd, h, 0.7), SampleGL(rnd, h, 0.7)
	var g12 mat.Dense
	g12.Mul(g1, g2)
	Ua, Va := GL(g2, U, V)
	Ua, Va = GL(g1, Ua, Va)
	Ub, Vb := GL(&g12, U, V)
	check("GL(g1, GL(g2)) vs GL(g1 g2)", Ua, Va, Ub, Vb, lawTol)
	I := mat.NewDiagDense(h, ones(h))
	Ui, Vi := GL(I, U, V)
	check("GL(I)", U, V, Ui, Vi, 0)
	// g then g⁻¹ returns.
	var gi mat.Dense
	if err := gi.Inverse(g1); err != nil {
		t.Fatal(err)
	}
	Ua, Va = GL(g1, U, V)
	Ua, Va = GL(&gi, Ua, Va)
	check("GL(g⁻¹, GL(g))", U, V, Ua, Va, lawTol)

	// Rescale and RescaleAlpha: componentwise products.
	for _, alpha := range []float64{1, 1.5, 3} {
		c1, c2 := SamplePositive(rnd, h, 1), SamplePositive(rnd, h, 1)
		c12 := make([]float64, h)
		for j := range c12 {
			c12[j] = c1[j] * c2[j]
		}
		Ua, Va = RescaleAlpha(alpha, c2, U, V)
		Ua, Va = RescaleAlpha(alpha, c1, Ua, Va)
		Ub, Vb = RescaleAlpha(alpha, c12, U, V)
		check("RescaleAlpha composition", Ua, Va, Ub, Vb, lawTol)
		Ui, Vi = RescaleAlpha(alpha, ones(h), U, V)
		check("RescaleAlpha(1)", U, V, Ui, Vi, 0)
	}
	c := SamplePositive(rnd, h, 1)
	Ua, Va = Rescale(c, U, V)
	Ub, Vb = GL(mat.NewDiagDense(h, c), U, V)
	check("Rescale(c) vs GL(diag c)", Ua, Va, Ub, Vb, lawTol)

	// Permute: composition q[i] = p2[p1[i]] and agreement with GL(P).
	p1, p2 := SamplePerm(rnd, h), SamplePerm(rnd, h)
	q := make([]int, h)
	for i := range q {
		q[i] = p2[p1[i]]
	}
	Ua, Va = Permute(p2, U, V)
	Ua, Va = Permute(p1, Ua, Va)
	Ub, Vb = Permute(q, U, V)
	check("Permute composition", Ua, Va, Ub, Vb, 0)
	var P12 mat.Dense
	P12.Mul(PermMatrix(p1), PermMatrix(p2))
	if relErr(PermMatrix(q), &P12) != 0 {
		t.Error("PermMatrix(q) ≠ PermMatrix(p1)·PermMatrix(p2)")
	}
	Ua, Va = Permute(p1, U, V)
	Ub, Vb = GL(PermMatrix(p1), U, V)
	check("Permute vs GL(P)", Ua, Va, Ub, Vb, 0)

	// SignFlip: an involution, and GL(diag s).
	s := SampleSigns(rnd, h)
	Ua, Va = SignFlip(s, U, V)
	Ub, Vb = GL(mat.NewDiagDense(h, s), U, V)
	check("SignFlip vs GL(diag s)", Ua, Va, Ub, Vb, 0)
	Ua, Va = SignFlip(s, Ua, Va)
	check("SignFlip twice", U, V, Ua, Va, 0)

	// Orthogonal: composition, and agreement with GL (g⁻¹ = gᵀ).
	o1, o2 := SampleOrthogonal(rnd, h), SampleOrthogonal(rnd, h)
	var o12 mat.Dense
	o12.Mul(o1, o2)
	Ua, Va = Orthogonal(o2, U, V)
	Ua, Va = Orthogonal(o1, Ua, Va)
	Ub, Vb = Orthogonal(&o12, U, V)
	check("Orthogonal composition", Ua, Va, Ub, Vb, lawTol)
	Ub, Vb = GL(o1, U, V)
	Ua, Va = Orthogonal(o1, U, V)
	check("Orthogonal vs GL", Ua, Va, Ub, Vb, lawTol)

	// JointScale and UnitScale.
	Ua, Va = JointScale(2, U, V)
	Ua, Va = JointScale(-0.25, Ua, Va)
	Ub, Vb = JointScale(-0.5, U, V)
	check("JointScale composition", Ua, Va, Ub, Vb, 0)
	c1, c2 := SamplePositive(rnd, h, 1), SamplePositive(rnd, h, 1)
	c12 := make([]float64, h)
	for j := range c12 {
		c12[j] = c1[j] * c2[j]
	}
	Ua, Va = UnitScale(c2, U, V)
	Ua, Va = UnitScale(c1, Ua, Va)
	Ub, Vb = UnitScale(c12, U, V)
	check("UnitScale composition", Ua, Va, Ub, Vb, lawTol)
}

func TestDeepGroupLaws(t *testing.T) {
	widths := []int{3, 5, 4, 2}
	rnd := rand.New(rand.NewPCG(7, 8))
	var W []*mat.Dense
	var b []*mat.VecDense
	for i := 0; i+1 < len(widths); i++ {
		W = append(W, randn(rnd, widths[i+1], widths[i], 1))
		b = append(b, randVec(rnd, widths[i+1], 1))
	}
	check := func(name string, Wa []*mat.Dense, ba []*mat.VecDense, Wb []*mat.Dense, bb []*mat.VecDense, tol float64) {
		t.Helper()
		for i := range Wa {
			e := relErr(Wa[i], Wb[i])
			e = math.Max(e, relErr(ba[i], bb[i]))
			if !(e <= tol) {
				t.Errorf("%s: layer %d relative difference %.3g, want ≤ %g", name, i, e, tol)
			}
		}
	}
	g1, g2 := SampleGL(rnd, 5, 0.7), SampleGL(rnd, 5, 0.7)
	var g12 mat.Dense
	g12.Mul(g1, g2)
	Wa, ba := DeepGL(0, g2, W, b)
	Wa, ba = DeepGL(0, g1, Wa, ba)
	Wb, bb := DeepGL(0, &g12, W, b)
	check("DeepGL composition", Wa, ba, Wb, bb, lawTol)

	// Actions on different layers commute.
	h1 := SampleGL(rnd, 4, 0.7)
	Wa, ba = DeepGL(0, g1, W, b)
	Wa, ba = DeepGL(1, h1, Wa, ba)
	Wb, bb = DeepGL(1, h1, W, b)
	Wb, bb = DeepGL(0, g1, Wb, bb)
	check("DeepGL layers commute", Wa, ba, Wb, bb, lawTol)

	// DeepRescale = DeepGL(diag c) for α = 1; composition for α = 2.
	c := SamplePositive(rnd, 4, 1)
	Wa, ba = DeepRescale(1, 1, c, W, b)
	Wb, bb = DeepGL(1, mat.NewDiagDense(4, c), W, b)
	check("DeepRescale vs DeepGL(diag c)", Wa, ba, Wb, bb, lawTol)
	c2 := SamplePositive(rnd, 4, 1)
	c12 := make([]float64, 4)
	for j := range c12 {
		c12[j] = c[j] * c2[j]
	}
	Wa, ba = DeepRescale(1, 2, c2, W, b)
	Wa, ba = DeepRescale(1, 2, c, Wa, ba)
	Wb, bb = DeepRescale(1, 2, c12, W, b)
	check("DeepRescale α=2 composition", Wa, ba, Wb, bb, lawTol)

	// DeepPermute and DeepSignFlip = DeepGL of their matrices.
	perm := SamplePerm(rnd, 5)
	Wa, ba = DeepPermute(0, perm, W, b)
	Wb, bb = DeepGL(0, PermMatrix(perm), W, b)
	check("DeepPermute vs DeepGL(P)", Wa, ba, Wb, bb, 0)
	s := SampleSigns(rnd, 5)
	Wa, ba = DeepSignFlip(0, s, W, b)
	Wb, bb = DeepGL(0, mat.NewDiagDense(5, s), W, b)
	check("DeepSignFlip vs DeepGL(diag s)", Wa, ba, Wb, bb, 0)
}

func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

func TestGLTangent(t *testing.T) {
	// The tangent is the derivative of ε ↦ GL(e^{εT}); the central difference
	// has truncation error ε²/6·|third derivative| ≈ 1e-10 and rounding
	// 1e-16/ε ≈ 1e-11 at ε = 1e-5, so 1e-8 is a safe relative bound.
	const m, h, n, eps = 3, 4, 5, 1e-5
	rnd := rand.New(rand.NewPCG(9, 10))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	T := SampleAlgebra(rnd, h)
	dU, dV := GLTangent(T, U, V)
	Up, Vp := GL(Expm(eps, T), U, V)
	Um, Vm := GL(Expm(-eps, T), U, V)
	var fdU, fdV mat.Dense
	fdU.Sub(Up, Um)
	fdU.Scale(1/(2*eps), &fdU)
	fdV.Sub(Vp, Vm)
	fdV.Scale(1/(2*eps), &fdV)
	if e := math.Max(relErr(dU, &fdU), relErr(dV, &fdV)); e > 1e-8 {
		t.Errorf("GLTangent vs central difference: relative error %.3g, want ≤ 1e-8", e)
	}
}

func TestPanics(t *testing.T) {
	U, V := mat.NewDense(2, 5, nil), mat.NewDense(5, 3, nil)
	cases := []struct {
		want string
		f    func()
	}{
		{"sym: GL: g is 3×4, want 5×5", func() { GL(mat.NewDense(3, 4, nil), U, V) }},
		{"sym: GL: U is 2×5 and V is 4×3", func() { GL(mat.NewDense(5, 5, nil), U, mat.NewDense(4, 3, nil)) }},
		{"sym: GL: g (5×5) is singular", func() { GL(mat.NewDense(5, 5, nil), U, V) }},
		{"sym: Rescale: c[1] = -1", func() { Rescale([]float64{1, -1, 1, 1, 1}, U, V) }},
		{"sym: Permute: perm[2] = 1: not a permutation", func() { Permute([]int{0, 1, 1, 3, 4}, U, V) }},
		{"sym: SignFlip: s[0] = 0.5, want ±1", func() { SignFlip([]float64{0.5, 1, 1, 1, 1}, U, V) }},
		{"sym: Orthogonal: g (5×5) is not orthogonal", func() { Orthogonal(mat.NewDiagDense(5, []float64{1, 1, 1, 1, 2}), U, V) }},
		{"sym: DeepGL: layer 2, want a hidden layer in [0, 1]", func() {
			DeepGL(2, mat.NewDense(3, 3, nil), []*mat.Dense{mat.NewDense(4, 2, nil), mat.NewDense(3, 4, nil), mat.NewDense(1, 3, nil)}, nil)
		}},
		{"sym: DeepRescale: W[0] is 4×2 and W[1] is 3×5", func() {
			DeepRescale(0, 1, ones(4), []*mat.Dense{mat.NewDense(4, 2, nil), mat.NewDense(3, 5, nil)}, nil)
		}},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, tc.want) {
					t.Errorf("panic %q, want prefix %q", r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// rowNormalised is the official model.py's TwoLayerRadial forward pass, written
// out: U N(V) with N(V)_{j,:} = V_{j,:}/‖V_{j,:}‖² (its input is ignored).
func rowNormalised(U, V *mat.Dense) *mat.Dense {
	h, n := V.Dims()
	N := mat.NewDense(h, n, nil)
	for j := 0; j < h; j++ {
		r := V.RawRowView(j)
		s := floats.Dot(r, r)
		for a, v := range r {
			N.Set(j, a, v/s)
		}
	}
	var f mat.Dense
	f.Mul(U, N)
	return &f
}

// Identities hold to rounding: the outputs are O(1) sums of a few products,
// so 1e-12 absolute leaves a margin of about 1e3 over float64 rounding.
func TestRadialUnitsIsOfficialModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	net := TwoLayer{In: 10, Hidden: 5, Out: 5, Act: RadialUnits}
	p := net.Init(rng, Normal(1))
	U, V := p.M("U"), p.M("V")
	if got, want := Predict(net, p, eye(10)), rowNormalised(U, V); !mat.EqualApprox(got, want, 1e-12) {
		t.Errorf("RadialUnits at X = I is not U N(V):\n%v\n%v", mat.Formatted(got), mat.Formatted(want))
	}
	// For a general X it normalises the rows of V X.
	x := randDense(rng, 10, 7, 1)
	var vx mat.Dense
	vx.Mul(V, x)
	if got, want := Predict(net, p, x), rowNormalised(U, &vx); !mat.EqualApprox(got, want, 1e-12) {
		t.Errorf("RadialUnits does not normalise the rows of V X")
	}

	// Per-unit scaling (U D, D V) is a symmetry, signs included.
	c := []float64{0.3, -2, 5, 1.5, 0.01}
	q := p.Clone()
	for j, cj := range c {
		for i := 0; i < 5; i++ {
			q.M("U").Set(i, j, cj*U.At(i, j))
		}
		for a := 0; a < 10; a++ {
			q.M("V").Set(j, a, cj*V.At(j, a))
		}
	}
	if !mat.EqualApprox(Predict(net, p, x), Predict(net, q, x), 1e-12) {
		t.Errorf("RadialUnits net is not invariant under (U D, D V)")
	}
	// O(h) is not: a random rotation changes the output by O(1).
	var qr mat.QR
	qr.Factorize(randDense(rng, 5, 5, 1))
	var o mat.Dense
	qr.QTo(&o)
	q.M("U").Mul(U, o.T())
	q.M("V").Mul(&o, V)
	f0, f1 := Predict(net, p, x), Predict(net, q, x)
	var d mat.Dense
	d.Sub(f1, f0)
	if rel := mat.Norm(&d, 2) / mat.Norm(f0, 2); rel < 1e-2 {
		t.Errorf("RadialUnits net changed by only %.2g under a rotation; O(h) should not be a symmetry", rel)
	}
	// The per-sample Radial net is O(h)-invariant, for contrast.
	rad := TwoLayer{In: 10, Hidden: 5, Out: 5, Act: Radial}
	if !mat.EqualApprox(Predict(rad, p, x), Predict(rad, q, x), 1e-12) {
		t.Errorf("Radial net is not O(h)-invariant")
	}
}

func TestRadialUnitsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	net := TwoLayer{In: 10, Hidden: 5, Out: 5, Act: RadialUnits}
	p := net.Init(rng, Normal(1))
	obj := NewObjective(net, eye(10), randDense(rng, 5, 10, 1), MSE)
	checkGradient(t, "RadialUnits", obj.Func, p.Vec())

	// The per-unit symmetry gives ⟨∇L, (U_{:,j}, V_{j,:})⟩ = 0 for each unit
	// (so Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖² is conserved by gradient flow). The
	// two terms are each O(‖∇L‖·‖θ‖); their sum cancels to rounding, 1e-12
	// relative to that scale.
	g := p.NewLike()
	obj.Func(p.Vec(), g.Vec())
	scale := floats.Norm(g.Vec(), 2) * floats.Norm(p.Vec(), 2)
	for j := 0; j < 5; j++ {
		s := floats.Dot(mat.Col(nil, j, p.M("U")), mat.Col(nil, j, g.M("U"))) +
			floats.Dot(p.M("V").RawRowView(j), g.M("V").RawRowView(j))
		if math.Abs(s) > 1e-12*scale {
			t.Errorf("unit %d: ⟨∇L, (U_j, V_j)⟩ = %.3g, want 0 (scale %.3g)", j, s, scale)
		}
	}
}

func TestSVDAligned(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	y := randDense(rng, 5, 10, 1)
	du := []float64{0.7, -1.2, 0.3, 2, 1.1}
	dv := []float64{1.3, 0.4, -0.9, 0.8, 2.5}
	p := SVDAligned(y, du, dv)
	if r, c := p.Shape("U"); r != 5 || c != 5 {
		t.Fatalf("U is %d×%d", r, c)
	}
	// Q = ‖U‖² + ‖V‖² = ‖du‖² + ‖dv‖² (the singular vectors are unit vectors).
	if q, want := floats.Dot(p.Vec(), p.Vec()), floats.Dot(du, du)+floats.Dot(dv, dv); math.Abs(q-want) > 1e-12*want {
		t.Errorf("‖U‖² + ‖V‖² = %v, want ‖du‖² + ‖dv‖² = %v", q, want)
	}
	var svd mat.SVD
	svd.Factorize(y, mat.SVDThin)
	s := svd.Values(nil)
	var phi, psi mat.Dense
	svd.UTo(&phi)
	svd.VTo(&psi)
	// sum returns Σ_j c_j φ_j ψ_jᵀ.
	sum := func(c func(j int) float64) *mat.Dense {
		f := mat.NewDense(5, 10, nil)
		for j := 0; j < 5; j++ {
			for i := 0; i < 5; i++ {
				for a := 0; a < 10; a++ {
					f.Set(i, a, f.At(i, a)+c(j)*phi.At(i, j)*psi.At(a, j))
				}
			}
		}
		return f
	}
	// Linear network: U V = Σ du_j dv_j φ_j ψ_jᵀ; with du_j = dv_j = √s_j it
	// is Y itself.
	lin := TwoLayer{In: 10, Hidden: 5, Out: 5, Act: Linear}
	if got, want := Predict(lin, p, eye(10)), sum(func(j int) float64 { return du[j] * dv[j] }); !mat.EqualApprox(got, want, 1e-12) {
		t.Errorf("U V is not Σ du_j dv_j φ_j ψ_jᵀ")
	}
	sq := make([]float64, 5)
	for j := range sq {
		sq[j] = math.Sqrt(s[j])
	}
	if got := Predict(lin, SVDAligned(y, sq, sq), eye(10)); !mat.EqualApprox(got, y, 1e-12) {
		t.Errorf("U V with du = dv = √s is not Y")
	}
	// RadialUnits: Σ (du_j/dv_j) φ_j ψ_jᵀ, the same function whatever the
	// common scale of du and dv.
	ru := TwoLayer{In: 10, Hidden: 5, Out: 5, Act: RadialUnits}
	f0 := Predict(ru, p, eye(10))
	if want := sum(func(j int) float64 { return du[j] / dv[j] }); !mat.EqualApprox(f0, want, 1e-12) {
		t.Errorf("RadialUnits output is not Σ (du_j/dv_j) φ_j ψ_jᵀ")
	}
	for _, c := range []float64{1e-2, 10} {
		cu := append([]float64(nil), du...)
		cv := append([]float64(nil), dv...)
		floats.Scale(c, cu)
		floats.Scale(c, cv)
		if got := Predict(ru, SVDAligned(y, cu, cv), eye(10)); !mat.EqualApprox(got, f0, 1e-12) {
			t.Errorf("RadialUnits output changes when du, dv are scaled by %g", c)
		}
	}
}

func TestSVDAlignedPanics(t *testing.T) {
	for _, d := range [][2][]float64{
		{{1, 1, 1}, {1, 1, 1}}, // h > min(m, n)
		{{1, 1}, {1}},          // lengths differ
		{nil, nil},             // h = 0
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic for diagonals %v", d)
				}
			}()
			SVDAligned(mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), d[0], d[1])
		}()
	}
}

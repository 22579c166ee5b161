package sym

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randSym(rnd *rand.Rand, d int) *mat.SymDense {
	A := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			A.SetSym(i, j, rnd.NormFloat64()/math.Sqrt(float64(d)))
		}
	}
	return A
}

func TestGeneratorExp(t *testing.T) {
	// e^{λA} through the eigendecomposition against gonum's Padé Exp, and the
	// one-parameter group law e^{λ₁A} e^{λ₂A} = e^{(λ₁+λ₂)A}. Both sides are
	// O(d) products of O(1) numbers with eigenvector matrices orthogonal to
	// 1e-15; 1e-12 relative is a safe bound, and a wrong sign or transpose
	// gives O(1).
	rnd := rand.New(rand.NewPCG(11, 12))
	for _, d := range []int{1, 4, 12} {
		A := randSym(rnd, d)
		g := NewGenerator(A)
		for _, lambda := range []float64{-1.3, 0, 0.4, 2} {
			if e := relErr(Expm(lambda, A), g.Exp(lambda)); e > 1e-12 {
				t.Errorf("d=%d λ=%g: eigen e^{λA} vs Padé: relative error %.3g", d, lambda, e)
			}
		}
		var prod mat.Dense
		prod.Mul(g.Exp(0.7), g.Exp(-0.2))
		if e := relErr(g.Exp(0.5), &prod); e > 1e-12 {
			t.Errorf("d=%d: e^{0.7A}e^{−0.2A} vs e^{0.5A}: %.3g", d, e)
		}
		theta := make([]float64, d)
		for i := range theta {
			theta[i] = rnd.NormFloat64()
		}
		a := g.Apply(nil, 0.3, g.Apply(nil, 0.9, theta))
		b := g.Apply(nil, 1.2, theta)
		if e := relErrVec(b, a); e > 1e-12 {
			t.Errorf("d=%d: Apply(0.3, Apply(0.9)) vs Apply(1.2): %.3g", d, e)
		}
		if e := relErrVec(theta, g.Apply(nil, 0, theta)); e > 1e-14 {
			t.Errorf("d=%d: Apply(0) is not the identity: %.3g", d, e)
		}
		var ev mat.VecDense
		ev.MulVec(g.Exp(1.2), mat.NewVecDense(d, theta))
		if e := relErrVec(ev.RawVector().Data, b); e > 1e-12 {
			t.Errorf("d=%d: Apply vs Exp·θ: %.3g", d, e)
		}
		// In-place application.
		c := append([]float64(nil), theta...)
		g.Apply(c, 1.2, c)
		if e := relErrVec(b, c); e != 0 {
			t.Errorf("d=%d: aliased Apply differs by %.3g", d, e)
		}
		// Tangent = derivative at λ = 0 (central difference, see TestGLTangent).
		const h = 1e-5
		tan := g.Tangent(nil, theta)
		fd := make([]float64, d)
		p, m := g.Apply(nil, h, theta), g.Apply(nil, -h, theta)
		for i := range fd {
			fd[i] = (p[i] - m[i]) / (2 * h)
		}
		if e := relErrVec(tan, fd); e > 1e-8 {
			t.Errorf("d=%d: Tangent vs central difference: %.3g", d, e)
		}
	}
}

func TestBlockGenerator(t *testing.T) {
	// A generator with three interleaved blocks and two isolated coordinates:
	// the block-wise eigendecomposition must agree with the Padé exponential
	// of the whole matrix (tolerance as in TestGeneratorExp).
	rnd := rand.New(rand.NewPCG(31, 32))
	const d = 11
	label := []int{0, 1, 2, 0, 1, 3, 2, 0, 4, 1, 2}
	A := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			if label[i] == label[j] {
				A.SetSym(i, j, rnd.NormFloat64())
			}
		}
	}
	g := NewGenerator(A)
	if len(g.blocks) != 5 {
		t.Errorf("found %d blocks, want 5", len(g.blocks))
	}
	if e := relErr(Expm(0.6, A), g.Exp(0.6)); e > 1e-12 {
		t.Errorf("block e^{λA} vs Padé: relative error %.3g", e)
	}
	theta := make([]float64, d)
	for i := range theta {
		theta[i] = rnd.NormFloat64()
	}
	var want mat.VecDense
	want.MulVec(A, mat.NewVecDense(d, theta))
	if e := relErrVec(want.RawVector().Data, g.Tangent(nil, theta)); e > 1e-13 {
		t.Errorf("block Tangent vs Aθ: relative error %.3g", e)
	}
	var tr float64
	for _, v := range g.Eigenvalues() {
		tr += v
	}
	if math.Abs(tr-mat.Trace(A)) > 1e-12 {
		t.Errorf("sum of eigenvalues %v, want Tr A = %v", tr, mat.Trace(A))
	}
}

func TestDiagonalGenerators(t *testing.T) {
	up, down := []int{0, 3}, []int{1, 4}
	A := RescaleGen(6, up, down)
	g := NewGenerator(A)
	theta := []float64{1, 2, 3, 4, 5, 6}
	got := g.Apply(nil, math.Log(2), theta)
	want := []float64{2, 1, 3, 8, 2.5, 6}
	if e := relErrVec(want, got); e > 1e-15 {
		t.Errorf("RescaleGen flow at λ = ln 2: got %v, want %v", got, want)
	}
	ev := g.Eigenvalues()
	sort.Float64s(ev)
	if want := []float64{-1, -1, 0, 0, 1, 1}; !slices.Equal(ev, want) {
		t.Errorf("RescaleGen eigenvalues %v, want %v", ev, want)
	}
	s := NewGenerator(ScaleGen(3)).Apply(nil, 1, []float64{1, -2, 0.5})
	if e := relErrVec([]float64{math.E, -2 * math.E, 0.5 * math.E}, s); e > 1e-15 {
		t.Errorf("ScaleGen flow: %v", s)
	}
}

func TestDoubleRotationGen(t *testing.T) {
	// The flow of DoubleRotationGen(B) on Flatten(U, W) is (U e^{λB}, e^{−λB} W),
	// so U W is unchanged, and θᵀAθ = Tr[U B Uᵀ] − Tr[Wᵀ B W]. Tolerances as in
	// TestGeneratorExp.
	const m, h, n = 3, 4, 5
	rnd := rand.New(rand.NewPCG(13, 14))
	U, W := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	B := randSym(rnd, h)
	A := DoubleRotationGen(B, m, n)
	g := NewGenerator(A)
	theta := Flatten(nil, U, W)
	const lambda = 0.8
	U2, W2 := mat.NewDense(m, h, nil), mat.NewDense(h, n, nil)
	Unflatten(g.Apply(nil, lambda, theta), U2, W2)
	var wantU, wantW mat.Dense
	wantU.Mul(U, Expm(lambda, B))
	wantW.Mul(Expm(-lambda, B), W)
	if e := math.Max(relErr(&wantU, U2), relErr(&wantW, W2)); e > 1e-12 {
		t.Errorf("double-rotation flow vs (U e^{λB}, e^{−λB} W): %.3g", e)
	}
	var P, P2 mat.Dense
	P.Mul(U, W)
	P2.Mul(U2, W2)
	if e := relErr(&P, &P2); e > 1e-12 {
		t.Errorf("U W changed by %.3g along the double rotation", e)
	}
	var av mat.VecDense
	av.MulVec(A, mat.NewVecDense(len(theta), theta))
	C := mat.Dot(&av, mat.NewVecDense(len(theta), theta))
	var UB, BW mat.Dense
	UB.Mul(U, B)
	BW.Mul(B, W)
	want := mat.Sum(mulElem(&UB, U)) - mat.Sum(mulElem(&BW, W))
	if math.Abs(C-want) > 1e-12*math.Abs(want) {
		t.Errorf("θᵀAθ = %v, want Tr[UBUᵀ] − Tr[WᵀBW] = %v", C, want)
	}

	// NeuronGen(j) = DoubleRotationGen(e_j e_jᵀ), and its flow is Rescale with c_j = e^{−λ}.
	const j = 2
	E := mat.NewSymDense(h, nil)
	E.SetSym(j, j, 1)
	if relErr(DoubleRotationGen(E, m, n), NeuronGen(m, h, n, j)) != 0 {
		t.Error("NeuronGen ≠ DoubleRotationGen(e_j e_jᵀ)")
	}
	Unflatten(NewGenerator(NeuronGen(m, h, n, j)).Apply(nil, lambda, theta), U2, W2)
	c := ones(h)
	c[j] = math.Exp(-lambda)
	Ur, Wr := Rescale(c, U, W)
	if e := math.Max(relErr(Ur, U2), relErr(Wr, W2)); e > 1e-15 {
		t.Errorf("NeuronGen flow vs Rescale: %.3g", e)
	}
}

func mulElem(a, b mat.Matrix) *mat.Dense {
	var out mat.Dense
	out.MulElem(a, b)
	return &out
}

func TestFlatten(t *testing.T) {
	U := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	V := mat.NewDense(2, 1, []float64{5, 6})
	theta := Flatten(nil, U, V)
	want := []float64{1, 2, 3, 4, 5, 6}
	for i := range want {
		if theta[i] != want[i] {
			t.Fatalf("Flatten = %v, want %v (row-major)", theta, want)
		}
	}
	U2, V2 := mat.NewDense(2, 2, nil), mat.NewDense(2, 1, nil)
	Unflatten(theta, U2, V2)
	if relErr(U, U2) != 0 || relErr(V, V2) != 0 {
		t.Error("Unflatten(Flatten) is not the identity")
	}
}

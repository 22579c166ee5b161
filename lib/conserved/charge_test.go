package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/sym"
)

// chargeTol bounds |C(θ') − NextCharge(C(θ), ĝ)| relative to ‖θ‖² + η²‖ĝ‖²,
// the size of the terms of θ'ᵀAθ' for ‖A‖ = O(1): both sides are a few
// O(d) sums in float64, so rounding is ~1e-15 of that; the omitted first-order
// term −2η ĝᵀAθ is zero up to the rounding of ĝ, and when it is not zero (the
// control below) the error is O(η) ≈ 1e-2.
const chargeTol = 1e-12

func checkCharge(t *testing.T, name string, A mat.Symmetric, theta, g []float64, eta, gamma float64) float64 {
	t.Helper()
	next := make([]float64, len(theta))
	for i := range theta {
		next[i] = (1-eta*gamma)*theta[i] - eta*g[i]
	}
	got := Charge(A, next)
	pred := NextCharge(Charge(A, theta), A, g, eta, gamma)
	scale := dot(theta, theta) + eta*eta*dot(g, g)
	e := math.Abs(got-pred) / scale
	t.Logf("%-40s η=%g γ=%g: |C' − predicted|/scale = %.2g", name, eta, gamma, e)
	return e
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func TestChargeDrift(t *testing.T) {
	const m, h, n, k = 3, 5, 4, 10
	rnd := rand.New(rand.NewPCG(16, 17))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	X, Y := randn(rnd, n, k, 1), randn(rnd, m, k, 1)
	theta := sym.Flatten(nil, U, V)
	// Minibatch gradients: the law holds for each batch's loss separately.
	batch := func(a activation) []float64 {
		Xb := mat.DenseCopyOf(X.Slice(0, n, 2, 6))
		Yb := mat.DenseCopyOf(Y.Slice(0, m, 2, 6))
		_, GU, GV, _ := twoLayerGrad(a, U, V, nil, Xb, Yb)
		return sym.Flatten(nil, GU, GV)
	}
	cases := []struct {
		name string
		A    mat.Symmetric
		g    []float64
	}{
		{"nn.ReLU unit rescaling (NeuronGen 1)", sym.NeuronGen(m, h, n, 1), batch(actReLU)},
		{"LeakyReLU unit rescaling (NeuronGen 4)", sym.NeuronGen(m, h, n, 4), batch(actLeaky)},
	}
	B := mat.NewSymDense(h, nil)
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			B.SetSym(i, j, rnd.NormFloat64())
		}
	}
	cases = append(cases, struct {
		name string
		A    mat.Symmetric
		g    []float64
	}{"linear double rotation (random B)", sym.DoubleRotationGen(B, m, n), batch(actLinear)})

	for _, c := range cases {
		for _, gamma := range []float64{0, 0.3} {
			if e := checkCharge(t, c.name, c.A, theta, c.g, 0.1, gamma); !(e <= chargeTol) {
				t.Errorf("%s γ=%g: error %.3g, want ≤ %g", c.name, gamma, e, chargeTol)
			}
		}
		// ChargeStep is the γ = 0 increment.
		if NextCharge(0, c.A, c.g, 0.1, 0.3) != ChargeStep(c.A, c.g, 0.1) {
			t.Errorf("%s: ChargeStep ≠ NextCharge − C", c.name)
		}
	}

	// The double-rotation charges are the entries of Q: C_B = ⟨B, UᵀU − VVᵀ⟩.
	var bq mat.Dense
	bq.MulElem(B, Matrix(nil, U, V))
	if cb, want := Charge(sym.DoubleRotationGen(B, m, n), theta), mat.Sum(&bq); math.Abs(cb-want) > 1e-12*math.Abs(want) {
		t.Errorf("C_B = %v, want ⟨B, Q⟩ = %v", cb, want)
	}
	// NeuronGen's charge is Neurons' Q_j.
	if cj, want := Charge(sym.NeuronGen(m, h, n, 2), theta), Neurons(nil, 1, U, V, nil)[2]; math.Abs(cj-want) > 1e-12*math.Abs(want) {
		t.Errorf("NeuronGen charge %v, want Q_2 = %v", cj, want)
	}

	// Scale invariance, A = I: ℓ(θ) = ½‖Mθ/‖θ‖ − y‖², whose gradient is
	// orthogonal to θ; the charge ‖θ‖² can only grow without decay.
	d := len(theta)
	M := randn(rnd, 3, d, 1)
	y := []float64{1, -1, 0.5}
	nrm := math.Sqrt(dot(theta, theta))
	var r, g mat.VecDense
	r.MulVec(M, mat.NewVecDense(d, theta))
	r.ScaleVec(1/nrm, &r)
	r.SubVec(&r, mat.NewVecDense(3, y))
	g.MulVec(M.T(), &r)
	gn := g.RawVector().Data
	proj := dot(gn, theta) / dot(theta, theta)
	for i := range gn {
		gn[i] = (gn[i] - proj*theta[i]) / nrm
	}
	A := sym.ScaleGen(d)
	for _, gamma := range []float64{0, 0.3} {
		if e := checkCharge(t, "scale invariance (A = I)", A, theta, gn, 0.1, gamma); !(e <= chargeTol) {
			t.Errorf("scale invariance γ=%g: error %.3g", gamma, e)
		}
	}

	// A random gradient vector: any ĝ with ĝᵀAθ = 0 obeys the law; an
	// unprojected one does not (control).
	Ar := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			Ar.SetSym(i, j, rnd.NormFloat64()/math.Sqrt(float64(d)))
		}
	}
	gr := make([]float64, d)
	for i := range gr {
		gr[i] = rnd.NormFloat64()
	}
	if e := checkCharge(t, "random A, unprojected ĝ (control)", Ar, theta, gr, 0.1, 0); e < 1e-4 {
		t.Errorf("unprojected ĝ: error %.3g, want a visible first-order term", e)
	}
	var at mat.VecDense
	at.MulVec(Ar, mat.NewVecDense(d, theta))
	atd := at.RawVector().Data
	p := dot(gr, atd) / dot(atd, atd)
	for i := range gr {
		gr[i] -= p * atd[i]
	}
	for _, gamma := range []float64{0, 0.3} {
		if e := checkCharge(t, "random A, ĝ ⊥ Aθ", Ar, theta, gr, 0.1, gamma); !(e <= chargeTol) {
			t.Errorf("random A, ĝ ⊥ Aθ, γ=%g: error %.3g", gamma, e)
		}
	}
}

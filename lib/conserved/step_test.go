package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// stepTol bounds the relative error of the exact one-step laws. Both sides are
// computed in float64; the left side is a difference Q' − Q of O(‖θ‖²) numbers,
// so its rounding is ≈ 1e-16·‖θ‖², against a right side of size η²‖G‖², which
// at η = 1e-3 is ~1e-5 here: the error grows as 1/η² and measures 3e-12 at the
// smallest step. A missing first-order term or a wrong sign would show at O(1).
const stepTol = 1e-10

func TestMatrixStepExact(t *testing.T) {
	const m, h, n, k = 4, 5, 3, 9
	rnd := rand.New(rand.NewPCG(6, 7))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	X, Y := randn(rnd, n, k, 1), randn(rnd, m, k, 1)
	Q := Matrix(nil, U, V)
	for _, batch := range []int{k, 3} {
		Xb := mat.DenseCopyOf(X.Slice(0, n, 0, batch))
		Yb := mat.DenseCopyOf(Y.Slice(0, m, 0, batch))
		_, GU, GV, _ := twoLayerGrad(actLinear, U, V, nil, Xb, Yb)
		for _, eta := range []float64{0.1, 0.01, 1e-3} {
			var U2, V2 mat.Dense
			U2.Scale(-eta, GU)
			U2.Add(&U2, U)
			V2.Scale(-eta, GV)
			V2.Add(&V2, V)
			var dQ mat.Dense
			dQ.Sub(Matrix(nil, &U2, &V2), Q)
			want := MatrixStep(nil, GU, GV, eta)
			if e := relErr(want, &dQ); !(e <= stepTol) {
				t.Errorf("batch %d, η=%g: Q' − Q vs η²(G_UᵀG_U − G_VG_Vᵀ): relative error %.3g, want ≤ %g", batch, eta, e, stepTol)
			}
			t.Logf("batch %d η=%-5g exact law relative error %.2g", batch, eta, relErr(want, &dQ))
		}
	}
}

func TestDeepMatrixStepExact(t *testing.T) {
	// The same law layer by layer for a deep linear net with biases:
	// Q_i' − Q_i = η²(G_{i+1}ᵀG_{i+1} − G_iG_iᵀ − g_i g_iᵀ).
	widths := []int{3, 5, 4, 2}
	rnd := rand.New(rand.NewPCG(8, 9))
	var W, b []*mat.Dense
	for i := 0; i+1 < len(widths); i++ {
		W = append(W, randn(rnd, widths[i+1], widths[i], 0.7))
		b = append(b, randn(rnd, widths[i+1], 1, 0.5))
	}
	X, Y := randn(rnd, widths[0], 6, 1), randn(rnd, widths[len(widths)-1], 6, 1)
	_, GW, Gb := deepGrad(actLinear, W, b, X, Y)
	const eta = 0.05
	step := func(ps, gs []*mat.Dense) []*mat.Dense {
		out := make([]*mat.Dense, len(ps))
		for i := range ps {
			out[i] = new(mat.Dense)
			out[i].Scale(-eta, gs[i])
			out[i].Add(out[i], ps[i])
		}
		return out
	}
	Q0 := DeepMatrix(W, vecs(b))
	Q1 := DeepMatrix(step(W, GW), vecs(step(b, Gb)))
	for i := range Q0 {
		var dQ mat.Dense
		var want mat.SymDense
		dQ.Sub(Q1[i], Q0[i])
		want.SymOuterK(eta*eta, GW[i+1].T())
		want.SymRankK(&want, -eta*eta, GW[i])
		want.SymRankK(&want, -eta*eta, Gb[i])
		if e := relErr(&want, &dQ); !(e <= stepTol) {
			t.Errorf("layer %d: relative error %.3g, want ≤ %g", i, e, stepTol)
		}
	}
}

func TestElementwiseStepSecondOrder(t *testing.T) {
	// For nonlinear σ there is no closed one-step law, but conservation under
	// the flow means one GD step changes Q by O(η²): ΔQ(η)/ΔQ(η/10) → 100, while
	// a quantity that is not conserved (‖U‖²) changes at O(η), ratio → 10.
	// The ratio is 100(1 + O(η)); at η = 1e-3 we allow 2%.
	const m, h, n = 3, 6, 4
	rnd := rand.New(rand.NewPCG(10, 11))
	U, V, I, Y := randn(rnd, m, h, 1), randn(rnd, h, n, 1), eye(n), randn(rnd, m, n, 1)
	for _, c := range []struct {
		a   activation
		act nn.Activation
	}{{actLinear, nn.Linear}, {actReLU, nn.ReLU}, {actTanh, nn.Tanh}, {actSigmoid, nn.Sigmoid}} {
		_, GU, GV, _ := twoLayerGrad(c.a, U, V, nil, I, Y)
		change := func(eta float64, q func(U, V mat.Matrix) float64) float64 {
			var U2, V2 mat.Dense
			U2.Scale(-eta, GU)
			U2.Add(&U2, U)
			V2.Scale(-eta, GV)
			V2.Add(&V2, V)
			return q(&U2, &V2) - q(U, V)
		}
		official := func(U, V mat.Matrix) float64 { return Official(c.act, U, V) }
		r := change(1e-3, official) / change(1e-4, official)
		if math.Abs(r/100-1) > 0.02 {
			t.Errorf("%v: ΔQ(1e-3)/ΔQ(1e-4) = %.4g, want 100 ± 2%%", c.act, r)
		}
		u2 := func(U, _ mat.Matrix) float64 { return mat.Norm(U, 2) * mat.Norm(U, 2) }
		if r2 := change(1e-3, u2) / change(1e-4, u2); math.Abs(r2/10-1) > 0.02 {
			t.Errorf("%v: control ‖U‖² ratio %.4g, want 10", c.act, r2)
		}
		t.Logf("%-7v ΔQ(1e-3)/ΔQ(1e-4) = %.5g", c.act, r)
	}
}

func TestOrbit(t *testing.T) {
	const m, h, n = 4, 3, 5
	rnd := rand.New(rand.NewPCG(12, 13))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	Q := Matrix(nil, U, V)

	// Along a finite orbit, exactly: Q(g·θ) = g⁻ᵀ UᵀU g⁻¹ − g VVᵀ gᵀ.
	g := sym.SampleGL(rnd, h, 0.7)
	gU, gV := sym.GL(g, U, V)
	var gi, utu, vvt, a, want mat.Dense
	if err := gi.Inverse(g); err != nil {
		t.Fatal(err)
	}
	utu.Mul(U.T(), U)
	vvt.Mul(V, V.T())
	a.Product(gi.T(), &utu, &gi)
	want.Product(g, &vvt, g.T())
	want.Sub(&a, &want)
	if e := relErr(&want, Matrix(nil, gU, gV)); e > 1e-12 {
		t.Errorf("Q along the orbit: relative error %.3g, want ≤ 1e-12", e)
	}
	// Orthogonal g conjugates Q: Q(o·θ) = o Q oᵀ.
	o := sym.SampleOrthogonal(rnd, h)
	oU, oV := sym.Orthogonal(o, U, V)
	var oq mat.Dense
	oq.Product(o, Q, o.T())
	if e := relErr(&oq, Matrix(nil, oU, oV)); e > 1e-12 {
		t.Errorf("Q under O(h): relative error %.3g", e)
	}

	// OrbitDerivative vs central differences (error ≈ ε²‖Q'''‖ ≈ 1e-10 at
	// ε = 1e-5, rounding 1e-11; tolerance 1e-8), for a general, a symmetric and an
	// antisymmetric direction.
	T := sym.SampleAlgebra(rnd, h)
	var As, Aa mat.Dense
	As.Add(T, T.T())
	Aa.Sub(T, T.T())
	const eps = 1e-5
	for name, D := range map[string]*mat.Dense{"general": T, "symmetric": &As, "antisymmetric": &Aa} {
		Up, Vp := sym.GL(sym.Expm(eps, D), U, V)
		Um, Vm := sym.GL(sym.Expm(-eps, D), U, V)
		var fd mat.Dense
		fd.Sub(Matrix(nil, Up, Vp), Matrix(nil, Um, Vm))
		fd.Scale(1/(2*eps), &fd)
		got := OrbitDerivative(nil, D, U, V)
		if e := relErr(&fd, got); e > 1e-8 {
			t.Errorf("%s direction: OrbitDerivative vs central difference %.3g", name, e)
		}
	}
	// Symmetric A: −(AP + PA) with P = UᵀU + VVᵀ; antisymmetric: [T, Q].
	var P, ap, want2 mat.Dense
	P.Add(&utu, &vvt)
	ap.Mul(&As, &P)
	want2.Add(&ap, ap.T())
	want2.Scale(-1, &want2)
	if e := relErr(&want2, OrbitDerivative(nil, &As, U, V)); e > 1e-14 {
		t.Errorf("symmetric A: OrbitDerivative vs −(AP + PA): %.3g", e)
	}
	var tq, qt mat.Dense
	tq.Mul(&Aa, Q)
	qt.Mul(Q, &Aa)
	tq.Sub(&tq, &qt)
	if e := relErr(&tq, OrbitDerivative(nil, &Aa, U, V)); e > 1e-14 {
		t.Errorf("antisymmetric T: OrbitDerivative vs [T, Q]: %.3g", e)
	}
}

func TestScaleForQ(t *testing.T) {
	// Per-unit Q of a ReLU net along the rescaling orbit,
	// Q_j(c) = c⁻²‖U_j‖² − c²‖V_j‖², is strictly decreasing from +∞ to −∞
	// (a bijection onto R), and ScaleForQ inverts it: rescaling unit j by
	// ScaleForQ(q) gives Q_j = q to 1e-12 relative to the terms' size.
	const m, h, n, j = 3, 4, 5, 2
	rnd := rand.New(rand.NewPCG(14, 15))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	q0 := Neurons(nil, 1, U, V, nil)
	u2 := q0[j] + sumSq(V.Slice(j, j+1, 0, n))
	v2 := sumSq(V.Slice(j, j+1, 0, n))
	prev := math.Inf(1)
	for e := -8.0; e <= 8; e += 0.25 {
		c := math.Pow(2, e)
		cs := []float64{1, 1, 1, 1}
		cs[j] = c
		cU, cV := sym.Rescale(cs, U, V)
		q := Neurons(nil, 1, cU, cV, nil)
		if !(q[j] < prev) {
			t.Fatalf("Q_j not strictly decreasing at c = %g: %g after %g", c, q[j], prev)
		}
		prev = q[j]
		for i := range q {
			if i != j && math.Abs(q[i]-q0[i]) > 1e-12*(1+math.Abs(q0[i])) {
				t.Errorf("rescaling unit %d moved Q_%d", j, i)
			}
		}
		if back := ScaleForQ(q[j], u2, v2); math.Abs(back-c) > 1e-12*c {
			t.Errorf("ScaleForQ(Q_j(%g)) = %.17g", c, back)
		}
	}
	for _, q := range []float64{-1e6, -3, 0, 1e-9, 3, 1e6} {
		c := ScaleForQ(q, u2, v2)
		cs := []float64{1, 1, 1, 1}
		cs[j] = c
		cU, cV := sym.Rescale(cs, U, V)
		got := Neurons(nil, 1, cU, cV, nil)[j]
		size := u2/(c*c) + c*c*v2
		if math.Abs(got-q) > 1e-12*size {
			t.Errorf("q = %g: rescaled Q_j = %.17g (term size %.3g)", q, got, size)
		}
	}
}

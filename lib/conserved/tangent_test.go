package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/sym"
)

func inner(a, b mat.Matrix) float64 {
	var p mat.Dense
	p.MulElem(a, b)
	return mat.Sum(&p)
}

// TestSymmetryTangents checks the identity behind every conservation law here:
// ⟨∇L, M(θ)⟩ = 0 for the infinitesimal generator M of a symmetry, and M = −½∇Q
// for the Q it conserves. Inner products are relative to ‖∇L‖‖M‖; rounding
// gives ~1e-16, a non-symmetry O(0.1).
func TestSymmetryTangents(t *testing.T) {
	const m, h, n, k = 3, 5, 4, 7
	rnd := rand.New(rand.NewPCG(24, 25))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	X, Y := randn(rnd, n, k, 1), randn(rnd, m, k, 1)
	T := sym.SampleAlgebra(rnd, h)
	D := mat.NewDiagDense(h, []float64{0.3, -1, 2, 0.5, -0.7})
	rel := func(GU, GV mat.Matrix, T mat.Matrix) float64 {
		dU, dV := sym.GLTangent(T, U, V)
		num := inner(GU, dU) + inner(GV, dV)
		return math.Abs(num) / math.Sqrt((inner(GU, GU)+inner(GV, GV))*(inner(dU, dU)+inner(dV, dV)))
	}
	_, GU, GV, _ := twoLayerGrad(actLinear, U, V, nil, X, Y)
	if r := rel(GU, GV, T); r > 1e-13 {
		t.Errorf("linear net, general T: ⟨∇L, M⟩ = %.3g relative", r)
	}
	_, GU, GV, _ = twoLayerGrad(actReLU, U, V, nil, X, Y)
	if r := rel(GU, GV, D); r > 1e-13 {
		t.Errorf("nn.ReLU net, diagonal T: ⟨∇L, M⟩ = %.3g relative", r)
	}
	if r := rel(GU, GV, T); r < 1e-3 {
		t.Errorf("nn.ReLU net, general T: ⟨∇L, M⟩ = %.3g relative, want ≫ 0 (not a symmetry)", r)
	}

	// M = −½∇⟨A, Q⟩ for symmetric A: the gradient of ⟨A, UᵀU − VVᵀ⟩ is
	// (2UA, −2AV) and the tangent is (−UA, AV). Central differences of a
	// quadratic are exact up to rounding (~1e-10 at step 1e-5).
	var A mat.Dense
	A.Add(T, T.T())
	qa := func() float64 { return inner(&A, Matrix(nil, U, V)) }
	gradU, gradV := mat.NewDense(m, h, nil), mat.NewDense(h, n, nil)
	for _, pg := range []struct{ P, G *mat.Dense }{{U, gradU}, {V, gradV}} {
		r, c := pg.P.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				v := pg.P.At(i, j)
				pg.P.Set(i, j, v+1e-5)
				qp := qa()
				pg.P.Set(i, j, v-1e-5)
				qm := qa()
				pg.P.Set(i, j, v)
				pg.G.Set(i, j, (qp-qm)/2e-5)
			}
		}
	}
	dU, dV := sym.GLTangent(&A, U, V)
	dU.Scale(-2, dU)
	dV.Scale(-2, dV)
	if e := math.Max(relErr(dU, gradU), relErr(dV, gradV)); e > 1e-8 {
		t.Errorf("∇⟨A, Q⟩ vs −2·tangent: relative error %.3g", e)
	}

	// Flat generators: ⟨∇ℓ, Aθ⟩ = 0 for NeuronGen on a ReLU net and for
	// DoubleRotationGen on a linear one.
	theta := sym.Flatten(nil, U, V)
	_, GU, GV, _ = twoLayerGrad(actReLU, U, V, nil, X, Y)
	gr := sym.Flatten(nil, GU, GV)
	_, GU, GV, _ = twoLayerGrad(actLinear, U, V, nil, X, Y)
	gl := sym.Flatten(nil, GU, GV)
	B := mat.NewSymDense(h, nil)
	B.SymOuterK(1, T)
	for name, c := range map[string]struct {
		A    mat.Symmetric
		g    []float64
		want bool
	}{
		"NeuronGen on nn.ReLU":         {sym.NeuronGen(m, h, n, 3), gr, true},
		"DoubleRotationGen on linear":  {sym.DoubleRotationGen(B, m, n), gl, true},
		"DoubleRotationGen on nn.ReLU": {sym.DoubleRotationGen(B, m, n), gr, false},
	} {
		at := sym.NewGenerator(c.A).Tangent(nil, theta)
		r := math.Abs(dot(c.g, at)) / math.Sqrt(dot(c.g, c.g)*dot(at, at))
		if c.want && r > 1e-13 {
			t.Errorf("%s: ⟨∇ℓ, Aθ⟩ = %.3g relative, want 0", name, r)
		}
		if !c.want && r < 1e-3 {
			t.Errorf("%s: ⟨∇ℓ, Aθ⟩ = %.3g relative, want ≫ 0", name, r)
		}
	}
}

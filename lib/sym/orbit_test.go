package sym

import (
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"gonum.org/v1/gonum/mat"
)

func flatBasis(b []*mat.Dense) *mat.Dense {
	h, _ := b[0].Dims()
	a := mat.NewDense(h*h, len(b), nil)
	for k, T := range b {
		a.SetCol(k, Flatten(nil, T))
	}
	return a
}

// The bases have the dimensions of their Lie algebras and are independent;
// symmetric and antisymmetric matrices together span gl(h).
func TestBases(t *testing.T) {
	for _, h := range []int{1, 2, 5} {
		for name, c := range map[string]struct {
			b    []*mat.Dense
			want int
		}{
			"GL":   {GLBasis(h), h * h},
			"Diag": {DiagBasis(h), h},
			"Skew": {SkewBasis(h), h * (h - 1) / 2},
			"Sym":  {SymBasis(h), h * (h + 1) / 2},
		} {
			if len(c.b) != c.want {
				t.Errorf("h = %d: %sBasis has %d elements, want %d", h, name, len(c.b), c.want)
			}
			if c.want > 0 && NumRank(flatBasis(c.b), 1e-12) != c.want {
				t.Errorf("h = %d: %sBasis is not independent", h, name)
			}
		}
		both := append(SymBasis(h), SkewBasis(h)...)
		if r := NumRank(flatBasis(both), 1e-12); r != h*h {
			t.Errorf("h = %d: Sym ∪ Skew spans %d dimensions, want %d", h, r, h*h)
		}
	}
}

func TestNumRank(t *testing.T) {
	rnd := rand.New(rand.NewPCG(31, 32))
	for _, r := range []int{0, 1, 3, 6} {
		var a mat.Dense
		if r == 0 {
			a = *mat.NewDense(6, 8, nil)
		} else {
			a.Mul(randn(rnd, 6, r, 1), randn(rnd, r, 8, 1))
		}
		if got := NumRank(&a, 1e-10); got != r {
			t.Errorf("rank-%d product: NumRank = %d", r, got)
		}
	}
}

// Column k of OrbitTangents is the derivative of the action along T_k:
// central differences of ε ↦ GL(e^{εT}, U, V) agree to O(ε²) ≈ 1e-10.
func TestOrbitTangents(t *testing.T) {
	rnd := rand.New(rand.NewPCG(33, 34))
	U, V := randn(rnd, 3, 4, 1), randn(rnd, 4, 5, 1)
	basis := []*mat.Dense{SampleAlgebra(rnd, 4), GLBasis(4)[6]}
	tan := OrbitTangents(basis, U, V)
	const eps = 1e-5
	for k, T := range basis {
		pU, pV := GL(Expm(eps, T), U, V)
		mU, mV := GL(Expm(-eps, T), U, V)
		p, m := Flatten(nil, pU, pV), Flatten(nil, mU, mV)
		fd := make([]float64, len(p))
		for i := range p {
			fd[i] = (p[i] - m[i]) / (2 * eps)
		}
		if e := relErrVec(mat.Col(nil, k, tan), fd); e > 1e-8 {
			t.Errorf("tangent %d differs from central differences by %.2g", k, e)
		}
	}
}

// Orbit–stabiliser: the GL(h) orbit of (U, V) has dimension
// h² − (h − rank U)(h − rank V), for every combination of ranks.
func TestOrbitDim(t *testing.T) {
	rnd := rand.New(rand.NewPCG(35, 36))
	const m, h, n = 6, 5, 7
	lowRank := func(r, c, k int) *mat.Dense {
		if k == 0 {
			return mat.NewDense(r, c, nil)
		}
		var a mat.Dense
		a.Mul(randn(rnd, r, k, 1), randn(rnd, k, c, 1))
		return &a
	}
	for _, ru := range []int{5, 3, 1} {
		for _, rv := range []int{5, 2, 0} {
			U, V := lowRank(m, h, ru), lowRank(h, n, rv)
			want := h*h - (h-ru)*(h-rv)
			if got := OrbitDim(GLBasis(h), U, V); got != want {
				t.Errorf("rank U = %d, rank V = %d: orbit dimension %d, want %d", ru, rv, got, want)
			}
		}
	}
	// Subgroups at a generic point: their full dimension.
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	if d := OrbitDim(DiagBasis(h), U, V); d != h {
		t.Errorf("positive diagonal: orbit dimension %d, want %d", d, h)
	}
	if d := OrbitDim(SkewBasis(h), U, V); d != h*(h-1)/2 {
		t.Errorf("O(h): orbit dimension %d, want %d", d, h*(h-1)/2)
	}
}

func TestEquivarianceAndFitPi(t *testing.T) {
	rnd := rand.New(rand.NewPCG(37, 38))
	Z := randn(rnd, 3, 50, 1)
	relu := nn.ReLU
	pos := mat.NewDiagDense(3, []float64{0.5, 2, 3})
	if e := Equivariance(relu, pos, pos, Z); e > 1e-15 {
		t.Errorf("ReLU, positive diagonal: %.2g", e)
	}
	neg := mat.NewDiagDense(3, []float64{0.5, -2, 3})
	if e := Equivariance(relu, neg, neg, Z); e < 0.1 {
		t.Errorf("ReLU, a negative scale: %.2g, want O(1)", e)
	}
	// FitPi recovers π = g exactly when it exists.
	pi, res := FitPi(relu, pos, Z)
	if res > 1e-14 || relErr(pi, pos) > 1e-13 {
		t.Errorf("FitPi: residual %.2g, π off by %.2g", res, relErr(pi, pos))
	}
	if _, res := FitPi(relu, neg, Z); res < 0.1 {
		t.Errorf("FitPi, negative scale: residual %.2g, want O(1)", res)
	}
	defer func() {
		if recover() == nil {
			t.Error("FitPi with fewer samples than units did not panic")
		}
	}()
	FitPi(relu, pos, randn(rnd, 3, 2, 1))
}

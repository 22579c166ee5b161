package conserved

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randSym(rnd *rand.Rand, h int, scale float64) *mat.SymDense {
	s := mat.NewSymDense(h, nil)
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			s.SetSym(i, j, scale*rnd.NormFloat64())
		}
	}
	return s
}

// MoveToQ reaches random targets over six decades of scale, for widths 1 to
// 10, without changing UV. Tolerances: the stopping rule ‖Q − target‖_F ≤
// 1e-12·max(1, ‖target‖_F, ‖P‖_F); UV is a product through g⁻¹g, exact to
// rounding times cond(g), which reaches ~1e3 for the largest targets.
func TestMoveToQ(t *testing.T) {
	rnd := rand.New(rand.NewPCG(41, 42))
	for _, h := range []int{1, 2, 3, 5, 10} {
		U, V := randn(rnd, h+3, h, 1), randn(rnd, h, h+5, 1)
		var W mat.Dense
		W.Mul(U, V)
		for _, scale := range []float64{1e-3, 0.1, 1, 10, 100, 1000} {
			target := randSym(rnd, h, scale)
			gU, gV, err := MoveToQ(target, U, V)
			if err != nil {
				t.Fatalf("h = %d, scale %g: %v", h, scale, err)
			}
			var P, N mat.Dense
			P.Mul(gU.T(), gU)
			N.Mul(gV, gV.T())
			P.Add(&P, &N)
			if e := relErr(Matrix(nil, gU, gV), target); e*mat.Norm(target, 2) > 1e-12*math.Max(1, math.Max(mat.Norm(target, 2), mat.Norm(&P, 2))) {
				t.Errorf("h = %d, scale %g: ‖Q − target‖ = %.2g", h, scale, e*mat.Norm(target, 2))
			}
			var gW mat.Dense
			gW.Mul(gU, gV)
			if e := relErr(&gW, &W); e > 1e-11 {
				t.Errorf("h = %d, scale %g: UV changed by %.2g", h, scale, e)
			}
		}
	}
}

// A point where P = UᵀU + VVᵀ is singular (unit 0 has no weights at all)
// cannot be moved: the error says why. Shapes that do not match panic.
func TestMoveToQErrors(t *testing.T) {
	rnd := rand.New(rand.NewPCG(43, 44))
	U, V := randn(rnd, 4, 3, 1), randn(rnd, 3, 5, 1)
	for i := 0; i < 4; i++ {
		U.Set(i, 0, 0)
	}
	for j := 0; j < 5; j++ {
		V.Set(0, j, 0)
	}
	if _, _, err := MoveToQ(randSym(rnd, 3, 1), U, V); err == nil || !strings.Contains(err.Error(), "singular") {
		t.Errorf("singular P: error %v, want one naming the singular P", err)
	}
	// The target Q itself is fine: no move needed, no error.
	if _, _, err := MoveToQ(Matrix(nil, U, V), U, V); err != nil {
		t.Errorf("target = Q: %v", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "target is 2×2") {
			t.Errorf("wrong target size: panic %v", r)
		}
	}()
	MoveToQ(mat.NewSymDense(2, nil), randn(rnd, 4, 3, 1), randn(rnd, 3, 5, 1))
}

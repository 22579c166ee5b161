package exercise

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestAffine(t *testing.T) {
	want := []float64{1, 2, 4, 8}
	a, b, r := Affine([]float64{5 - 3*1, 5 - 3*2, 5 - 3*4, 5 - 3*8}, want)
	if math.Abs(a+3) > 1e-12 || math.Abs(b-5) > 1e-12 || r > 1e-12 {
		t.Errorf("Affine of −3x + 5: a = %g, b = %g, residual %g", a, b, r)
	}
	if _, _, r := Affine([]float64{1, 4, 16, 64}, want); r < 0.01 {
		t.Errorf("Affine of x²: residual %g, want far from 0", r)
	}
	if a, _, r := Affine([]float64{2, 2, 2, 2}, want); a != 0 || r != 0 {
		t.Errorf("Affine of a constant: a = %g, residual %g", a, r)
	}
	if _, _, r := Affine([]float64{1, math.NaN(), 2, 3}, want); !math.IsInf(r, 1) {
		t.Errorf("Affine with a NaN: residual %g, want +Inf", r)
	}
}

func TestSafely(t *testing.T) {
	if err := Safely(func() {}); err != nil {
		t.Error(err)
	}
	var s []float64
	if err := Safely(func() { _ = s[3] }); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("index out of range: %v", err)
	}
}

func TestRelDiff(t *testing.T) {
	if d := vecRelDiff([]float64{3, 4.5}, []float64{3, 4}); math.Abs(d-0.1) > 1e-15 {
		t.Errorf("RelDiff = %g, want 0.1", d)
	}
	for _, got := range [][]float64{{1}, {math.NaN(), 4}} {
		if d := vecRelDiff(got, []float64{3, 4}); !math.IsInf(d, 1) {
			t.Errorf("vecRelDiff(%v) = %g, want +Inf", got, d)
		}
	}
	if d := matRelDiff(nil, mat.NewDense(1, 1, []float64{1})); !math.IsInf(d, 1) {
		t.Errorf("matRelDiff(nil) = %g, want +Inf", d)
	}
	if d := matRelDiff(mat.NewDense(1, 2, nil), mat.NewDense(2, 1, []float64{1, 1})); !math.IsInf(d, 1) {
		t.Errorf("matRelDiff of another shape = %g, want +Inf", d)
	}
}

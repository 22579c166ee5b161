package stats

import (
	"math"
	"testing"
)

// Against a value computed by hand: x = 1, 2, 3, 4, 5 has mean 3, s = √2.5,
// t_{0.975, 4} = 2.7764451051977987, so the half-width is
// 2.7764451…·√2.5/√5 = 1.9632432…; the tolerance is float64 rounding.
func TestMeanCI(t *testing.T) {
	iv := MeanCI([]float64{1, 2, 3, 4, 5})
	h := 2.7764451051977987 * math.Sqrt(2.5) / math.Sqrt(5)
	if iv.N != 5 || math.Abs(iv.Mean-3) > 1e-15 || math.Abs(iv.Lo-(3-h)) > 1e-12 || math.Abs(iv.Hi-(3+h)) > 1e-12 {
		t.Errorf("MeanCI = %+v, want 3 ± %.6f", iv, h)
	}
	if math.Abs(iv.Half()-h) > 1e-12 {
		t.Errorf("Half = %g, want %g", iv.Half(), h)
	}
	if !iv.Excludes(0) || iv.Excludes(3) || !iv.Within(0, 6) || iv.Within(2, 4) {
		t.Errorf("Excludes/Within wrong for %v", iv)
	}
	if s := iv.PlusMinus(2, true); s != "+3.00 ± 1.96" {
		t.Errorf("PlusMinus = %q", s)
	}
	if one := MeanCI([]float64{2}); one.Mean != 2 || !math.IsNaN(one.Lo) || one.Excludes(5) {
		t.Errorf("one measurement: %+v, want mean 2, NaN bounds, excluding nothing", one)
	}
}

// Paired differences remove what the pairs share: b = a + 1 exactly gives
// −1 with a zero-width interval.
func TestPairedCI(t *testing.T) {
	a := []float64{0.3, 0.9, 0.1, 0.5}
	b := []float64{1.3, 1.9, 1.1, 1.5}
	iv := PairedCI(a, b)
	if math.Abs(iv.Mean+1) > 1e-15 || iv.Half() > 1e-15 {
		t.Errorf("PairedCI = %+v, want −1 exactly", iv)
	}
	defer func() {
		if recover() == nil {
			t.Error("PairedCI of unequal lengths did not panic")
		}
	}()
	PairedCI(a, b[:2])
}

func TestSig(t *testing.T) {
	if got := (Interval{Mean: 94.6, Lo: 58.04, Hi: 131.2, N: 10}).Sig(3); got != "94.6 [58, 131]" {
		t.Errorf("Sig(3) = %q", got)
	}
	if got := MeanCI([]float64{0.00123}).Sig(2); got != "0.0012" {
		t.Errorf("one unit: Sig(2) = %q, want the mean alone", got)
	}
}

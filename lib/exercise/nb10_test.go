package exercise

import (
	"math"
	"strings"
	"testing"
)

// canonicalUnitByHand is the solution of exercise 10.1; scaleOut chooses what
// happens to the outgoing weights (r: right; 1/r: the typical slip).
func canonicalUnitByHand(w []float64, b float64, a []float64, scaleOut func(r float64) float64) ([]float64, float64, []float64) {
	r := b * b
	for _, v := range w {
		r += v * v
	}
	r = math.Sqrt(r)
	w2, a2 := make([]float64, len(w)), make([]float64, len(a))
	for i := range w {
		w2[i] = w[i] / r
	}
	for i := range a {
		a2[i] = a[i] * scaleOut(r)
	}
	return w2, b / r, a2
}

func TestCanonicalUnit(t *testing.T) {
	verdictIs(t, CanonicalUnit(func(w []float64, b float64, a []float64) ([]float64, float64, []float64) {
		return canonicalUnitByHand(w, b, a, func(r float64) float64 { return r })
	}), Right)
	v := CanonicalUnit(func(w []float64, b float64, a []float64) ([]float64, float64, []float64) {
		return canonicalUnitByHand(w, b, a, func(r float64) float64 { return 1 / r })
	})
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "outgoing") {
		t.Errorf("the outgoing slip gets another hint: %s", v.Message)
	}
	v = CanonicalUnit(func(w []float64, b float64, a []float64) ([]float64, float64, []float64) { // bias left out of the norm
		r := 0.0
		for _, x := range w {
			r += x * x
		}
		r = math.Sqrt(r)
		w2, a2 := make([]float64, len(w)), make([]float64, len(a))
		for i := range w {
			w2[i] = w[i] / r
		}
		for i := range a {
			a2[i] = a[i] * r
		}
		return w2, b / r, a2
	})
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "sphere") {
		t.Errorf("the norm slip gets another hint: %s", v.Message)
	}
	verdictIs(t, CanonicalUnit(nil), Unanswered)
}

func TestReLUSymmetries(t *testing.T) {
	verdictIs(t, ReLUSymmetries("ad"), Right)
	verdictIs(t, ReLUSymmetries("D, a"), Right)
	verdictIs(t, ReLUSymmetries("abd"), Wrong) // the bias forgotten
	verdictIs(t, ReLUSymmetries("acd"), Wrong) // tanh's answer
	verdictIs(t, ReLUSymmetries("d"), Wrong)
	verdictIs(t, ReLUSymmetries("az"), Wrong)
	verdictIs(t, ReLUSymmetries(""), Unanswered)
}

func TestTanhSymmetries(t *testing.T) {
	verdictIs(t, TanhSymmetries("cd"), Right)
	verdictIs(t, TanhSymmetries("ad"), Wrong) // ReLU's answer
	verdictIs(t, TanhSymmetries("cde"), Wrong)
	verdictIs(t, TanhSymmetries(""), Unanswered)
}

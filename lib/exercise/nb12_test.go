package exercise

import (
	"math"
	"slices"
	"testing"
)

// expect fails the test unless v has status want.
func expect12(t *testing.T, what string, v Verdict, want Status) {
	t.Helper()
	if v.Status != want {
		t.Errorf("%s: %v, want %v", what, v, want)
	}
}

// answer121 is the solution of exercise 12.1.
func answer121(errs []float64) float64 { return slices.Max(errs) - (errs[0]+errs[len(errs)-1])/2 }

func TestPathBarrier(t *testing.T) {
	right := answer121
	fromLowest := func(errs []float64) float64 { return slices.Max(errs) - slices.Min(errs) }
	expect12(t, "right", PathBarrier(right), Right)
	expect12(t, "max − min", PathBarrier(fromLowest), Wrong)
	expect12(t, "nil", PathBarrier(nil), Unanswered)
}

func TestLineThroughRescaling(t *testing.T) {
	const c = 4.0
	expect12(t, "right", LineThroughRescaling((1+c)*(1+c)/(4*c)), Right)
	expect12(t, "no change", LineThroughRescaling(1), Wrong)
	expect12(t, "the chord's midpoint weight", LineThroughRescaling((1+c)/2), Wrong)
	expect12(t, "NaN", LineThroughRescaling(math.NaN()), Unanswered)
}

// answer123 is the solution of exercise 12.3.
func answer123(a, b []float64, t float64) []float64 {
	var dot float64
	for i := range a {
		dot += a[i] * b[i]
	}
	om := math.Acos(max(-1, min(1, dot)))
	w := make([]float64, len(a))
	for i := range a {
		w[i] = (math.Sin((1-t)*om)*a[i] + math.Sin(t*om)*b[i]) / math.Sin(om)
	}
	return w
}

func TestUnitSlerp(t *testing.T) {
	right := answer123
	normalisedChord := func(a, b []float64, t float64) []float64 {
		w := make([]float64, len(a))
		var n float64
		for i := range a {
			w[i] = (1-t)*a[i] + t*b[i]
			n += w[i] * w[i]
		}
		for i := range w {
			w[i] /= math.Sqrt(n)
		}
		return w
	}
	expect12(t, "right", UnitSlerp(right), Right)
	expect12(t, "normalised chord", UnitSlerp(normalisedChord), Wrong)
	expect12(t, "nil", UnitSlerp(nil), Unanswered)
}

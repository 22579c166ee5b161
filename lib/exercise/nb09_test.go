package exercise

import (
	"math"
	"strings"
	"testing"
)

// fgsmByHand is the solution of exercise 09.1, clipped to [lo, hi].
func fgsmByHand(x, grad []float64, eps, lo, hi float64) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		step := 0.0
		switch {
		case grad[i] > 0:
			step = eps
		case grad[i] < 0:
			step = -eps
		}
		out[i] = math.Min(hi, math.Max(lo, x[i]+step))
	}
	return out
}

func TestFGSMStep(t *testing.T) {
	verdictIs(t, FGSMStep(func(x, g []float64, eps float64) []float64 { return fgsmByHand(x, g, eps, -0.5, 0.5) }), Right)
	for _, c := range []struct {
		name string
		f    func(x, g []float64, eps float64) []float64
		says string
	}{
		{"clipped to [0, 1]", func(x, g []float64, eps float64) []float64 { return fgsmByHand(x, g, eps, 0, 1) }, "[0, 1]"},
		{"not clipped", func(x, g []float64, eps float64) []float64 { return fgsmByHand(x, g, eps, math.Inf(-1), math.Inf(1)) }, "range"},
		{"against the gradient", func(x, g []float64, eps float64) []float64 { return fgsmByHand(x, g, -eps, -0.5, 0.5) }, "differ"},
		{"the gradient, not its sign", func(x, g []float64, eps float64) []float64 {
			out := make([]float64, len(x))
			for i := range x {
				out[i] = math.Min(0.5, math.Max(-0.5, x[i]+eps*g[i]))
			}
			return out
		}, "same amount"},
	} {
		v := FGSMStep(c.f)
		if v.Status != Wrong || !strings.Contains(v.Message, c.says) {
			t.Errorf("%s: %v, want wrong saying %q", c.name, v, c.says)
		}
	}
	verdictIs(t, FGSMStep(nil), Unanswered)
}

func TestFGSMMarginDrop(t *testing.T) {
	norm := func(w []float64, p float64) float64 {
		s := 0.0
		for _, v := range w {
			s += math.Pow(math.Abs(v), p)
		}
		return math.Pow(s, 1/p)
	}
	verdictIs(t, FGSMMarginDrop(func(w []float64, eps float64) float64 { return eps * norm(w, 1) }), Right)
	verdictIs(t, FGSMMarginDrop(func(w []float64, eps float64) float64 { return eps * norm(w, 2) }), Wrong)  // a step of length ε
	verdictIs(t, FGSMMarginDrop(func(w []float64, eps float64) float64 { return -eps * norm(w, 1) }), Wrong) // the rise, not the drop
	verdictIs(t, FGSMMarginDrop(nil), Unanswered)
}

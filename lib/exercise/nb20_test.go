package exercise

import (
	"math"
	"testing"
)

// TestNotebook20Checks holds the checks of notebook 20 to their contract.
func TestNotebook20Checks(t *testing.T) {
	for _, c := range []struct {
		name  string
		check func(float64) Verdict
		right float64
		wrong []float64
	}{
		{"20.1", DecayFactor, (1 - 0.0025) * (1 - 0.0025), []float64{math.Exp(-0.005), 1 - 0.0025, 0.5}},
		{"20.2", OscillationThreshold, 0.0001 / (4 * 1.99), []float64{0.0001, 0.01 / 1.99, (1 - math.Sqrt(0.99)) * (1 - math.Sqrt(0.99)) / 4}},
	} {
		if v := c.check(math.NaN()); v.Status != Unanswered {
			t.Errorf("%s: placeholder gives %v", c.name, v)
		}
		if v := c.check(c.right); !v.Right() {
			t.Errorf("%s: right answer gives %v", c.name, v)
		}
		for _, w := range c.wrong {
			if v := c.check(w); v.Status != Wrong {
				t.Errorf("%s: %g gives %v", c.name, w, v)
			}
		}
	}
}

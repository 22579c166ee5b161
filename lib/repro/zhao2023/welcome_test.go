package zhao2023

import (
	"math"
	"testing"
)

// The claims of notebook 00's library tour, on Welcome's typed result at the
// notebook's setting (about a second: 1000 + 10000 GD steps and one flow).
func TestWelcome(t *testing.T) {
	r, err := Welcome(WelcomeSettings{})
	if err != nil {
		t.Fatal(err)
	}
	// A GL(h) element moves the parameters far but leaves the function
	// alone. Tolerance 1e-12: each output entry is a sum of 50 products
	// computed through g and g⁻¹ (condition number of g ≈ 10), so rounding
	// contributes ~1e-15 relative.
	if r.OutputChange > 1e-12 {
		t.Errorf("output changed by %.2e under GL(50)", r.OutputChange)
	}
	if r.VMoved < 0.5 {
		t.Errorf("g moved V by only %.2f: the invariance check would be weak", r.VMoved)
	}
	if len(r.Runs) != 3 || r.Runs[0].LR != 0 || r.Runs[1].LR != 0.1 || r.Runs[2].LR != 0.01 {
		t.Fatalf("runs %v, want gradient flow, GD 0.1 and GD 0.01", r.Runs)
	}
	for _, run := range r.Runs {
		// Time is Σ η over the steps: 1000 or 10000 additions of a rounded η
		// leave it within 1e-9 of 100.
		if n := len(run.Time); n != 101 || math.Abs(run.Time[n-1]-100) > 1e-9 {
			t.Errorf("%s: %d records to t = %g, want 101 to t = 100", run.Name(), n, run.Time[n-1])
		}
	}
	// Gradient flow to t = 100: the loss falls by orders of magnitude while
	// Q = UᵀU − VVᵀ stays put to the integrator's accuracy (RTol 1e-10;
	// the bound 1e-8 leaves two orders for the error's growth).
	l0 := r.Runs[0].Loss[0]
	lf, df := r.Final(0)
	if lf > l0/1e3 {
		t.Errorf("flow: loss %.3g → %.3g, want a fall of at least 1000×", l0, lf)
	}
	if df > 1e-8 {
		t.Errorf("flow: Q drifted by %.2e, want ≤ 1e-8", df)
	}
	// GD to the same time drifts in proportion to η: the one-step law
	// ΔQ = η²(G_UᵀG_U − G_V G_Vᵀ) summed over T/η steps is O(ηT). The ratio
	// is 10 up to O(η) corrections to the path: ±10%.
	_, d1 := r.Final(1)
	_, d2 := r.Final(2)
	if ratio := d1 / d2; math.Abs(ratio-10) > 1 {
		t.Errorf("GD drift at η = 0.1 / 0.01 = %.3g / %.3g = %.2f, want 10 ± 1", d1, d2, ratio)
	}
	if tb := r.Table(); len(tb.Rows) != 6 {
		t.Errorf("closing table has %d rows, want 6", len(tb.Rows))
	}
}

func TestWelcomeBadSettings(t *testing.T) {
	if _, err := Welcome(WelcomeSettings{T: -1}); err == nil {
		t.Error("negative time: no error")
	}
}

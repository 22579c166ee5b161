package ziyin2024_test

import (
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/noetherlab/noether/lib/repro/ziyin2024"
	"github.com/noetherlab/noether/lib/show"
)

// The claims of notebooks/14-noether-flow.ipynb, on the fast presets.

// The exact law holds at every step of GD and SGD to rounding: C is a sum of
// 2400 squares of magnitude up to θᵀ|A|θ, each rounded to half an ulp, so the
// relative residual is a few 1e-16 per step; 1e-13 is the bound.
// GD's total change of C over the same time halves with η (2 + O(η): the
// bound 0.2 is 4η); SGD's is larger by orders of magnitude.
func TestLaw(t *testing.T) {
	r, err := ziyin2024.Law(ziyin2024.LawSettings{}.Fast())
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range r.Runs {
		if run.Checked != run.Steps || run.MaxResidual > 1e-13 {
			t.Errorf("%s: %d of %d steps checked, largest residual %.3g", run.Name, run.Checked, run.Steps, run.MaxResidual)
		}
	}
	if q := r.GDRatio(); math.Abs(q-2) > 4*r.Settings.LR {
		t.Errorf("GD's drift at η over η/2 = %.4f, want 2 ± %.2f", q, 4*r.Settings.LR)
	}
	sgd, gd := r.Run("SGD"), r.Run("GD")
	if math.Abs(sgd.Drift) < 100*math.Abs(gd.Drift) {
		t.Errorf("SGD moved C by %.4g, GD by %.4g", sgd.Drift, gd.Drift)
	}
	checkFigure(t, "Law", func() error {
		g, err := r.Plot()
		if err != nil {
			return err
		}
		return show.Grid(g, show.Settings{})
	})
}

// The mean drift measured over seeds equals the predicted one: the paired
// differences have mean zero, checked at 4 standard errors (the notebook's 95% interval is
// t₀.₉₇₅,ₙ₋₁·SE over its n seeds). At the minimum a GD step moves C by nothing
// (η²ḡᵀAḡ with ‖ḡ‖ ≤ 1e-9) while SGD's expected step is nonzero.
func TestDriftRate(t *testing.T) {
	r, err := ziyin2024.DriftRate(ziyin2024.DriftSettings{}.Fast())
	if err != nil {
		t.Fatal(err)
	}
	se := standardError(r.DiffCI95, len(r.Measured))
	if math.Abs(r.Diff) > 4*se {
		t.Errorf("measured − predicted = %.3g, standard error %.3g", r.Diff, se)
	}
	if math.Abs(r.GDStep) > 1e-12*math.Abs(r.Start.Total) || r.Start.Total >= 0 {
		t.Errorf("at the minimum: GD step %.3g, expected SGD step %.3g", r.GDStep, r.Start.Total)
	}
	if math.Abs(r.MeanRate) < 5*r.CI95 {
		t.Errorf("no drift measured: %.3g ± %.3g", r.MeanRate, r.CI95)
	}
	checkFigure(t, "DriftRate", func() error {
		p, err := r.Plot()
		if err != nil {
			return err
		}
		return show.Plot(p)
	})
}

// Fig. 1: gradient flow stays on its circle (to the integrator's 1e-10
// tolerance, accumulated over the run: 1e-8), the law ‖θ'‖² = ‖θ‖² + η²‖ĝ‖²
// holds to rounding, both GD and the flow turn to the minimising direction
// (90° ± 5°), GD's circle grows by less than 10% and SGD's more than
// doubles.
func TestCircle(t *testing.T) {
	r, err := ziyin2024.Circle(ziyin2024.CircleSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.FlowNormChange > 1e-8 || r.SGDLaw > 1e-14 {
		t.Errorf("flow's ‖θ‖² moved %.3g; SGD's law residual %.3g", r.FlowNormChange, r.SGDLaw)
	}
	if math.Abs(math.Abs(r.FlowAngle)-90) > 5 {
		t.Errorf("flow ends at %.1f°", r.FlowAngle)
	}
	if r.GDEnd > 1.1 || r.SGDNorm2[len(r.SGDNorm2)-1] < 2 {
		t.Errorf("‖θ‖² at the end: GD %.3g, SGD %.3g", r.GDEnd, r.SGDNorm2[len(r.SGDNorm2)-1])
	}
	checkFigure(t, "Circle", func() error {
		g, err := r.Plot()
		if err != nil {
			return err
		}
		return show.Grid(g, show.Settings{})
	})
}

// checkFigure draws a figure into a temporary directory, so that a figure
// that cannot be drawn fails the test.
func checkFigure(t *testing.T, name string, draw func() error) {
	t.Helper()
	old, had := os.LookupEnv(show.DirEnv)
	os.Setenv(show.DirEnv, t.TempDir())
	defer func() {
		if had {
			os.Setenv(show.DirEnv, old)
		} else {
			os.Unsetenv(show.DirEnv)
		}
	}()
	if err := draw(); err != nil {
		t.Errorf("%s: figure: %v", name, err)
	}
}

// standardError recovers the standard error from the half-width of a 95%
// Student t interval over n seeds (stats.MeanCI).
func standardError(half float64, n int) float64 {
	return half / distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
}

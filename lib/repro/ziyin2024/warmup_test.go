package ziyin2024_test

import (
	"testing"

	"github.com/noetherlab/noether/lib/repro/ziyin2024"
	"github.com/noetherlab/noether/lib/show"
)

// Fig. 4 (notebooks/16-warmup-sharpness.ipynb), to step 8000: SGD from
// Kaiming's init at η = 0.008 diverges within the first 100 steps with a
// *optim.NonFiniteError naming the step; with the warm-up it runs, and its
// sharpness at the end of the warm-up is below the initial one; Xavier's
// run is flat throughout (S below 150 after its first records); GD from
// Kaiming's init keeps S above 10 times Xavier's.
func TestWarmup(t *testing.T) {
	if testing.Short() {
		t.Skip("four runs of 8000 steps (about 2 s)")
	}
	r, err := ziyin2024.Warmup(ziyin2024.WarmupSettings{}.Fast())
	if err != nil {
		t.Fatal(err)
	}
	k, w, x, g := r.Runs[0], r.Runs[1], r.Runs[2], r.Runs[3]
	if k.DivergedAt < 0 || k.DivergedAt > 100 || k.Err == "" {
		t.Errorf("constant η from Kaiming: diverged at %d (%q)", k.DivergedAt, k.Err)
	}
	for _, run := range []ziyin2024.WarmupRun{w, x, g} {
		if run.DivergedAt >= 0 {
			t.Errorf("%s diverged at step %d", run.Name, run.DivergedAt)
		}
	}
	var atWarm float64
	for i, s := range w.Step {
		if s <= r.Settings.WarmSteps {
			atWarm = w.Sharpness[i]
		}
	}
	if atWarm >= 0.9*w.Sharpness[0] {
		t.Errorf("warm-up: S %.1f at the start, %.1f at its end", w.Sharpness[0], atWarm)
	}
	xe, ge := x.Sharpness[len(x.Sharpness)-1], g.Sharpness[len(g.Sharpness)-1]
	if xe > 150 || ge < 10*xe {
		t.Errorf("S at the end: Xavier %.1f, GD %.1f", xe, ge)
	}
	checkFigure(t, "Warmup", func() error {
		p, err := r.Plot()
		if err != nil {
			return err
		}
		return show.Plot(p)
	})
}

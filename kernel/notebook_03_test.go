package kernel

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// notebooks/03-q-coordinates.ipynb: its summary table shows the measured
// values within the tolerances that TestQCoordinates* in lib/conserved
// asserts, and its two figures are there.
func init() {
	notebookChecks["03-q-coordinates.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		if !strings.Contains(text, "Checked by TestQCoordinates* in lib/conserved") {
			t.Fatalf("the summary table is missing; text outputs:\n%s", text)
		}
		for _, c := range []struct {
			label    string
			lo, hi   float64
			whatWant string
		}{
			{"targets reached by MoveToQ / ScaleForQ", 0, 1e-10, "≤ 1e-10 (1e-12 of targets up to 100)"},
			{"output change at those points", 0, 1e-13, "≤ 1e-13"},
			{"gradient flow, 12 runs", 0, 1e-9, "≤ 1e-9 (integrator RTol 1e-10)"},
			{"g·θ₀ runs: end output vs θ₀'s end", 0, 1e-8, "≤ 1e-8"},
			{"g·θ₀ runs: end point distance from θ₀'s end", 0.1, 1e9, "≥ 0.1"},
			{"h = 1: end predicted from Q₀ vs actual", 0, 1e-8, "≤ 1e-8"},
			{"h = 3: the same prediction", 0.05, 1e9, "≥ 0.05"},
		} {
			if v := measuredNumber(t, text, c.label); v < c.lo || v > c.hi {
				t.Errorf("%s: %g, want %s", c.label, v, c.whatWant)
			}
		}
		if v := measuredCell(t, text, "linear h = 3: rank of dQ on gl(3) / orbit dimension"); v != "6 / 9" {
			t.Errorf("rank of dQ / orbit dimension %q, want 6 / 9", v)
		}
		if len(pngs) != 2 {
			t.Fatalf("%d PNG outputs, want 2 (Q along the orbit; Q at the end against the start)", len(pngs))
		}
		for i, b := range pngs {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("figure %d: image/png output does not decode: %v", i, err)
			}
			if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 200 || r.Dx() > 4000 || r.Dy() > 4000 {
				t.Errorf("figure %d is %v pixels", i, r.Size())
			}
		}
	}
}

package kernel

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// notebooks/01-symmetries.ipynb: its summary table shows the measured values
// within the tolerances that TestSymmetries* in lib/sym asserts, and its two
// figures are there.
func init() {
	notebookChecks["01-symmetries.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		if !strings.Contains(text, "Checked by TestSymmetries* in lib/sym") {
			t.Fatalf("the summary table is missing; text outputs:\n%s", text)
		}
		// Rounding-level claims (≤ 1e-13, as in the Go tests) and the
		// controls' distance from them.
		if v := measuredNumber(t, text, "equivariance σ(gz) = π(g)σ(z)"); v > 1e-13 {
			t.Errorf("equivariance error %g, want ≤ 1e-13", v)
		}
		if v := measuredNumber(t, text, "controls: smallest error of the best linear π"); v < 0.05 {
			t.Errorf("controls' best-fit error %g, want ≥ 0.05", v)
		}
		if v := measuredNumber(t, text, "symmetry actions: largest relative change of L"); v > 1e-13 {
			t.Errorf("loss change under the symmetries %g, want ≤ 1e-13", v)
		}
		if v := measuredNumber(t, text, "control actions: smallest relative change of L"); v < 1e-3 {
			t.Errorf("loss change under the controls %g, want ≥ 1e-3", v)
		}
		if v := measuredNumber(t, text, "along the orbit e^{sA}θ*"); v > 1e-13 {
			t.Errorf("loss change along the orbit %g, want ≤ 1e-13", v)
		}
		if v := measuredCell(t, text, "h = 3: orbit dimension / zero Hessian eigenvalues"); v != "9 / 9" {
			t.Errorf("h = 3: orbit dimension / zero eigenvalues %q, want 9 / 9", v)
		}
		if v := measuredCell(t, text, "Fig. 9: orbit dimension / zero Hessian eigenvalues"); v != "700 / 700" {
			t.Errorf("Fig. 9: orbit dimension / zero eigenvalues %q, want 700 / 700", v)
		}
		if len(pngs) != 2 {
			t.Fatalf("%d PNG outputs, want 2 (subgroup errors; Figure 1)", len(pngs))
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

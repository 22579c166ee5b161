package kernel

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The outputs of 07-nonlinear-action: the same claims as TestNonlinear*,
// TestExactPi and TestSphericalFrame in lib/sym, read from what the notebook
// printed.
func init() {
	notebookChecks["07-nonlinear-action.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		if len(pngs) != 1 {
			t.Fatalf("%d figures, want 1 (change off the batch against ε)", len(pngs))
		}
		img, err := png.Decode(bytes.NewReader(pngs[0]))
		if err != nil {
			t.Fatalf("the figure does not decode: %v", err)
		}
		if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 200 {
			t.Errorf("the figure is %v pixels", r.Size())
		}

		// Section 1: the best linear π fits k ≤ h = 16 samples to rounding,
		// and k > 16 samples not at all (except the control, a true symmetry).
		i := strings.Index(text, "samples k")
		if i < 0 {
			t.Fatal("no table of the best linear π against k")
		}
		rows := 0
		for _, line := range strings.Split(text[i:], "\n")[2:] {
			v := numbersIn(t, line)
			if len(v) != 5 {
				break
			}
			rows++
			for c, r := range v[1:] {
				fits := v[0] <= 16 || c == 3
				if fits && r > 1e-12 || !fits && r < 1e-3 {
					t.Errorf("k = %v, column %d: residual %v, want ≤ 1e-12 for k ≤ 16 and the control, ≥ 1e-3 otherwise", v[0], c+1, r)
				}
			}
		}
		if rows != 8 {
			t.Errorf("%d rows in the table of the best linear π, want 8", rows)
		}

		// The closing table. Off the batch: medians over 20 nets growing with
		// ε, by 10 ± 0.5 per decade at small ε and within [7, 13] from 1e-3 to
		// 1e-2 (TestNonlinearOffBatch), and within a factor 5 of papers.md's
		// one-net values (the quartiles over nets span a factor of about 3).
		paper := map[string][]float64{"tanh": {0.5, 6, 77, 108}, "leaky_relu(0.1)": {0.25, 3.4, 32, 340}, "relu2": {3.5, 21, 64, 1500}}
		for act, want := range paper {
			got := numbersIn(t, tableRow(t, text, act+": change off the batch")[1])
			if len(got) != 4 {
				t.Fatalf("%s: off-batch row %v", act, got)
			}
			for e := range got {
				if e > 0 && got[e] <= got[e-1] {
					t.Errorf("%s: change %v%% does not grow with ε", act, got)
				}
				if r := got[e] / want[e]; r < 0.2 || r > 5 {
					t.Errorf("%s: change %v%%, papers.md %v%%: more than a factor 5 apart", act, got, want)
				}
			}
			g := numbersIn(t, tableRow(t, text, act+": growth")[1])
			if len(g) != 2 || math.Abs(g[0]-10) > 0.5 || g[1] < 7 || g[1] > 13 {
				t.Errorf("%s: growth per decade %v, want 10 ± 0.5 and [7, 13]", act, g)
			}
		}
		small := func(label string, tol float64) {
			t.Helper()
			v := numbersIn(t, tableRow(t, text, label)[1])
			if len(v) != 1 || v[0] > tol {
				t.Errorf("%s: %v, want ≤ %g", label, v, tol)
			}
		}
		small("change on the fitted batch", 1e-10)
		small("cocycle π(g₂g₁,V)", 1e-10)
		small("π(e) = I, k = h", 1e-10)
		small("exact π z' = z, atan2", 1e-12)
		small("exact π(e) = I", 1e-12)
		if v := numbersIn(t, tableRow(t, text, "the other order")[1]); len(v) != 1 || v[0] < 1e-3 {
			t.Errorf("the other order of the cocycle: %v, want a clear miss (≥ 1e-3)", v)
		}
		// "exact π z' = z, atan2 (40 inputs, N all negative)": N is the last number.
		if v := numbersIn(t, tableRow(t, text, "exact π z' = z, atan2")[0]); len(v) == 0 || v[len(v)-1] < 1 {
			t.Errorf("exact action: %v, want some inputs negative in every entry", v)
		}
		if v := numbersIn(t, tableRow(t, text, "arccos angles (official code)")[1]); len(v) < 2 || v[0] != v[1] || v[1] < 1 {
			t.Errorf("arccos control: %v, want every input with a negative last entry to fail", v)
		}
	}
}

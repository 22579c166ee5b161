//go:build unix

package kernel

import (
	"bytes"
	"image/png"
	"math"
	"regexp"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The claims 02-conserved-quantities.ipynb prints, with the tolerances of
// the library tests that assert the same (lib/conserved/notebook02_test.go).
func init() {
	notebookChecks["02-conserved-quantities.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)

		// ⟨∇L, M_T⟩ = 0 for random T ∈ gl(50): rounding only.
		ms := regexp.MustCompile(`cos\(∇L, M_T\) = (\S+)`).FindAllStringSubmatch(text, -1)
		if len(ms) != 3 {
			t.Fatalf("%d tangent cosines printed, want 3; text outputs:\n%s", len(ms), text)
		}
		for _, m := range ms {
			if v := parseNumber(t, m[1]); math.Abs(v) > 1e-13 {
				t.Errorf("cos(∇L, M_T) = %g, want 0", v)
			}
		}

		// The identities table.
		idents := []struct {
			label string
			n     int
			tol   float64
		}{
			{"max |cos(∇L, ∇Q)| (θ₀, generic θ)", 4, 1e-13},
			{"official Q − relation to P", 4, 1e-11},
			{"gradient flow to t = 1000: |ΔQ| / D₀", 4, 1e-9},
			{"GD step law, η = 0.1, 1000 steps: max deviation", 1, 1e-14},
		}
		for _, id := range idents {
			rows := regexp.MustCompile(regexp.QuoteMeta(id.label)+`\s+(linear|relu|tanh|sigmoid)\s+(\S+)`).FindAllStringSubmatch(text, -1)
			if len(rows) != id.n {
				t.Errorf("%d rows %q in the identities table, want %d", len(rows), id.label, id.n)
			}
			for _, r := range rows {
				if v := parseNumber(t, r[2]); math.Abs(v) > id.tol {
					t.Errorf("%s (%s) = %g, want ≤ %g", id.label, r[1], v, id.tol)
				}
			}
		}

		// Fig. 3 at the paper's settings: drift ∝ η (ratios as in
		// TestNotebook02DriftProportional: 10 ± 4.5 for 0.1/0.01, 10 ± 0.45
		// for 0.01/0.001), and the same order of magnitude as the derived
		// values at η = 0.1.
		rows := regexp.MustCompile(`(?m)^(linear|relu|tanh|sigmoid)\s+(0\.1|0\.01|0\.001)\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+(\S+)\s+10 \(∝ η\))?\s*$`).FindAllStringSubmatch(text, -1)
		if len(rows) != 12 {
			t.Fatalf("%d rows in the Fig. 3 table, want 12; text outputs:\n%s", len(rows), text)
		}
		for _, r := range rows {
			steps := "400000"
			if r[1] == "sigmoid" {
				steps = "800000"
			}
			if r[3] != steps {
				t.Errorf("%s η = %s ran %s steps, want the paper's %s", r[1], r[2], r[3], steps)
			}
			switch r[2] {
			case "0.1":
				if ratio := parseNumber(t, r[6]); math.Abs(ratio-10) > 4.5 {
					t.Errorf("%s: drift ratio η 0.1 / 0.01 = %g, want 10 ± 4.5", r[1], ratio)
				}
				if r[5] != "—" {
					if q := math.Abs(parseNumber(t, r[4])) / parseNumber(t, r[5]); q < 0.1 || q > 10 {
						t.Errorf("%s: |ΔQ̃| = %s against derived %s: not the same order", r[1], r[4], r[5])
					}
				}
			case "0.01":
				if ratio := parseNumber(t, r[6]); math.Abs(ratio-10) > 0.45 {
					t.Errorf("%s: drift ratio η 0.01 / 0.001 = %g, want 10 ± 0.45", r[1], ratio)
				}
			}
		}

		// The seed spread contains the derived values.
		spread := regexp.MustCompile(`(?m)^(linear|relu|tanh)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\d+ of 20\s+(\S+)\s*$`).FindAllStringSubmatch(text, -1)
		if len(spread) != 3 {
			t.Errorf("%d rows with a derived value in the seed table, want 3", len(spread))
		}
		for _, r := range spread {
			if lo, hi, d := parseNumber(t, r[3]), parseNumber(t, r[5]), parseNumber(t, r[6]); d < lo || d > hi {
				t.Errorf("%s: derived |ΔQ̃| %g outside the seed spread [%g, %g]", r[1], d, lo, hi)
			}
		}

		if len(pngs) != 1 {
			t.Fatalf("%d figures, want 1 (Fig. 3)", len(pngs))
		}
		img, err := png.Decode(bytes.NewReader(pngs[0]))
		if err != nil {
			t.Fatalf("Fig. 3 does not decode: %v", err)
		}
		if r := img.Bounds(); r.Dx() < 1200 || r.Dy() < 800 || r.Dx() > 4000 || r.Dy() > 4000 {
			t.Errorf("Fig. 3 is %v pixels", r.Size())
		}
	}
}

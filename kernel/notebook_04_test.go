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

// The claims 04-initialisation.ipynb prints, with the tolerances of the
// library tests that assert the same (lib/conserved/notebook04_test.go).
func init() {
	notebookChecks["04-initialisation.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)

		// Sample moments of 1000 draws within 4 standard errors of the
		// closed forms (σ/√1000 for the mean, σ/√2000 for the sd).
		rows := regexp.MustCompile(`(?m)^(linear|relu|tanh|sigmoid) \((\d+), (\d+), (\d+)\)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$`).FindAllStringSubmatch(text, -1)
		if len(rows) != 6 {
			t.Fatalf("%d rows in the moments table, want 6; text outputs:\n%s", len(rows), text)
		}
		for _, r := range rows {
			mean, em, sd, sigma := parseNumber(t, r[5]), parseNumber(t, r[6]), parseNumber(t, r[8]), parseNumber(t, r[9])
			// The printed values are rounded to 0.01: allow that too.
			if math.Abs(mean-em) > 4*sigma/math.Sqrt(1000)+0.01 || math.Abs(sd-sigma) > 4*sigma/math.Sqrt(2000)+0.01 {
				t.Errorf("%s (%s, %s, %s): sample %s ± %s, closed form %s ± %s", r[1], r[2], r[3], r[4], r[5], r[8], r[6], r[9])
			}
		}

		// The orbit of a minimum: loss 0 throughout, Tr Q 0 at c = 1, the
		// initial band crossed within 0.3% of c = 1.
		if m := regexp.MustCompile(`largest ‖Y − UV‖ / ‖Y‖ on the orbit\s+(\S+)`).FindStringSubmatch(text); m == nil {
			t.Errorf("the orbit's residual is not printed")
		} else if v := parseNumber(t, m[1]); v > 1e-13 {
			t.Errorf("‖Y − UV‖/‖Y‖ = %g on the orbit, want 0 up to rounding", v)
		}
		if m := regexp.MustCompile(`Tr Q at the balanced minimum \(c = 1\)\s+(\S+)`).FindStringSubmatch(text); m == nil {
			t.Errorf("Tr Q at the balanced minimum is not printed")
		} else if v := parseNumber(t, m[1]); math.Abs(v) > 1e-10 {
			t.Errorf("Tr Q = %g at the balanced minimum, want 0", v)
		}
		if m := regexp.MustCompile(`c where the orbit crosses that band\s+\[(\S+), (\S+)\]`).FindStringSubmatch(text); m == nil {
			t.Errorf("the band's c interval is not printed")
		} else if lo, hi := parseNumber(t, m[1]), parseNumber(t, m[2]); lo < 0.997 || hi > 1.003 || lo >= hi {
			t.Errorf("the band is crossed for c in [%g, %g], want within 1 ± 0.3%%", lo, hi)
		}
		if m := regexp.MustCompile(`Q₀ of 1000 initialisations\s+\[(\S+), (\S+)\]`).FindStringSubmatch(text); m == nil {
			t.Errorf("the initial band is not printed")
		} else if lo, hi := parseNumber(t, m[1]), parseNumber(t, m[2]); lo < -8 || hi > 8 {
			t.Errorf("Q₀ in [%g, %g], want within 0 ± 4 sd = ±8", lo, hi)
		}

		if len(pngs) != 3 {
			t.Fatalf("%d figures, want 3 (Fig. 4, Fig. 5, the orbit)", len(pngs))
		}
		for i, b := range pngs {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("figure %d does not decode: %v", i, err)
			}
			if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 300 || r.Dx() > 4000 || r.Dy() > 4000 {
				t.Errorf("figure %d is %v pixels", i, r.Size())
			}
		}
	}
}

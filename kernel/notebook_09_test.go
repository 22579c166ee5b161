package kernel

import (
	"regexp"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The outputs of 09-adversarial: the claims of TestFig11Adversarial in
// lib/ensemble, read from what the notebook printed (helpers in
// notebook_05_test.go). On the synthetic stand-in data (no Fashion-MNIST)
// only the figure is checked.
func init() {
	notebookChecks["09-adversarial.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		checkFigures(t, pngs, 1)
		if strings.Contains(text, "synthetic stand-in") {
			t.Log("synthetic stand-in data: the accuracies are not checked")
			return
		}
		line := func(re string) []float64 {
			t.Helper()
			m := regexp.MustCompile(re).FindStringSubmatch(text)
			if m == nil {
				t.Fatalf("no output line matching %q", re)
			}
			return numbersIn(t, strings.Join(m[1:], " "))
		}
		clean := line(`clean accuracy on the 1000 images: original (\S+), group (\S+), g⁻¹ (\S+), interpolated permutation (\S+)`)
		if clipped := line(`clipped to \[0, 1\], no attack: (\S+)`); clipped[0] > clean[0]-0.1 {
			t.Errorf("the [0, 1] clipping alone leaves %.3f of %.3f: want a loss of at least 0.1", clipped[0], clean[0])
		}
		if s := line(`above 0.99: original (\d+)% of the images, the group's members (\d+)%`); s[1] < s[0]+15 {
			t.Errorf("saturated softmaxes: original %v%%, members %v%%: want 15 points more", s[0], s[1])
		}
		if a := line(`clean accuracy: one member (\S+) on average, the vote of 200 (\S+)`); a[0] > a[1]-0.2 {
			t.Errorf("one member %.3f, the vote %.3f: want the member 0.2 below", a[0], a[1])
		}
		// Table columns: original, group, interp. perm., g⁻¹, white-box (mean softmax), white-box (members' loss).
		row := func(label string) []float64 {
			t.Helper()
			r := tableRow(t, text, label+" ")
			v := numbersIn(t, strings.Join(r[1:7], " "))
			if len(v) != 6 {
				t.Fatalf("row %q: %v", label, r)
			}
			return v
		}
		for _, r := range []string{"FGSM 0", "FGSM 0.003", "FGSM 0.006", "FGSM 0.009", "FGSM 0.012", "FGSM 0.05", "FGSM 0.1",
			"PGD 0 iterations", "PGD 1 iterations", "PGD 2 iterations", "PGD 3 iterations"} {
			if v := row(r); v[3] > 0.17 {
				t.Errorf("%s: g⁻¹ %.3f, want chance (≤ 0.17)", r, v[3])
			}
		}
		if v := row("FGSM 0"); v[1] >= v[0] || v[1] < v[0]-0.1 {
			t.Errorf("clean: group %.3f, original %.3f: want the group below, by at most 0.1", v[1], v[0])
		}
		for _, r := range []string{"FGSM 0.05", "FGSM 0.1"} {
			v := row(r)
			if v[1] <= v[0] || v[4] <= v[1] || v[5] <= v[1] {
				t.Errorf("%s: original %.3f, group %.3f, white-box %.3f and %.3f: want group > original and both white-box > group", r, v[0], v[1], v[4], v[5])
			}
		}
		c, p0, p3 := row("FGSM 0"), row("PGD 0 iterations"), row("PGD 3 iterations")
		if c[0]-p0[0] >= c[1]-p0[1] {
			t.Errorf("PGD's random start costs the original %.3f and the group %.3f: want the group to lose more", c[0]-p0[0], c[1]-p0[1])
		}
		if d := p3[1] - p3[0]; d < -0.05 || d > 0.05 {
			t.Errorf("PGD 3 iterations: group − original = %.3f, want within ±0.05", d)
		}
	}
}

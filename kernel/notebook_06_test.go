package kernel

import (
	"math"
	"regexp"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The outputs of 06-sharpness: the same claims as TestSharpness* in
// lib/hessian, read from what the notebook printed (helpers in
// notebook_05_test.go).
func init() {
	notebookChecks["06-sharpness.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		checkFigures(t, pngs, 2)

		// Scalar example: {0, 2√(Q² + 4y²)} to finite-difference accuracy.
		if v := numbersIn(t, tableRow(t, text, "scalar: max")[1]); len(v) != 1 || v[0] > 1e-9 {
			t.Errorf("scalar deviation %v, want ≤ 1e-9", v)
		}
		// Linear closed form: finite differences vs exact Hessian, the gap
		// after 50 eigenvalues, λ_max = 2(‖U‖₂² + ‖V‖₂²).
		lin := regexp.MustCompile(`‖H_fd − H‖/‖H‖ = (\S+)\s+nonzero: (\d+) \(50th (\S+)·λ_max, 51st (\S+)·λ_max\)\s+λ_max = (\S+), 2\(‖U‖₂² \+ ‖V‖₂²\) = (\S+)`).FindAllStringSubmatch(text, -1)
		if len(lin) != 4 {
			t.Fatalf("%d lines of the linear check, want 4", len(lin))
		}
		for _, m := range lin {
			v := numbersIn(t, m[1]+" "+m[2]+" "+m[3]+" "+m[4]+" "+m[5]+" "+m[6])
			if v[0] > 1e-10 || v[1] != 50 || v[2] < 1e-2 || v[3] > 1e-9 || math.Abs(v[4]-v[5]) > 0.01 {
				t.Errorf("linear check %q: want ‖H_fd − H‖ ≤ 1e-10, 50 nonzero with a gap, λ_max = 2(‖U‖₂² + ‖V‖₂²)", m[0])
			}
		}
		// Fig. 9: λ_max grows with the scale (for the sigmoid only weakly from
		// the smallest to the largest), within
		// 30% of papers.md's derived values (sampling: 10% over draws);
		// exactly 50 eigenvalues above 1e-6·λ_max.
		paper := map[string][]float64{"linear": {21, 32, 109, 243}, "relu": {22, 27, 84, 183}, "tanh": {19, 27, 70, 121}, "sigmoid": {127, 0, 0, 143}}
		for _, act := range []string{"linear", "relu", "tanh", "sigmoid"} {
			l := numbersIn(t, tableRow(t, text, act+": λ_max")[1])
			if len(l) != 4 {
				t.Fatalf("%s: λ_max row %v", act, l)
			}
			for s, w := range paper[act] {
				if w > 0 && math.Abs(l[s]/w-1) > 0.3 {
					t.Errorf("%s: λ_max %v, paper %v: more than 30%% apart", act, l, paper[act])
				}
				if s > 0 && act != "sigmoid" && l[s] <= l[s-1] {
					t.Errorf("%s: λ_max %v does not grow with the scale", act, l)
				}
			}
			if r := l[3] / l[0]; act == "sigmoid" && (r <= 1 || r > 1.25) {
				t.Errorf("sigmoid: λ_max %v, want a weak rise (1, 1.25] from s = 0.001 to 0.9", l)
			}
			for _, r := range numbersIn(t, tableRow(t, text, act+": eigenvalues > 1e-6")[1]) {
				if r != 50 {
					t.Errorf("%s: nonzero eigenvalue counts %s, want 50", act, tableRow(t, text, act+": eigenvalues > 1e-6")[1])
					break
				}
			}
		}
	}
}

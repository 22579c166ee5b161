package kernel

import (
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The outputs of 08-ensembles: the claims of TestFig10Ensembles in
// lib/ensemble, read from what the notebook printed (helpers in
// notebook_05_test.go). On the synthetic stand-in data (no Fashion-MNIST)
// only the exactness of the action and the figure are checked.
func init() {
	notebookChecks["08-ensembles.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		checkFigures(t, pngs, 1)

		// One transformed network: exact on its batch (rounding) for ε ≤ 1.
		for _, eps := range []string{"1 ", "0.1 ", "0.01 ", "0.001 ", "0.0001 "} {
			row := tableRow(t, text, strings.Repeat(" ", 6-len(strings.TrimSpace(eps)))+eps)
			if v := numbersIn(t, row[2]); len(v) != 1 || v[0] > 1e-12 {
				t.Errorf("ε = %s: logit change on the fitted batch %s, want ≤ 1e-12", eps, row[2])
			}
		}
		if strings.Contains(text, "synthetic stand-in") {
			t.Log("synthetic stand-in data: the accuracies are not checked")
			return
		}
		check := func(label string, ok func(v []float64) bool, want string) {
			t.Helper()
			row := tableRow(t, text, label)
			if v := numbersIn(t, row[1]); len(v) == 0 || !ok(v) {
				t.Errorf("%s: %s, want %s", label, row[1], want)
			}
		}
		all := func(p func(float64) bool) func([]float64) bool {
			return func(v []float64) bool {
				for _, x := range v {
					if !p(x) {
						return false
					}
				}
				return true
			}
		}
		check("original test accuracy", all(func(x float64) bool { return x > 0.8 }), "> 0.8")
		check("group: max |acc − original|, ε ≤ 0.01", all(func(x float64) bool { return x <= 0.003 }), "≤ 0.003")
		check("group: max |acc − original|, ε = 0.1", all(func(x float64) bool { return x <= 0.01 }), "≤ 0.01")
		check("group, mean softmax: max |acc − original|", all(func(x float64) bool { return x <= 0.003 }), "≤ 0.003")
		check("group − original, ε = 1 / 10 / 20, 10 members", all(func(x float64) bool { return x <= -0.02 }), "each ≤ −0.02")
		check("group − original, ε = 1 / 10 / 20, 120 members", all(func(x float64) bool { return x < 0 && x > -0.1 }), "each in (−0.1, 0): degraded, partly recovered")
		check("g⁻¹ at ε = 10", all(func(x float64) bool { return x <= 0.15 }), "≤ 0.15 (chance 0.1)")
		check("g⁻¹ at ε = 1", all(func(x float64) bool { return x <= 0.75 }), "≤ 0.75, well below the original")
		check("random at ε = 1", all(func(x float64) bool { return x <= 0.15 }), "≤ 0.15")
		check("shuffled, all ε", all(func(x float64) bool { return x <= 0.25 }), "≤ 0.25")
		check("interpolated permutation, all ε", all(func(x float64) bool { return x >= 0.7 }), "≥ 0.7")
	}
}

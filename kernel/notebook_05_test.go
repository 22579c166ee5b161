package kernel

import (
	"math"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The closing table of 05-convergence: the same claims as TestConvergence* in
// lib/optim, read from what the notebook printed.
func init() {
	notebookChecks["05-convergence.ipynb"] = func(t *testing.T, nb *nbformat.Notebook) {
		text, pngs := notebookOutputs(nb)
		checkFigures(t, pngs, 3)

		// Scalar example: measured factor = 1 − ηλ(Q) to the printed 4 digits.
		row := tableRow(t, text, "scalar: residual factor per step")
		got, want := numbersIn(t, row[1]), numbersIn(t, row[2])
		if len(got) != 4 || len(want) < 4 {
			t.Fatalf("scalar row %q", row)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 2e-4 || (i > 0 && got[i] >= got[i-1]) {
				t.Errorf("scalar factors %v, want %v and decreasing with |Q|", got, want[:4])
				break
			}
		}

		// Fig. 6, linear: Q₀ ∝ s² near the paper's −0.028 / −2.85 / −285 (the
		// standard deviation over draws is 39 s²), and the residual after 10⁴
		// steps ≈ ‖Y‖ / part way / converged (paper 8.1 / 3.1 / 8e-8).
		q := numbersIn(t, tableRow(t, text, "Fig. 6 linear: Q₀ at")[1])
		if len(q) != 3 || math.Abs(q[2]+250) > 4*38.7 || math.Abs(q[0]*1e4/q[2]-1) > 0.01 || math.Abs(q[1]*1e2/q[2]-1) > 0.01 {
			t.Errorf("Fig. 6 linear Q₀ %v, want ∝ s² and −250 ± 155 at s = 1", q)
		}
		r := numbersIn(t, tableRow(t, text, "Fig. 6 linear: ‖Y − f‖_F after 10⁴")[1])
		if len(r) != 3 || r[0] < 6.5 || r[1] < 1.8 || r[1] > 4.3 || r[2] > 1e-5 {
			t.Errorf("Fig. 6 linear residuals after 1e4 steps %v, want ≈ ‖Y‖ (7.2), 0.25–0.6 ‖Y‖, < 1e-5", r)
		}
		// Every activation: the residual after 5·10⁴ steps falls by ≥ 1.5× from
		// one scale to the next, while |Q₀| grows.
		for _, act := range []string{"linear", "relu", "tanh", "sigmoid"} {
			v := numbersIn(t, tableRow(t, text, "Fig. 6 "+act+": Q₀ →")[1])
			if len(v) != 6 {
				t.Fatalf("Fig. 6 %s row has %d numbers: %v", act, len(v), v)
			}
			for i := 0; i < 2; i++ {
				if math.Abs(v[i]) >= math.Abs(v[i+1]) || v[3+i] < 1.5*v[4+i] {
					t.Errorf("Fig. 6 %s: Q₀ %v, residuals %v: want larger |Q₀| converging faster", act, v[:3], v[3:])
					break
				}
			}
		}

		// Fig. 7: Q ∝ s²; Q kept except at s = 0.01 (GD's catapult, ≤ 10%);
		// MSE/‖Y‖ after 10⁶ steps grows with Q; the two smallest Q fall below
		// 1e-10 (the smallest first), the two largest never.
		q = numbersIn(t, tableRow(t, text, "Fig. 7: Q₀")[1])
		if len(q) != 4 || math.Abs(q[0]*1e6/q[3]-1) > 0.01 || math.Abs(q[2]*1e2/q[3]-1) > 0.01 {
			t.Errorf("Fig. 7 Q₀ %v, want ∝ s²", q)
		}
		qr := numbersIn(t, tableRow(t, text, "Fig. 7: Q at the end")[1])
		if len(qr) != 4 || qr[0] < 1 || qr[0] > 1.1 || math.Abs(qr[1]-1) > 1e-3 || math.Abs(qr[2]-1) > 1e-3 || math.Abs(qr[3]-1) > 1e-3 {
			t.Errorf("Fig. 7 Q_end/Q₀ %v, want 1–1.1 at s = 0.01 and 1 ± 1e-3 otherwise", qr)
		}
		f := numbersIn(t, tableRow(t, text, "Fig. 7: MSE/‖Y‖_F after")[1])
		if len(f) != 4 || !(f[0] < f[1] && f[1] < f[2] && f[2] < f[3]) || f[1] > 1e-20 {
			t.Errorf("Fig. 7 MSE/‖Y‖ after 1e6 steps %v, want increasing with Q, the two smallest converged", f)
		}
		h := numbersIn(t, tableRow(t, text, "Fig. 7: first step")[1])
		if len(h) != 4 || h[0] <= 0 || h[0] >= h[1] || h[2] != -1 || h[3] != -1 {
			t.Errorf("Fig. 7 first steps below 1e-10 %v, want 0 < s=0.01 < s=0.1, and never (−1) for s = 1, 10", h)
		}
	}
}

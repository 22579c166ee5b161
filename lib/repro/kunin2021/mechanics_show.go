package kunin2021

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// Units is how many hidden units Plot draws.
const Units = 3

// Plot draws, for each run, the measured charges of the first Units hidden
// units (solid) beside the continuous prediction and the exact discrete law.
func (r *MechanicsResult) Plot() ([]*plot.Plot, error) {
	var ps []*plot.Plot
	for _, run := range r.Runs {
		var ss []show.Series
		for j := 0; j < Units && j < r.Settings.Hidden; j++ {
			col := func(m [][]float64) []float64 {
				c := make([]float64, len(m))
				for k := range m {
					c[k] = m[k][j]
				}
				return c
			}
			ss = append(ss,
				show.Series{Name: fmt.Sprintf("unit %d measured", j), X: run.Time, Y: col(run.Charge)},
				show.Series{Name: "continuous", X: run.Time, Y: col(run.Continuous)},
				show.Series{Name: "exact law", X: run.Time, Y: col(run.Exact)})
		}
		p, err := show.Lines(show.Axes{Title: fmt.Sprintf("%s (η = %g, γ = %g, β = %g)", run.Name, run.LR, run.Decay, run.Momentum),
			X: "t = kη", Y: "C_j = ‖w_out‖² − ‖w_in‖² − b²"}, ss...)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// Table lists each run's relative errors.
func (r *MechanicsResult) Table() show.Table {
	t := show.Table{Caption: "max_k ‖prediction − measured‖ / max_k ‖measured‖ over all hidden units", Format: "%.2g",
		Header: []string{"run", "η", "γ", "β", "continuous (paper's form)", "exact discrete law"}}
	for _, run := range r.Runs {
		t.AddRow(run.Name, run.LR, run.Decay, run.Momentum, run.ContinuousErr, run.ExactErr)
	}
	return t
}

// Notebook20Table is the closing table of notebook 20. half holds the same
// runs at η/2 (and twice the steps), for the order of the continuous error.
func Notebook20Table(r, half *MechanicsResult) show.Table {
	t := show.Table{
		Caption: "Notebook 20, measured beside the reference. Asserted by TestMechanics and TestMechanicsOrder: go test ./lib/repro/kunin2021",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	for i, run := range r.Runs {
		t.AddRow(run.Name+": exact discrete law, relative error", fmt.Sprintf("%.1e", run.ExactErr), "rounding (< 1e-12)", "derived")
		t.AddRow(run.Name+": continuous form, error ratio at η and η/2", fmt.Sprintf("%.3g / %.3g = %.2f", run.ContinuousErr, half.Runs[i].ContinuousErr, run.ContinuousErr/half.Runs[i].ContinuousErr), "2 (error O(η))", "derived")
	}
	m, k := Oscillator(r.Settings.LR, r.Settings.WeightDecay, r.Settings.Momentum)
	t.AddRow("momentum: 4mκ (> 1: under-damped, oscillates)", fmt.Sprintf("%.3g", 4*m*k), "damped oscillator", "paper (Sec. 5, momentum)")
	return t
}

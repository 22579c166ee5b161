package kunin2021

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// Units is how many hidden units Plot draws.
const Units = 3

// Plot draws, for each run, the measured charges of the first Units hidden
// units beside the continuous prediction and the modified equation's (the
// exact discrete law is not drawn: it lies on the measured curve to 1e-14).
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
				show.Series{Name: "modified equation", X: run.Time, Y: col(run.Modified)})
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
		Header: []string{"run", "η", "γ", "β", "continuous", "modified equation", "exact discrete law"}}
	for _, run := range r.Runs {
		t.AddRow(run.Name, run.LR, run.Decay, run.Momentum, run.ContinuousErr, run.ModifiedErr, run.ExactErr)
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
	ratio := func(a, b float64) string { return fmt.Sprintf("%.3g / %.3g = %.2f", a, b, a/b) }
	for i, run := range r.Runs {
		hr := half.Runs[i]
		t.AddRow(run.Name+": exact discrete law, relative error", fmt.Sprintf("%.1e", run.ExactErr), "rounding (< 1e-12)", "derived")
		t.AddRow(run.Name+": continuous form, error at η / at η/2", ratio(run.ContinuousErr, hr.ContinuousErr), "2 (error O(η))", "derived")
		switch {
		case run.Momentum != 0:
			t.AddRow(run.Name+": driven oscillator, error at η / at η/2", ratio(run.ModifiedErr, hr.ModifiedErr), "2 (error O(η))", "derived")
		case run.Decay != 0:
			t.AddRow(run.Name+": modified equation, error at η / at η/2", ratio(run.ModifiedErr, hr.ModifiedErr), "4 (error O(η²))", "derived")
		default:
			t.AddRow(run.Name+": modified equation Ċ = η gᵀAg, relative error", fmt.Sprintf("%.1e", run.ModifiedErr), "rounding (it is the discrete law)", "derived")
		}
	}
	m, k := Oscillator(r.Settings.LR, r.Settings.WeightDecay, r.Settings.Momentum)
	t.AddRow("momentum: 4mκ (> 1: under-damped, oscillates)", fmt.Sprintf("%.3g", 4*m*k), "damped oscillator", "paper (Sec. 5, momentum)")
	return t
}

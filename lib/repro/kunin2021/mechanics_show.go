package kunin2021

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// Plot draws, for each run, the measured charge of hidden unit 0 beside the
// continuous prediction and the modified equation's (the exact discrete law
// is not drawn: it lies on the measured curve to 1e-14). For plain GD, whose
// charge barely moves, it draws the drift C(t) − C(0).
func (r *MechanicsResult) Plot() ([]*plot.Plot, error) {
	var ps []*plot.Plot
	for _, run := range r.Runs {
		drift := run.Decay == 0 && run.Momentum == 0
		col := func(m [][]float64) []float64 {
			c := make([]float64, len(m))
			for k := range m {
				c[k] = m[k][0]
				if drift {
					c[k] -= run.Charge[0][0]
				}
			}
			return c
		}
		y := "C₀ = ‖w_out‖² − ‖w_in‖² − b² of unit 0"
		if drift {
			y = "C₀(t) − C₀(0)"
		}
		p, err := show.Lines(show.Axes{Title: fmt.Sprintf("%s (η = %g, γ = %g, β = %g)", run.Name, run.LR, run.Decay, run.Momentum), X: "t = kη", Y: y},
			show.Series{Name: "measured", X: run.Time, Y: col(run.Charge)},
			show.Series{Name: "continuous", X: run.Time, Y: col(run.Continuous)},
			show.Series{Name: "modified equation", X: run.Time, Y: col(run.Modified)})
		if err != nil {
			return nil, err
		}
		p.Legend.Top = !drift
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
		if run.Momentum != 0 {
			t.AddRow(run.Name+": homogeneous oscillator, relative error", fmt.Sprintf("%.2g", run.ContinuousErr), "order one: no driving term", "derived")
			t.AddRow(run.Name+": driven oscillator, relative error", fmt.Sprintf("%.2g", run.ModifiedErr), "small (η³ terms of the expansion)", "derived")
			continue
		}
		t.AddRow(run.Name+": continuous form, error at η / at η/2", ratio(run.ContinuousErr, hr.ContinuousErr), "2 (error O(η))", "derived")
		switch {
		case run.Decay != 0:
			t.AddRow(run.Name+": modified equation, error at η / at η/2", ratio(run.ModifiedErr, hr.ModifiedErr), "4 (error O(η²))", "derived")
		default:
			t.AddRow(run.Name+": modified equation Ċ = η gᵀAg, relative error", fmt.Sprintf("%.1e", run.ModifiedErr), "rounding (it is the discrete law)", "derived")
		}
	}
	mr := r.Runs[2]
	m, k := Oscillator(mr.LR, mr.Decay, mr.Momentum)
	t.AddRow("momentum: 4mκ (> 1: under-damped, oscillates)", fmt.Sprintf("%.3g", 4*m*k), "damped oscillator", "paper (momentum: a damped oscillator)")
	return t
}

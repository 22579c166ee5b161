package ziyin2024

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// Figures and tables of notebook 17.

// Plot returns Fig. 5, one panel per net: the charge C = Σ‖W_l‖² along GD
// (from the init), along the SGD runs from GD's end point θ_min, without
// and with weight decay, and the predictions of the exact law.
func (r *ScaleResult) Plot() ([][]*plot.Plot, error) {
	var row []*plot.Plot
	for _, n := range r.Nets {
		mean := make([]float64, len(n.SGD[0].Charge))
		for _, run := range n.SGD {
			for i, c := range run.Charge {
				mean[i] += c / float64(len(n.SGD))
			}
		}
		ss := []show.Series{
			{Name: "GD (from the init)", X: ints(n.GD.Step), Y: n.GD.Charge},
			{Name: fmt.Sprintf("SGD from θ_min (mean of %d seeds)", len(n.SGD)), X: ints(n.SGD[0].Step), Y: mean},
		}
		ss = append(ss,
			show.Series{Name: "√(C₀² + 2η²Tk)", X: ints(n.SGD[0].Step), Y: n.PredictedC},
			show.Series{Name: fmt.Sprintf("SGD, γ = %g", r.Settings.Decay), X: ints(n.Decay.Step), Y: n.Decay.Charge},
			show.Series{Name: "law with decay", X: ints(n.Decay.Step), Y: n.PredictedDecay})
		p, err := show.Lines(show.Axes{Title: n.Name + ": C = Σ‖W_l‖²", X: "step", Y: "C"}, ss...)
		if err != nil {
			return nil, err
		}
		p.Legend.Top = true
		p.Legend.Left = true
		row = append(row, p)
	}
	return [][]*plot.Plot{row}, nil
}

// Table lists, per net, the measured and predicted growth and level.
func (r *ScaleResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("Fig. 5: the charge of the scale symmetries, %d SGD steps from θ_min (95%% intervals over %d seeds)", r.Settings.Steps, r.Settings.Seeds),
		Header: []string{"net", "GD: max |ΔC|/C", "GD ‖∇L‖ at θ_min", "T at θ_min", "T at the end", "exponent of C", "C at the end", "predicted", "C with decay", "predicted", "law residual"}, Format: "%.4g"}
	for _, n := range r.Nets {
		law := n.GD.Law
		for _, run := range append(append([]NormRun{}, n.SGD...), n.Decay) {
			law = math.Max(law, run.Law)
		}
		t.AddRow(n.Name, n.GDChange, n.GDGrad, n.T, n.TEnd, fmt.Sprintf("%.3f ± %.3f", n.ExpMean, n.ExpCI95),
			fmt.Sprintf("%.2f ± %.2f", n.EndC, n.EndCCI95), n.PredictedC[len(n.PredictedC)-1], n.DecayEnd, n.PredictedEnd, fmt.Sprintf("%.1e", law))
	}
	return t
}

// Plot returns Fig. 6, one panel per activation: the alignment of
// V Σ̄ₓ Vᵀ and Uᵀ Σ̄_ε U along SGD and GD.
func (r *AlignmentResult) Plot() ([][]*plot.Plot, error) {
	var rows [][]*plot.Plot
	var row []*plot.Plot
	for _, w := range r.Rows {
		p, err := show.Lines(show.Axes{Title: w.Act, X: "step", Y: "cosine similarity"},
			show.Series{Name: "SGD", X: ints(w.Step), Y: w.SGD}, show.Series{Name: "GD", X: ints(w.GDStep), Y: w.GD})
		if err != nil {
			return nil, err
		}
		p.Y.Min, p.Y.Max = 0, 1
		p.Legend.Top = false
		row = append(row, p)
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	return rows, nil
}

// Table lists the final alignments.
func (r *AlignmentResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("Fig. 6: cosine similarity of V Σ̄ₓ Vᵀ and Uᵀ Σ̄_ε U (SGD: mean over its last %d steps; GD after %d steps)", r.Settings.Steps/2, r.Settings.GDSteps),
		Header: []string{"activation", "at the init", "SGD", "GD"}, Format: "%.3f"}
	for _, w := range r.Rows {
		t.AddRow(w.Act, w.SGD[0], w.SGDEnd, w.GDEnd)
	}
	return t
}

// Notebook17Table is the closing table of notebook 17.
func Notebook17Table(sc *ScaleResult, al *AlignmentResult) show.Table {
	t := show.Table{
		Caption: "Notebook 17, measured beside the reference. Asserted by TestScaleInvariant and TestAlignment: go test ./lib/repro/ziyin2024 -run 'ScaleInvariant|Alignment'",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	for _, n := range sc.Nets {
		t.AddRow(n.Name+": C under GD, max relative change", fmt.Sprintf("%.1e", n.GDChange), "constant", "paper (Fig. 5)")
		t.AddRow(n.Name+": exponent of C under SGD", fmt.Sprintf("%.3f ± %.3f", n.ExpMean, n.ExpCI95), "½ (‖θ‖² ~ √t)", "derived")
		t.AddRow(n.Name+": C at the end, measured / predicted", fmt.Sprintf("%.3f", n.EndC/n.PredictedC[len(n.PredictedC)-1]), fmt.Sprintf("1 (T drifts by %+.0f%%)", 100*(n.TEnd/n.T-1)), "derived")
		t.AddRow(n.Name+": C with weight decay, measured / predicted", fmt.Sprintf("%.3f", n.DecayEnd/n.PredictedEnd), "1", "derived")
	}
	for _, w := range al.Rows {
		// Reproduced: SGD aligned (≥ 0.85) and clearly more than GD (by 0.1).
		ok := "reproduced"
		if w.SGDEnd < 0.85 || w.SGDEnd < w.GDEnd+0.1 {
			ok = "not reproduced"
		}
		t.AddRow(fmt.Sprintf("Fig. 6, %s: alignment SGD / GD", w.Act), fmt.Sprintf("%.2f / %.2f", w.SGDEnd, w.GDEnd), "SGD aligned, GD not ("+ok+")", "paper (Fig. 6)")
	}
	return t
}

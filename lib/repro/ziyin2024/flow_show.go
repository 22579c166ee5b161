package ziyin2024

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// Figures and tables of notebook 14.

func ints(v []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Plot returns two panels: the charge along GD and SGD against the time kη,
// and GD's change of the charge, C(t) − C(0), at η and η/2.
func (r *LawResult) Plot() ([][]*plot.Plot, error) {
	var all, gd []show.Series
	for _, run := range r.Runs {
		all = append(all, show.Series{Name: fmt.Sprintf("%s (η = %g)", run.Name, run.LR), X: run.Time, Y: run.Charge})
		if run.BatchSize == r.Settings.Problem.Samples {
			d := make([]float64, len(run.Charge))
			for i, c := range run.Charge {
				d[i] = c - run.Charge[0]
			}
			gd = append(gd, show.Series{Name: fmt.Sprintf("η = %g", run.LR), X: run.Time, Y: d})
		}
	}
	p1, err := show.Lines(show.Axes{Title: "charge C = ‖U‖² − ‖V‖²", X: "time t = kη", Y: "C"}, all...)
	if err != nil {
		return nil, err
	}
	p2, err := show.Lines(show.Axes{Title: "GD: C(t) − C(0)", X: "time t = kη", Y: "ΔC"}, gd...)
	if err != nil {
		return nil, err
	}
	return [][]*plot.Plot{{p1, p2}}, nil
}

// Table lists each run: steps, the largest residual of the exact law, and
// the total change of the charge.
func (r *LawResult) Table() show.Table {
	t := show.Table{Caption: "The charge along each run", Header: []string{"run", "η", "batch", "steps", "law residual (max)", "C(0)", "C(end) − C(0)"}}
	for _, run := range r.Runs {
		t.AddRow(run.Name, run.LR, run.BatchSize, run.Steps, fmt.Sprintf("%.1e", run.MaxResidual), run.Charge[0], run.Drift)
	}
	return t
}

// GDRatio returns GD's total change of the charge at η over that at η/2:
// 2 + O(η) if GD changes C by O(η²) per step.
func (r *LawResult) GDRatio() float64 {
	var d []float64
	for _, run := range r.Runs {
		if run.BatchSize == r.Settings.Problem.Samples {
			d = append(d, run.Drift)
		}
	}
	return d[0] / d[1]
}

// Run returns the run called name, or nil.
func (r *LawResult) Run(name string) *ChargeRun {
	for i := range r.Runs {
		if r.Runs[i].Name == name {
			return &r.Runs[i]
		}
	}
	return nil
}

// Plot shows, seed by seed, the measured mean change of the charge per step
// against the predicted one, with the line measured = predicted.
func (r *DriftResult) Plot() (*plot.Plot, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range r.Measured {
		lo = min(lo, r.Measured[i], r.Predicted[i])
		hi = max(hi, r.Measured[i], r.Predicted[i])
	}
	p, err := show.Scatter(show.Axes{Title: "drift of C per step, one point per seed", X: "predicted (1/K) Σ E[ΔC | θ_k]", Y: "measured (C_K − C_0)/K"},
		show.Series{Name: "seed", X: r.Predicted, Y: r.Measured})
	if err != nil {
		return nil, err
	}
	if err := show.Overlay(p, show.Series{Name: "measured = predicted", X: []float64{lo, hi}, Y: []float64{lo, hi}}); err != nil {
		return nil, err
	}
	return p, nil
}

// Table gives the rates at the minimum and over the runs.
func (r *DriftResult) Table() show.Table {
	s := r.Settings
	t := show.Table{Caption: fmt.Sprintf("Change of C = Tr Q per step from a GD minimum: %d SGD runs of %d steps (η = %g, batch %d drawn with replacement)", s.Seeds, s.Steps, s.LR, s.BatchSize),
		Header: []string{"quantity", "value"}, Format: "%.4g"}
	t.AddRow("GD step at the minimum, η²ḡᵀAḡ", r.GDStep)
	t.AddRow("expected SGD step at the minimum, η²(ḡᵀAḡ + cTr[ΣA])", r.Start.Total)
	t.AddRow("measured SGD rate (mean over seeds)", fmt.Sprintf("%.4g ± %.2g", r.MeanRate, r.CI95))
	t.AddRow("predicted SGD rate (mean over seeds)", r.MeanPred)
	t.AddRow("measured − predicted (95% interval over seeds)", fmt.Sprintf("%.2g ± %.2g", r.Diff, r.DiffCI95))
	return t
}

// Plot returns Fig. 1 as two panels: the loss over the plane (a function of
// the direction only) with the paths of gradient flow, GD and SGD, and ‖θ‖²
// along them with the predicted growth of SGD's.
func (r *CircleResult) Plot() ([][]*plot.Plot, error) {
	const n = 121
	lim := 0.1 + math.Ceil(10*math.Sqrt(maxOf(r.SGDNorm2)))/10
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = -lim + 2*lim*float64(i)/float64(n-1)
	}
	z := mat.NewDense(n, n, nil)
	for i, yv := range xs {
		for j, xv := range xs {
			if xv == 0 && yv == 0 {
				z.Set(i, j, math.NaN())
				continue
			}
			z.Set(i, j, circleLoss(r.Inputs, []float64{xv, yv}, nil, nil))
		}
	}
	p1, err := show.HeatMapXY(show.Axes{Title: "L(θ) = L(θ/‖θ‖): the paths from θ₀ (•)", X: "θ₁", Y: "θ₂"}, xs, xs, z)
	if err != nil {
		return nil, err
	}
	// The colours are those of the second panel, whose legend names them.
	if err := show.Overlay(p1,
		show.Series{X: r.FlowX, Y: r.FlowY},
		show.Series{X: r.GDX, Y: r.GDY},
		show.Series{X: r.SGDX, Y: r.SGDY}); err != nil {
		return nil, err
	}
	if err := show.Points(p1, show.Series{X: r.GDX[:1], Y: r.GDY[:1]}); err != nil {
		return nil, err
	}
	steps := ints(r.Step)
	p2, err := show.Lines(show.Axes{Title: "the charge ‖θ‖²", X: "step k", Y: "‖θ‖²"},
		show.Series{Name: "gradient flow (t = kη)", X: steps, Y: r.Flow2[:len(steps)]},
		show.Series{Name: "GD", X: steps, Y: r.GDNorm2},
		show.Series{Name: "SGD", X: steps, Y: r.SGDNorm2},
		show.Series{Name: "√(1 + 2η²cTk)", X: steps, Y: r.Predicted})
	if err != nil {
		return nil, err
	}
	return [][]*plot.Plot{{p1, p2}}, nil
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// Table gives the end points of the three paths.
func (r *CircleResult) Table() show.Table {
	t := show.Table{Caption: "Fig. 1: where each path ends", Header: []string{"path", "direction (°)", "‖θ‖²", "check"}, Format: "%.4g"}
	t.AddRow("gradient flow", r.FlowAngle, r.Flow2[len(r.Flow2)-1], fmt.Sprintf("max |‖θ‖² − 1| = %.1e", r.FlowNormChange))
	t.AddRow("GD", math.Atan2(r.GDY[len(r.GDY)-1], r.GDX[len(r.GDX)-1])*180/math.Pi, r.GDEnd, "")
	t.AddRow("SGD", r.SGDAngle, r.SGDNorm2[len(r.SGDNorm2)-1], fmt.Sprintf("law residual %.1e; predicted %.4g", r.SGDLaw, r.Predicted[len(r.Predicted)-1]))
	return t
}

// Notebook14Table is the closing table of notebook 14: each measured value
// beside what it is compared with.
func Notebook14Table(law *LawResult, drift *DriftResult, circle *CircleResult) show.Table {
	t := show.Table{
		Caption: "Notebook 14, measured beside expected. Asserted by TestLaw, TestDriftRate and TestCircle: go test ./lib/repro/ziyin2024 -run 'Law|DriftRate|Circle'",
		Header:  []string{"claim", "measured", "expected", "source"},
	}
	worst := 0.0
	for _, r := range law.Runs {
		worst = max(worst, r.MaxResidual)
	}
	t.AddRow("exact law C' = (1 − ηγ)²C + η²ĝᵀAĝ, largest relative residual", fmt.Sprintf("%.1e", worst), "≤ 1e-13 (rounding)", "identity")
	t.AddRow("GD's total change of C, η over η/2", fmt.Sprintf("%.3f", law.GDRatio()), "2 + O(η)", "derived")
	sgd := law.Run("SGD")
	t.AddRow("SGD's change of C over the run", fmt.Sprintf("%.4g", sgd.Drift), fmt.Sprintf("≈ −C(0) = %.4g (to the balance, notebook 15)", -sgd.Charge[0]), "derived")
	t.AddRow("mean SGD drift per step, measured − predicted", fmt.Sprintf("%.2g ± %.2g", drift.Diff, drift.DiffCI95), "0", "derived")
	t.AddRow("Fig. 1: gradient flow's ‖θ‖², largest change", fmt.Sprintf("%.1e", circle.FlowNormChange), "0 (stays on its circle)", "paper (Fig. 1)")
	t.AddRow("Fig. 1: SGD's ‖θ‖² after the run", fmt.Sprintf("%.3g", circle.SGDNorm2[len(circle.SGDNorm2)-1]), fmt.Sprintf("grows (√(1 + 2η²cTk) = %.3g)", circle.Predicted[len(circle.Predicted)-1]), "paper (Fig. 1), derived")
	return t
}

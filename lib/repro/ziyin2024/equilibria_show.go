package ziyin2024

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/noetherlab/noether/lib/show"
)

// Figures and tables of notebook 15.

// Plot returns two panels: the noise-balance residual along every run
// (log scale), and ‖V‖_F along them with the predicted equilibrium's.
func (r *EquilibriaResult) Plot() ([][]*plot.Plot, error) {
	var res, nv []show.Series
	for _, run := range r.Runs {
		name := run.Optimiser + " from " + run.Init
		x := ints(run.Trajectory.Step)
		res = append(res, show.Series{X: x, Y: run.Trajectory.Residual}) // named in the second panel
		nv = append(nv, show.Series{Name: name, X: x, Y: run.Trajectory.NormV})
	}
	p1, err := show.Lines(show.Axes{Title: "noise balance: residual of V Γ_V Vᵀ = Uᵀ Γ_U U", X: "step", Y: "residual", LogY: true}, res...)
	if err != nil {
		return nil, err
	}
	last := float64(r.Runs[0].Trajectory.Step[len(r.Runs[0].Trajectory.Step)-1])
	nv = append(nv, show.Series{Name: "predicted equilibrium", X: []float64{0, last}, Y: []float64{r.PredNormV, r.PredNormV}})
	p2, err := show.Lines(show.Axes{Title: "‖V‖_F", X: "step", Y: "‖V‖_F"}, nv...)
	if err != nil {
		return nil, err
	}
	p2.Y.Min = 0
	p2.Legend.Top = false
	return [][]*plot.Plot{{p1, p2}}, nil
}

// Table lists the end of every run beside the prediction.
func (r *EquilibriaResult) Table() show.Table {
	t := show.Table{Caption: "Where each run ends (averages over the last half of the SGD steps)",
		Header: []string{"run", "init", "‖U‖ end", "‖V‖ end", "rms ‖U‖", "rms ‖V‖", "residual end", "residual of the averages", "VᵀV to predicted", "UUᵀ to predicted"}, Format: "%.3f"}
	for _, run := range r.Runs {
		t.AddRow(run.Optimiser, run.Init, run.NormU, run.NormV, math.Sqrt(run.MeanNormU2), math.Sqrt(run.MeanNormV2),
			run.Residual, run.AvgResidual, run.DistV, run.DistU)
	}
	t.AddRow("predicted", "", r.PredNormU, r.PredNormV, r.PredNormU, r.PredNormV, 0.0, 0.0, 0.0, 0.0)
	return t
}

// Range returns the smallest and largest of f over the runs of optimiser opt.
func (r *EquilibriaResult) Range(opt string, f func(EquilibriumRun) float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, run := range r.Runs {
		if run.Optimiser == opt {
			lo, hi = min(lo, f(run)), max(hi, f(run))
		}
	}
	return lo, hi
}

// Plot returns Fig. 2: the noise-balance residual along SGD and GD from
// each init, on a log scale.
func (r *FactorisationResult) Plot() (*plot.Plot, error) {
	scales := []string{"1", "½", "2", "¼", "4"}
	var ss []show.Series
	for i, tr := range r.SGD {
		ss = append(ss, show.Series{Name: "SGD, init ×" + scales[i%len(scales)], X: ints(tr.Step), Y: tr.Residual})
	}
	for i, tr := range r.GD {
		ss = append(ss, show.Series{Name: "GD, init ×" + scales[i%len(scales)], X: ints(tr.Step), Y: tr.Residual})
	}
	p, err := show.Lines(show.Axes{Title: "matrix factorisation: the balance residual", X: "step", Y: "residual", LogY: true}, ss...)
	if err != nil {
		return nil, err
	}
	p.Legend.YOffs = -1.3 * vg.Inch // below GD's lines, above SGD's floor
	return p, nil
}

// Table gives the final residuals and SGD's decay rate.
func (r *FactorisationResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("Fig. 2: noise-balance residual at the end (SGD: of the averages over the last half); SGD's decay rate %.3g ± %.2g per step", r.Rate, r.RateSE),
		Header: []string{"init", "SGD", "GD", "GD / SGD"}, Format: "%.4f"}
	scales := []string{"×1", "×½", "×2", "×¼", "×4"}
	for i := range r.SGD {
		s, g := r.SGD[i].AvgResidual, r.GD[i].Residual[len(r.GD[i].Residual)-1]
		t.AddRow(scales[i%len(scales)], s, g, fmt.Sprintf("%.0f", g/s))
	}
	return t
}

// MinRatio returns the smallest GD/SGD ratio of final residuals over the
// inits.
func (r *FactorisationResult) MinRatio() float64 {
	m := math.Inf(1)
	for i := range r.SGD {
		m = min(m, r.GD[i].Residual[len(r.GD[i].Residual)-1]/r.SGD[i].AvgResidual)
	}
	return m
}

// Plot returns Fig. 3 as two panels against φ: ‖U‖² and ‖V‖² (SGD's
// averages, GD's ends and the closed forms), and the sharpness Tr ∇²L.
func (r *AnisotropyResult) Plot() ([][]*plot.Plot, error) {
	var phi, su, sv, gu, gv, ss, gs []float64
	for _, w := range r.Rows {
		phi = append(phi, w.Phi)
		su, sv, ss = append(su, w.SGDU2), append(sv, w.SGDV2), append(ss, w.SGDSharp)
		gu, gv, gs = append(gu, w.GDU2), append(gv, w.GDV2), append(gs, w.GDSharp)
	}
	var cx, cu, cv, cs []float64
	half := float64(r.Settings.Dim) / 2
	for i := 0; i <= 100; i++ {
		f := 0.1 + 1.8*float64(i)/100
		cx = append(cx, f)
		cu = append(cu, half*(math.Sqrt(f)+math.Sqrt(2-f)))
		cv = append(cv, half*(1/math.Sqrt(f)+1/math.Sqrt(2-f)))
		cs = append(cs, 4*half*(math.Sqrt(f)+math.Sqrt(2-f)))
	}
	p1, err := show.Lines(show.Axes{Title: "norms: SGD (points), closed form (lines)", X: "φₓ", Y: "squared norm"},
		show.Series{Name: "‖U*‖² = Tr Σₓ^½", X: cx, Y: cu}, show.Series{Name: "‖V*‖² = Tr Σₓ^−½", X: cx, Y: cv})
	if err != nil {
		return nil, err
	}
	if err := show.Points(p1, show.Series{Name: "SGD ‖U‖², ‖V‖²", X: append(append([]float64{}, phi...), phi...), Y: append(append([]float64{}, su...), sv...)}); err != nil {
		return nil, err
	}
	if err := addScatter(p1, "GD ‖U‖²", phi, gu, 0, draw.TriangleGlyph{}); err != nil {
		return nil, err
	}
	if err := addScatter(p1, "GD ‖V‖²", phi, gv, 1, draw.TriangleGlyph{}); err != nil {
		return nil, err
	}
	p2, err := show.Lines(show.Axes{Title: "sharpness S = Tr H (H the Hessian)", X: "φₓ", Y: "Tr H"},
		show.Series{Name: "SGD equilibrium, 4 Tr Σₓ^½", X: cx, Y: cs})
	if err != nil {
		return nil, err
	}
	if err := show.Points(p2, show.Series{Name: "SGD", X: phi, Y: ss}); err != nil {
		return nil, err
	}
	if err := addScatter(p2, "GD", phi, gs, 1, draw.TriangleGlyph{}); err != nil {
		return nil, err
	}
	p1.Legend.Top = true
	return [][]*plot.Plot{{p1, p2}}, nil
}

// addScatter draws points of colour i (the i-th of show.Lines) with the
// given glyph on p and names them in its legend.
func addScatter(p *plot.Plot, name string, x, y []float64, i int, shape draw.GlyphDrawer) error {
	xy := make(plotter.XYs, len(x))
	for k := range x {
		xy[k] = plotter.XY{X: x[k], Y: y[k]}
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(i), Radius: vg.Points(4), Shape: shape}
	p.Add(sc)
	p.Legend.Add(name, sc)
	return nil
}

// Table lists the sweep.
func (r *AnisotropyResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("Fig. 3: d = %d, SGD averages over the last quarter, GD at its end", r.Settings.Dim),
		Header: []string{"φₓ", "SGD ‖U‖²", "SGD ‖V‖²", "closed ‖U*‖²", "closed ‖V*‖²", "data ‖U*‖²", "data ‖V*‖²", "SGD ‖V‖²/‖U‖²", "closed ratio", "GD ‖U‖²", "GD ‖V‖²", "SGD Tr∇²L", "closed 4TrΣₓ^½", "GD Tr∇²L"}, Format: "%.2f"}
	for _, w := range r.Rows {
		t.AddRow(w.Phi, w.SGDU2, w.SGDV2, w.ClosedU2, w.ClosedV2, w.PredU2, w.PredV2, w.SGDV2/w.SGDU2, w.ClosedV2/w.ClosedU2, w.GDU2, w.GDV2, w.SGDSharp, w.ClosedSharp, w.GDSharp)
	}
	return t
}

// Plot shows measured against predicted steps to go halfway to the
// equilibrium, log-log, with the line measured = predicted.
func (r *RelaxationResult) Plot() (*plot.Plot, error) {
	groups := map[string]*show.Series{}
	var order []string
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, w := range r.Rows {
		s := groups[w.Factor]
		if s == nil {
			s = &show.Series{Name: "varying " + w.Factor}
			groups[w.Factor] = s
			order = append(order, w.Factor)
		}
		s.X = append(s.X, w.Predicted)
		s.Y = append(s.Y, w.Mean)
		lo, hi = min(lo, w.Predicted, w.Mean), max(hi, w.Predicted, w.Mean)
	}
	var ss []show.Series
	for _, f := range order {
		ss = append(ss, *groups[f])
	}
	p, err := show.Scatter(show.Axes{Title: "steps to go halfway to the equilibrium", X: "predicted (mean Noether flow)", Y: "measured (mean over seeds)", LogX: true, LogY: true}, ss...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top = false
	if err := show.Overlay(p, show.Series{Name: "measured = predicted", X: []float64{lo, hi}, Y: []float64{lo, hi}}); err != nil {
		return nil, err
	}
	return p, nil
}

// Table lists the sweep.
func (r *RelaxationResult) Table() show.Table {
	t := show.Table{Caption: "Steps for Tr Q to go halfway from the minimum to the noise equilibrium (SGD with replacement)",
		Header: []string{"varied", "η", "S", "d", "C(θ_min)", "C*", "predicted steps", "measured steps", "measured / predicted", "predicted time kη"}, Format: "%.4g"}
	for _, w := range r.Rows {
		t.AddRow(w.Factor, w.LR, w.Batch, w.Dim, w.C0, w.CStar, w.Predicted, fmt.Sprintf("%.0f ± %.0f", w.Mean, w.CI95), w.Mean/w.Predicted, w.PredictedTime)
	}
	return t
}

// Notebook15Table is the closing table of notebook 15.
func Notebook15Table(eq *EquilibriaResult, f *FactorisationResult, a *AnisotropyResult, rl *RelaxationResult, scan *LRScanResult) show.Table {
	t := show.Table{
		Caption: "Notebook 15, measured beside the reference. Asserted by TestEquilibria, TestLRScan, TestFactorisation, TestAnisotropy and TestRelaxation: go test ./lib/repro/ziyin2024 -run 'Equilibria|LRScan|Factorisation|Anisotropy|Relaxation'",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	lo, hi := eq.Range("SGD", func(r EquilibriumRun) float64 { return r.AvgResidual })
	t.AddRow("30-40-30: SGD's balance residual (of the averages), 3 inits", fmt.Sprintf("%.1f–%.1f%%", 100*lo, 100*hi), "≈ 2%", "derived")
	lo, hi = eq.Range("GD", func(r EquilibriumRun) float64 { return r.Residual })
	t.AddRow("30-40-30: GD's balance residual, 3 inits", fmt.Sprintf("%.0f–%.0f%%", 100*lo, 100*hi), "37–88%", "derived")
	lo, hi = eq.Range("SGD", func(r EquilibriumRun) float64 { return math.Sqrt(r.MeanNormV2) })
	t.AddRow("30-40-30: SGD's rms ‖V‖ (the paper's ‖W‖)", fmt.Sprintf("%.2f–%.2f", lo, hi), fmt.Sprintf("%.2f predicted; 2.83–2.86 derived, not reproduced", eq.PredNormV), "derived")
	lo, hi = eq.Range("SGD", func(r EquilibriumRun) float64 { return math.Sqrt(r.MeanNormU2) })
	t.AddRow("30-40-30: SGD's rms ‖U‖", fmt.Sprintf("%.2f–%.2f", lo, hi), fmt.Sprintf("%.2f predicted; 1.68–1.69 derived, not reproduced", eq.PredNormU), "derived")
	lo, hi = eq.Range("GD", func(r EquilibriumRun) float64 { return r.NormU })
	first, last := scan.Rows[0], scan.Rows[len(scan.Rows)-1]
	t.AddRow(fmt.Sprintf("30-40-30: SGD's VᵀV to the prediction, η = %g → %g", first.LR, last.LR), fmt.Sprintf("%.3f → %.3f", first.DistV, last.DistV),
		fmt.Sprintf("÷ %g (O(η))", first.LR/last.LR), "derived")
	t.AddRow("30-40-30: GD's ‖U‖ (depends on the init)", fmt.Sprintf("%.2f–%.2f", lo, hi), "1.80–3.46 (derived, other set-up)", "derived")
	t.AddRow("Fig. 2: GD / SGD balance residual, smallest over inits", fmt.Sprintf("%.0f", f.MinRatio()), "≥ 10 (\"an order of magnitude\")", "paper (Fig. 2 caption)")
	for _, w := range a.Rows {
		if w.Phi == 1 || w.Phi == a.Rows[0].Phi {
			t.AddRow(fmt.Sprintf("Fig. 3, φₓ = %g: SGD's ‖V‖²/‖U‖²", w.Phi), fmt.Sprintf("%.3f", w.SGDV2/w.SGDU2), fmt.Sprintf("%.3f", w.ClosedV2/w.ClosedU2), "derived (closed form)")
			t.AddRow(fmt.Sprintf("Fig. 3, φₓ = %g: SGD's Tr ∇²L", w.Phi), fmt.Sprintf("%.1f", w.SGDSharp), fmt.Sprintf("%.1f", w.ClosedSharp), "derived (closed form)")
		}
	}
	for _, w := range rl.Rows {
		if w.Factor == "η" && (w.LR == rl.Rows[0].LR) {
			t.AddRow(fmt.Sprintf("time to equilibrium at η = %g: measured / predicted steps", w.LR), fmt.Sprintf("%.2f", w.Mean/w.Predicted), "→ 1 as η → 0", "derived")
		}
	}
	return t
}

// Table lists the scan.
func (r *LRScanResult) Table() show.Table {
	t := show.Table{Caption: "SGD from init A: distance of its averages to the predicted equilibrium as η decreases (steps ∝ 1/η²)",
		Header: []string{"η", "steps", "residual of the averages", "VᵀV to predicted", "UUᵀ to predicted"}, Format: "%.4f"}
	for _, w := range r.Rows {
		t.AddRow(w.LR, w.Steps, w.AvgResidual, w.DistV, w.DistU)
	}
	return t
}

package zhao2023

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/show"
)

// Table lays out the rows of Equivariances: the error with the table's π(g)
// (blank for a control, which has none) and with the best linear π.
func (r *EquivariancesResult) Table() show.Table {
	t := show.Table{Header: []string{"σ", "g from", "π(g)", "error with π(g)", "error with the best linear π"}, Format: "%.1e"}
	for _, row := range r.Rows {
		if row.Symmetry {
			t.AddRow(row.Act, row.Group, row.Pi, row.Error, row.FitError)
		} else {
			t.AddRow(row.Act, row.Group, "none (control)", "", row.FitError)
		}
	}
	return t
}

// symmSubgroupLabel names a curve of Subgroups for a legend.
func symmSubgroupLabel(c SubgroupCurve) string {
	kind := map[string]string{"diagonal": " (rescaling)", "antisymmetric": " (rotation)"}[c.Generator]
	if !c.Symmetry {
		kind = ""
	}
	return fmt.Sprintf("%s, T %s%s", c.Act, c.Generator, kind)
}

// Plot draws the best-fit error against ε on log–log axes, one line per
// activation and generator.
func (r *SubgroupsResult) Plot() (*plot.Plot, error) {
	var series []show.Series
	for _, c := range r.Curves {
		series = append(series, show.Series{Name: symmSubgroupLabel(c), X: c.Eps, Y: c.Error})
	}
	p, err := show.Lines(show.Axes{Title: "relative error of the best fit σ(gZ) ≈ πσ(Z), g = exp(εT)", X: "ε", Y: "error", LogX: true, LogY: true}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top = false
	p.Legend.YOffs = 1.2 * vg.Inch // in the empty band between the two groups of curves
	return p, nil
}

// Table lays out the rows of ActionInvariance.
func (r *ActionInvarianceResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "σ", "group", "action", "‖θ' − θ‖/‖θ‖", "relative change of L", "symmetry?"}, Format: "%.2g"}
	for _, row := range r.Rows {
		yes := "yes"
		if !row.Symmetry {
			yes = "no (control)"
		}
		t.AddRow(row.Net, row.Act, row.Group, row.Action, row.Moved, row.Change, yes)
	}
	return t
}

// PlanePlot draws log₁₀ L/L* on the plane θ(x, y) through θ* (x = y = 1),
// with the orbit of e^{s E₁₁}, the hyperbola xy = 1, and its sign-flipped
// branch.
func (r *Fig1Result) PlanePlot() (*plot.Plot, error) {
	hm, err := show.HeatMapXY(show.Axes{Title: "log10 L/L* on a plane through the minimum", X: "x  (U column 1 scaled by x)", Y: "y  (V row 1 scaled by y)"}, r.PlaneX, r.PlaneX, r.PlaneLogL)
	if err != nil {
		return nil, err
	}
	lim := math.Log(-r.PlaneX[0]) // to the edge of the plane
	var ox, oy, fx, fy []float64
	for s := -lim; s <= lim; s += 0.01 {
		ox, oy = append(ox, math.Exp(-s)), append(oy, math.Exp(s))
		fx, fy = append(fx, -math.Exp(-s)), append(fy, -math.Exp(s))
	}
	if err := show.Overlay(hm, show.Series{Name: "orbit exp(s·E11)·θ*", X: ox, Y: oy}, show.Series{Name: "its sign flip", X: fx, Y: fy}); err != nil {
		return nil, err
	}
	if err := show.Points(hm, show.Series{Name: "θ*", X: []float64{1}, Y: []float64{1}}); err != nil {
		return nil, err
	}
	hm.Legend.Left = true // top left, the quadrant with no valley
	return hm, nil
}

// PathsPlot draws the loss along the orbit e^{sA}·θ* and along the two
// straight lines through θ*, against the distance from θ*.
func (r *Fig1Result) PathsPlot() (*plot.Plot, error) {
	var series []show.Series
	for _, c := range []Fig1Curve{r.Orbit, r.Tangent, r.Random} {
		series = append(series, show.Series{Name: c.Name, X: c.Distance, Y: c.Loss})
	}
	p, err := show.Lines(show.Axes{Title: "loss along a generic orbit and off it", X: "‖θ − θ*‖ / ‖θ*‖", Y: "L(θ)  (mean squared error)"}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Left = true
	return p, nil
}

// Table lays out the rows of OrbitDimension.
func (r *OrbitDimensionResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "group G", "parameters", "dim G", "dim G − dim stabiliser", "orbit dimension (tangent rank)", "zero Hessian eigenvalues"}}
	for i, row := range r.Rows {
		network, params, zero := row.Network, any(row.Params), any(row.ZeroEigenvalues)
		if i > 0 && row.Network == r.Rows[i-1].Network {
			network, params = "", ""
		}
		if row.ZeroEigenvalues < 0 {
			zero = ""
		}
		t.AddRow(network, row.Group, params, row.DimG, row.Predicted, row.OrbitDim, zero)
	}
	return t
}

// SymmetriesSummary is notebook 01's closing table: each claim's measured
// value beside what the paper states ("paper", with the figure or section)
// or what follows from it ("derived", see notebooks/REFERENCES.md), and the
// test that asserts it.
func SymmetriesSummary(eq *EquivariancesResult, sub *SubgroupsResult, act *ActionInvarianceResult, f1 *Fig1Result, od *OrbitDimensionResult) show.Table {
	t := show.Table{
		Caption: "Asserted by TestEquivariances, TestSubgroups, TestActionInvariance, TestFig1 and TestOrbitDimension: go test ./lib/repro/zhao2023 -run 'Equivariances|Subgroups|ActionInvariance|Fig1|OrbitDimension'",
		Header:  []string{"quantity", "measured", "expected", "source", "test"},
		Format:  "%.2g",
	}
	lo, hi := sub.SlopeRange()
	withPi, withFit := eq.MaxSymmetryError()
	t.AddRow("equivariances σ(gz) = π(g)σ(z): largest error with π(g) / the best π", fmt.Sprintf("%.2g / %.2g", withPi, withFit), "0 (≤ 1e-13)", "paper, Sec. 3", "TestEquivariances")
	t.AddRow("controls: smallest error of the best linear π", eq.MinControlError(), "order 1 (≥ 0.05): no π", "paper, Sec. 3", "TestEquivariances")
	t.AddRow("symmetric subgroups e^{εT}: largest error over ε", sub.MaxSymmetryError(), "0 (≤ 1e-13)", "paper, Sec. 3", "TestSubgroups")
	t.AddRow("other subgroups: log–log slope of the error in ε", fmt.Sprintf("%.3f–%.3f", lo, hi), "1 (first order)", "derived", "TestSubgroups")
	t.AddRow("symmetry actions: largest relative change of L", act.MaxSymmetryChange(), "0 (≤ 1e-13)", "paper, Sec. 3", "TestActionInvariance")
	t.AddRow("control actions: smallest relative change of L", act.MinControlChange(), "≠ 0 (≥ 1e-3)", "—", "TestActionInvariance")
	t.AddRow(fmt.Sprintf("h = %d minimum: L* / Eckart–Young Σ_{i>h} s_i²/(mn)", f1.Settings.Hidden), fmt.Sprintf("%.6g / %.6g", f1.LStar, f1.EckartYoung), "equal", "derived", "TestFig1")
	t.AddRow(fmt.Sprintf("along the orbit e^{sA}θ* (to %.2f‖θ*‖): largest relative change of L", f1.OrbitDistance), f1.OrbitChange, "0 (a flat valley)", "paper, Fig. 1", "TestFig1")
	t.AddRow("order p of L − L* ∝ r^p: tangent line / random line", fmt.Sprintf("%.2f / %.2f", f1.TangentOrder, f1.RandomOrder), "4 / 2", "derived", "TestFig1")
	for _, row := range od.Rows {
		if row.ZeroEigenvalues < 0 {
			continue
		}
		t.AddRow(fmt.Sprintf("%s: orbit dimension / zero Hessian eigenvalues", row.Network), fmt.Sprintf("%d / %d", row.OrbitDim, row.ZeroEigenvalues), fmt.Sprintf("dim G − dim stabiliser = %d", row.Predicted), "derived", "TestOrbitDimension")
	}
	return t
}

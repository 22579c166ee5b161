package zhao2023

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"image/png"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// The claims of notebooks/03-q-coordinates.ipynb, each asserted once on the
// typed results: the notebook's setting normally (≈ 3 s in all), the Fast
// preset (a ReLU network of width 20, flows stopped at ‖∇L‖ ≤ 1e-8) with
// -short. Measured values are quoted as "notebook / fast".

func qcSettings() QCoordsSettings {
	if testing.Short() {
		return QCoordsSettings{}.Fast()
	}
	return QCoordsSettings{}
}

// qcEndTol bounds the relative distance between two ends of the flow that
// should be the same point or function: an end with ‖∇L‖ ≤ GradTol lies
// within about GradTol/μ of the minimum, μ ≈ 0.03 the smallest nonzero
// curvature there, so two ends within about 70·GradTol. Measured ≤ 5.7e-10 /
// 1.1e-7 against bounds 1e-8 / 1e-6.
func qcEndTol(s QCoordsSettings) float64 { return 100 * s.defaults().GradTol }

// Section 1: along the orbits of the trained minima every eigenvalue of Q
// (linear) and every Q_j (ReLU) falls strictly and crosses zero near s = 0,
// the minimum being nearly balanced; the output does not move.
func TestQCoordsOrbit(t *testing.T) {
	r, err := QCoordsOrbit(qcSettings())
	if err != nil {
		t.Fatal(err)
	}
	for name, curves := range map[string][][]float64{"linear eigenvalue": r.Eig, "ReLU unit": r.Units} {
		for k, y := range curves {
			for i := 1; i < len(y); i++ {
				if !(y[i] < y[i-1]) {
					t.Errorf("%s %d: Q does not fall from s = %.2f to %.2f (%.4g, %.4g)", name, k, r.S[i-1], r.S[i], y[i-1], y[i])
				}
			}
		}
	}
	// Every curve crosses zero inside s ∈ [−1.5, 1.5], close to s = 0: at a
	// unit's balanced point s* = ¼ ln(‖U_j‖²/‖V_j‖²), and |s*| ≤ 0.5 is
	// |Q_j| ≤ tanh(1)(‖U_j‖² + ‖V_j‖²). Measured |s*| ≤ 0.007 (linear) and
	// 0.44 / 0.06 (ReLU).
	for name, zeros := range map[string][]float64{"linear eigenvalue": r.LinearZeros, "ReLU unit": r.ReLUZeros} {
		for k, z := range zeros {
			if !(math.Abs(z) <= 0.5) {
				t.Errorf("%s %d crosses zero at s = %.3g, want |s| ≤ 0.5", name, k, z)
			}
		}
	}
	// Rounding: the output through U g⁻¹ g V, a few ulps (measured ≤ 1.8e-16).
	if r.LinearOut > 1e-13 || r.ReLUOut > 1e-13 {
		t.Errorf("output changed along the orbits by %.2g (linear), %.2g (ReLU), want ≤ 1e-13", r.LinearOut, r.ReLUOut)
	}
	// The slider's point: on the curves, at the minimum's loss (rounding of
	// a loss of 0.054 summed over 50 entries: ≤ 1e-13 relative).
	for _, s := range []float64{-1.5, 0, 1.5} {
		eig, L, L0 := r.At(s)
		if math.Abs(L-L0) > 1e-13*L0 {
			t.Errorf("At(%g): loss %.17g, at θ* %.17g", s, L, L0)
		}
		i := int(math.Round((s + 1.5) / 3 * 100))
		for k, v := range eig {
			if math.Abs(v-r.Eig[k][i]) > 1e-12*math.Max(1, math.Abs(v)) {
				t.Errorf("At(%g): eigenvalue %d is %.17g, the curve %.17g", s, k, v, r.Eig[k][i])
			}
		}
	}
	if _, err := r.PlotAt(0.3); err != nil {
		t.Error(err)
	}
	panels, err := r.Plots()
	if err != nil {
		t.Fatal(err)
	}
	qcCheckFigure(t, [][]*plot.Plot{panels})
}

// qcCheckFigure renders a grid of panels as the notebook does and checks
// that it decodes to a figure of a sensible size.
func qcCheckFigure(t *testing.T, rows [][]*plot.Plot) {
	t.Helper()
	b, err := show.GridPNG(rows, show.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the figure does not decode: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 200 || r.Dx() > 4000 || r.Dy() > 4000 {
		t.Errorf("the figure is %v pixels", r.Size())
	}
}

// Section 2: MoveToQ and ScaleForQ reach every target without changing the
// function, while the weights move.
func TestQCoordsMove(t *testing.T) {
	r, err := QCoordsMove(qcSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 8 {
		t.Fatalf("%d rows, want 4 targets for each network", len(r.Rows))
	}
	for _, m := range r.Rows {
		// MoveToQ's own stopping rule, ‖Q − target‖ ≤ 1e-12·max(1,
		// ‖target‖, ‖P‖); ScaleForQ's closed form is exact to the same
		// relative rounding. Measured ≤ 1.3e-13 at the target 100.
		if m.Residual > 1e-12*math.Max(1, m.TargetNorm) {
			t.Errorf("%s, %s: |Q − target| = %.2g", m.Net, m.Target, m.Residual)
		}
		// Rounding of the output through g⁻¹g, cond(g) ≲ 10 here (measured ≤ 2.3e-15).
		if m.OutChange > 1e-13 {
			t.Errorf("%s, %s: output changed by %.2g", m.Net, m.Target, m.OutChange)
		}
	}
	// The targets 100 move the weights by more than their norm (measured
	// 2.9 and 10 / 6.6 times it).
	for _, m := range r.Rows {
		if m.TargetNorm >= 100 && !(m.Dist > 1) {
			t.Errorf("%s, %s: weights moved by %.2g of their norm, want > 1", m.Net, m.Target, m.Dist)
		}
	}
}

// Section 2, how many coordinates: dQ has rank h(h+1)/2 = 6 on gl(3) and on
// the symmetric generators, the orbit dimension h² = 9; the rotations
// change Q at θ* but not at the balanced point Q = 0.
func TestQCoordsRank(t *testing.T) {
	r, err := QCoordsRank(qcSettings())
	if err != nil {
		t.Fatal(err)
	}
	want := []QCoordsRankRow{{"θ* (trained)", 9, 6, 6, 3}, {"balanced, Q = 0", 9, 6, 6, 0}}
	if len(r.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(r.Rows), len(want))
	}
	for i, w := range want {
		if r.Rows[i] != w {
			t.Errorf("row %d: %+v, want %+v", i, r.Rows[i], w)
		}
	}
}

// Section 3: every run ends with Q = Q(θ₀); the g·θ₀ runs start as the same
// function with the same loss as θ₀, and every run ends at the same
// function as θ₀'s run (the linear network's best rank-3 approximation, the
// ReLU network's interpolation of Y), at end points far apart.
func TestQCoordsFlow(t *testing.T) {
	s := qcSettings()
	r, err := QCoordsFlow(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Linear) != 7 || len(r.ReLU) != 5 {
		t.Fatalf("%d linear and %d ReLU runs, want 7 and 5", len(r.Linear), len(r.ReLU))
	}
	for _, runs := range [][]QCoordsRun{r.Linear, r.ReLU} {
		for _, run := range runs {
			// The flow keeps Q to its error control (RTol 1e-10): measured
			// ≤ 1.1e-11 of ‖θ₀‖², bound 1e-9.
			if run.DQ > 1e-9 {
				t.Errorf("%s, %s: |Q(end) − Q(start)|/‖θ₀‖² = %.2g", run.Net, run.Name, run.DQ)
			}
			if run.EndOut > qcEndTol(s) {
				t.Errorf("%s, %s: end output differs from θ₀'s end by %.2g, want ≤ %.2g", run.Net, run.Name, run.EndOut, qcEndTol(s))
			}
			if !run.Moved {
				continue
			}
			// Rounding, as in TestQCoordsMove (measured ≤ 2.7e-15).
			if run.StartOut > 1e-13 || run.StartLoss > 1e-13 {
				t.Errorf("%s, %s: start output and loss differ from θ₀'s by %.2g and %.2g", run.Net, run.Name, run.StartOut, run.StartLoss)
			}
			// Distinct ends: the smallest move of Q₀ moves the end by 0.21 /
			// 0.12 of its norm, against ends determined to qcEndTol.
			if run.Gap < 0.1 {
				t.Errorf("%s, %s: end only %.2g from θ₀'s end, want a different point", run.Net, run.Name, run.Gap)
			}
		}
	}
	// The linear ends are at Y's best rank-3 approximation: L − L* ≈
	// ‖∇L‖²/(2μ) ≲ 2e-15 even at the fast stop, plus the rounding of a mean
	// of 50 squares. Measured ≤ 5.1e-16 relative, bound 1e-12.
	for _, run := range r.Linear {
		if d := math.Abs(run.EndLoss-r.RankLoss) / r.RankLoss; d > 1e-12 {
			t.Errorf("%s, %s: end loss %.17g, best rank-3 loss %.17g", run.Net, run.Name, run.EndLoss, r.RankLoss)
		}
	}
	// The ReLU ends interpolate Y: near a zero-loss minimum
	// L ≈ ‖∇L‖²/(2μ); measured L ≤ 9.2 / 47 GradTol², bound 1e3 GradTol²
	// (1e-17 / 1e-13), far below the linear network's 0.054.
	tol := 1e3 * math.Pow(s.defaults().GradTol, 2)
	for _, run := range r.ReLU {
		if run.EndLoss > tol {
			t.Errorf("%s, %s: end loss %.2g, want ≤ %.2g (interpolation)", run.Net, run.Name, run.EndLoss, tol)
		}
	}
	rows, err := r.Plots()
	if err != nil {
		t.Fatal(err)
	}
	qcCheckFigure(t, rows)
}

// Section 4: with one hidden unit the end point is predicted from Q₀ (up to
// the sign of the unit) to the flow's accuracy; with three, Q₀ does not fix it.
func TestQCoordsPredict(t *testing.T) {
	s := qcSettings()
	r, err := QCoordsPredict(s)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range r.Q0 {
		// Both ends within qcEndTol of the valley; measured ≤ 5.7e-10 / 1.1e-7.
		if r.Miss1[i] > qcEndTol(s) {
			t.Errorf("h = 1, Q₀ = %g: predicted end off by %.2g, want ≤ %.2g", q, r.Miss1[i], qcEndTol(s))
		}
		// Measured misses ≥ 0.1.
		if r.Miss3[i] < 0.05 {
			t.Errorf("h = 3, Q₀ = %g: prediction off by only %.2g; Q should not fix the end", q, r.Miss3[i])
		}
	}
}

// The closing table gathers the extremes of the results, and every test it
// names exists in this package.
func TestQCoordsSummary(t *testing.T) {
	o := &QCoordsOrbitResult{LinearOut: 1, ReLUOut: 2}
	m := &QCoordsMoveResult{Rows: []QCoordsMoveRow{{Residual: 3, OutChange: 1}, {Residual: 1, OutChange: 4}}}
	k := &QCoordsRankResult{H: 3, Rows: []QCoordsRankRow{{"θ*", 9, 6, 6, 3}}}
	f := &QCoordsFlowResult{
		Linear:   []QCoordsRun{{DQ: 5, EndLoss: 2}, {Moved: true, Gap: 0.5, EndOut: 6, EndLoss: 2.5}, {Gap: 0.1, EndLoss: 2}},
		ReLU:     []QCoordsRun{{DQ: 1}, {Moved: true, Gap: 0.3}},
		RankLoss: 2,
	}
	p := &QCoordsPredictResult{Q0: []float64{1, 2}, Miss1: []float64{7, 1}, Miss3: []float64{0.9, 0.2}}
	sum := NewQCoordsSummary(o, m, k, f, p)
	want := []any{2.0, 3.0, 4.0, "6 / 9", 5.0, 6.0, 0.25, 0.3, 7.0, 0.2}
	if len(sum) != len(want) {
		t.Fatalf("%d rows, want %d", len(sum), len(want))
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
				tests[fn.Name.Name] = true
			}
		}
	}
	for i, c := range sum {
		if c.Measured != want[i] {
			t.Errorf("%s: measured %v, want %v", c.Quantity, c.Measured, want[i])
		}
		if c.Source != "derived" || !tests[c.Test] {
			t.Errorf("%s: source %q, test %q (declared: %v)", c.Quantity, c.Source, c.Test, tests[c.Test])
		}
	}
	if caption := sum.Table().Caption; !strings.Contains(caption, "TestQCoordsFlow") {
		t.Errorf("caption %q does not name the tests", caption)
	}
}

// Settings out of range are errors, not panics.
func TestQCoordsSettingsErrors(t *testing.T) {
	for _, s := range []QCoordsSettings{{ReLUHidden: -1}, {GradTol: -1}, {GradTol: math.NaN()}} {
		if _, err := QCoordsFlow(s); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
}

package zhao2023

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
)

// The claims of notebooks/02-conserved-quantities.ipynb, on the typed results
// of QFromSymmetry, QFlow, QStepLaw, Fig3 (the Fast preset) and Fig3Seeds.

// driftFast is Fig3 at the Fast preset (to flow time t = 50), run once for
// all the tests that read it. Under -short only η = 0.1 and 0.01 are run
// (5500 steps per activation instead of 55 500).
var driftFast = sync.OnceValues(func() (*Fig3Result, error) {
	s := Fig3Settings{}.Fast()
	if testing.Short() {
		s.Rates = []float64{0.1, 0.01}
	}
	return Fig3(s)
})

func driftFig3(t *testing.T) *Fig3Result {
	t.Helper()
	r, err := driftFast()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// driftSeeds is Fig3Seeds at the notebook's setting (seeds 1–20, η = 0.1,
// 5000 steps), run once.
var driftSeeds = sync.OnceValues(func() (*Fig3SeedsResult, error) { return Fig3Seeds(Fig3SeedsSettings{}) })

// ⟨∇L, M⟩ = 0 for the symmetry's generator: the linear network's M_T for
// random T ∈ gl(50), and M = ∇Q for the official Q of every activation, at
// θ₀ and at a generic point. Cosines, so that the bound is scale free: the
// inner products are sums of 750 terms, whose rounding gives ~1e-16
// relative; 1e-13 leaves a factor of 1000 (measured ≤ 4e-17). The contrasts,
// a random direction and the "+" form D, are not orthogonal: their cosines
// are 0.008–0.28 (at θ₀ the output U σ(V) ≈ 0.07 is small against Y, hence
// the small ones), so 1e-3 separates the two cases by ten orders of
// magnitude.
func TestQFromSymmetry(t *testing.T) {
	r, err := QFromSymmetry(QFromSymmetrySettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tangent) != 3 {
		t.Errorf("%d random directions T, want 3", len(r.Tangent))
	}
	for i, c := range r.Tangent {
		if math.Abs(c) > 1e-13 {
			t.Errorf("T #%d: cos(∇L, M_T) = %.2g, want 0", i+1, c)
		}
	}
	if math.Abs(r.Random) < 1e-3 {
		t.Errorf("random direction: cos(∇L, d) = %.2g, want clearly nonzero", r.Random)
	}
	if len(r.Rows) != 4 {
		t.Fatalf("%d activations, want 4", len(r.Rows))
	}
	for _, w := range r.Rows {
		for _, c := range []float64{w.CosQ, w.CosQGeneric} {
			if math.Abs(c) > 1e-13 {
				t.Errorf("%s: cos(∇L, ∇Q) = %.2g, want 0", w.Act, c)
			}
		}
		for _, c := range []float64{w.CosD, w.CosDGeneric} {
			if math.Abs(c) < 1e-3 {
				t.Errorf("%s: cos(∇L, ∇D) = %.2g, want clearly nonzero", w.Act, c)
			}
		}
	}
}

// The official forms are the paper's P = ½‖U‖² − Σ F(V) times 2 (linear,
// ReLU, tanh, the last less hn = 500) or once less hn (sigmoid), at θ₀.
// Sums of 500 terms of size ~1 (e^V, cosh² V): rounding is ~1e-16 per term,
// so 1e-14·(|P| + hn) (5e-12 here) bounds it; measured ≤ 4e-13.
func TestQFromSymmetryOfficialForms(t *testing.T) {
	r, err := QFromSymmetry(QFromSymmetrySettings{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{
		nn.Linear.Name: {2, 0}, nn.ReLU.Name: {2, 0}, nn.Tanh.Name: {2, -500}, nn.Sigmoid.Name: {1, -500},
	}
	for _, w := range r.Rows {
		if f := want[w.Act]; w.Factor != f[0] || w.Const != f[1] {
			t.Errorf("%s: relation %gP %+g, want %gP %+g", w.Act, w.Factor, w.Const, f[0], f[1])
		}
		if d := math.Abs(w.Official - (want[w.Act][0]*w.P + want[w.Act][1])); d > 1e-14*(math.Abs(w.P)+500) || d != math.Abs(w.Residual) {
			t.Errorf("%s: |Official − relation| = %.2g (residual %.2g)", w.Act, d, w.Residual)
		}
	}
}

// Gradient flow to t = 1000 drives the loss down by more than ten orders of
// magnitude (the notebook's claim; measured 13.7–21.7) while Q stays put
// to the integrator's accuracy: RTol 1e-10 and a global error a modest
// multiple of it, so 1e-9 leaves a factor 10 (measured ≤ 3e-12).
func TestQFlow(t *testing.T) {
	r, err := QFlow(QFlowSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 4 {
		t.Fatalf("%d activations, want 4", len(r.Rows))
	}
	for _, w := range r.Rows {
		if w.Drift > 1e-9 {
			t.Errorf("%s: flow changed Q by %.2g of D₀", w.Act, w.Drift)
		}
		if w.Orders < 10 {
			t.Errorf("%s: flow loss %.3g → %.3g, %.1f orders of magnitude, want > 10", w.Act, w.Loss0, w.Loss, w.Orders)
		}
	}
}

// One GD step changes Q = UᵀU − VVᵀ by exactly η²(G_UᵀG_U − G_V G_Vᵀ), at
// every one of the first 1000 steps. Each entry of Q is a sum of ≤ 10
// products, so computing Q_{k+1} − Q_k costs at most ~30 roundings of size
// ε·max|Q|: 64ε·max|Q| bounds the discrepancy, while a missing first-order
// term would be ~η‖G‖‖θ‖ ~ 1e-3. The largest step change is the first
// step's (the gradient at θ₀, the same at every rate), so it falls exactly
// a hundredfold per tenfold smaller η; its rounding is ~ε·max|Q| ≈ 4e-17
// against 3.6e-9 at η = 0.001, so 1e-6 relative bounds the ratio's error.
func TestQStepLaw(t *testing.T) {
	r, err := QStepLaw(QStepLawSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Rows {
		if tol := 64 * 0x1p-52 * w.MaxQ; w.Deviation > tol {
			t.Errorf("η = %g: max |ΔQ − η²(G_UᵀG_U − G_VG_Vᵀ)| = %.2g, want ≤ %.2g", w.Rate, w.Deviation, tol)
		}
	}
	if w := r.Rows[0]; w.Largest < 1e-6 {
		t.Errorf("η = %g: largest step change of Q %.2g: the check above is weak", w.Rate, w.Largest)
	}
	for i := 0; i+1 < len(r.Rows); i++ {
		a, b := r.Rows[i], r.Rows[i+1]
		want := (a.Rate / b.Rate) * (a.Rate / b.Rate)
		if got := a.Largest / b.Largest; math.Abs(got/want-1) > 1e-6 {
			t.Errorf("largest step change at η = %g over η = %g: %.8g, want %g (η²)", a.Rate, b.Rate, got, want)
		}
	}
}

// The zero Fig3Settings are the paper's: seed 1, η ∈ {0.1, 0.01, 0.001},
// 4×10⁵ steps, 8×10⁵ for sigmoid (the notebook runs them; checked here
// without running).
func TestFig3PaperSettings(t *testing.T) {
	s := Fig3Settings{}.withDefaults()
	if s.Seed != 1 || !slices.Equal(s.Rates, []float64{0.1, 0.01, 0.001}) {
		t.Errorf("seed %d, rates %v, want 1 and 0.1, 0.01, 0.001", s.Seed, s.Rates)
	}
	for _, a := range driftActs {
		want := 400_000
		if a.Name == nn.Sigmoid.Name {
			want = 800_000
		}
		for _, lr := range s.Rates {
			if got := s.steps(a, lr); got != want {
				t.Errorf("%s η = %g: %d steps, want the paper's %d", a.Name, lr, got, want)
			}
		}
	}
	if f := (Fig3Settings{}).Fast().withDefaults(); f.steps(nn.Linear, 0.001) != 50_000 {
		t.Errorf("Fast: %d steps at η = 0.001, want 50 000 (t = 50)", f.steps(nn.Linear, 0.001))
	}
}

// GD's drift is O(η): to a fixed time t, ΔQ̃(η)/η = c₁(1 + κη + O(η²)), so
// the ratio ΔQ̃(η)/ΔQ̃(η/10) is 10(1 + 0.9κη + …). The notebook claims, from
// the table of the paper's setting: for linear, ReLU and tanh the ratios are
// 10 within 0.3% (|κ| ≤ 0.3; measured at t = 50 ≤ 0.24%); for sigmoid 13
// at η = 0.1/0.01 (κ ≈ 3.4) and 10.2 at 0.01/0.001, each to the digits the
// text gives (±0.5 and ±0.05).
func TestFig3DriftProportional(t *testing.T) {
	r := driftFig3(t)
	for _, c := range r.Runs {
		if math.IsNaN(c.Ratio) {
			continue
		}
		lo, hi := 9.97, 10.03
		if c.Act == nn.Sigmoid.Name {
			lo, hi = 12.5, 13.5
			if c.Rate == 0.01 {
				lo, hi = 10.15, 10.25
			}
		}
		if c.WantRatio != 10 || c.Ratio < lo || c.Ratio > hi {
			t.Errorf("%s: ΔQ̃(%g)/ΔQ̃(%g) = %.4g, want in [%g, %g] (rates %gx apart)",
				c.Act, c.Rate, c.Rate/c.WantRatio, c.Ratio, lo, hi, c.WantRatio)
		}
		t.Logf("%s η = %g: ratio %.4g", c.Act, c.Rate, c.Ratio)
	}
}

// The derived values (the official script at its own seed) and ours at
// seed 1 agree in order of magnitude, at every rate that has one: the seed
// spread (TestFig3Seeds) is one to two decades, so a factor 10 either way.
func TestFig3VsDerived(t *testing.T) {
	n := 0
	for _, c := range driftFig3(t).Runs {
		if math.IsNaN(c.Derived) {
			continue
		}
		n++
		if q := math.Abs(c.End) / c.Derived; q < 0.1 || q > 10 {
			t.Errorf("%s η = %g: |ΔQ̃| = %.2g, derived %.2g: not the same order", c.Act, c.Rate, c.End, c.Derived)
		}
	}
	if want := map[bool]int{false: 8, true: 6}[testing.Short()]; n != want {
		t.Errorf("%d runs with a derived value, want %d", n, want)
	}
}

// Over seeds 1–20 at η = 0.1 |ΔQ̃| spreads over one to two decades and takes
// both signs, except for sigmoid, where it is negative at every seed; the
// derived values lie inside the spread (for tanh, whose seed 1 and derived
// value differ most, seed 1 below the median and the derived value above
// it). The 5000 steps of Fig3Seeds give the
// drift of the paper's 4×10⁵: at seed 1 they agree with 20 000 steps, by
// which the loss has reached rounding (below 1e-11) and nothing moves, to
// the three digits the notebook's tables print (measured: six).
func TestFig3Seeds(t *testing.T) {
	if testing.Short() {
		t.Skip("80 runs of 5000 steps")
	}
	sd, err := driftSeeds()
	if err != nil {
		t.Fatal(err)
	}
	long, err := Fig3(Fig3Settings{Rates: []float64{0.1}, Steps: 20_000, SigmoidSteps: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range sd.Rows {
		if len(w.Drift) != 20 {
			t.Fatalf("%s: %d seeds, want 20", w.Act, len(w.Drift))
		}
		if d := math.Log10(w.Max / w.Min); d < 1 || d > 2 {
			t.Errorf("%s: |ΔQ̃| in [%.2g, %.2g], %.1f decades, want 1 to 2", w.Act, w.Min, w.Max, d)
		}
		if w.Act == nn.Sigmoid.Name {
			if w.Positive != 0 {
				t.Errorf("sigmoid: ΔQ̃ > 0 at %d of 20 seeds, want none", w.Positive)
			}
		} else if w.Positive == 0 || w.Positive == 20 {
			t.Errorf("%s: ΔQ̃ > 0 at %d of 20 seeds, want both signs", w.Act, w.Positive)
		}
		if !math.IsNaN(w.Derived) && (w.Derived < w.Min || w.Derived > w.Max) {
			t.Errorf("%s: derived %.2g outside the seed spread [%.2g, %.2g]", w.Act, w.Derived, w.Min, w.Max)
		}
		if w.Act == nn.Tanh.Name && !(math.Abs(w.Drift[0]) < w.Median && w.Median < w.Derived) {
			t.Errorf("tanh: |ΔQ̃| at seed 1 %.2g, median %.2g, derived %.2g: want seed 1 below the median, the derived value above", w.Drift[0], w.Median, w.Derived)
		}
		c := long.Runs[i]
		if c.Act != w.Act || math.Abs(w.Drift[0]-c.End) > 1e-3*math.Abs(c.End) || c.Loss[len(c.Loss)-1] > 1e-11 {
			t.Errorf("%s: seed 1 after 5000 steps %.6g, after 20 000 (%s) %.6g with loss %.2g", w.Act, w.Drift[0], c.Act, c.End, c.Loss[len(c.Loss)-1])
		}
	}
}

// For sigmoid at η = 0.1, the first step makes three quarters of the drift
// (the text's words: 0.70–0.80; measured 0.75 at t = 50, 0.76 at the
// paper's setting), and it lowers |Q|: Q rises from Q₀ ≈ −hn toward zero.
// For the other activations the first step's share is small (below 0.1;
// measured ≤ 0.05).
func TestFig3SigmoidFirstStep(t *testing.T) {
	for _, c := range driftFig3(t).Runs {
		if c.Rate != 0.1 {
			continue
		}
		share := c.First / c.End
		if c.Act != nn.Sigmoid.Name {
			if math.Abs(share) > 0.1 {
				t.Errorf("%s: the first step makes %.2f of the drift, want a small share", c.Act, share)
			}
			continue
		}
		if share < 0.7 || share > 0.8 || c.First >= 0 {
			t.Errorf("sigmoid: first step ΔQ̃ = %.3g, %.2f of the drift %.3g, want about ¾ and negative", c.First, share, c.End)
		}
	}
}

// The drift settles early: within 10% of its final value by t ≈ 0.2 for
// sigmoid and by t between 9 and 28 for the others, at every rate (the
// notebook's text, from its table at the paper's setting: 0.2–0.22 and
// 9.2–27.9; at t = 50: 0.2–0.24 and 9.2–27.7). The bounds are the text's
// numbers, sigmoid's "≈ 0.2" read as 0.15–0.25.
func TestFig3Settled(t *testing.T) {
	for _, c := range driftFig3(t).Runs {
		lo, hi := 9.0, 28.0
		if c.Act == nn.Sigmoid.Name {
			lo, hi = 0.15, 0.25
		}
		if c.Settled < lo || c.Settled > hi {
			t.Errorf("%s η = %g: settled by t = %.3g, want in [%g, %g]", c.Act, c.Rate, c.Settled, lo, hi)
		}
	}
}

// The figure has the paper's four columns (activations) and three rows,
// renders at a size a notebook shows whole (rendering is skipped under
// -short).
func TestFig3Plot(t *testing.T) {
	r := driftFig3(t)
	rows, err := r.Plots()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != 4 {
		t.Fatalf("%d rows of %d panels, want 3 of 4", len(rows), len(rows[0]))
	}
	if testing.Short() {
		return
	}
	b, err := show.GridPNG(rows, driftFigure)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X < 1200 || s.Y < 800 || s.X > 4000 || s.Y > 4000 {
		t.Errorf("Fig. 3 is %v pixels", s)
	}
}

// The closing table reads the results it is given, and its caption names
// the tests that check them, each declared in this file.
func TestConservedSummary(t *testing.T) {
	sy, err1 := QFromSymmetry(QFromSymmetrySettings{})
	st, err2 := QStepLaw(QStepLawSettings{Steps: 10})
	sd, err3 := Fig3Seeds(Fig3SeedsSettings{Seeds: 2, Steps: 10})
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	fl := &QFlowResult{Settings: QFlowSettings{T: 1000}}
	for _, a := range driftActs {
		fl.Rows = append(fl.Rows, QFlowRow{Act: a.Name})
	}
	tab := ConservedSummary(sy, fl, st, driftFig3(t), sd)
	src, err := os.ReadFile("conserved_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range driftTests {
		if !strings.Contains(tab.Caption, name) {
			t.Errorf("caption does not name %s", name)
		}
		if !bytes.Contains(src, []byte("func "+name+"(t *testing.T)")) {
			t.Errorf("the caption names %s, which conserved_test.go does not declare", name)
		}
	}
	if len(tab.Rows) < 10 {
		t.Errorf("%d rows in the summary", len(tab.Rows))
	}
}

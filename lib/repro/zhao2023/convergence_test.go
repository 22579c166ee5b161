package zhao2023_test

// The claims of notebooks/05-convergence.ipynb: the conserved quantity set at
// initialisation decides how fast gradient descent converges (Zhao et al.,
// ICLR 2023, Figs. 6 and 7). The runs use the notebook's seeds, so the
// numbers logged are the ones it prints, at shorter horizons where its are
// long.

import (
	"math"
	"slices"
	"testing"

	"github.com/noetherlab/noether/lib/repro/zhao2023"
)

// L = (y − uv)², η = 0.1: from the same function uv = y/2, the residual
// finally shrinks by 1 − ηλ(Q) a step, λ(Q) = 2√(Q² + 4y²), faster for larger
// |Q|. The factor is measured at the first step with L < 1e-12, where the
// distance to the valley is ~1e-6 and the linearisation is good to that
// order: 1e-5 is a margin of 10 (measured agreement 3e-7).
func TestScalarRate(t *testing.T) {
	res, err := zhao2023.ScalarRate(zhao2023.ScalarRateSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for i, run := range res.Runs {
		if math.Abs(run.Rate-run.Want) > 1e-5 {
			t.Errorf("Q₀ = %g: residual factor %.6f, want 1 − ηλ(Q) = %.6f", run.Q0, run.Rate, run.Want)
		}
		if i > 0 && run.Rate >= res.Runs[i-1].Rate {
			t.Errorf("Q₀ = %g: factor %.4f not below %.4f at Q₀ = %g: larger |Q| should converge faster",
				run.Q0, run.Rate, res.Runs[i-1].Rate, res.Runs[i-1].Q0)
		}
		t.Logf("Q₀ = %g (Q = %.4f at the end): factor %.6f, 1 − ηλ(Q) = %.6f", run.Q0, run.Q, run.Rate, run.Want)
	}
	if err := res.Plot(); err != nil {
		t.Error(err)
	}
}

// Fig. 6 on the fast preset (5·10⁴ steps; the notebook runs the paper's
// 4·10⁵, 8·10⁵ for the sigmoid). With -short, the claims on Q₀ only.
func TestFig6(t *testing.T) {
	s := zhao2023.Fig6Settings{}.Fast()
	if testing.Short() {
		s.Steps, s.SigmoidSteps = 1, 1
	}
	res, err := zhao2023.Fig6(s)
	if err != nil {
		t.Fatal(err)
	}
	q0 := func(act string) []float64 {
		return []float64{res.Run(act, 0).Q0, res.Run(act, 1).Q0, res.Run(act, 2).Q0}
	}
	at := func(act string, step float64) []float64 {
		return []float64{res.Run(act, 0).At(step), res.Run(act, 1).At(step), res.Run(act, 2).At(step)}
	}

	// |Q₀| grows with the scale for every activation (the official tanh and
	// sigmoid forms start from −hn = −500 at s = 0).
	for _, act := range zhao2023.Fig6Acts {
		q := q0(act.Name)
		if !(math.Abs(q[0]) < math.Abs(q[1]) && math.Abs(q[1]) < math.Abs(q[2])) {
			t.Errorf("%s: |Q₀| %v does not grow with the scale", act.Name, q)
		}
	}
	for _, act := range []string{"tanh", "sigmoid"} {
		if q := q0(act)[0]; math.Abs(q+500) > 1 {
			t.Errorf("%s: Q₀ at s = 0.01 is %.4g, want ≈ −hn = −500", act, q)
		}
	}

	// Linear: the same normals at every scale, so Q₀ ∝ s² to rounding (1e-12).
	// ‖U‖² − ‖V‖² has mean (mh − hn)s² = −250s² and standard deviation
	// √(2(mh + hn))s² = 38.7s² over draws: ours and the derived −285 (from
	// PyTorch's draws) are both within one, as the notebook says.
	q := q0("linear")
	if e := math.Abs(q[0]*1e4-q[2]) / math.Abs(q[2]); e > 1e-12 {
		t.Errorf("linear Q₀ %v: not ∝ s² (%.2g)", q, e)
	}
	if e := math.Abs(q[1]*1e2-q[2]) / math.Abs(q[2]); e > 1e-12 {
		t.Errorf("linear Q₀ %v: not ∝ s² (%.2g)", q, e)
	}
	ref := res.Reference
	if ref.Label != "derived" {
		t.Fatalf("reference %+v, want the derived values", ref)
	}
	for _, v := range []float64{q[2], ref.LinearQ0[2]} {
		if math.Abs(v-ref.LinearQ0Mean) > ref.LinearQ0Std {
			t.Errorf("linear Q₀ at s = 1: %.4g not within one standard deviation of %.4g ± %.3g", v, ref.LinearQ0Mean, ref.LinearQ0Std)
		}
	}
	if math.Abs(ref.LinearQ0Mean+250) > 1e-9 || math.Abs(ref.LinearQ0Std-math.Sqrt(1500)) > 1e-9 {
		t.Errorf("linear Q₀ over draws %.4g ± %.4g, want −250 ± √1500", ref.LinearQ0Mean, ref.LinearQ0Std)
	}

	if testing.Short() {
		return
	}

	// After 10⁴ steps: s = 0.01 has not left the saddle (within 10% of ‖Y‖_F;
	// measured 0.97, the words' "≈ ‖Y‖_F"), s = 0.1 is part way, s = 1 within
	// 1e-5 (the notebook's words; measured 6e-7). The derived residuals come
	// from the official run, another draw of Y and the weights: over 8 draws
	// (Fig6Spread) log₁₀ of the residual varies by σ per scale (measured
	// 0.04, 0.03, 1.1 decades: at s = 1 it falls exponentially, so a small
	// difference of rate makes a large one there), two independent draws
	// differ by √2σ, and each derived value must lie within 3√2σ of ours
	// (measured 1.5σ, 1.1σ, 0.8σ).
	r := at("linear", 1e4)
	if r[0] < 0.9*res.NormY || !(r[1] < r[0]) || r[2] > 1e-5 {
		t.Errorf("linear: ‖Y − f‖ after 1e4 steps %.3g, want ≈ ‖Y‖ = %.3g, part way, below 1e-5", r, res.NormY)
	}
	spread, err := zhao2023.Fig6Spread(zhao2023.Fig6SpreadSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for s := range r {
		if spread.Residual[s][0] != r[s] {
			t.Errorf("s = %g: Fig6Spread's draw 0 %.6g, Fig6's run %.6g: not the same network", res.Settings.Scales[s], spread.Residual[s][0], r[s])
		}
		if ok, sig := spread.Within(s, ref.LinearAfter1e4[s]); !ok {
			t.Errorf("s = %g: derived residual %g is %.2gσ from ours (σ = %.2g decades), more than 3√2σ", res.Settings.Scales[s], ref.LinearAfter1e4[s], sig, spread.Std[s])
		} else {
			t.Logf("s = %g: derived %g, ours %.3g, %.2gσ apart (σ = %.2g decades)", res.Settings.Scales[s], ref.LinearAfter1e4[s], r[s], sig, spread.Std[s])
		}
	}

	// After 5·10⁴ steps, for every activation the residual falls from one
	// scale to the next (the claim is the order); at s = 1 the linear, ReLU
	// and tanh networks are below Fig6Floor, the sigmoid not yet.
	for _, act := range zhao2023.Fig6Acts {
		r := at(act.Name, 5e4)
		if !(r[0] > r[1] && r[1] > r[2]) {
			t.Errorf("%s: ‖Y − f‖ after 5e4 steps %.3g: want each scale below the previous", act.Name, r)
		}
		below := res.Run(act.Name, 2).Below
		if (act.Name == "sigmoid") != (below < 0) {
			t.Errorf("%s, s = 1: first step below %g is %g, want −1 only for the sigmoid", act.Name, zhao2023.Fig6Floor, below)
		}
		t.Logf("%s: Q₀ %.4g, ‖Y − f‖ after 5e4 steps %.3g; below %g at step %g", act.Name, q0(act.Name), r, zhao2023.Fig6Floor, below)
	}
	if err := res.Plot(); err != nil {
		t.Error(err)
	}
	if _, err := res.ScalePlot(1); err != nil {
		t.Error(err)
	}
}

// The set-up of Fig. 7: the four scales start as the same function, with
// Q ∝ s² (both to rounding, 1e-12; measured 1e-16); per-unit scaling leaves
// the output unchanged (1e-12), a rotation does not (measured 0.94 relative:
// any value above 0.1 shows it is no symmetry).
func TestFig7Start(t *testing.T) {
	res, err := zhao2023.Fig7Start(zhao2023.Fig7Settings{})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range res.Settings.Scales {
		if res.OutputChange[i] > 1e-12 {
			t.Errorf("s = %g: initial output differs from s = 1 by %.3g", s, res.OutputChange[i])
		}
		if want := s * s * res.Q0[2]; math.Abs(res.Q0[i]-want) > 1e-12*want {
			t.Errorf("s = %g: Q₀ = %v, want s²·Q₀(1) = %v", s, res.Q0[i], want)
		}
	}
	if res.UnitScaleChange > 1e-12 {
		t.Errorf("per-unit scaling changes the output by %.3g", res.UnitScaleChange)
	}
	if res.RotationChange < 0.1 {
		t.Errorf("a rotation changes the output by only %.3g", res.RotationChange)
	}
}

// Fig. 7 to 4·10⁵ steps (10⁵ with -short; the notebook runs the paper's
// 10⁶): MSE/‖Y‖_F starts equal (the same function, to rounding: 1e-12) and
// at the end grows with Q (the claim is the order; measured ≥ 2.4× from one
// scale to the next at 10⁵ steps); the smallest Q is below Fig7Floor within
// 10⁴ steps (the notebook's "a few thousand"; measured 4300), the second
// later (measured 3.2·10⁵), the two largest not (nor in 10⁶ steps:
// TestFig7Units). Q is kept to 2e-4, the notebook's "about 1e-4 or better"
// read to a factor 2 (GD's O(η) drift, measured 8e-5 at most), except at
// s = 0.01, where the first steps are too steep for GD to follow the flow
// and Q grows by "a few per cent" (read as 0–10%; measured 5%).
func TestFig7(t *testing.T) {
	s := zhao2023.Fig7Settings{Steps: 400_000}
	if testing.Short() {
		s = s.Fast()
	}
	res, err := zhao2023.Fig7(s)
	if err != nil {
		t.Fatal(err)
	}
	runs := res.Runs
	for i, run := range runs {
		drift := run.Q/run.Q0 - 1
		switch {
		case i == 0 && (drift < 0 || drift > 0.1):
			t.Errorf("s = %g: Q grew by %.3g, want 0–10%%", run.Scale, drift)
		case i > 0 && math.Abs(drift) > 2e-4:
			t.Errorf("s = %g: Q drifted by %.3g, want ≤ 2e-4", run.Scale, drift)
		}
		if math.Abs(run.Loss[0]-runs[0].Loss[0]) > 1e-12*runs[0].Loss[0] {
			t.Errorf("s = %g: initial MSE/‖Y‖ %v, s = %g: %v: not the same function", run.Scale, run.Loss[0], runs[0].Scale, runs[0].Loss[0])
		}
		if last := func(r zhao2023.Fig7Run) float64 { return r.Loss[len(r.Loss)-1] }; i > 0 && !(last(run) > last(runs[i-1])) {
			t.Errorf("MSE/‖Y‖ at the end %.3g (s = %g) vs %.3g (s = %g): want the larger Q higher",
				last(runs[i-1]), runs[i-1].Scale, last(run), run.Scale)
		}
		t.Logf("s = %g: Q₀ %.4g, Q/Q₀ − 1 = %.2g, MSE/‖Y‖ at the end %.3g, below %g at %g",
			run.Scale, run.Q0, drift, run.Loss[len(run.Loss)-1], zhao2023.Fig7Floor, run.Below)
	}
	if b := runs[0].Below; b < 0 || b > 1e4 {
		t.Errorf("s = %g: first step below %g is %g, want within 1e4", runs[0].Scale, zhao2023.Fig7Floor, b)
	}
	if !testing.Short() {
		if b := runs[1].Below; b <= runs[0].Below {
			t.Errorf("s = %g: first step below %g is %g, want after the smaller Q's %g", runs[1].Scale, zhao2023.Fig7Floor, b, runs[0].Below)
		}
		if runs[2].Below != -1 || runs[3].Below != -1 {
			t.Errorf("s = 1, 10: first steps below %g are %g, %g, want never (−1)", zhao2023.Fig7Floor, runs[2].Below, runs[3].Below)
		}
	}
	if err := res.Plot(); err != nil {
		t.Error(err)
	}
}

// The explanation of Fig. 7: gradient descent on the aligned model and on
// the five scalar pairs agree (1e-10 relative after 10⁴ steps: the same
// arithmetic up to rounding, measured 7e-15), and the pair's Hessian at its
// minimum is {0, 2(1 + s_j²)²/(mn Q_j)} (1e-8 relative: finite differences
// of an exact gradient, good to ~1e-11), so λ_j ∝ 1/Q_j ∝ 1/s²: from s = 0.1
// to s = 10 every λ_j, and the rate ηλ_j, falls 10⁴-fold (1e-8). Near the
// minimum unit j's residual shrinks by 1 − ηλ_j a step, so at s = 1 and 10
// the slowest unit cannot shrink it below 1e-5 of its size in the paper's
// 10⁶ steps (measured (1 − ηλ_j)^{10⁶} = e^{−0.45} at s = 1): those runs
// cannot reach Fig7Floor. The notebook's words: at s = 10 every ηλ_j is
// below 1e-6 (measured 7.2e-7 at most); at s = 0.01 the largest is ≈ 0.7
// (measured 0.72; ± 0.05, the rounding of the words), too steep for GD to
// follow the flow.
func TestFig7Units(t *testing.T) {
	res, err := zhao2023.Fig7Units(zhao2023.Fig7Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Split > 1e-10 {
		t.Errorf("full model vs five scalar problems after %d steps: relative difference %.3g", res.Steps, res.Split)
	}
	for i, s := range res.Settings.Scales {
		if d := res.MaxDeviation(i); d > 1e-8 {
			t.Errorf("s = %g: Hessian eigenvalues of the pairs deviate from 2(1 + s_j²)²/(mn Q_j) by %.3g", s, d)
		}
		for j := range res.Lambda[i] {
			if res.Lambda[i][j] <= 0 {
				t.Errorf("s = %g, unit %d: eigenvalue %v", s, j, res.Lambda[i][j])
			}
		}
	}
	for j := range res.Lambda[1] {
		if r := res.Lambda[1][j] / res.Lambda[3][j]; math.Abs(r/1e4-1) > 1e-8 {
			t.Errorf("unit %d: λ_j(s = 0.1)/λ_j(s = 10) = %.10g, want 1e4", j, r)
		}
	}
	eta := res.Settings.LR
	if r := eta * slices.Max(res.Lambda[3]); r >= 1e-6 {
		t.Errorf("s = 10: the fastest unit's ηλ_j is %.3g, want below 1e-6", r)
	}
	if r := eta * slices.Max(res.Lambda[0]); math.Abs(r-0.7) > 0.05 {
		t.Errorf("s = 0.01: the fastest unit's ηλ_j is %.3g, want ≈ 0.7", r)
	}
	for _, i := range []int{2, 3} {
		slowest := slices.Min(res.Lambda[i])
		if f := math.Pow(1-eta*slowest, 1e6); f < 1e-5 {
			t.Errorf("s = %g: the slowest unit shrinks its residual by %.3g in 1e6 steps, want too slow to converge", res.Settings.Scales[i], f)
		} else {
			t.Logf("s = %g: the slowest unit shrinks its residual by at most %.3g in 1e6 steps", res.Settings.Scales[i], f)
		}
	}
}

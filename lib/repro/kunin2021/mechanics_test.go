package kunin2021

import "testing"

// TestMechanics asserts the predictions of notebook 20 on the fast preset.
// The exact discrete laws hold to rounding: each step adds a few roundings
// of relative size 1e-16 to a charge, so after 400 steps 1e-12 is a wide
// margin (measured: below 1e-13). The continuous forms are right to O(η):
// the weight-decay and finite-η runs are within 2% (measured 0.5% and 0.8%);
// the momentum run's homogeneous oscillator leaves out the kinetic driving
// term η(1+β)K/(1−β), which is not small at η = 0.05, β = 0.9 (measured 62%;
// TestMechanicsOrder shows it is O(η) all the same).
func TestMechanics(t *testing.T) {
	r, err := Mechanics(MechanicsSettings{}.Fast())
	if err != nil {
		t.Fatal(err)
	}
	for i, run := range r.Runs {
		if run.ExactErr > 1e-12 {
			t.Errorf("%s: exact law off by %.2g", run.Name, run.ExactErr)
		}
		if i < 2 && run.ContinuousErr > 0.02 {
			t.Errorf("%s: continuous form off by %.2g", run.Name, run.ContinuousErr)
		}
	}
	// The modified equation: O(η²) with weight decay (measured 1.2e-5, so
	// 1e-4), the discrete law itself without (rounding), and the driven
	// oscillator O(η) under momentum (measured 1.5%, so 5%).
	for i, tol := range []float64{1e-4, 1e-12, 0.05} {
		if run := r.Runs[i]; run.ModifiedErr > tol {
			t.Errorf("%s: modified equation off by %.2g, want at most %g", run.Name, run.ModifiedErr, tol)
		}
	}
	// Weight decay shrinks every charge, by about e^{−2γt}.
	wd := r.Runs[0]
	n := len(wd.Charge) - 1
	for j, c := range wd.Charge[n] {
		if c*wd.Charge[0][j] < 0 || abs(c) >= abs(wd.Charge[0][j]) {
			t.Errorf("unit %d: charge %.3g → %.3g under weight decay", j, wd.Charge[0][j], c)
		}
	}
	// Momentum here is under-damped.
	if m, k := Oscillator(r.Settings.LR, r.Settings.WeightDecay, r.Settings.Momentum); 4*m*k <= 1 {
		t.Errorf("4mκ = %.3g, want > 1", 4*m*k)
	}
}

// TestMechanicsOrder asserts that the continuous forms and the driven
// oscillator are first-order in η: halving η at a fixed time t halves their
// error (ratio 2 up to the next order, O(η) relative; measured 2.2, 2.2, 1.8
// and 1.8, so [1.6, 2.5]), and that the modified equation with weight decay
// is second-order: the ratio is 4 (measured 4.4, so [3.2, 5]).
func TestMechanicsOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("two trainings of 400 and 800 steps")
	}
	s := MechanicsSettings{}.Fast()
	r, err := Mechanics(s)
	if err != nil {
		t.Fatal(err)
	}
	s.LR, s.Steps = 0.025, 800
	h, err := Mechanics(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Runs {
		ratio := r.Runs[i].ContinuousErr / h.Runs[i].ContinuousErr
		if ratio < 1.6 || ratio > 2.5 {
			t.Errorf("%s: error %.3g at η, %.3g at η/2: ratio %.2f, want about 2", r.Runs[i].Name, r.Runs[i].ContinuousErr, h.Runs[i].ContinuousErr, ratio)
		}
	}
	if ratio := r.Runs[0].ModifiedErr / h.Runs[0].ModifiedErr; ratio < 3.2 || ratio > 5 {
		t.Errorf("weight decay: modified equation's error ratio %.2f, want about 4", ratio)
	}
	if ratio := r.Runs[2].ModifiedErr / h.Runs[2].ModifiedErr; ratio < 1.6 || ratio > 2.5 {
		t.Errorf("momentum: driven oscillator's error ratio %.2f, want about 2", ratio)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

package pittorino2022

import (
	"math"
	"testing"

	"github.com/noetherlab/noether/lib/landscape"
)

func landscapeEnergy(e float64) landscape.Energy {
	return landscape.Energy{Rise: landscape.Measure{Err: e}}
}

// run fails the test on an error.
func run[S, R any](t *testing.T, f func(S) (R, error), s S) R {
	t.Helper()
	r, err := f(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// realData fails the test when Fashion-MNIST is not installed: the bands
// these tests assert were measured on it, and the synthetic stand-in that
// loadData falls back to (for notebooks) is not expected to meet them.
func realData(t *testing.T) {
	t.Helper()
	d, err := loadData(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Synthetic() {
		t.Fatalf("these bands were measured on Fashion-MNIST: %s", d.Note)
	}
}

// The canonical form of trained nets: the function and the predictions are
// unchanged, the operation idempotent, a planted copy returns to the same
// point with its permutations. Tolerances: each entry goes through a few
// divisions by norms and exact permutations, so a few ulps (measured ≤ 5e-16
// relative); the bound is 1e-12.
func TestSymmetry(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two nets (3 s); TestCanonical in lib/landscape checks the same on random nets")
	}
	r := run(t, Symmetry, SymmetrySettings{}.Fast())
	if len(r.Rows) != 2 {
		t.Fatalf("%d rows, want relu and tanh", len(r.Rows))
	}
	for _, row := range r.Rows {
		for name, v := range map[string]float64{"output": row.Output, "idempotence": row.Idempotent, "sphere norm": row.OnSphere,
			"cosine alignment": row.Aligned[0], "weight matching": row.Aligned[1]} {
			if !(v <= 1e-12) {
				t.Errorf("%s: %s %.2g, want ≤ 1e-12", row.Act, name, v)
			}
		}
		if row.Flipped != 0 || row.TestErr != row.CanonTestErr {
			t.Errorf("%s: %d predictions changed, errors %g and %g", row.Act, row.Flipped, row.TestErr, row.CanonTestErr)
		}
		if !row.Recovered[0] || !row.Recovered[1] {
			t.Errorf("%s: planted permutations recovered: %v", row.Act, row.Recovered)
		}
		// Without alignment the copy is far: a random permutation of 64
		// unit vectors moves the point by order one.
		if row.PlantedCanon < 0.5 {
			t.Errorf("%s: the unaligned canonical copy is only %.2g away", row.Act, row.PlantedCanon)
		}
	}
}

// The toy's landscape on the torus has its two global minima at (0, π) and
// (π, 0), at zero loss (rounding: the fit is exact, so ≤ 1e-20 in mean
// squared error), and a rescaled copy of a minimum is the same point.
func TestTorus(t *testing.T) {
	r := run(t, Torus, TorusSettings{})
	if !r.minimaAt() {
		t.Errorf("minima at %v, want (0, π) and (π, 0)", r.Minima)
	}
	if r.MinLoss > 1e-20 || r.MinimumLoss > 1e-20 || r.RescaledLoss > 1e-20 {
		t.Errorf("loss at the minima %.2g, %.2g, rescaled %.2g, want 0", r.MinLoss, r.MinimumLoss, r.RescaledLoss)
	}
}

// Intervals: the t interval of a sample and Spearman's ρ of monotone data.
func TestStats(t *testing.T) {
	iv := MeanCI([]float64{1, 2, 3, 4, 5})
	// mean 3, s = √2.5, t_{0.975,4} = 2.7764: half-width 1.9632.
	if math.Abs(iv.Mean-3) > 1e-15 || math.Abs(iv.Hi-iv.Mean-1.9632) > 1e-4 {
		t.Errorf("MeanCI = %v", iv)
	}
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := []float64{1, 4, 9, 16, 25, 36, 49, 64}
	if r := Spearman(x, y); r.Mean != 1 || r.Lo < 0.99 {
		t.Errorf("Spearman of a monotone map = %v, want 1", r)
	}
	neg := []float64{8, 7, 6, 5, 4, 3, 2, 1}
	if r := Spearman(x, neg); r.Mean != -1 {
		t.Errorf("Spearman of a decreasing map = %v", r)
	}
}

// Dinh et al.'s α-rescaling: multiplicative local energy and the canonical
// form unchanged (the same draws give the same errors exactly: the
// perturbed rescaled net is the rescaled perturbed net; the canonical
// distance is rounding, ≤ 1e-6 as an arccos of 1 − O(1e-16) per sphere);
// additive sharpness and the Hessian's top eigenvalue grow by more than 2
// (measured: 4.7× and 4.0× at α = 5 on the full run).
func TestFlatness(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 12 small nets on Fashion-MNIST (a few seconds)")
	}
	realData(t)
	r := run(t, Flatness, FlatnessSettings{}.Fast())
	if len(r.Minima) < 10 {
		t.Errorf("%d minima, want ≥ 10", len(r.Minima))
	}
	if rp := r.Replicated; rp.Recipe == "" || len(rp.Energy) != len(r.Sigmas) || rp.TrainErr.N != 2 {
		t.Errorf("replicated SGD against SGD: %+v, want %d σ over 2 seeds", rp, len(r.Sigmas))
	}
	d := r.Dinh
	if d.MultBefore.Rise.Err != d.MultAfter.Rise.Err {
		t.Errorf("multiplicative δE %g → %g, want unchanged", d.MultBefore.Rise.Err, d.MultAfter.Rise.Err)
	}
	if d.Canonical > 1e-6 {
		t.Errorf("canonical forms %.2g apart", d.Canonical)
	}
	if d.TestErrBefore != d.TestErrAfter {
		t.Errorf("test error %g → %g", d.TestErrBefore, d.TestErrAfter)
	}
	if d.AdditiveAfter.Rise.Err < 2*d.AdditiveBefore.Rise.Err {
		t.Errorf("additive δE %g → %g, want more than doubled", d.AdditiveBefore.Rise.Err, d.AdditiveAfter.Rise.Err)
	}
	if d.HessianAfter < 2*d.HessianBefore {
		t.Errorf("top Hessian eigenvalue %g → %g, want more than doubled", d.HessianBefore, d.HessianAfter)
	}
}

// Barriers: the naive chord rises far above its ends, alignment removes
// most of it, and the trained bend least of all; a single bend joins two
// zero-error minima at zero training error. Bands from the full run
// (5 pairs: naive 0.40, aligned 0.02–0.05, bend ≤ 0.01): the naive barrier
// above 0.2, every aligned path below a third of it, the bend below 0.03.
func TestBarriers(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 6 + 12 + 2 small nets on Fashion-MNIST (a few seconds)")
	}
	realData(t)
	r := run(t, Barriers, BarrierSettings{}.Fast())
	naive := r.Mean[0].Mean
	if naive < 0.2 {
		t.Errorf("naive barrier %.3f, want > 0.2", naive)
	}
	for k := 1; k < len(PathKinds); k++ {
		if r.Mean[k].Mean > naive/3 {
			t.Errorf("%s: barrier %.3f, want below a third of the naive %.3f", PathKinds[k], r.Mean[k].Mean, naive)
		}
	}
	if b := r.Mean[4].Mean; b > 0.03 {
		t.Errorf("trained bend: barrier %.3f, want ≤ 0.03", b)
	}
	for _, pp := range r.Pairs {
		if pp.Distance >= pp.Unaligned {
			t.Errorf("pair %d–%d: aligned distance %.3f not below the unaligned %.3f", pp.SeedA, pp.SeedB, pp.Distance, pp.Unaligned)
		}
	}
	z := r.ZeroError
	if z.TrainErr[0] != 0 || z.TrainErr[1] != 0 {
		t.Errorf("the minima have training errors %v, want 0", z.TrainErr)
	}
	if z.BendMax != 0 {
		t.Errorf("the bent path reaches training error %.4f, want 0", z.BendMax)
	}
}

// Binary nets: the reference recipe's nets learn (test error far below
// chance, 0.9; measured 0.25–0.3 after the fast preset's single epoch, in
// which the large-batch recipe takes only 20 steps and is left out),
// alignment brings the sign patterns closer than unrelated ones (a random
// pair of sign vectors differs in half its entries) and lowers the barrier
// of the Hamming geodesic.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 8 binary nets (about 30 s)")
	}
	r := run(t, Binary, BinarySettings{}.Fast())
	for _, mn := range r.Minima {
		if mn.Recipe == BinaryRecipes()[0].Name && mn.Test.Err > 0.4 {
			t.Errorf("%s seed %d: test error %.3f", mn.Recipe, mn.Seed, mn.Test.Err)
		}
	}
	if r.Dist[1].Mean >= r.Dist[0].Mean {
		t.Errorf("aligned Hamming distance %.3f, naive %.3f", r.Dist[1].Mean, r.Dist[0].Mean)
	}
	if r.Align.Mean >= r.Naive.Mean {
		t.Errorf("aligned barrier %.3f, naive %.3f", r.Align.Mean, r.Naive.Mean)
	}
}

// The paired comparison matches each replicated-SGD minimum with the SGD
// minimum of its seed: differences 0.01 − 0.03 = −0.02 and 0.02 − 0.01 =
// 0.01 have mean −0.005, standard deviation 0.0212 and t interval
// ±12.706·0.0212/√2 = ±0.1906; a recipe without SGD partners gives nothing.
func TestCompare(t *testing.T) {
	mk := func(recipe string, seed int, e, tr float64) FlatMinimum {
		mn := FlatMinimum{Minimum: Minimum{Recipe: recipe, Seed: seed}}
		mn.Train.Err = tr
		mn.Energy = append(mn.Energy, landscapeEnergy(e))
		return mn
	}
	ms := []FlatMinimum{mk("SGD", 0, 0.03, 0.1), mk("SGD", 1, 0.01, 0.1), mk("rep", 1, 0.02, 0.2), mk("rep", 0, 0.01, 0.1), mk("other", 7, 0, 0)}
	p := compare(ms, "SGD", "rep", 1)
	if e := p.Energy[0]; e.N != 2 || math.Abs(e.Mean+0.005) > 1e-15 || math.Abs(e.Hi-e.Mean-0.19059) > 1e-4 {
		t.Errorf("energy difference %+v, want mean −0.005 ± 0.1906 over 2 seeds", e)
	}
	if p.TrainErr.Mean != 0.05 || p.Flatter(0) {
		t.Errorf("train difference %v, flatter %v", p.TrainErr, p.Flatter(0))
	}
	if q := compare(ms, "SGD", "other", 1); q.Recipe != "" {
		t.Errorf("unpaired recipe compared: %+v", q)
	}
}

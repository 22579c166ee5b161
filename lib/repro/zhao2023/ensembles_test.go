package zhao2023

import (
	"math"
	"sync"
	"testing"

	"github.com/noetherlab/noether/lib/ensemble"
)

// The networks of the claim tests of notebook 08 (Fig. 10), each trained and
// evaluated once per test binary (the training is cached by content, and
// shared with the tests of notebook 09).
//
// The fast preset (Fig10Settings.Fast) is the notebook's conv net trained on
// the first 10000 images (test accuracy 0.83 instead of 0.88). Under -short
// it is replaced by ensShort, the MLP on the same 10000 images (trained in
// a fraction of a second), on which the claims that do not depend on the
// network are checked. The bounds below quote what was measured on the
// fast preset, and, where a claim depends on the run, its spread over the
// seeds 0–3 (ConvNetSettings.Seed: another initialisation, order of the
// samples and draw of the members).
var (
	ensShort = Fig10Settings{Net: ConvNetSettings{MLP: true, Train: 10000},
		Eps: []float64{20, 10, 1, 0.01, 1e-3, 1e-4}, Sizes: []int{10, 60}, Test: 1000}
	ensFast = sync.OnceValues(func() (*Fig10Result, error) {
		if testing.Short() {
			return Fig10(ensShort)
		}
		return Fig10(Fig10Settings{}.Fast())
	})
	// ensMLP is the MLP trained on all 60000 images, at the ε where the
	// paper states its tolerance.
	ensMLP = sync.OnceValues(func() (*Fig10Result, error) {
		return Fig10(Fig10Settings{Net: ConvNetSettings{MLP: true}, Eps: []float64{0.1, 0.01, 1e-3}, Sizes: []int{10, 60}, Test: 5000})
	})
)

// ensResult returns the result of f, skipping the test on the synthetic
// stand-in data (without Fashion-MNIST: sudo apt-get install
// dataset-fashion-mnist).
func ensResult(t *testing.T, f func() (*Fig10Result, error)) *Fig10Result {
	t.Helper()
	r, err := f()
	if err != nil {
		t.Fatal(err)
	}
	if r.Synthetic {
		t.Skip("Fashion-MNIST is not installed: the claims are about it")
	}
	return r
}

// One transformed network (notebook 08, §2) computes the original's logits
// on the h images π was fitted on, to rounding for ε ≤ 1: π solves
// σ(H_i) = π σ(gH_i) with σ(gH_i) conditioned like e^{2ε‖T‖}, and the
// relative change measured is at most 2·10⁻¹⁴ (bound 10⁻¹²). Elsewhere it
// changes them at first order in ε: from ε = 10⁻⁴ to 10⁻³ the change grows
// tenfold (measured 9.7–10.0 over seeds 0–3; bound ±15%), and for
// ε ≤ 0.01 it predicts as the original on at least 95% of the test images
// (measured 97.7–100%). At ε = 1 and 10 it is a much worse classifier, at
// least 0.2 below the original (measured 0.25–0.62 below over seeds 0–3;
// at ε = 20 one draw of seed 0 is only 0.18 below, so ε = 20 is not
// asserted).
func TestFig10OneMember(t *testing.T) {
	r := ensResult(t, ensFast)
	at := map[float64]Fig10One{}
	for _, o := range r.One {
		at[o.Eps] = o
		if o.Eps <= 1 && o.FitChange > 1e-12 {
			t.Errorf("ε = %g: logits change by %.3g on the fitted batch, want ≤ 1e-12", o.Eps, o.FitChange)
		}
		if o.Eps <= 0.01 && o.Agreement < 0.95 {
			t.Errorf("ε = %g: %.3f of the predictions unchanged, want ≥ 0.95", o.Eps, o.Agreement)
		}
		if (o.Eps == 1 || o.Eps == 10) && o.Accuracy > r.Original-0.2 {
			t.Errorf("ε = %g: one member's accuracy %.3f, original %.3f: want 0.2 below", o.Eps, o.Accuracy, r.Original)
		}
	}
	if q := at[1e-3].TestChange / at[1e-4].TestChange; math.Abs(q-10) > 1.5 {
		t.Errorf("test-set change at ε = 10⁻³ over that at 10⁻⁴: %.3g, want 10 ± 1.5 (first order in ε)", q)
	}
}

// The group ensemble (Fig. 10, first panel): the paper's ±0.003 holds for
// ε ≤ 0.01 at every size (measured at most 0.0002 on the fast preset,
// 0.0018 over seeds 0–3, 0.0005 under -short), by mean softmax as well
// (0.0022; over seeds up to 0.0072, so another run may exceed it; not under
// -short: 0.004 on the MLP); at ε = 0.1 the conv net's vote moves by more
// than the paper's 0.003 but at most 0.01 (measured 0.0074, 0.0051 for the
// notebook's network; 0.004–0.014 over seeds 0–3, so the upper bound holds
// for this run only). For ε ≥ 1 the group ensemble degrades: 10 members at
// least 0.02 below the original (measured 0.027–0.073 below; 0.027–0.20
// over seeds) and the largest ensemble still below it, by less than 0.1
// (0.007–0.028; the vote recovers most of the loss).
func TestFig10Group(t *testing.T) {
	r := ensResult(t, ensFast)
	G := ensemble.Group
	if r.Original < 0.8 {
		t.Errorf("original test accuracy %.4f, want > 0.8", r.Original)
	}
	if d := r.Deviation(G, false, 0, 0.01); d > Fig10Paper.GroupTolerance {
		t.Errorf("group, ε ≤ 0.01: max |vote − original| = %.4f, want ≤ %g", d, Fig10Paper.GroupTolerance)
	}
	if !testing.Short() {
		if d := r.Deviation(G, true, 0, 0.01); d > Fig10Paper.GroupTolerance {
			t.Errorf("group, ε ≤ 0.01: max |mean softmax − original| = %.4f, want ≤ %g", d, Fig10Paper.GroupTolerance)
		}
		if d := r.Deviation(G, false, 0.1, 0.1); d <= Fig10Paper.GroupTolerance || d > 0.01 {
			t.Errorf("group, ε = 0.1: max |vote − original| = %.4f, want in (%g, 0.01]", d, Fig10Paper.GroupTolerance)
		}
	}
	small, large := r.Sizes[0], r.Sizes[len(r.Sizes)-1]
	for _, eps := range []float64{1, 10, 20} {
		if d := r.At(G, eps, small) - r.Original; !(d <= -0.02) {
			t.Errorf("group, ε = %g, %d members: vote − original = %+.4f, want ≤ −0.02", eps, small, d)
		}
		if d := r.At(G, eps, large) - r.Original; !(d < 0 && d > -0.1) {
			t.Errorf("group, ε = %g, %d members: vote − original = %+.4f, want in (−0.1, 0)", eps, large, d)
		}
	}
}

// The MLP trained on all 60000 images behaves as the conv net: its group
// ensembles stay within the paper's ±0.003 of the original for ε ≤ 0.01
// (measured 0.0006 on 5000 test images; 0.0007 on the notebook's 10000 with
// every size), and within 0.01 at ε = 0.1, the conv net's bound (measured
// 0.0016 here, where its 10 members are fitted on other images than in the
// notebook, whose 10-member vote moves by 0.0094): at ε = 0.1 the paper's
// ±0.003 depends on the draw of the members.
func TestFig10MLP(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the MLP trained on all images takes seconds")
	}
	r := ensResult(t, ensMLP)
	if d := r.Deviation(ensemble.Group, false, 0, 0.01); d > Fig10Paper.GroupTolerance {
		t.Errorf("MLP, group, ε ≤ 0.01: max |vote − original| = %.4f, want ≤ %g", d, Fig10Paper.GroupTolerance)
	}
	if d := r.Deviation(ensemble.Group, false, 0.1, 0.1); d > 0.01 {
		t.Errorf("MLP, group, ε = 0.1: max |vote − original| = %.4f, want ≤ 0.01", d)
	}
}

// The baselines (Fig. 10, other panels) at every size, majority vote:
//   - g⁻¹, the linear action: near chance (0.1) at ε = 10 and 20, within
//     [0.05, 0.17] (measured 0.100–0.167; 0.096–0.167 over seeds 0–3), and at
//     least 0.2 below the original at ε = 1 (measured 0.57 below; over
//     seeds as little as 0.15 below);
//   - random: at most 0.15 for ε ≥ 1 (measured 0.104; up to 0.139 over
//     seeds), a collapse to chance;
//   - shuffled: at most 0.25 at every ε (measured 0.08–0.17): P π Q is a
//     random permutation of the hidden units even as ε → 0;
//   - interpolated permutation: the strongest baseline, within 0.15 of the
//     original for ε ≤ 1 (measured at most 0.052 below over seeds 0–3),
//     but below the largest group ensemble at ε = 10 and 20 (measured
//     0.016–0.039 below; 0.016–0.064 over seeds). At ε ≥ 10 its smallest
//     ensembles fall 0.17–0.30 below the original over seeds 0–3 (0.14 for
//     the notebook's network): not asserted.
func TestFig10Baselines(t *testing.T) {
	r := ensResult(t, ensFast)
	inf := math.Inf(1)
	if lo, hi := r.Range(ensemble.Inverse, 10, inf); !(lo >= 0.05 && hi <= 0.17) {
		t.Errorf("g⁻¹, ε ≥ 10: accuracies %.3f – %.3f, want within [0.05, 0.17]", lo, hi)
	}
	if !testing.Short() {
		if _, hi := r.Range(ensemble.Inverse, 1, 1); !(hi <= r.Original-0.2) {
			t.Errorf("g⁻¹, ε = 1: accuracy up to %.3f, original %.3f: want 0.2 below", hi, r.Original)
		}
	}
	if _, hi := r.Range(ensemble.Random, 1, inf); !(hi <= 0.15) {
		t.Errorf("random, ε ≥ 1: accuracy up to %.3f, want ≤ 0.15", hi)
	}
	if _, hi := r.Range(ensemble.Shuffled, 0, inf); !(hi <= 0.25) {
		t.Errorf("shuffled: accuracy up to %.3f, want ≤ 0.25", hi)
	}
	if lo, _ := r.Range(ensemble.Interpolated, 0, 1); !(lo >= r.Original-0.15) {
		t.Errorf("interpolated permutation, ε ≤ 1: accuracy down to %.3f, original %.3f: want within 0.15", lo, r.Original)
	}
	if testing.Short() {
		return // on the MLP the interpolated permutation is as good as the group at ε = 10
	}
	large := r.Sizes[len(r.Sizes)-1]
	for _, eps := range []float64{10, 20} {
		if g, ip := r.At(ensemble.Group, eps, large), r.At(ensemble.Interpolated, eps, large); !(g > ip) {
			t.Errorf("ε = %g, %d members: group %.4f, interpolated permutation %.4f: want the group above", eps, large, g, ip)
		}
	}
}

// The figure has its six panels, and the closing table its thirteen rows.
func TestFig10Figure(t *testing.T) {
	r := ensResult(t, ensFast)
	fig, err := r.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if len(fig) != 2 || len(fig[0]) != 3 || len(fig[1]) != 3 {
		t.Errorf("figure of %d rows, want 2×3 panels", len(fig))
	}
	if n := len(r.Table().Rows); n != 13 {
		t.Errorf("closing table of %d rows, want 13", n)
	}
}

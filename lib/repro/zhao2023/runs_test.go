package zhao2023

import (
	"sync"
	"testing"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/stats"
)

// The repeated Figs. 10 and 11 of notebooks 08 and 09. Without -short the
// tests run the notebooks' settings through cache.Call, as the notebooks do,
// so that they assert on the same networks and draws (and load them when a
// notebook has run with the same cache and sources). Under -short they run
// the MLP trained on 10000 images, with fewer images and draws, and assert
// only the claims that hold there too.
//
// Every bound below is an interval statement: a mean over the five
// independently trained networks (each the mean of its draws) with its 95%
// Student t interval (stats.MeanCI, 4 degrees of freedom), or the same for
// differences paired by network (stats.PairedCI). A claim is asserted when
// the interval lies on one side of the bound; the measured intervals are
// quoted.
var (
	runs10 = sync.OnceValues(func() (*Fig10RunsResult, error) {
		if testing.Short() {
			return Fig10Runs(Fig10RunsSettings{Net: ConvNetSettings{MLP: true, Train: 10000}, Draws: 2, Sizes: []int{10}, Test: 500})
		}
		return cache.Call(Fig10Runs, Fig10RunsSettings{})
	})
	runs10ReLU2 = sync.OnceValues(func() (*Fig10RunsResult, error) {
		return cache.Call(Fig10Runs, Fig10RunsSettings{Net: ConvNetSettings{ReLU2: true}})
	})
	runs11 = sync.OnceValues(func() (*Fig11RunsResult, error) {
		if testing.Short() {
			return Fig11Runs(Fig11RunsSettings{Net: ConvNetSettings{MLP: true, Train: 10000}, Draws: 2, Members: 20,
				FGSM: []float64{0, 0.1}, Test: 300, SPSATest: 20})
		}
		return cache.Call(Fig11Runs, Fig11RunsSettings{})
	})
)

func runsResult[R any](t *testing.T, f func() (R, error), synthetic func(R) bool) R {
	t.Helper()
	r, err := f()
	if err != nil {
		t.Fatal(err)
	}
	if synthetic(r) {
		t.Skip("Fashion-MNIST is not installed: the claims are about it")
	}
	return r
}

func gapOf(t *testing.T, r *Fig10RunsResult, k ensemble.Kind, eps float64, size int) Fig10Gap {
	t.Helper()
	g, ok := r.Gap(k, eps, size)
	if !ok {
		t.Fatalf("no cell %v, ε = %g, %d members", k, eps, size)
	}
	return g
}

// Fig. 10 over five networks × five draws (notebook 08 §5), σ =
// LeakyReLU(0.1), 10000 test images:
//   - the paper's ±0.003 holds for the group ensemble at ε = 0.01 at every
//     size: the whole interval of the gap lies within it (measured
//     +0.0000 ± 0.0003 for 10 members, −0.0002 ± 0.0003 for 60; under
//     -short, the MLP on 500 images, the intervals are wider but inside);
//   - at ε = 0.1 it fails for 10 members: the interval lies wholly below
//     −0.003 (measured −0.0061 ± 0.0028; one draw moves by up to 0.013),
//     and holds for 60 (−0.0008 ± 0.0013); not under -short;
//   - the group ensemble degrades for ε ≥ 1: every gap interval at ε = 1
//     and 10 lies below 0 (measured −0.169 ± 0.009 and −0.035 ± 0.011 at
//     ε = 1, −0.265 ± 0.053 and −0.068 ± 0.026 at ε = 10);
//   - g⁻¹ and random collapse at ε = 10: their accuracy's interval lies
//     below twice chance, 0.2 (measured 0.090–0.100, half-widths ≤ 0.013).
//     At ε = 1 neither is established (g⁻¹ 0.60 ± 0.10, random
//     0.137 ± 0.076): not asserted.
func TestFig10Runs(t *testing.T) {
	r := runsResult(t, runs10, func(r *Fig10RunsResult) bool { return r.Synthetic })
	tol := Fig10Paper.GroupTolerance
	for _, n := range r.Sizes {
		if g := gapOf(t, r, ensemble.Group, 0.01, n); !g.Gap.Within(-tol, tol) {
			t.Errorf("group, ε = 0.01, %d members: gap %v, want the interval within ±%g", n, g.Gap, tol)
		}
		for _, eps := range []float64{1, 10} {
			if g := gapOf(t, r, ensemble.Group, eps, n); !(g.Gap.Hi < 0) {
				t.Errorf("group, ε = %g, %d members: gap %v, want the interval below 0", eps, n, g.Gap)
			}
		}
		for _, k := range []ensemble.Kind{ensemble.Inverse, ensemble.Random} {
			if g := gapOf(t, r, k, 10, n); !(g.Acc.Hi < 2*Fig10Paper.Chance) {
				t.Errorf("%v, ε = 10, %d members: accuracy %v, want the interval below %g", k, n, g.Acc, 2*Fig10Paper.Chance)
			}
		}
	}
	if testing.Short() {
		return
	}
	if g := gapOf(t, r, ensemble.Group, 0.1, 10); !(g.Gap.Hi < -tol) {
		t.Errorf("group, ε = 0.1, 10 members: gap %v, want the interval below −%g", g.Gap, tol)
	}
	if g := gapOf(t, r, ensemble.Group, 0.1, 60); !g.Gap.Within(-tol, tol) {
		t.Errorf("group, ε = 0.1, 60 members: gap %v, want the interval within ±%g", g.Gap, tol)
	}
}

// Fig. 10 over five networks × five draws with the official ensemble
// notebook's relu² (notebook 08 §5), 10000 test images:
//   - the paper's ±0.003 holds at ε = 0.01 at every size (measured
//     −0.0005 ± 0.0004 and −0.0001 ± 0.0004);
//   - at ε = 0.1 it is not established: both intervals cross −0.003
//     (measured −0.021 ± 0.024 for 10 members, −0.0024 ± 0.0029 for 60);
//   - the 10-member group ensemble degrades at ε = 1 and 10 (−0.28 ± 0.14,
//     −0.41 ± 0.15), the 60-member one at ε = 10 (−0.25 ± 0.24); at ε = 1
//     its interval includes 0 (−0.15 ± 0.16): not asserted;
//   - g⁻¹ and random collapse at ε = 1 and 10, unlike with LeakyReLU at
//     ε = 1: every accuracy interval lies below twice chance, 0.2
//     (measured at most 0.101 ± 0.024).
func TestFig10ReLU2(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: five relu² conv nets take minutes to train")
	}
	r := runsResult(t, runs10ReLU2, func(r *Fig10RunsResult) bool { return r.Synthetic })
	tol := Fig10Paper.GroupTolerance
	for _, n := range r.Sizes {
		if g := gapOf(t, r, ensemble.Group, 0.01, n); !g.Gap.Within(-tol, tol) {
			t.Errorf("relu², group, ε = 0.01, %d members: gap %v, want the interval within ±%g", n, g.Gap, tol)
		}
		if g := gapOf(t, r, ensemble.Group, 0.1, n); g.Verdict() != "crosses ±0.003" {
			t.Errorf("relu², group, ε = 0.1, %d members: gap %v (%s), want an interval that crosses ±%g", n, g.Gap, g.Verdict(), tol)
		}
		for _, k := range []ensemble.Kind{ensemble.Inverse, ensemble.Random} {
			for _, eps := range []float64{1, 10} {
				if g := gapOf(t, r, k, eps, n); !(g.Acc.Hi < 2*Fig10Paper.Chance) {
					t.Errorf("relu², %v, ε = %g, %d members: accuracy %v, want the interval below %g", k, eps, n, g.Acc, 2*Fig10Paper.Chance)
				}
			}
		}
	}
	for _, c := range []struct {
		eps  float64
		size int
	}{{1, 10}, {10, 10}, {10, 60}} {
		if g := gapOf(t, r, ensemble.Group, c.eps, c.size); !(g.Gap.Hi < 0) {
			t.Errorf("relu², group, ε = %g, %d members: gap %v, want the interval below 0", c.eps, c.size, g.Gap)
		}
	}
}

// Fig. 11 over five networks × five draws of 200 members (notebook 09 §5),
// FGSM crafted on each network's original and clipped to the data's range,
// 1000 test images; gaps paired by network:
//   - clean and at the paper's FGSM 0.003 and 0.012 the group ensemble is
//     below the original (measured −0.039 ± 0.012, −0.035 ± 0.014,
//     −0.026 ± 0.010): the paper's gain (+0.013 to +0.055) is not
//     reproduced;
//   - at 0.05 and 0.1 it gains (+0.028 ± 0.005, +0.055 ± 0.015);
//   - an independently trained network shown the same images gains far more
//     (+0.170 ± 0.049, +0.219 ± 0.052), so the group ensemble is below it
//     (−0.142 ± 0.045, −0.164 ± 0.053): its gain is that of not being the
//     attacked network, less than another network's; the same holds under
//     -short on the MLP at 0.1;
//   - the official pipeline (softmax twice, FGSM twice, clipped to [0, 1])
//     does not give the paper's factor of three at 0.012: the ratio of mean
//     accuracies is below 2 (measured 0.94), although at its weakest
//     strength, 0.003, it costs the original far more than the corrected
//     FGSM does (0.621 ± 0.021 against 0.862 ± 0.013), as in the paper's
//     steep first step.
func TestFig11Runs(t *testing.T) {
	r := runsResult(t, runs11, func(r *Fig11RunsResult) bool { return r.Synthetic })
	idx := func(eps float64) int {
		t.Helper()
		i := r.Index(eps)
		if i < 0 {
			t.Fatalf("no FGSM %g in %v", eps, r.FGSMEps)
		}
		return i
	}
	last := len(r.FGSMEps) - 1
	if d := r.Diff(r.Independent, r.Original, last); !(d.Lo > 0) {
		t.Errorf("FGSM %g: independent network − original %v, want a gain", r.FGSMEps[last], d)
	}
	if d := r.Diff(r.Group, r.Independent, last); !(d.Hi < 0) {
		t.Errorf("FGSM %g: group − independent network %v, want the group below", r.FGSMEps[last], d)
	}
	if testing.Short() {
		return
	}
	for _, eps := range []float64{0, 0.003, 0.012} {
		if d := r.Diff(r.Group, r.Original, idx(eps)); !(d.Hi < 0) {
			t.Errorf("FGSM %g: group − original %v, want the interval below 0", eps, d)
		}
	}
	for _, eps := range []float64{0.05, 0.1} {
		i := idx(eps)
		if d := r.Diff(r.Group, r.Original, i); !(d.Lo > 0) {
			t.Errorf("FGSM %g: group − original %v, want a gain", eps, d)
		}
		if d := r.Diff(r.Independent, r.Original, i); !(d.Lo > 0) {
			t.Errorf("FGSM %g: independent network − original %v, want a gain", eps, d)
		}
		if d := r.Diff(r.Group, r.Independent, i); !(d.Hi < 0) {
			t.Errorf("FGSM %g: group − independent network %v, want the group below", eps, d)
		}
	}
	if off, _ := r.OfficialFactor(idx(0.012)); !(off < 2) {
		t.Errorf("official pipeline, FGSM 0.012: group / original = %.2f, want below 2", off)
	}
	if d := r.Diff(r.OfficialOriginal, r.Original, idx(0.003)); !(d.Hi < 0) {
		t.Errorf("FGSM 0.003: original under the official pipeline − under the corrected one %v, want below 0", d)
	}
}

// The gradient-free control (notebook 09 §5), FGSM and SPSA at 0.05 on the
// first 50 test images: attacked through its own mean-softmax gradient the
// group ensemble keeps more accuracy than the original under its own
// gradient (+0.136 ± 0.071), but attacked through its outputs only (SPSA,
// the same budget for both) it does not (−0.028 ± 0.062, an interval
// across 0): the white-box "robustness" is gradient masking. Not under
// -short (20 images of the MLP).
func TestFig11SPSA(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: SPSA on 20 images cannot separate the models")
	}
	r := runsResult(t, runs11, func(r *Fig11RunsResult) bool { return r.Synthetic })
	sp := r.SPSA
	if w := stats.PairedCI(sp.WhiteGroup, sp.TransferOriginal); !(w.Lo > 0) {
		t.Errorf("own gradient, FGSM %g: group − original %v, want a gain", r.SPSAEps, w)
	}
	if g := stats.PairedCI(sp.Group, sp.Original); g.Lo > 0 {
		t.Errorf("SPSA %g: group − original %v, want no gain", r.SPSAEps, g)
	}
}

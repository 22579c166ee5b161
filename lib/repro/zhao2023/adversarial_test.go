package zhao2023

import (
	"math"
	"slices"
	"sync"
	"testing"
)

// The attacks of the claim tests of notebook 09 (Fig. 11), made once per
// test binary on the networks of ensembles_test.go: the fast preset
// (Fig11Settings.Fast, the conv net trained on 10000 images, transfer PGD
// only) or, under -short, advShort on the MLP trained on the same images.
// Bounds quote what was measured on the fast preset and, where a claim
// depends on the run, its spread over the seeds 0–3.
var (
	advShort = Fig11Settings{Net: ConvNetSettings{MLP: true, Train: 10000},
		FGSM: []float64{0, 0.05}, PGD: []int{0, 3}, NoWhiteBoxPGD: true}
	advFast = sync.OnceValues(func() (*Fig11Result, error) {
		if testing.Short() {
			return Fig11(advShort)
		}
		return Fig11(Fig11Settings{}.Fast())
	})
	// advMLP is the MLP trained on all 60000 images, transfer FGSM only.
	advMLP = sync.OnceValues(func() (*Fig11Result, error) {
		return Fig11(Fig11Settings{Net: ConvNetSettings{MLP: true}, FGSM: []float64{0, 0.05, 0.1}, PGD: []int{}})
	})
)

func advResult(t *testing.T, f func() (*Fig11Result, error)) *Fig11Result {
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

// advStrong returns the strengths 0.05 and 0.1 of FGSM that r has, where
// the ensemble gains (-short has 0.05 only).
func advStrong(r *Fig11Result) []float64 {
	return slices.DeleteFunc([]float64{0.05, 0.1}, func(e float64) bool { return !slices.Contains(r.FGSMEps, e) })
}

// advAt returns curve c at FGSM strength eps of r (it fails the test if r
// has no such strength).
func advAt(t *testing.T, r *Fig11Result, c []float64, eps float64) float64 {
	t.Helper()
	i := slices.Index(r.FGSMEps, eps)
	if i < 0 {
		t.Fatalf("no FGSM at %g in %v", eps, r.FGSMEps)
	}
	return c[i]
}

// Attacks crafted on the original and transferred (the paper's Fig. 11), on
// the first 1000 test images, clipped to the data's range:
//   - clean, the group ensemble is below the original by at most 0.1
//     (measured 0.011; 0.004–0.026 over seeds 0–3; the paper: 0.538
//     against 0.598); not under -short: on the MLP it is 0.003 above;
//   - the official clipping to [0, 1] alone costs the original at least 0.1
//     (measured 0.119; 0.12–0.20 over seeds);
//   - at the paper's strongest FGSM, 0.012, its gain is not reproduced: the
//     group is within ±0.02 of the original (measured 0.000; −0.014 to
//     +0.016 over seeds), where the paper has 0.083 against 0.028;
//   - at FGSM 0.05 and 0.1 the group is above the original (measured +0.057
//     and +0.068; at least +0.026 over seeds), and the interpolated
//     permutation, built without the symmetry, within 0.05 of the group at
//     0.05 (measured +0.010; −0.058 to +0.010 over seeds, so not every run
//     keeps within 0.05): the gain is not the symmetry's own;
//   - g⁻¹ at chance, within [0.05, 0.17], at every strength (measured
//     0.092–0.127 over seeds).
func TestFig11Transfer(t *testing.T) {
	r := advResult(t, advFast)
	if d := r.Clean.Group - r.Clean.Original; !testing.Short() && !(d < 0 && d >= -0.1) {
		t.Errorf("clean: group %.3f, original %.3f: want the group below, by at most 0.1", r.Clean.Group, r.Clean.Original)
	}
	if r.Clipped > r.Clean.Original-0.1 {
		t.Errorf("clipped to [0, 1]: original %.3f of %.3f, want a loss of at least 0.1", r.Clipped, r.Clean.Original)
	}
	if !testing.Short() {
		if d := advAt(t, r, r.FGSM.Group, 0.012) - advAt(t, r, r.FGSM.Original, 0.012); math.Abs(d) > 0.02 {
			t.Errorf("FGSM 0.012: group − original = %+.3f, want within ±0.02", d)
		}
	}
	for _, eps := range advStrong(r) {
		if g, o := advAt(t, r, r.FGSM.Group, eps), advAt(t, r, r.FGSM.Original, eps); !(g > o) {
			t.Errorf("FGSM %g: group %.3f, original %.3f: want the group above", eps, g, o)
		}
	}
	if ip, g := advAt(t, r, r.FGSM.Interpolated, 0.05), advAt(t, r, r.FGSM.Group, 0.05); math.Abs(ip-g) > 0.05 {
		t.Errorf("FGSM 0.05: interpolated permutation %.3f, group %.3f: want within 0.05", ip, g)
	}
	for _, v := range append(slices.Clone(r.FGSM.Inverse), r.PGD.Inverse...) {
		if v < 0.05 || v > 0.17 {
			t.Errorf("g⁻¹: accuracies %v (FGSM) and %v (PGD), want within [0.05, 0.17]", r.FGSM.Inverse, r.PGD.Inverse)
			break
		}
	}
}

// The transfer gain on the MLP trained on all 60000 images is larger: at
// FGSM 0.05 and 0.1 its group ensemble is at least 0.03 above the original
// (measured +0.08 and +0.06).
func TestFig11MLP(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the MLP trained on all images takes seconds")
	}
	r := advResult(t, advMLP)
	for _, eps := range []float64{0.05, 0.1} {
		if g, o := advAt(t, r, r.FGSM.Group, eps), advAt(t, r, r.FGSM.Original, eps); !(g >= o+0.03) {
			t.Errorf("MLP, FGSM %g: group %.3f, original %.3f: want 0.03 above", eps, g, o)
		}
	}
}

// White-box attacks, crafted on the group ensemble's own loss, are weaker
// than the transferred one: at FGSM 0.05 and 0.1 the ensemble keeps more
// accuracy against its mean-softmax loss (measured 0.652 and 0.499 against
// 0.589 and 0.356) and against its members' mean loss (0.789, 0.767) — the
// gradient is masked. The reasons, on clean images: a member alone is a poor
// classifier, at least 0.2 below the vote (measured 0.372 against 0.816;
// 0.35–0.37 over seeds), and its softmax saturates (top probability above
// 0.99) on at least 0.15 more of the images than the original's (measured
// 44% against 18%; 0.25–0.30 more over seeds).
func TestFig11WhiteBox(t *testing.T) {
	r := advResult(t, advFast)
	for _, eps := range advStrong(r) {
		g := advAt(t, r, r.FGSM.Group, eps)
		if wm, wb := advAt(t, r, r.FGSM.WhiteMean, eps), advAt(t, r, r.FGSM.WhiteMembers, eps); !(wm > g && wb > g) {
			t.Errorf("FGSM %g: white-box %.3f (mean softmax) and %.3f (members' loss), transfer %.3f: want both above", eps, wm, wb, g)
		}
	}
	if r.MemberAccuracy > r.Clean.Group-0.2 {
		t.Errorf("one member's accuracy %.3f, the vote's %.3f: want 0.2 below", r.MemberAccuracy, r.Clean.Group)
	}
	if r.SaturatedMembers < r.SaturatedOriginal+0.15 {
		t.Errorf("saturated softmaxes: original %.3f, members %.3f: want 0.15 more", r.SaturatedOriginal, r.SaturatedMembers)
	}
}

// PGD as the official notebook ran it (ε = 0.3, step 0.01, random start),
// transferred: its random start alone costs the group more than the
// original (measured 0.052 against 0.043; over seeds 1–3 the order
// reverses, so this holds for this run only); after 3 iterations the group
// is at least the original (measured +0.076; +0.008 to +0.081 over seeds).
func TestFig11PGD(t *testing.T) {
	r := advResult(t, advFast)
	i0, i3 := slices.Index(r.PGDIters, 0), slices.Index(r.PGDIters, 3)
	if i0 < 0 || i3 < 0 {
		t.Fatalf("PGD iterations %v, want 0 and 3", r.PGDIters)
	}
	if !testing.Short() {
		if dg, do := r.Clean.Group-r.PGD.Group[i0], r.Clean.Original-r.PGD.Original[i0]; !(dg > do) {
			t.Errorf("PGD's random start costs the group %.3f, the original %.3f: want the group more", dg, do)
		}
	}
	if g, o := r.PGD.Group[i3], r.PGD.Original[i3]; !(g >= o) {
		t.Errorf("PGD 3 iterations: group %.3f, original %.3f: want the group at least the original", g, o)
	}
}

// The figure has its two panels, and the closing table a row per attack.
func TestFig11Figure(t *testing.T) {
	r := advResult(t, advFast)
	fig, err := r.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if len(fig) != 1 || len(fig[0]) != 2 {
		t.Errorf("figure of %d rows, want 1×2 panels", len(fig))
	}
	if n, want := len(r.Table().Rows), len(r.FGSMEps)+len(r.PGDIters); n != want {
		t.Errorf("closing table of %d rows, want %d", n, want)
	}
}

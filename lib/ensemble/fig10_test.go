package ensemble_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
)

// The claims of notebook 08 (the paper's Fig. 10) at fast settings: one
// trained network, ensembles of 10 and 60 members at every ε of the figure,
// on 5000 test images. Bounds:
//   - group (majority vote) within ±0.003 of the original for ε ≤ 0.01,
//     the paper's CIFAR-10 tolerance, which it states for ε ≤ 0.1 (papers.md
//     measured ±0.002 on Fashion-MNIST with the MLP); measured within ±0.001;
//   - at ε = 0.1 within ±0.003 for the MLP (measured ±0.001), but only
//     within ±0.01 for the conv net, whose 10-member vote moves by up to
//     0.005 (+0.004 here, −0.005 for the notebook's network), more than the
//     paper's ±0.003;
//   - group below the original by at least 0.02 at ε ≥ 1 for 10 members
//     (measured 0.1–0.35 below);
//   - g⁻¹ at most 0.15 at ε ≥ 10 (chance is 0.1; papers.md: "to ~0.1 at
//     ε = 10") and at least 0.2 below the original at ε = 1;
//   - random at most 0.15 at ε ≥ 1 (collapsed to chance);
//   - shuffled at most 0.25 at every ε: π with shuffled rows and columns is a
//     random permutation of the hidden units even as ε → 0 (measured
//     0.07–0.2);
//   - interpolated permutation within 0.15 of the original at every ε
//     (measured at most 0.09 below).
func TestFig10Ensembles(t *testing.T) {
	for _, kind := range []string{"mlp", "conv"} {
		t.Run(kind, func(t *testing.T) {
			if kind == "conv" && testing.Short() {
				t.Skip("-short: the MLP only")
			}
			tr := fashion(t, kind)
			x, y := tr.test(5000)
			H := tr.net.Hidden(x)
			orig := nn.Accuracy(tr.net.Logits(H), y)
			sizes := []int{10, 60}
			fit := tr.fitHidden(60)
			for _, eps := range []float64{20, 10, 1, 0.1, 0.01, 1e-3, 1e-4} {
				for _, k := range ensemble.Kinds {
					e := ensemble.New(tr.net, ensemble.Settings{Kind: k, Eps: eps, Size: 60, Seed: 7, Fit: fit})
					vote, _ := e.Accuracy(H, y, sizes)
					for s, v := range vote {
						where := fmt.Sprintf("ε = %g, %v, %d members: vote %.4f, original %.4f", eps, k, sizes[s], v, orig)
						var ok bool
						switch k {
						case ensemble.Group:
							ok = (eps > 0.01 || math.Abs(v-orig) <= 0.003) && (eps != 0.1 || math.Abs(v-orig) <= map[string]float64{"mlp": 0.003, "conv": 0.01}[kind])
							ok = ok && (eps < 1 || s > 0 || v <= orig-0.02)
						case ensemble.Inverse:
							ok = (eps < 10 || v <= 0.15) && (eps != 1 || v <= orig-0.2)
						case ensemble.Random:
							ok = eps < 1 || v <= 0.15
						case ensemble.Shuffled:
							ok = v <= 0.25
						case ensemble.Interpolated:
							ok = v >= orig-0.15
						}
						if !ok {
							t.Error(where)
						}
					}
				}
			}
		})
	}
}

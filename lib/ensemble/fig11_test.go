package ensemble_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
)

// The claims of notebook 09 (the paper's Fig. 11) at fast settings: ensembles
// of 200 members at ε = 10 (h = 16), attacked on 1000 test images, with
// FGSM and PGD clipped to the data's range [−½, ½]. Bounds, with the values
// measured here for the MLP / the conv net of these tests / the notebook's
// conv net (trained on all 60000 images):
//   - clean: the group ensemble's vote at most 0.1 below the original
//     (−0.04 / −0.01 / −0.04; the paper's CIFAR-10: 0.538 vs 0.598);
//   - FGSM crafted on the base network (transfer) at ε_FGSM = 0.05 and 0.1:
//     the group vote above the original (at 0.05: +0.09 / +0.02 / +0.06;
//     papers.md's Fashion-MNIST MLP: 0.54 vs 0.49), by at least 0.03 for
//     the MLP;
//   - the interpolated-permutation baseline within 0.05 of the group at 0.05
//     (−0.04 / −0.02 / +0.02): the gain is not the symmetry's own;
//   - g⁻¹ at chance, within [0.05, 0.17], at every strength;
//   - white-box FGSM on the group ensemble's mean-softmax loss leaves it MORE
//     accurate than the transferred attack at 0.05 (0.59 vs 0.42 / 0.66 vs
//     0.59 / 0.64 vs 0.54): its gradient is a poor guide (gradient masking),
//     so the transfer attack is the stronger one;
//   - the members are individually poor and saturated, which masks the
//     ensemble's gradient: on clean images a member's mean accuracy is at
//     least 0.2 below the vote's (measured 0.30 / 0.31 / 0.32 against
//     0.80 / 0.82 / 0.86), and the fraction of softmaxes with a top
//     probability above 0.99 is at least 0.15 higher for the members than for
//     the original (54% vs 25% / 51% vs 19% / 58% vs 38%);
//   - PGD as the official notebook ran it (ε = 0.3, step 0.01, random start;
//     here clipped to the data's range), transferred: its random start alone
//     costs the group more than the original; after 3 iterations the group
//     is at least the original (+0.07 / +0.01 / +0.02), and for the conv
//     nets within ±0.05 of it: no lasting gain.
func TestFig11Adversarial(t *testing.T) {
	for _, kind := range []string{"mlp", "conv"} {
		t.Run(kind, func(t *testing.T) {
			if kind == "conv" && testing.Short() {
				t.Skip("-short: the MLP only")
			}
			tr := fashion(t, kind)
			x, y := tr.test(1000)
			const K = 200
			fit := tr.fitHidden(K)
			ens := map[ensemble.Kind]*ensemble.Ensemble{}
			for _, k := range []ensemble.Kind{ensemble.Group, ensemble.Inverse, ensemble.Interpolated} {
				ens[k] = ensemble.New(tr.net, ensemble.Settings{Kind: k, Eps: 10, Size: K, Seed: 7, Fit: fit})
			}
			box := attack.Box{Lo: tr.data.Lo, Hi: tr.data.Hi}
			base := attack.ModelGradient(tr.net.Model, tr.net.Params)
			vote := func(k ensemble.Kind, H *mat.Dense) float64 {
				v, _ := ens[k].Accuracy(H, y, []int{K})
				return v[0]
			}
			for _, eps := range []float64{0, 0.05, 0.1} {
				H := tr.net.Hidden(attack.FGSM(nil, x, y, base, eps, box))
				if eps == 0 {
					z := ens[ensemble.Group].Logits(H, K)
					so, sm, one := saturated(tr.net.Logits(H)), saturated(z...), 0.0
					for _, zi := range z {
						one += nn.Accuracy(zi, y) / K
					}
					t.Logf("saturated softmaxes: original %.3f, members %.3f; one member's accuracy %.3f", so, sm, one)
					if sm < so+0.15 || one > vote(ensemble.Group, H)-0.2 {
						t.Errorf("saturated: original %.3f, members %.3f (want 0.15 more); one member's accuracy %.3f (want 0.2 below the vote)", so, sm, one)
					}
				}
				orig, group := nn.Accuracy(tr.net.Logits(H), y), vote(ensemble.Group, H)
				inter, inv := vote(ensemble.Interpolated, H), vote(ensemble.Inverse, H)
				white := vote(ensemble.Group, tr.net.Hidden(attack.FGSM(nil, x, y, ens[ensemble.Group].Gradient(K), eps, box)))
				t.Logf("FGSM %g: original %.3f, group %.3f (white-box %.3f), interpolated %.3f, g⁻¹ %.3f", eps, orig, group, white, inter, inv)
				switch {
				case eps == 0 && group < orig-0.1:
					t.Errorf("clean: group %.3f, original %.3f: want at most 0.1 below", group, orig)
				case eps > 0 && (group <= orig || kind == "mlp" && group < orig+0.03):
					t.Errorf("FGSM %g: group %.3f, original %.3f: want it above (by 0.03 for the MLP)", eps, group, orig)
				}
				if eps == 0.05 && (math.Abs(inter-group) > 0.05 || white <= group) {
					t.Errorf("FGSM 0.05: interpolated %.3f, white-box group %.3f: want the first within 0.05 of the group's %.3f, the second above it", inter, white, group)
				}
				if math.Abs(inv-0.11) > 0.06 {
					t.Errorf("FGSM %g: g⁻¹ %.3f, want within [0.05, 0.17]", eps, inv)
				}
			}
			H := tr.net.Hidden(x)
			clean, cleanGroup := nn.Accuracy(tr.net.Logits(H), y), vote(ensemble.Group, H)
			for _, it := range []int{0, 3} {
				pgd := attack.PGD{Eps: 0.3, Step: 0.01, Iters: it, RandomStart: true, Seed: 3, Box: box}
				H := tr.net.Hidden(pgd.Attack(nil, x, y, base))
				orig, group := nn.Accuracy(tr.net.Logits(H), y), vote(ensemble.Group, H)
				t.Logf("PGD %d iterations: original %.3f, group %.3f", it, orig, group)
				if it == 0 && cleanGroup-group <= clean-orig {
					t.Errorf("PGD's random start costs the group %.3f, the original %.3f: want the group more", cleanGroup-group, clean-orig)
				}
				if it == 3 && (group < orig || kind == "conv" && group > orig+0.05) {
					t.Errorf("PGD 3 iterations: group %.3f, original %.3f: want the group at least the original (and within 0.05 for the conv net)", group, orig)
				}
			}
		})
	}
}

// saturated returns the fraction of columns of the logit matrices whose
// softmax has a top probability above 0.99.
func saturated(zs ...*mat.Dense) float64 {
	n, sat := 0, 0
	for _, z := range zs {
		p := ensemble.Average([]*mat.Dense{z})
		_, N := p.Dims()
		for j := 0; j < N; j++ {
			n++
			if mat.Max(p.ColView(j)) > 0.99 {
				sat++
			}
		}
	}
	return float64(sat) / float64(n)
}

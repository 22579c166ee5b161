package zhao2023

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/stats"
)

// Fig11RunsSettings set up Fig11Runs. The zero value is notebook 09's: the
// five networks of Fig10Runs × five draws of 200 members at ε = 10, FGSM up
// to 0.1 on the first 1000 test images, SPSA on the first 50.
type Fig11RunsSettings struct {
	// Net is the networks' setting; its Seed is the first run's.
	Net ConvNetSettings
	// Nets and Draws: 0 means 5 each.
	Nets, Draws int
	// Members and Eps of the group ensembles; 0 means the paper's 200 and 10.
	Members int
	Eps     float64
	// FGSM are the strengths; nil means 0, the paper's weakest and strongest
	// (0.003 and 0.012), and 0.05 and 0.1 beyond its range.
	FGSM []float64
	// Test, if positive, is the number of test images attacked; 0 means
	// 1000.
	Test int
	// SPSA is the gradient-free attack; a zero Iters means radius 0.05,
	// step 0.01, δ = 0.01, 16 directions, 10 iterations, on the first
	// SPSATest (0 means 50) test images.
	SPSA     attack.SPSA
	SPSATest int
}

func (s Fig11RunsSettings) withDefaults() (Fig11RunsSettings, error) {
	s.Nets, s.Draws, s.Members, s.Eps = cmp.Or(s.Nets, 5), cmp.Or(s.Draws, 5), cmp.Or(s.Members, 200), cmp.Or(s.Eps, 10)
	s.Test, s.SPSATest = cmp.Or(s.Test, 1000), cmp.Or(s.SPSATest, 50)
	if s.FGSM == nil {
		s.FGSM = []float64{0, 0.003, 0.012, 0.05, 0.1}
	}
	if s.SPSA.Iters == 0 {
		s.SPSA = attack.SPSA{Eps: 0.05, Step: 0.01, Delta: 0.01, Samples: 16, Iters: 10}
	}
	if s.Nets < 2 || s.Draws < 1 || s.Members < 1 || s.Eps < 0 || s.Test < 0 || s.SPSATest < 0 {
		return s, fmt.Errorf("zhao2023: Fig11Runs: %d networks, %d draws, %d members, ε %g, Test %d, SPSATest %d",
			s.Nets, s.Draws, s.Members, s.Eps, s.Test, s.SPSATest)
	}
	for _, e := range s.FGSM {
		if e < 0 {
			return s, fmt.Errorf("zhao2023: Fig11Runs: FGSM strength %g < 0", e)
		}
	}
	return s, nil
}

// Fig11RunsResult holds Fig11Runs: each curve holds per-network accuracies,
// indexed [strength][network].
// Every attack is crafted on network n's original (transfer) unless said.
type Fig11RunsResult struct {
	Data, Model                string
	Synthetic                  bool
	Nets, Draws, Members, Test int
	Eps                        float64
	FGSMEps                    []float64
	// Original, Group (mean over draws), Independent (network n+1 mod Nets,
	// trained independently, shown network n's adversarial images) and
	// IndependentEnsemble (the majority vote of the other Nets − 1
	// networks), under FGSM crafted on network n and clipped to the data's
	// range.
	Original, Group, Independent, IndependentEnsemble [][]float64
	// OfficialOriginal and OfficialGroup are the same under the official
	// pipeline: the loss applies softmax to the softmax, FGSM is applied
	// twice, each time clipped to [0, 1] (at ε = 0 nothing is done).
	OfficialOriginal, OfficialGroup [][]float64
	// SPSA compares, on the first SPSATest images at SPSA.Eps, each model
	// attacked by its own gradient-free SPSA with the gradient attacks at
	// the same strength (FGSM; draw 0 of the group ensemble).
	SPSA     Fig11SPSA
	SPSATest int
	SPSAEps  float64
}

// Fig11SPSA are the accuracies of the SPSA comparison, one per network.
type Fig11SPSA struct {
	// Original and Group under SPSA on their own margin loss (the group's
	// on its mean softmax).
	Original, Group []float64
	// TransferOriginal and TransferGroup under FGSM crafted on the
	// original; WhiteGroup under FGSM on the group's mean-softmax loss.
	TransferOriginal, TransferGroup, WhiteGroup []float64
}

// Fig11Runs repeats Fig. 11 on Nets independently trained networks with
// Draws draws of the group ensemble each, and adds three controls:
//
//   - transfer to an independently trained network, and to the majority
//     vote of the other networks, of the same adversarial images: is the
//     group ensemble's gain more than any other model's, that was not the
//     network the attack was crafted on?
//   - the official pipeline, x′ = clip_[0,1](x₁ + ε sign ∇L(x₁)),
//     x₁ = clip_[0,1](x + ε sign ∇L(x)) for ε > 0 (the clean images at
//     ε = 0), L the cross-entropy of the softmax of the softmax, on the same
//     networks: does it give the paper's factor of three at FGSM 0.012?
//   - SPSA (attack.SPSA), which needs no gradient, on a subset: is the group
//     ensemble's resistance to its own gradient masking?
//
// Every accuracy and gap is summarised over the networks (the independent
// units) with stats.MeanCI or stats.PairedCI.
func Fig11Runs(s Fig11RunsSettings) (*Fig11RunsResult, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, err
	}
	nets, err := trainRuns(s.Net, s.Nets)
	if err != nil {
		return nil, err
	}
	S := len(s.FGSM)
	grid := func() [][]float64 {
		g := make([][]float64, S)
		for i := range g {
			g[i] = make([]float64, s.Nets)
		}
		return g
	}
	r := &Fig11RunsResult{Data: nets[0].Data.String(), Model: fmt.Sprint(nets[0].Model), Synthetic: nets[0].Data.Synthetic(),
		Nets: s.Nets, Draws: s.Draws, Members: s.Members, Eps: s.Eps, FGSMEps: s.FGSM,
		Original: grid(), Group: grid(), Independent: grid(), IndependentEnsemble: grid(),
		OfficialOriginal: grid(), OfficialGroup: grid(), SPSAEps: s.SPSA.Eps}
	sp := &r.SPSA
	for _, p := range []*[]float64{&sp.Original, &sp.Group, &sp.TransferOriginal, &sp.TransferGroup, &sp.WhiteGroup} {
		*p = make([]float64, s.Nets)
	}
	x, y := nets[0].TestSet(s.Test)
	r.Test = len(y)
	ns := min(s.SPSATest, r.Test)
	xs, ys := mat.DenseCopyOf(x.Slice(0, x.RawMatrix().Rows, 0, ns)), y[:ns]
	r.SPSATest = ns
	box := attack.Box{Lo: nets[0].Data.Lo, Hi: nets[0].Data.Hi}
	// The clean images' pre-activations, FGSM 0's for every network.
	clean := make([]*mat.Dense, s.Nets)
	parallel(s.Nets, func(m int) { clean[m] = nets[m].Hidden(x) })
	errs := make([]error, s.Nets)
	parallel(s.Nets, func(n int) {
		tn := nets[n]
		fit, err := tn.Fit(s.Members)
		if err != nil {
			errs[n] = err
			return
		}
		groups := make([]*ensemble.Ensemble, s.Draws)
		for d := range groups {
			groups[d] = ensemble.New(tn.Net, ensemble.Settings{Kind: ensemble.Group, Eps: s.Eps, Size: s.Members,
				Seed: drawSeed(s.Net.Seed+uint64(n), d), Fit: fit})
		}
		// groupAcc is the group's accuracy, averaged over the draws, on
		// pre-activations H of network n.
		groupAcc := func(H *mat.Dense, yy []int) float64 {
			a := 0.0
			for _, g := range groups {
				a += advVote(g, H, yy) / float64(len(groups))
			}
			return a
		}
		grad, official := attack.ModelGradient(tn.Model, tn.Params), softmaxTwiceGradient(tn.Model, tn.Params)
		for i, e := range s.FGSM {
			// hidden returns network m's pre-activations of adv, the
			// clean ones when FGSM does not move the images.
			hidden := func(m int, adv *mat.Dense) *mat.Dense {
				if e == 0 {
					return clean[m]
				}
				return nets[m].Hidden(adv)
			}
			var adv *mat.Dense
			if e > 0 {
				adv = attack.FGSM(nil, x, y, grad, e, box)
			}
			var others []*mat.Dense
			for m, o := range nets {
				H := hidden(m, adv)
				z := o.Logits(H)
				switch {
				case m == n:
					r.Original[i][n] = nn.Accuracy(z, y)
					r.Group[i][n] = groupAcc(H, y)
				default:
					others = append(others, z)
					if m == (n+1)%s.Nets {
						r.Independent[i][n] = nn.Accuracy(z, y)
					}
				}
			}
			r.IndependentEnsemble[i][n] = advAccuracy(ensemble.Vote(others), y)
			if e > 0 {
				adv = officialFGSM(x, y, official, e)
			}
			H := hidden(n, adv)
			r.OfficialOriginal[i][n] = nn.Accuracy(tn.Logits(H), y)
			r.OfficialGroup[i][n] = groupAcc(H, y)
		}
		g0 := groups[0]
		spsa := s.SPSA
		spsa.Box, spsa.Seed = box, 5+s.Net.Seed+uint64(n)
		orig := func(xx *mat.Dense, yy []int) []float64 { return margin(tn.Logits(tn.Hidden(xx)), yy) }
		ens := func(xx *mat.Dense, yy []int) []float64 {
			return marginP(ensemble.Average(g0.Logits(tn.Hidden(xx), len(g0.Members))), yy)
		}
		sp.Original[n] = nn.Accuracy(tn.Logits(tn.Hidden(spsa.Attack(nil, xs, ys, orig))), ys)
		sp.Group[n] = advVote(g0, tn.Hidden(spsa.Attack(nil, xs, ys, ens)), ys)
		H := tn.Hidden(attack.FGSM(nil, xs, ys, grad, s.SPSA.Eps, box))
		sp.TransferOriginal[n] = nn.Accuracy(tn.Logits(H), ys)
		sp.TransferGroup[n] = advVote(g0, H, ys)
		sp.WhiteGroup[n] = advVote(g0, tn.Hidden(attack.FGSM(nil, xs, ys, g0.Gradient(len(g0.Members)), s.SPSA.Eps, box)), ys)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// officialFGSM is the official notebook's FGSM, advertorch's
// clamp(x + ε sign ∇L, 0, 1) applied twice (perturb(perturb(x))). At ε = 0
// the official notebook skips the attack, and with it the clamping: its
// "FGSM 0" is the clean images.
func officialFGSM(x *mat.Dense, y []int, grad attack.Gradient, eps float64) *mat.Dense {
	if eps == 0 {
		return x
	}
	box := attack.Box{Lo: 0, Hi: 1}
	return attack.FGSM(nil, attack.FGSM(nil, x, y, grad, eps, box), y, grad, eps, box)
}

// softmaxTwiceGradient is attack.ModelGradient with the official notebook's
// flaw: the model's output is already a softmax, and the cross-entropy
// applies another, L = CE(softmax(f(x)), y).
func softmaxTwiceGradient(model nn.Model, p *nn.Params) attack.Gradient {
	t := ad.NewTape()
	w := make([]*ad.Node, p.Count())
	xb := &mat.Dense{}
	return func(grad, x *mat.Dense, labels []int) float64 {
		d, N := x.Dims()
		xb.Reset()
		xb.ReuseAs(d, N)
		xb.Copy(x)
		t.Reset()
		for i := range w {
			w[i] = t.Const(p.At(i))
		}
		z := model.Forward(t, w, t.Param(xb, grad))
		// softmax(z) = exp(z − 1 log Σ_c exp z_c), column by column.
		prob := t.Exp(t.AddRow(z, t.Neg(t.Log(t.ColSums(t.Exp(z))))))
		loss := t.SoftmaxCrossEntropy(prob, labels)
		t.Backward(loss)
		return loss.Scalar()
	}
}

// margin returns, for each column of logits z, max_{c≠y} p_c − p_y with p
// its softmax: the loss SPSA increases (positive once misclassified).
func margin(z *mat.Dense, y []int) []float64 { return marginP(ensemble.Average([]*mat.Dense{z}), y) }

// marginP is margin on probabilities p.
func marginP(p *mat.Dense, y []int) []float64 {
	m, N := p.Dims()
	out := make([]float64, N)
	for j := range N {
		best := math.Inf(-1)
		for c := range m {
			if c != y[j] {
				best = max(best, p.At(c, j))
			}
		}
		out[j] = best - p.At(y[j], j)
	}
	return out
}

// At returns the interval over the networks of curve c at FGSM strength
// index i.
func (r *Fig11RunsResult) At(c [][]float64, i int) stats.Interval { return stats.MeanCI(c[i]) }

// Diff returns the paired interval of a − b at FGSM strength index i.
func (r *Fig11RunsResult) Diff(a, b [][]float64, i int) stats.Interval {
	return stats.PairedCI(a[i], b[i])
}

// Index returns the index of FGSM strength eps, or −1.
func (r *Fig11RunsResult) Index(eps float64) int {
	for i, e := range r.FGSMEps {
		if e == eps {
			return i
		}
	}
	return -1
}

// OfficialFactor returns the ratio of the group's to the original's mean
// accuracy at FGSM strength index i under the official pipeline (the
// paper's .083/.028 ≈ 3 at 0.012), and the same under the corrected one.
func (r *Fig11RunsResult) OfficialFactor(i int) (official, corrected float64) {
	m := func(v []float64) float64 { return stats.MeanCI(v).Mean }
	return m(r.OfficialGroup[i]) / m(r.OfficialOriginal[i]), m(r.Group[i]) / m(r.Original[i])
}

// gainWord names what a difference interval shows.
func gainWord(iv stats.Interval) string {
	switch {
	case iv.Lo > 0:
		return "gain"
	case iv.Hi < 0:
		return "loss"
	}
	return "no difference"
}

// Table returns the transfer and official-pipeline accuracies and gaps at
// every strength, mean ± 95% interval over the networks.
func (r *Fig11RunsResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Mean ± 95%% t-interval over %d independently trained networks (group: mean of %d draws of %d members at ε = %g), "+
			"first %d test images of %s. Gaps are paired by network. Asserted by TestFig11Runs (lib/repro/zhao2023).",
			r.Nets, r.Draws, r.Members, r.Eps, r.Test, r.Data),
		Header: []string{"FGSM", "original", "group", "group − original", "", "independent net − original",
			fmt.Sprintf("vote of the %d other nets − original", r.Nets-1), "official pipeline: original", "official: group", "paper: original / group"},
	}
	paper := map[string]string{}
	for _, p := range Fig11Paper {
		paper[p.Attack] = fmt.Sprintf("%.3f / %.3f", p.Original, p.Group)
	}
	for i, e := range r.FGSMEps {
		gap := r.Diff(r.Group, r.Original, i)
		t.AddRow(fmt.Sprint(e), r.At(r.Original, i).PlusMinus(3, false), r.At(r.Group, i).PlusMinus(3, false),
			gap.PlusMinus(3, true), gainWord(gap), r.Diff(r.Independent, r.Original, i).PlusMinus(3, true),
			r.Diff(r.IndependentEnsemble, r.Original, i).PlusMinus(3, true),
			r.At(r.OfficialOriginal, i).PlusMinus(3, false), r.At(r.OfficialGroup, i).PlusMinus(3, false),
			cmp.Or(paper[fmt.Sprintf("FGSM %g", e)], "—"))
	}
	return t
}

// SPSATable returns the gradient-free comparison.
func (r *Fig11RunsResult) SPSATable() show.Table {
	sp := r.SPSA
	t := show.Table{
		Caption: fmt.Sprintf("Attacks of strength %g on the first %d test images, mean ± 95%% t-interval over %d networks "+
			"(group: draw 0, %d members). Asserted by TestFig11SPSA (lib/repro/zhao2023).", r.SPSAEps, r.SPSATest, r.Nets, r.Members),
		Header: []string{"attack", "original", "group", "group − original", ""},
	}
	row := func(name string, o, g []float64) {
		d := stats.PairedCI(g, o)
		t.AddRow(name, stats.MeanCI(o).PlusMinus(3, false), stats.MeanCI(g).PlusMinus(3, false), d.PlusMinus(3, true), gainWord(d))
	}
	row("FGSM crafted on the original (transfer)", sp.TransferOriginal, sp.TransferGroup)
	row("FGSM on each model's own gradient (white-box)", sp.TransferOriginal, sp.WhiteGroup)
	row("SPSA on each model's own output (gradient-free)", sp.Original, sp.Group)
	return t
}

// Figure returns the panel of the gaps to the original against the FGSM
// strength, with their intervals: the group ensemble, an independent
// network and the ensemble of the other networks (transfer), and the group
// under the official pipeline.
func (r *Fig11RunsResult) Figure() (*plot.Plot, error) {
	curves := []struct {
		name string
		a, b [][]float64
	}{
		{"group", r.Group, r.Original},
		{"independent net", r.Independent, r.Original},
		{"ensemble of the other nets", r.IndependentEnsemble, r.Original},
		{"group, official pipeline", r.OfficialGroup, r.OfficialOriginal},
	}
	var ss []show.Series
	for _, c := range curves {
		var y []float64
		for i := range r.FGSMEps {
			y = append(y, r.Diff(c.a, c.b, i).Mean)
		}
		ss = append(ss, show.Series{Name: c.name, X: r.FGSMEps, Y: y})
	}
	p, err := show.Lines(show.Axes{Title: fmt.Sprintf("accuracy − original's, mean and 95%% interval over %d networks", r.Nets),
		X: "ε of FGSM (crafted on the original)", Y: "accuracy gap"}, ss...)
	if err != nil {
		return nil, err
	}
	for k, c := range curves {
		pts := make(plotter.XYs, len(r.FGSMEps))
		errs := make(plotter.YErrors, len(r.FGSMEps))
		for i, e := range r.FGSMEps {
			iv := r.Diff(c.a, c.b, i)
			pts[i] = plotter.XY{X: e, Y: iv.Mean}
			errs[i].Low, errs[i].High = iv.Mean-iv.Lo, iv.Hi-iv.Mean
		}
		bars, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{pts, errs})
		if err != nil {
			return nil, err
		}
		bars.LineStyle.Color = plotutil.Color(k) // show.Lines's colour of curve k
		bars.CapWidth = vg.Points(4)
		p.Add(bars)
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: r.FGSMEps[len(r.FGSMEps)-1], Y: 0}})
	if err != nil {
		return nil, err
	}
	zero.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(zero)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// Plot draws Figure in the notebook.
func (r *Fig11RunsResult) Plot() error {
	p, err := r.Figure()
	if err != nil {
		return err
	}
	return show.Grid([][]*plot.Plot{{p}}, show.Settings{Width: 9 * vg.Inch, Height: 5.5 * vg.Inch})
}

// Claims returns the closing table of notebook 09: the paper's claims
// about Fig. 11 and the controls, each with the intervals measured and
// whether it survives.
func (r *Fig11RunsResult) Claims() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Mean ± 95%% t-interval over %d independently trained networks, paired by network. "+
			"Asserted by TestFig11Runs and TestFig11SPSA (lib/repro/zhao2023).", r.Nets),
		Header: []string{"claim or control", "measured", "paper", "survives?"},
	}
	list := func(eps []float64, f func(i int) string) string {
		var s []string
		for _, e := range eps {
			if i := r.Index(e); i >= 0 {
				s = append(s, fmt.Sprintf("%g: %s", e, f(i)))
			}
		}
		return strings.Join(s, "; ")
	}
	words := func(eps []float64, a, b [][]float64) string {
		seen := map[string]bool{}
		var w []string
		for _, e := range eps {
			if i := r.Index(e); i >= 0 {
				if g := gainWord(r.Diff(a, b, i)); !seen[g] {
					seen[g] = true
					w = append(w, g)
				}
			}
		}
		return strings.Join(w, ", ")
	}
	gap := func(a, b [][]float64) func(i int) string {
		return func(i int) string { return r.Diff(a, b, i).PlusMinus(3, true) }
	}
	paperRange := []float64{0.003, 0.006, 0.009, 0.012}
	var pg []string
	for _, p := range Fig11Paper[1:5] {
		pg = append(pg, fmt.Sprintf("%+.3f", p.Group-p.Original))
	}
	t.AddRow("group − original, clean", list([]float64{0}, gap(r.Group, r.Original)),
		fmt.Sprintf("%+.3f", Fig11Paper[0].Group-Fig11Paper[0].Original), words([]float64{0}, r.Group, r.Original))
	t.AddRow("group more robust than the original, FGSM at the paper's strengths", list(paperRange, gap(r.Group, r.Original)),
		strings.Join(pg, "; "), words(paperRange, r.Group, r.Original))
	strong := []float64{0.05, 0.1}
	t.AddRow("group − original beyond the paper's range", list(strong, gap(r.Group, r.Original)), "—", words(strong, r.Group, r.Original))
	t.AddRow("control: an independently trained network − original", list(strong, gap(r.Independent, r.Original)), "—",
		words(strong, r.Independent, r.Original))
	t.AddRow("control: the symmetry's own gain, group − independent network", list(strong, gap(r.Group, r.Independent)), "—",
		words(strong, r.Group, r.Independent))
	if i := r.Index(0.012); i >= 0 {
		off, cor := r.OfficialFactor(i)
		v := "no"
		if off >= 2 {
			v = "yes"
		}
		t.AddRow("official pipeline: group / original at FGSM 0.012 (corrected pipeline)",
			fmt.Sprintf("%.2f (%.2f)", off, cor), fmt.Sprintf("%.2f", Fig11Paper[4].Group/Fig11Paper[4].Original), v+" (factor ≥ 2)")
	}
	sp := r.SPSA
	w := stats.PairedCI(sp.WhiteGroup, sp.TransferOriginal)
	g := stats.PairedCI(sp.Group, sp.Original)
	t.AddRow(fmt.Sprintf("each model attacked through its own gradient, FGSM %g: group − original", r.SPSAEps), w.PlusMinus(3, true), "—", gainWord(w))
	t.AddRow(fmt.Sprintf("each model attacked without gradient, SPSA %g: group − original", r.SPSAEps), g.PlusMinus(3, true), "—", gainWord(g))
	return t
}

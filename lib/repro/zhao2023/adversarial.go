package zhao2023

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
)

// Fig11Settings set up Fig11. The zero value is the paper's figure (200
// members at ε = 10, FGSM up to 0.012 and PGD up to 3 iterations, 1000 test
// images), with FGSM extended to 0.1, on the notebooks' network.
type Fig11Settings struct {
	Net ConvNetSettings
	// Members is the size of each ensemble; 0 means the paper's 200.
	Members int
	// Eps is the ε of the members' g = e^{εT}; 0 means the paper's 10.
	Eps float64
	// FGSM are the strengths of FGSM; nil means the paper's 0, 0.003, …,
	// 0.012 and, beyond them, 0.025, 0.05, 0.075 and 0.1.
	FGSM []float64
	// PGD are the iteration counts of PGD; nil means the paper's 0, 1, 2, 3.
	PGD []int
	// Test, if positive, attacks the first Test test images; 0 means the
	// paper's 1000.
	Test int
	// NoWhiteBoxPGD skips the white-box PGD attacks, the most expensive
	// (their curves are then NaN).
	NoWhiteBoxPGD bool
}

// The official PGD: advertorch's defaults, radius 0.3, step 0.01, random
// start.
const (
	Fig11PGDRadius = 0.3
	Fig11PGDStep   = 0.01
)

func (s Fig11Settings) withDefaults() (Fig11Settings, error) {
	s.Members, s.Eps, s.Test = cmp.Or(s.Members, 200), cmp.Or(s.Eps, 10), cmp.Or(s.Test, 1000)
	if s.FGSM == nil {
		s.FGSM = []float64{0, 0.003, 0.006, 0.009, 0.012, 0.025, 0.05, 0.075, 0.1}
	}
	if s.PGD == nil {
		s.PGD = []int{0, 1, 2, 3}
	}
	if s.Members < 1 || s.Eps < 0 || s.Test < 0 {
		return s, fmt.Errorf("zhao2023: Fig11: Members %d, Eps %g, Test %d", s.Members, s.Eps, s.Test)
	}
	for _, e := range s.FGSM {
		if e < 0 {
			return s, fmt.Errorf("zhao2023: Fig11: FGSM strength %g < 0", e)
		}
	}
	for _, n := range s.PGD {
		if n < 0 {
			return s, fmt.Errorf("zhao2023: Fig11: %d PGD iterations", n)
		}
	}
	return s, nil
}

// Fig11Curves are accuracies along one attack-strength axis. The attacks of
// the first four are crafted on the original network and shown to every
// model (transfer, the paper's); the white-box ones are crafted on the group
// ensemble itself.
type Fig11Curves struct {
	Original, Group, Inverse, Interpolated []float64
	// WhiteMean follows the loss of the ensemble's averaged probabilities,
	// −log (1/K) Σ_i softmax(z_i)_y; WhiteMembers the members' mean
	// cross-entropy (1/K) Σ_i CE(z_i, y).
	WhiteMean, WhiteMembers []float64
}

// Fig11Paper are the accuracies the paper prints for Fig. 11 (CIFAR-10,
// 1000 images, original / group ensemble), by attack.
var Fig11Paper = []struct {
	Attack          string
	Original, Group float64
}{
	{"FGSM 0", 0.598, 0.538}, {"FGSM 0.003", 0.210, 0.223}, {"FGSM 0.006", 0.133, 0.158},
	{"FGSM 0.009", 0.066, 0.109}, {"FGSM 0.012", 0.028, 0.083}, {"PGD 1", 0.006, 0.038},
}

// Fig11Result holds Fig. 11 and the measurements that explain it.
type Fig11Result struct {
	// Data describes the data; Synthetic reports the stand-in; Model
	// describes the network.
	Data, Model string
	Synthetic   bool
	Members     int
	Eps         float64
	Test        int
	// FGSMEps and PGDIters are the attack strengths; FGSM and PGD the
	// accuracies along them.
	FGSMEps  []float64
	PGDIters []int
	FGSM     Fig11Curves
	PGD      Fig11Curves
	// Clean holds the accuracies on the unattacked images.
	Clean struct{ Original, Group, Inverse, Interpolated float64 }
	// Clipped is the original's accuracy on the clean images clipped to
	// [0, 1], the official notebook's clipping (every negative pixel set to
	// 0), without any attack.
	Clipped float64
	// SaturatedOriginal and SaturatedMembers are the fractions of softmaxes
	// with a top probability above 0.99 on the clean images: the original's,
	// and the group members' (all members, all images).
	SaturatedOriginal, SaturatedMembers float64
	// MemberAccuracy is a group member's clean accuracy, averaged over the
	// members.
	MemberAccuracy float64
}

// Fig11 reproduces the paper's Fig. 11 (Sec. 4): robustness of the group
// ensemble to adversarial examples, with the flaws of the official notebook
// removed and a white-box check added.
//
// The network is TrainedConvNet's; the ensembles are Fig10's, Members
// members at ε = Eps, each fitted on its own h training images: the group
// action, the linear action g⁻¹ and the interpolated permutation, predicting
// by majority vote. On the first Test test images x with labels y:
//
//	FGSM:  x′ = clip_[−½, ½](x + ε sign ∇ₓL(x, y)),
//	PGD:   x⁰ = x + U[−0.3, 0.3]^d,  xᵗ⁺¹ = Π(xᵗ + 0.01 sign ∇ₓL(xᵗ, y)),
//
// Π projecting onto the ℓ∞ ball of radius 0.3 around x and onto [−½, ½]
// (the data's range: the official notebook clipped centred images to [0, 1]
// and applied its attack twice). With L the original's cross-entropy the
// attack is transferred, and its images are shown to every model (the
// paper's); with L the group ensemble's own loss (Fig11Curves) it is
// white-box. Clean images also give Clipped, the saturation of the
// softmaxes and a member's own accuracy, which explain the white-box curves.
func Fig11(s Fig11Settings) (*Fig11Result, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, err
	}
	tn, err := TrainedConvNet(s.Net)
	if err != nil {
		return nil, err
	}
	fit, err := tn.Fit(s.Members)
	if err != nil {
		return nil, err
	}
	es := map[ensemble.Kind]*ensemble.Ensemble{}
	for _, k := range []ensemble.Kind{ensemble.Group, ensemble.Inverse, ensemble.Interpolated} {
		es[k] = ensemble.New(tn.Net, ensemble.Settings{Kind: k, Eps: s.Eps, Size: s.Members, Seed: ensSeed(s.Net.Seed), Fit: fit})
	}
	x, y := tn.TestSet(s.Test)
	r := &Fig11Result{Data: tn.Data.String(), Model: fmt.Sprint(tn.Model), Synthetic: tn.Data.Synthetic(),
		Members: s.Members, Eps: s.Eps, Test: len(y), FGSMEps: s.FGSM, PGDIters: s.PGD}
	advClean(r, tn, es, x, y)
	box := attack.Box{Lo: tn.Data.Lo, Hi: tn.Data.Hi}
	for _, e := range s.FGSM {
		if e == 0 { // FGSM at ε = 0 leaves the images as they are
			c := r.Clean
			advAppend(&r.FGSM, c.Original, c.Group, c.Inverse, c.Interpolated, c.Group, c.Group)
			continue
		}
		advRecord(&r.FGSM, tn, es, y, false, true, func(g attack.Gradient) *mat.Dense { return attack.FGSM(nil, x, y, g, e, box) })
	}
	for _, it := range s.PGD {
		pgd := attack.PGD{Eps: Fig11PGDRadius, Step: Fig11PGDStep, Iters: it, RandomStart: true, Seed: 3 + s.Net.Seed, Box: box}
		advRecord(&r.PGD, tn, es, y, it == 0, !s.NoWhiteBoxPGD, func(g attack.Gradient) *mat.Dense { return pgd.Attack(nil, x, y, g) })
	}
	return r, nil
}

// advVote returns the majority-vote accuracy of all of e's members on
// pre-activations H (ensemble.Vote of their logits, counted without keeping
// them).
func advVote(e *ensemble.Ensemble, H *mat.Dense, y []int) float64 {
	return e.VoteAccuracy(H, y, []int{len(e.Members)})[0]
}

// advAccuracy returns the fraction of the predicted classes that are the
// labels.
func advAccuracy(pred, y []int) float64 {
	n := 0
	for i, c := range pred {
		if c == y[i] {
			n++
		}
	}
	return float64(n) / float64(len(y))
}

// advAppend appends one attack's accuracies to the curves.
func advAppend(c *Fig11Curves, orig, group, inverse, interpolated, whiteMean, whiteMembers float64) {
	c.Original, c.Group = append(c.Original, orig), append(c.Group, group)
	c.Inverse, c.Interpolated = append(c.Inverse, inverse), append(c.Interpolated, interpolated)
	c.WhiteMean, c.WhiteMembers = append(c.WhiteMean, whiteMean), append(c.WhiteMembers, whiteMembers)
}

// advRecord appends to c the accuracies on the adversarial images that adv
// crafts from a gradient: the original's transferred to every model and,
// if white, the group ensemble's two white-box losses (NaN otherwise). An
// attack that takes no gradient step (blind) is the same whatever the
// gradient, and is made once.
func advRecord(c *Fig11Curves, tn *TrainedConvNetResult, es map[ensemble.Kind]*ensemble.Ensemble, y []int, blind, white bool, adv func(attack.Gradient) *mat.Dense) {
	H := tn.Hidden(adv(attack.ModelGradient(tn.Model, tn.Params)))
	g := es[ensemble.Group]
	group := advVote(g, H, y)
	mean, members := math.NaN(), math.NaN()
	switch {
	case blind:
		mean, members = group, group
	case white:
		mean = advVote(g, tn.Hidden(adv(g.Gradient(len(g.Members)))), y)
		members = advVote(g, tn.Hidden(adv(g.MemberGradient(len(g.Members)))), y)
	}
	advAppend(c, nn.Accuracy(tn.Logits(H), y), group, advVote(es[ensemble.Inverse], H, y),
		advVote(es[ensemble.Interpolated], H, y), mean, members)
}

// advClean fills the measurements on the clean images x.
func advClean(r *Fig11Result, tn *TrainedConvNetResult, es map[ensemble.Kind]*ensemble.Ensemble, x *mat.Dense, y []int) {
	H := tn.Hidden(x)
	z0, g := tn.Logits(H), es[ensemble.Group]
	z := g.Logits(H, len(g.Members))
	r.Clean.Original, r.Clean.Group = nn.Accuracy(z0, y), advAccuracy(ensemble.Vote(z), y)
	r.Clean.Inverse, r.Clean.Interpolated = advVote(es[ensemble.Inverse], H, y), advVote(es[ensemble.Interpolated], H, y)
	clipped := mat.DenseCopyOf(x)
	clipped.Apply(func(_, _ int, v float64) float64 { return max(v, 0) }, clipped)
	r.Clipped = nn.Accuracy(tn.Logits(tn.Hidden(clipped)), y)
	for _, zi := range z {
		r.MemberAccuracy += nn.Accuracy(zi, y) / float64(len(z))
	}
	r.SaturatedOriginal, r.SaturatedMembers = advSaturated(z0), advSaturated(z...)
}

// advSaturated returns the fraction of the columns of the logit matrices
// whose softmax has a top probability above 0.99.
func advSaturated(zs ...*mat.Dense) float64 {
	n, sat := 0, 0
	for _, z := range zs {
		p := ensemble.Average([]*mat.Dense{z})
		_, N := p.Dims()
		for j := range N {
			n++
			if mat.Max(p.ColView(j)) > 0.99 {
				sat++
			}
		}
	}
	return float64(sat) / float64(n)
}

// FirstGain returns the smallest FGSM strength at which the group
// ensemble's accuracy under the transferred attack is above the original's,
// and false if there is none.
func (r *Fig11Result) FirstGain() (eps float64, ok bool) {
	for i, e := range r.FGSMEps {
		if r.FGSM.Group[i] > r.FGSM.Original[i] {
			return e, true
		}
	}
	return 0, false
}

// advCurves names the curves of the figure and the table, in order.
var advCurves = []struct {
	name string
	get  func(c *Fig11Curves) []float64
}{
	{"original", func(c *Fig11Curves) []float64 { return c.Original }},
	{"group", func(c *Fig11Curves) []float64 { return c.Group }},
	{"interpolated permutation", func(c *Fig11Curves) []float64 { return c.Interpolated }},
	{"g⁻¹", func(c *Fig11Curves) []float64 { return c.Inverse }},
	{"group, white-box (mean softmax)", func(c *Fig11Curves) []float64 { return c.WhiteMean }},
	{"group, white-box (members' loss)", func(c *Fig11Curves) []float64 { return c.WhiteMembers }},
}

// Figure returns the two panels of Fig. 11, FGSM and PGD: the transfer
// curves solid, the white-box ones dashed in dark green.
func (r *Fig11Result) Figure() ([][]*plot.Plot, error) {
	its := make([]float64, len(r.PGDIters))
	for i, n := range r.PGDIters {
		its[i] = float64(n)
	}
	y := fmt.Sprintf("accuracy on %d test images", r.Test)
	pf, err := advPanel(show.Axes{Title: "FGSM (transferred from the original unless said)", X: "ε of FGSM", Y: y}, r.FGSMEps, &r.FGSM)
	if err != nil {
		return nil, err
	}
	pp, err := advPanel(show.Axes{Title: fmt.Sprintf("PGD, ε = %g, step %g, random start", Fig11PGDRadius, Fig11PGDStep), X: "PGD iterations", Y: y}, its, &r.PGD)
	if err != nil {
		return nil, err
	}
	return [][]*plot.Plot{{pf, pp}}, nil
}

// Plot draws Figure in the notebook.
func (r *Fig11Result) Plot() error {
	fig, err := r.Figure()
	if err != nil {
		return err
	}
	return show.Grid(fig, show.Settings{Width: 13 * vg.Inch, Height: 5.5 * vg.Inch})
}

// advPanel draws the curves of c against xs.
func advPanel(a show.Axes, xs []float64, c *Fig11Curves) (*plot.Plot, error) {
	var ss []show.Series
	for _, cv := range advCurves[:4] { // the figure's fonts have no superscript minus
		ss = append(ss, show.Series{Name: strings.ReplaceAll(cv.name, "g⁻¹", "g^-1"), X: xs, Y: cv.get(c)})
	}
	p, err := show.Lines(a, ss...)
	if err != nil {
		return nil, err
	}
	dashes := [][]vg.Length{{vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}}
	for i, cv := range advCurves[4:] {
		var xy plotter.XYs
		for j, v := range cv.get(c) {
			if !math.IsNaN(v) { // an attack not made (NoWhiteBoxPGD)
				xy = append(xy, plotter.XY{X: xs[j], Y: v})
			}
		}
		if len(xy) == 0 {
			continue
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Width, l.Dashes, l.Color = vg.Points(1.5), dashes[i], color.RGBA{R: 30, G: 120, B: 30, A: 255}
		p.Add(l)
		p.Legend.Add(cv.name, l)
	}
	p.Legend.Top, p.Legend.Left = false, true // low left, above the g^-1 line
	p.Legend.XOffs, p.Legend.YOffs = 0.1*vg.Inch, 0.45*vg.Inch
	return p, nil
}

// Table returns the closing table of the notebook: every curve at every
// attack strength, beside the paper's CIFAR-10 accuracies where it prints
// them, with the tests that assert them.
func (r *Fig11Result) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("One network, one draw: asserted by TestFig11WhiteBox and TestFig11PGD, the transfer curves over five networks by TestFig11Runs (lib/repro/zhao2023). "+
			"Accuracy on the first %d test images of %s; paper: 1000 CIFAR-10 images, clipped to [0, 1].", r.Test, r.Data),
		Header: []string{"attack"},
		Format: "%.3f",
	}
	for _, cv := range advCurves {
		t.Header = append(t.Header, cv.name)
	}
	t.Header = append(t.Header, "paper: original / group")
	paper := map[string]string{}
	for _, p := range Fig11Paper {
		paper[p.Attack] = fmt.Sprintf("%.3f / %.3f", p.Original, p.Group)
	}
	row := func(name string, c *Fig11Curves, i int) {
		cells := []any{name}
		for _, cv := range advCurves {
			cells = append(cells, cv.get(c)[i])
		}
		t.AddRow(append(cells, paper[strings.TrimSuffix(name, " iterations")])...)
	}
	for i, e := range r.FGSMEps {
		row(fmt.Sprintf("FGSM %g", e), &r.FGSM, i)
	}
	for i, n := range r.PGDIters {
		row(fmt.Sprintf("PGD %d iterations", n), &r.PGD, i)
	}
	return t
}

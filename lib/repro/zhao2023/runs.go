package zhao2023

import (
	"cmp"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/stats"
)

// trainRuns returns the networks of runs s.Seed, s.Seed+1, …,
// s.Seed+n−1, trained (or loaded from the cache) two at a time on the
// machine's cores. They share one copy of the data (decoding Fashion-MNIST
// costs about a second).
func trainRuns(s ConvNetSettings, n int) ([]*TrainedConvNetResult, error) {
	d, err := convNetData(s)
	if err != nil {
		return nil, err
	}
	nets, errs := make([]*TrainedConvNetResult, n), make([]error, n)
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			si := s
			si.Seed = s.Seed + uint64(i)
			nets[i], errs[i] = trainConvNet(si, d)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return nets, nil
}

// drawSeed is the members' seed of draw d on the network of run seed; draw
// 0 is the draw of Fig10 and Fig11.
func drawSeed(seed uint64, d int) uint64 { return ensSeed(seed) + 1000*uint64(d) }

// parallel runs f(0), …, f(n−1) on the machine's cores.
func parallel(n int, f func(i int)) {
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// Fig10RunsSettings set up Fig10Runs. The zero value is notebook 08's: five
// networks (runs 0–4 of ConvNetSettings) × five draws of members, ensembles
// of 10 and 60 members, every test image.
type Fig10RunsSettings struct {
	// Net is the networks' setting; its Seed is the first run's.
	Net ConvNetSettings
	// Nets and Draws are the numbers of independently trained networks and
	// of draws of members on each; 0 means 5.
	Nets, Draws int
	// Sizes are the ensemble sizes; nil means {10, 60}.
	Sizes []int
	// Test, if positive, evaluates on the first Test test images; 0 means
	// all of them.
	Test int
}

// Fig10RunCells are the (kind, ε) of Fig. 10 that Fig10Runs repeats: the
// group ensemble where the paper states a tolerance (ε ≤ 0.1) and where it
// degrades (ε ≥ 1), the baselines where they collapse.
var Fig10RunCells = []struct {
	Kind ensemble.Kind
	Eps  float64
}{
	{ensemble.Group, 0.01}, {ensemble.Group, 0.1}, {ensemble.Group, 1}, {ensemble.Group, 10},
	{ensemble.Inverse, 1}, {ensemble.Inverse, 10}, {ensemble.Random, 1}, {ensemble.Random, 10},
	{ensemble.Interpolated, 10},
}

// Fig10Gap is one cell of Fig. 10 over the runs: the majority-vote accuracy
// of an ensemble and its gap to the original, mean and 95% t-interval over
// the networks, each network's value being the mean over its draws.
type Fig10Gap struct {
	Kind ensemble.Kind
	Eps  float64
	Size int
	Acc  stats.Interval
	Gap  stats.Interval
	// NetGap is each network's gap (mean over draws); MaxDraw the largest
	// |gap| of a single draw.
	NetGap  []float64
	MaxDraw float64
}

// Fig10RunsResult holds Fig10Runs.
type Fig10RunsResult struct {
	Data, Model       string
	Synthetic         bool
	Nets, Draws, Test int
	Sizes             []int
	Original          stats.Interval
	NetOriginal       []float64
	Gaps              []Fig10Gap
}

// Fig10Runs repeats the cells Fig10RunCells of Fig. 10 on Nets
// independently trained networks (TrainedConvNet, runs s.Net.Seed, …) with
// Draws independent draws of members on each (member seeds differ, batches
// are the same), and summarises each cell by the mean over draws on each
// network and a 95% t-interval over the networks (stats.MeanCI): the
// networks are the independent units, the draws are nested in them. A gap
// interval that excludes 0 is a difference between the ensemble and the
// original; the paper's ±0.003 holds where the whole interval lies in
// [−0.003, 0.003].
func Fig10Runs(s Fig10RunsSettings) (*Fig10RunsResult, error) {
	s.Nets, s.Draws = cmp.Or(s.Nets, 5), cmp.Or(s.Draws, 5)
	if s.Sizes == nil {
		s.Sizes = []int{10, 60}
	}
	if s.Nets < 2 || s.Draws < 1 || len(s.Sizes) == 0 || s.Test < 0 {
		return nil, fmt.Errorf("zhao2023: Fig10Runs: %d networks, %d draws, sizes %v, Test %d: want ≥ 2 networks", s.Nets, s.Draws, s.Sizes, s.Test)
	}
	for i, k := range s.Sizes {
		if k < 1 || i > 0 && k <= s.Sizes[i-1] {
			return nil, fmt.Errorf("zhao2023: Fig10Runs: sizes %v: want positive and increasing", s.Sizes)
		}
	}
	nets, err := trainRuns(s.Net, s.Nets)
	if err != nil {
		return nil, err
	}
	K := s.Sizes[len(s.Sizes)-1]
	// acc[n][c][d][j]: network n, cell c, draw d, size j.
	acc := make([][][][]float64, s.Nets)
	orig := make([]float64, s.Nets)
	errs := make([]error, s.Nets)
	parallel(s.Nets, func(n int) {
		tn := nets[n]
		fit, err := tn.Fit(K)
		if err != nil {
			errs[n] = err
			return
		}
		x, y := tn.TestSet(s.Test)
		H := tn.Hidden(x)
		orig[n] = nn.Accuracy(tn.Logits(H), y)
		acc[n] = make([][][]float64, len(Fig10RunCells))
		for c, cell := range Fig10RunCells {
			for d := range s.Draws {
				e := ensemble.New(tn.Net, ensemble.Settings{Kind: cell.Kind, Eps: cell.Eps, Size: K,
					Seed: drawSeed(s.Net.Seed+uint64(n), d), Fit: fit})
				v := e.VoteAccuracy(H, y, s.Sizes)
				acc[n][c] = append(acc[n][c], v)
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	r := &Fig10RunsResult{Data: nets[0].Data.String(), Model: fmt.Sprint(nets[0].Model), Synthetic: nets[0].Data.Synthetic(),
		Nets: s.Nets, Draws: s.Draws, Test: len(nets[0].Data.Test.Labels), Sizes: s.Sizes,
		Original: stats.MeanCI(orig), NetOriginal: orig}
	if s.Test > 0 {
		r.Test = min(s.Test, r.Test)
	}
	for c, cell := range Fig10RunCells {
		for j, k := range s.Sizes {
			g := Fig10Gap{Kind: cell.Kind, Eps: cell.Eps, Size: k}
			var a []float64
			for n := range s.Nets {
				mean, gap := 0.0, 0.0
				for d := range s.Draws {
					v := acc[n][c][d][j]
					mean += v / float64(s.Draws)
					gap += (v - orig[n]) / float64(s.Draws)
					g.MaxDraw = max(g.MaxDraw, abs(v-orig[n]))
				}
				a, g.NetGap = append(a, mean), append(g.NetGap, gap)
			}
			g.Acc, g.Gap = stats.MeanCI(a), stats.MeanCI(g.NetGap)
			r.Gaps = append(r.Gaps, g)
		}
	}
	return r, nil
}

func abs(v float64) float64 { return max(v, -v) }

// Gap returns the cell of kind k at ε eps with size members; ok is false if
// the result has none.
func (r *Fig10RunsResult) Gap(k ensemble.Kind, eps float64, size int) (g Fig10Gap, ok bool) {
	for _, g := range r.Gaps {
		if g.Kind == k && g.Eps == eps && g.Size == size {
			return g, true
		}
	}
	return Fig10Gap{}, false
}

// Verdict says what a gap interval shows against the paper's statement
// about its cell: for the group ensemble at ε ≤ 0.1, whether the interval
// lies within ±Fig10Paper.GroupTolerance; elsewhere whether it excludes 0.
func (g Fig10Gap) Verdict() string {
	tol := Fig10Paper.GroupTolerance
	if g.Kind == ensemble.Group && g.Eps <= 0.1 {
		switch {
		case g.Gap.Within(-tol, tol):
			return fmt.Sprintf("within ±%g", tol)
		case g.Gap.Hi < -tol || g.Gap.Lo > tol:
			return fmt.Sprintf("outside ±%g", tol)
		}
		return fmt.Sprintf("crosses ±%g", tol)
	}
	switch {
	case g.Gap.Hi < 0:
		return "loss"
	case g.Gap.Lo > 0:
		return "gain"
	}
	return "no difference"
}

// fig10Expect is the paper's statement about a cell.
func fig10Expect(k ensemble.Kind, eps float64) string {
	switch {
	case k == ensemble.Group && eps <= 0.1:
		return fmt.Sprintf("within ±%g", Fig10Paper.GroupTolerance)
	case k == ensemble.Group:
		return "degrades"
	case k == ensemble.Inverse || k == ensemble.Random:
		return fmt.Sprintf("collapses (chance %g)", Fig10Paper.Chance)
	}
	return "—"
}

// Table returns every cell: accuracy and gap to the original with their
// intervals, the largest single draw, the paper's statement and the verdict.
func (r *Fig10RunsResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("%s, σ = %s: mean ± 95%% t-interval over %d independently trained networks "+
			"(each the mean of %d draws of members), majority vote on %d test images of %s. Original: %s. "+
			"Asserted by TestFig10Runs and TestFig10ReLU2 (lib/repro/zhao2023).",
			r.Model, r.act(), r.Nets, r.Draws, r.Test, r.Data, r.Original.PlusMinus(4, false)),
		Header: []string{"ensemble", "ε", "members", "accuracy", "− original", "largest |gap| of one draw", "paper", "verdict"},
	}
	for _, g := range r.Gaps {
		t.AddRow(ensLabel(g.Kind), fmt.Sprint(g.Eps), fmt.Sprint(g.Size), g.Acc.PlusMinus(4, false),
			g.Gap.PlusMinus(4, true), fmt.Sprintf("%.4f", g.MaxDraw), fig10Expect(g.Kind, g.Eps), g.Verdict())
	}
	return t
}

// act names σ from the model's description.
func (r *Fig10RunsResult) act() string {
	if strings.Contains(r.Model, nn.ReLU2.Name) {
		return "relu²"
	}
	return "LeakyReLU(0.1)"
}

// claimVerdict says what intervals show against a tolerance ±tol: "holds"
// when every interval lies within it, "fails" when one lies wholly outside,
// else "not established".
func claimVerdict(tol float64, ivs ...stats.Interval) string {
	v := "holds"
	for _, iv := range ivs {
		switch {
		case iv.Hi < -tol || iv.Lo > tol:
			return "fails"
		case !iv.Within(-tol, tol):
			v = "not established"
		}
	}
	return v
}

// Fig10Claims returns the closing table of notebook 08: each of the paper's
// claims about Fig. 10, the intervals measured for it on the networks with
// σ = LeakyReLU(0.1) (leaky) and with the official relu² (relu2, may be
// nil), and whether it survives.
func Fig10Claims(leaky, relu2 *Fig10RunsResult) show.Table {
	t := show.Table{
		Caption: "The paper's claims about Fig. 10 against mean ± 95% t-intervals over five independently trained networks × five draws " +
			"(Fig10Runs). Asserted by TestFig10Runs and TestFig10ReLU2 (lib/repro/zhao2023).",
		Header: []string{"claim (paper)", "σ", "measured", "survives?"},
	}
	tol := Fig10Paper.GroupTolerance
	for _, r := range []*Fig10RunsResult{leaky, relu2} {
		if r == nil {
			continue
		}
		act := r.act()
		var sizes []int
		for _, k := range r.Sizes {
			sizes = append(sizes, k)
		}
		gaps := func(k ensemble.Kind, eps float64, acc bool) ([]stats.Interval, string) {
			var ivs []stats.Interval
			var s []string
			for _, n := range sizes {
				g, ok := r.Gap(k, eps, n)
				if !ok {
					continue
				}
				iv := g.Gap
				if acc {
					iv = g.Acc
				}
				ivs = append(ivs, iv)
				s = append(s, fmt.Sprintf("%d: %s", n, iv.PlusMinus(4, !acc)))
			}
			return ivs, strings.Join(s, "; ")
		}
		for _, eps := range []float64{0.01, 0.1} {
			ivs, m := gaps(ensemble.Group, eps, false)
			t.AddRow(fmt.Sprintf("group within ±%g of the original, ε = %g", tol, eps), act, "members "+m, claimVerdict(tol, ivs...))
		}
		for _, eps := range []float64{1, 10} {
			ivs, m := gaps(ensemble.Group, eps, false)
			v := "yes"
			for _, iv := range ivs {
				if !(iv.Hi < 0) {
					v = "not established"
				}
			}
			t.AddRow(fmt.Sprintf("group degrades, ε = %g", eps), act, "members "+m, v)
		}
		for _, k := range []ensemble.Kind{ensemble.Inverse, ensemble.Random} {
			for _, eps := range []float64{1, 10} {
				ivs, m := gaps(k, eps, true)
				if len(ivs) == 0 {
					continue
				}
				v := "yes"
				for _, iv := range ivs {
					if !(iv.Hi < 2*Fig10Paper.Chance) {
						v = "no: above twice chance"
					}
				}
				t.AddRow(fmt.Sprintf("%s collapses (accuracy), ε = %g", ensLabel(k), eps), act, "members "+m, v)
			}
		}
	}
	return t
}

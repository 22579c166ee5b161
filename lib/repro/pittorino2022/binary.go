package pittorino2022

// Notebook 13: binary networks. The same picture (symmetry removal,
// barriers, flatness) for networks whose weights and activations are ±1.

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
)

// BinaryModel returns the binary network of notebook 13, 784-64-64-10.
func BinaryModel() landscape.BinaryMLP { return landscape.BinaryMLP{Sizes: Sizes} }

// BinaryRecipes are the samplers of binary minima: Adam on the latent
// weights at batch 32 and learning rate 0.005 (the reference), a large
// batch (512), and replicated SGD (three replicas, learning rate 0.5: the
// latent weights lie in [−1, 1] and the 1/√n scaling makes their gradients
// small, so plain SGD needs a large rate; at 0.05 it barely moves them).
func BinaryRecipes() []landscape.Sampler {
	return []landscape.Sampler{
		{Name: "Adam", Method: landscape.Adam, BatchSize: 32, LR: 0.005},
		{Name: "Adam, large batch (512)", Method: landscape.Adam, BatchSize: 512, LR: 0.005},
		{Name: "replicated SGD", Method: landscape.Replicated, BatchSize: 32, LR: 0.5},
	}
}

// BinaryMinimumSettings name one binary minimum.
type BinaryMinimumSettings struct {
	Recipe, Seed  int // index into BinaryRecipes(), initialisation
	Epochs, Train int // 0: 4 epochs, all training images
}

// TrainBinaryMinimum trains BinaryModel() with BinaryRecipes()[Recipe]
// from latent weights uniform in [−1, 1] drawn from rand.NewPCG(Seed, 2),
// and measures it on the training and test sets. Theta holds the signs of
// the latent weights: the binary network itself.
func TrainBinaryMinimum(s BinaryMinimumSettings) (*Minimum, error) {
	all := BinaryRecipes()
	if s.Recipe < 0 || s.Recipe >= len(all) {
		return nil, fmt.Errorf("pittorino2022: TrainBinaryMinimum: recipe %d, have %d", s.Recipe, len(all))
	}
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	d, err := loadData(s.Train, 0)
	if err != nil {
		return nil, err
	}
	m := BinaryModel()
	rc := all[s.Recipe]
	rc.Epochs = s.Epochs
	p := m.Init(rand.New(rand.NewPCG(uint64(s.Seed), 2)), nil)
	if err := landscape.Train(m, p, d.Train, rc, uint64(s.Seed)); err != nil {
		return nil, fmt.Errorf("pittorino2022: TrainBinaryMinimum: %v seed %d: %w", rc, s.Seed, err)
	}
	w := landscape.Signs(p.Vec())
	evTr, err := landscape.NewEvaluator(m, d.Train)
	if err != nil {
		return nil, err
	}
	evTe, err := landscape.NewEvaluator(m, d.Test)
	if err != nil {
		return nil, err
	}
	return &Minimum{Recipe: rc.String(), Seed: s.Seed, Theta: w, Train: evTr.Eval(w), Test: evTe.Eval(w)}, nil
}

// BinarySettings are the settings of Binary. The zero value is the
// notebook's.
type BinarySettings struct {
	Pairs  int // pairs of reference minima for the barriers; 0 means 4
	Seeds  int // minima per other recipe; 0 means 2
	Epochs int // 0 means 4
	Train  int // training images; 0 means all
	Test   int // test images; 0 means all
	Points int // on each path; 0 means 25
	// Flips are the flip probabilities of the local energy; nil means
	// 0.002, 0.005, 0.01, 0.02.
	Flips []float64
	Draws int // noise draws; 0 means 20
	// EnergyTrain is the number of training images of the local energy;
	// 0 means 10 000.
	EnergyTrain int
}

// Fast returns the preset the tests run: 2 pairs, 1 epoch on 10 000
// images, 11 points on 2000 test images, one flip probability (0.01) with
// 5 draws on 2000 images.
func (s BinarySettings) Fast() BinarySettings {
	s.Pairs, s.Epochs, s.Train, s.Test, s.Points = 2, 1, 10000, 2000, 11
	s.Flips, s.Draws, s.EnergyTrain = []float64{0.01}, 5, 2000
	return s
}

func (s BinarySettings) withDefaults() BinarySettings {
	if s.Pairs <= 0 {
		s.Pairs = 4
	}
	if s.Seeds <= 0 {
		s.Seeds = 2
	}
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	if s.Points <= 0 {
		s.Points = 25
	}
	if s.Flips == nil {
		s.Flips = []float64{0.002, 0.005, 0.01, 0.02}
	}
	if s.Draws <= 0 {
		s.Draws = 20
	}
	if s.EnergyTrain <= 0 {
		s.EnergyTrain = 10000
	}
	return s
}

// BinaryPair is one pair of reference binary minima and its two paths.
type BinaryPair struct {
	SeedA, SeedB int
	// Naive and Aligned are the test-error profiles along a random
	// Hamming geodesic between the sign patterns, before and after the
	// second net's units are permuted to match the first's.
	Naive, Aligned landscape.Profile
	// Barriers on the test error.
	NaiveBarrier, AlignedBarrier float64
	// Hamming distances (fraction of differing weights) before and after
	// alignment.
	NaiveDistance, AlignedDistance float64
}

// BinaryResult holds the binary minima, their barriers and flatness.
type BinaryResult struct {
	Data   string
	Pairs  []BinaryPair
	Naive  Interval // test-error barrier of the naive geodesic
	Align  Interval // of the aligned geodesic
	Dist   [2]Interval
	Flips  []float64
	Minima []FlatMinimum
	// Rank[k]: Spearman's correlation of local energy at Flips[k] with the
	// test error, over Minima.
	Rank []Interval
}

// Binary repeats notebooks 10–12 for BinaryModel(): 2·Pairs minima of the
// reference recipe and Seeds of each other recipe (TrainBinaryMinimum),
// then
//
//   - barriers: between reference minima 2i and 2i+1, a random Hamming
//     geodesic (landscape.NewHamming, each differing weight flipped once at
//     a uniform time) between the sign patterns, and the same after the
//     second net's hidden units are aligned to the first's (cosine
//     matching on the signs, landscape.AlignParams); permutations are the
//     only symmetry of a binary net (see landscape.BinaryMLP);
//   - flatness: the local energy under weight flips with probability p
//     (landscape.Flip), on the first EnergyTrain training images, against
//     the test error.
func Binary(s BinarySettings) (*BinaryResult, error) {
	s = s.withDefaults()
	type job struct{ r, seed int }
	var jobs []job
	for seed := range 2 * s.Pairs {
		jobs = append(jobs, job{0, seed})
	}
	for r := 1; r < len(BinaryRecipes()); r++ {
		for seed := range s.Seeds {
			jobs = append(jobs, job{r, seed})
		}
	}
	ms, err := par.MapErr(len(jobs), func(i int) (Minimum, error) {
		mn, err := cache.Call(TrainBinaryMinimum, BinaryMinimumSettings{Recipe: jobs[i].r, Seed: jobs[i].seed, Epochs: s.Epochs, Train: s.Train})
		if err != nil {
			return Minimum{}, err
		}
		return *mn, nil
	})
	if err != nil {
		return nil, err
	}
	d, err := loadData(s.Train, s.Test)
	if err != nil {
		return nil, err
	}
	m := BinaryModel()
	evTe, err := landscape.NewEvaluator(m, d.Test)
	if err != nil {
		return nil, err
	}
	res := &BinaryResult{Data: d.Name, Flips: s.Flips}
	var nb, ab, nd, ad []float64
	for i := range s.Pairs {
		a, b := ms[2*i], ms[2*i+1]
		pa, pb := m.Params(), m.Params()
		copy(pa.Vec(), a.Theta)
		copy(pb.Vec(), b.Theta)
		al, _, err := landscape.AlignParams(m.MLP(), pa, pb, landscape.AlignSettings{})
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(uint64(i), 13))
		bp := BinaryPair{SeedA: a.Seed, SeedB: b.Seed,
			Naive:   landscape.Along(landscape.NewHamming(a.Theta, b.Theta, rng), evTe, s.Points),
			Aligned: landscape.Along(landscape.NewHamming(a.Theta, al.Vec(), rng), evTe, s.Points),
		}
		bp.NaiveBarrier, _ = bp.Naive.Barrier()
		bp.AlignedBarrier, _ = bp.Aligned.Barrier()
		bp.NaiveDistance, bp.AlignedDistance = hamming(a.Theta, b.Theta), hamming(a.Theta, al.Vec())
		res.Pairs = append(res.Pairs, bp)
		nb, ab = append(nb, bp.NaiveBarrier), append(ab, bp.AlignedBarrier)
		nd, ad = append(nd, bp.NaiveDistance), append(ad, bp.AlignedDistance)
	}
	res.Naive, res.Align = MeanCI(nb), MeanCI(ab)
	res.Dist = [2]Interval{MeanCI(nd), MeanCI(ad)}

	ev, err := landscape.NewEvaluator(m, subset(d.Train, s.EnergyTrain))
	if err != nil {
		return nil, err
	}
	noise := landscape.NoiseSettings{Noise: landscape.Flip, Draws: s.Draws, Seed: 13}
	test := make([]float64, len(ms))
	for i, mn := range ms {
		res.Minima = append(res.Minima, FlatMinimum{Minimum: mn, Energy: landscape.EnergyCurve(ev, mn.Theta, s.Flips, noise)})
		test[i] = mn.Test.Err
	}
	for k := range s.Flips {
		e := make([]float64, len(ms))
		for i, mn := range res.Minima {
			e[i] = mn.Energy[k].Rise.Err
		}
		res.Rank = append(res.Rank, Spearman(e, test))
	}
	return res, nil
}

// hamming returns the fraction of entries where the signs of a and b
// differ.
func hamming(a, b []float64) float64 {
	n := 0
	for i := range a {
		if (a[i] >= 0) != (b[i] >= 0) {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// Plot returns the test error along the naive and the aligned geodesic of
// pair i.
func (r *BinaryResult) Plot(i int) (*plot.Plot, error) {
	if i < 0 || i >= len(r.Pairs) {
		return nil, fmt.Errorf("pittorino2022: BinaryResult.Plot: pair %d of %d", i, len(r.Pairs))
	}
	bp := r.Pairs[i]
	return show.Lines(show.Axes{
		Title: fmt.Sprintf("binary nets %d and %d: test error along Hamming geodesics", bp.SeedA, bp.SeedB),
		X:     "t (fraction of the differing weights flipped)", Y: "test error",
	}, show.Series{Name: "naive", X: bp.Naive.T, Y: bp.Naive.Errs()},
		show.Series{Name: "units aligned", X: bp.Aligned.T, Y: bp.Aligned.Errs()})
}

// MinimaTable lists the binary minima with their flip local energy.
func (r *BinaryResult) MinimaTable() show.Table {
	t := show.Table{Header: []string{"recipe", "seed", "train error", "test error"}, Format: "%.4f"}
	for _, p := range r.Flips {
		t.Header = append(t.Header, fmt.Sprintf("δE(p = %g)", p))
	}
	for _, mn := range r.Minima {
		row := []any{mn.Recipe, mn.Seed, mn.Train.Err, mn.Test.Err}
		for _, e := range mn.Energy {
			row = append(row, fmt.Sprintf("%.4f ± %.4f", e.Rise.Err, e.SE.Err))
		}
		t.AddRow(row...)
	}
	return t
}

// Table returns the closing table.
func (r *BinaryResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Binary 784-64-64-10 nets on %s, %d pairs, mean [95%% t interval]. Asserted by TestBinary (go test ./lib/repro/pittorino2022 -run Binary) and TestBinarySigns (./lib/landscape).", r.Data, len(r.Pairs)),
		Header:  []string{"quantity", "measured", "reference"},
	}
	t.AddRow("Hamming distance between minima, naive", r.Dist[0].String(), "≈ 0.5: unrelated signs")
	t.AddRow("Hamming distance, units aligned", r.Dist[1].String(), "< naive")
	t.AddRow("test-error barrier, naive Hamming geodesic", r.Naive.String(), "high")
	t.AddRow("test-error barrier, aligned Hamming geodesic", r.Align.String(), "lower: the same picture as real nets (paper)")
	for k, p := range r.Flips {
		t.AddRow(fmt.Sprintf("Spearman(δE(p = %g), test error), %d minima", p, len(r.Minima)), r.Rank[k].String(), "> 0 (paper)")
	}
	return t
}

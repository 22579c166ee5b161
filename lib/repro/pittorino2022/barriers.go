package pittorino2022

// Notebook 12: geodesics and barriers. Between two SGD minima the chord in
// raw parameters rises high; removing permutations (and rescalings) lowers
// the barrier almost to nothing; a single bend takes it to zero.

import (
	"fmt"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/show"
)

// PathKinds names the paths of Barriers, in the order of its rows.
var PathKinds = []string{
	"naive linear",
	"aligned linear (weight matching)",
	"canonical + aligned chord",
	"per-unit slerp (geodesic)",
	"trained single bend",
}

// pathRefs are the reference test-error barriers ("derived").
var pathRefs = []float64{0.42, 0.04, 0.03, 0.03, 0.03}

// BarrierSettings are the settings of Barriers. The zero value is the
// notebook's setting.
type BarrierSettings struct {
	// Pairs of independently trained SGD minima; 0 means 5 (10 nets).
	Pairs int
	// Epochs of SGD per net; 0 means 4.
	Epochs int
	// Train and Test images; 0 means all.
	Train, Test int
	// Points on each path; 0 means 25.
	Points int
	// Bend trains the single bend; the zero value is landscape's default
	// (2 epochs) cut to 1 epoch.
	Bend landscape.BendSettings
	// Samplers are the minima whose distance and barrier are compared with
	// their flatness: the zero value is Minima's and Flatness's.
	Samplers MinimaSettings
	// Sigma is the multiplicative noise level of the samplers' local
	// energy; 0 means 0.2 (10 draws on EnergyTrain training images).
	Sigma float64
	// EnergyTrain is the number of training images of that local energy;
	// 0 means 10 000.
	EnergyTrain int
	// ZeroError sets the zero-error path experiment.
	ZeroError ZeroErrorSettings
}

// Fast returns the preset the tests run: 2 pairs trained as by Minima's
// fast preset (1 epoch on 10 000 images), 11 points on 2000 test images,
// the samplers of Minima's fast preset with local energy on 2000 images,
// ZeroError's fast preset.
func (s BarrierSettings) Fast() BarrierSettings {
	s.Pairs, s.Epochs, s.Train, s.Test, s.Points, s.EnergyTrain = 2, 1, 10000, 2000, 11, 2000
	s.Samplers = s.Samplers.Fast()
	s.ZeroError = s.ZeroError.Fast()
	return s
}

func (s BarrierSettings) withDefaults() BarrierSettings {
	if s.Pairs <= 0 {
		s.Pairs = 5
	}
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	if s.Points <= 0 {
		s.Points = 25
	}
	if s.Bend.Epochs <= 0 {
		s.Bend.Epochs = 1
	}
	if s.Sigma == 0 {
		s.Sigma = 0.2
	}
	if s.EnergyTrain <= 0 {
		s.EnergyTrain = 10000
	}
	return s
}

// PairPaths is one pair of minima and its five paths.
type PairPaths struct {
	SeedA, SeedB int
	// Profiles[k] is the path PathKinds[k] on the test set.
	Profiles []landscape.Profile
	// Barrier[k] is the test-error barrier of path k, LossBarrier[k] the
	// test-loss barrier.
	Barrier, LossBarrier []float64
	// Distance is the geodesic distance of the canonical forms after
	// alignment; Unaligned before.
	Distance, Unaligned float64
}

// SamplerPair is the pair of minima a recipe drew from two seeds.
type SamplerPair struct {
	Recipe string
	// Energy is the mean local energy of the two at Sigma.
	Energy float64
	// TestErr is their mean test error.
	TestErr float64
	// Distance is the geodesic distance of their aligned canonical forms;
	// Barrier the test-error barrier of the slerp between them.
	Distance, Barrier float64
}

// BarrierResult holds the pairs, the barrier table and the samplers.
type BarrierResult struct {
	Data  string
	Pairs []PairPaths
	// Mean[k] is the mean test-error barrier of PathKinds[k] over the pairs
	// with its t interval; Loss[k] the same for the loss.
	Mean, Loss []Interval
	Sigma      float64
	Samplers   []SamplerPair
	// RankDistance and RankBarrier are Spearman's correlations, over the
	// samplers, of local energy with distance and with barrier.
	RankDistance, RankBarrier float64
	ZeroError                 *ZeroErrorResult
}

// Barriers trains 2·Pairs nets by SGD (Minima with the reference recipe,
// seeds 0, 1, …) and joins nets 2i and 2i+1 by five paths, evaluated at
// Points points on the 10 000 test images:
//
//  1. the chord in raw parameters;
//  2. the chord after aligning the second net's units to the first's by
//     Git Re-Basin's weight matching (landscape.AlignParams);
//  3. the chord between the canonical forms (landscape.Canonicalize) after
//     cosine alignment (landscape.Align), on the spheres' coordinates;
//  4. the geodesic of the product of spheres between the same two points,
//     each unit on its great circle (landscape.Sphered with Slerp);
//  5. a polygonal chain with one bend between the weight-matched ends,
//     the bend trained by SGD with momentum on E_t L(w(t)) (1 epoch,
//     landscape.TrainBend).
//
// The barrier of each is max_t E(w(t)) − ½(E(a) + E(b)) (Profile.Barrier),
// averaged over the pairs with a t interval.
//
// It then takes the minima of Minima(Samplers) (the samplers of notebook
// 11), and for each recipe measures the distance between its two minima's
// aligned canonical forms, the slerp barrier between them and their local
// energy, to compare flatness with distance and barrier; and runs
// ZeroError.
func Barriers(s BarrierSettings) (*BarrierResult, error) {
	s = s.withDefaults()
	m := Model()
	mr, err := Minima(MinimaSettings{Seeds: 2 * s.Pairs, Epochs: s.Epochs, Train: s.Train, Recipes: []int{0}})
	if err != nil {
		return nil, err
	}
	d, err := loadData(s.Train, s.Test)
	if err != nil {
		return nil, err
	}
	evTe, err := landscape.NewEvaluator(m, d.Test)
	if err != nil {
		return nil, err
	}
	res := &BarrierResult{Data: d.Name, Sigma: s.Sigma}
	for i := 0; i < s.Pairs; i++ {
		pp, err := pairPaths(mr.Minima[2*i], mr.Minima[2*i+1], evTe, d.Train, s)
		if err != nil {
			return nil, err
		}
		res.Pairs = append(res.Pairs, *pp)
	}
	for k := range PathKinds {
		var b, l []float64
		for _, pp := range res.Pairs {
			b, l = append(b, pp.Barrier[k]), append(l, pp.LossBarrier[k])
		}
		res.Mean, res.Loss = append(res.Mean, MeanCI(b)), append(res.Loss, MeanCI(l))
	}

	sm, err := Minima(s.Samplers)
	if err != nil {
		return nil, err
	}
	evTr, err := landscape.NewEvaluator(m, subset(d.Train, s.EnergyTrain))
	if err != nil {
		return nil, err
	}
	var en, dist, bar []float64
	for _, rc := range sm.Recipes {
		ms := sm.Of(rc)
		if len(ms) < 2 {
			continue
		}
		a, b := ms[0], ms[1]
		ca, _ := landscape.Canonicalize(m, params(a.Theta))
		cb, _ := landscape.Canonicalize(m, params(b.Theta))
		cba, _, err := landscape.Align(ca, cb, landscape.AlignSettings{})
		if err != nil {
			return nil, err
		}
		sp := SamplerPair{Recipe: rc, TestErr: (a.Test.Err + b.Test.Err) / 2}
		sp.Distance, _ = landscape.Distance(ca, cba)
		path, _ := landscape.NewSphered(ca, cba, true)
		sp.Barrier, _ = landscape.Along(path, evTe, s.Points).Barrier()
		noise := landscape.NoiseSettings{Draws: 10, Seed: 11}
		sp.Energy = (landscape.LocalEnergy(evTr, a.Theta, s.Sigma, noise).Rise.Err + landscape.LocalEnergy(evTr, b.Theta, s.Sigma, noise).Rise.Err) / 2
		res.Samplers = append(res.Samplers, sp)
		en, dist, bar = append(en, sp.Energy), append(dist, sp.Distance), append(bar, sp.Barrier)
	}
	res.RankDistance = stat.Correlation(ranks(en), ranks(dist), nil)
	res.RankBarrier = stat.Correlation(ranks(en), ranks(bar), nil)

	if res.ZeroError, err = ZeroError(s.ZeroError); err != nil {
		return nil, err
	}
	return res, nil
}

// pairPaths measures the five paths between two minima.
func pairPaths(a, b Minimum, evTe *landscape.Evaluator, train *data.Set, s BarrierSettings) (*PairPaths, error) {
	m := Model()
	pa, pb := params(a.Theta), params(b.Theta)
	pp := &PairPaths{SeedA: a.Seed, SeedB: b.Seed}
	bw, _, err := landscape.AlignParams(m, pa, pb, landscape.AlignSettings{Matching: landscape.Weights})
	if err != nil {
		return nil, err
	}
	ca, err := landscape.Canonicalize(m, pa)
	if err != nil {
		return nil, err
	}
	cb, err := landscape.Canonicalize(m, pb)
	if err != nil {
		return nil, err
	}
	cba, _, err := landscape.Align(ca, cb, landscape.AlignSettings{})
	if err != nil {
		return nil, err
	}
	pp.Unaligned, _ = landscape.Distance(ca, cb)
	pp.Distance, _ = landscape.Distance(ca, cba)
	chord, _ := landscape.NewSphered(ca, cba, false)
	slerp, _ := landscape.NewSphered(ca, cba, true)
	s.Bend.Seed = uint64(a.Seed)
	bend, err := landscape.TrainBend(m, train, pa.Vec(), bw.Vec(), s.Bend)
	if err != nil {
		return nil, err
	}
	paths := []landscape.Path{
		landscape.Line{A: pa.Vec(), B: pb.Vec()},
		landscape.Line{A: pa.Vec(), B: bw.Vec()},
		chord, slerp,
		landscape.Chain{A: pa.Vec(), Bend: bend, B: bw.Vec()},
	}
	for _, path := range paths {
		pr := landscape.Along(path, evTe, s.Points)
		e, l := pr.Barrier()
		pp.Profiles = append(pp.Profiles, pr)
		pp.Barrier, pp.LossBarrier = append(pp.Barrier, e), append(pp.LossBarrier, l)
	}
	return pp, nil
}

// Plot returns the test error along the five paths of pair i.
func (r *BarrierResult) Plot(i int) (*plot.Plot, error) {
	if i < 0 || i >= len(r.Pairs) {
		return nil, fmt.Errorf("pittorino2022: BarrierResult.Plot: pair %d of %d", i, len(r.Pairs))
	}
	pp := r.Pairs[i]
	var series []show.Series
	for k, pr := range pp.Profiles {
		series = append(series, show.Series{Name: PathKinds[k], X: pr.T, Y: pr.Errs()})
	}
	p, err := show.Lines(show.Axes{
		Title: fmt.Sprintf("test error along five paths between SGD minima %d and %d", pp.SeedA, pp.SeedB),
		X:     "t", Y: "test error",
	}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top = true
	return p, nil
}

// SamplerTable lists the samplers' pairs: local energy, test error,
// canonical distance, slerp barrier.
func (r *BarrierResult) SamplerTable() show.Table {
	t := show.Table{
		Header: []string{"recipe", fmt.Sprintf("δE(σ = %g)", r.Sigma), "test error", "canonical distance", "slerp barrier (test error)"},
		Format: "%.4f",
	}
	for _, sp := range r.Samplers {
		t.AddRow(sp.Recipe, sp.Energy, sp.TestErr, fmt.Sprintf("%.2f", sp.Distance), sp.Barrier)
	}
	return t
}

// Table returns the closing table: mean barriers with intervals beside
// the reference values, the flatness correlations, the zero-error path.
func (r *BarrierResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Barriers between SGD minima on %s, MLP 784-64-64-10, %d pairs, mean [95%% t interval]. Asserted by TestBarriers (go test ./lib/repro/pittorino2022 -run Barriers).", r.Data, len(r.Pairs)),
		Header:  []string{"path", "test-error barrier", "reference", "test-loss barrier"},
	}
	for k, name := range PathKinds {
		t.AddRow(name, r.Mean[k].String(), fmt.Sprintf("%.2f (derived)", pathRefs[k]), r.Loss[k].String())
	}
	t.AddRow("rank corr. of local energy with canonical distance, over recipes", fmt.Sprintf("%.2f", r.RankDistance), "> 0: flatter minima closer (paper)", "")
	t.AddRow("rank corr. of local energy with slerp barrier, over recipes", fmt.Sprintf("%.2f", r.RankBarrier), "> 0: flatter minima, lower barriers (paper)", "")
	if z := r.ZeroError; z != nil {
		t.AddRow("single bend between zero-error minima: largest training error on the path", fmt.Sprintf("%.4f", z.BendMax), "0 (paper)", "")
		t.AddRow("same minima, aligned chord: largest training error", fmt.Sprintf("%.4f", z.ChordMax), "> 0", "")
	}
	return t
}

// ZeroErrorSettings are the settings of ZeroError. The zero value is the
// notebook's.
type ZeroErrorSettings struct {
	// Train is the number of training images; 0 means 2000, few enough for
	// the net to reach zero training error in seconds.
	Train int
	// Epochs of SGD (batch 32, learning rate 0.02, momentum 0.9); 0 means
	// 200, enough to reach zero training error.
	Epochs int
	// BendEpochs train the bend; 0 means 100.
	BendEpochs int
	// BendLR is the bend's learning rate; 0 means 0.02.
	BendLR float64
	// Points on each path; 0 means 51.
	Points int
}

// Fast returns the preset the tests run: 1000 images, 21 points.
func (s ZeroErrorSettings) Fast() ZeroErrorSettings {
	s.Train, s.Points = 1000, 21
	return s
}

// ZeroErrorResult is the bent path between two zero-error minima.
type ZeroErrorResult struct {
	Train int
	// TrainErr are the training errors of the two minima.
	TrainErr [2]float64
	// Bend and Chord are the training-set profiles of the trained single
	// bend and of the aligned chord; BendMax and ChordMax their largest
	// training errors.
	Bend, Chord       landscape.Profile
	BendMax, ChordMax float64
}

// ZeroError trains two nets (seeds 0 and 1) to zero training error on the
// first Train training images, aligns the second to the first by weight
// matching, trains a single bend between them on the same images
// (landscape.TrainBend) and measures the training error along the bent
// path and along the aligned chord. GD minimisers are joined by paths
// of zero training error with a single bend (Pittorino et al. 2022).
func ZeroError(s ZeroErrorSettings) (*ZeroErrorResult, error) {
	if s.Train <= 0 {
		s.Train = 2000
	}
	if s.Epochs <= 0 {
		s.Epochs = 200
	}
	if s.BendEpochs <= 0 {
		s.BendEpochs = 100
	}
	if s.BendLR <= 0 {
		s.BendLR = 0.02
	}
	if s.Points <= 0 {
		s.Points = 51
	}
	mr, err := Minima(MinimaSettings{Seeds: 2, Epochs: s.Epochs, Train: s.Train, Recipes: []int{0}})
	if err != nil {
		return nil, err
	}
	d, err := loadData(s.Train, 1)
	if err != nil {
		return nil, err
	}
	m := Model()
	ev, err := landscape.NewEvaluator(m, d.Train)
	if err != nil {
		return nil, err
	}
	a, b := params(mr.Minima[0].Theta), params(mr.Minima[1].Theta)
	bw, _, err := landscape.AlignParams(m, a, b, landscape.AlignSettings{Matching: landscape.Weights})
	if err != nil {
		return nil, err
	}
	bend, err := landscape.TrainBend(m, d.Train, a.Vec(), bw.Vec(), landscape.BendSettings{Epochs: s.BendEpochs, BatchSize: 32, LR: s.BendLR})
	if err != nil {
		return nil, err
	}
	res := &ZeroErrorResult{Train: s.Train, TrainErr: [2]float64{mr.Minima[0].Train.Err, mr.Minima[1].Train.Err}}
	res.Bend = landscape.Along(landscape.Chain{A: a.Vec(), Bend: bend, B: bw.Vec()}, ev, s.Points)
	res.Chord = landscape.Along(landscape.Line{A: a.Vec(), B: bw.Vec()}, ev, s.Points)
	res.BendMax, res.ChordMax = res.Bend.Max().Err, res.Chord.Max().Err
	return res, nil
}

// Plot returns the training error along the bent path and the chord.
func (r *ZeroErrorResult) Plot() (*plot.Plot, error) {
	return show.Lines(show.Axes{
		Title: fmt.Sprintf("training error (%d images) between two zero-error SGD minima", r.Train),
		X:     "t", Y: "training error",
	}, show.Series{Name: "aligned chord", X: r.Chord.T, Y: r.Chord.Errs()},
		show.Series{Name: "trained single bend", X: r.Bend.T, Y: r.Bend.Errs()})
}

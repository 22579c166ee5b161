package pittorino2022

// Notebook 11: flatness and generalisation. Minima drawn by samplers of
// different flatness; their local energy against their test error; and
// Dinh et al.'s rescaling, which changes additive-noise sharpness and the
// Hessian but neither local energy nor the canonical form.

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// FlatnessSettings are the settings of Flatness. The zero value is the
// notebook's setting.
type FlatnessSettings struct {
	// Minima are the minima drawn; a zero Seeds means 3 here (18 minima,
	// enough for a rank correlation and a paired comparison over three
	// seeds), where Minima's own default is 2; the minima of the first two
	// seeds are those of notebook 12, shared through the cache.
	Minima MinimaSettings
	// Sigmas are the noise levels of the local energy; nil means 0.05,
	// 0.1, 0.2, 0.3.
	Sigmas []float64
	// Draws of noise per level; 0 means 20.
	Draws int
	// EnergyTrain is the number of training images the local energy is
	// measured on; 0 means 10 000 (the first ones; all 60 000 would take
	// six times longer).
	EnergyTrain int
	// Alpha is the factor of Dinh et al.'s rescaling; 0 means 5.
	Alpha float64
	// SigmaAdd is the level of the additive noise; 0 means 0.08, where the
	// first SGD minimum's additive δE is about 0.05.
	SigmaAdd float64
	// SigmaMult is the level of multiplicative noise in the rescaling
	// check; 0 means 0.2.
	SigmaMult float64
	// HessianSamples is the number of training images of the loss whose
	// top Hessian eigenvalue is computed; 0 means 2000.
	HessianSamples int
}

// Fast returns the preset the tests run: Minima's fast preset with two
// seeds, one σ (0.2), 5 draws on 2000 images, 1000 images for the Hessian.
func (s FlatnessSettings) Fast() FlatnessSettings {
	s.Minima = s.Minima.Fast()
	s.Minima.Seeds = 2
	s.Sigmas = []float64{0.2}
	s.Draws, s.EnergyTrain, s.HessianSamples = 5, 2000, 1000
	return s
}

func (s FlatnessSettings) withDefaults() FlatnessSettings {
	if s.Minima.Seeds <= 0 {
		s.Minima.Seeds = 3
	}
	if s.Sigmas == nil {
		s.Sigmas = []float64{0.05, 0.1, 0.2, 0.3}
	}
	if s.Draws <= 0 {
		s.Draws = 20
	}
	if s.EnergyTrain <= 0 {
		s.EnergyTrain = 10000
	}
	if s.Alpha == 0 {
		s.Alpha = 5
	}
	if s.SigmaAdd == 0 {
		s.SigmaAdd = 0.08
	}
	if s.SigmaMult == 0 {
		s.SigmaMult = 0.2
	}
	if s.HessianSamples <= 0 {
		s.HessianSamples = 2000
	}
	return s
}

// FlatMinimum is one minimum with its flatness.
type FlatMinimum struct {
	Minimum
	// Energy[k] is the local energy at Sigmas[k] (training error rise).
	Energy []landscape.Energy
}

// Dinh is the effect of an α-rescaling on the measures of flatness.
type Dinh struct {
	Alpha float64
	// Before and After: the measure at the minimum and at its rescaled
	// copy (layer 1 times α, layer 2 divided by α: the same function).
	AdditiveBefore, AdditiveAfter landscape.Energy
	MultBefore, MultAfter         landscape.Energy
	HessianBefore, HessianAfter   float64
	// Canonical is the geodesic distance between the canonical forms of
	// the two (zero up to rounding: the same point).
	Canonical float64
	// TestErrBefore, TestErrAfter: the same function, the same error.
	TestErrBefore, TestErrAfter float64
	SigmaAdd, SigmaMult         float64
}

// FlatnessResult holds the minima, their correlation with test error and
// the rescaling check.
type FlatnessResult struct {
	Data    string
	Sigmas  []float64
	Minima  []FlatMinimum
	Recipes []string
	// Rank[k] is Spearman's rank correlation between the local energy at
	// Sigmas[k] and the test error over the minima, with a bootstrap
	// interval.
	Rank []Interval
	// Replicated compares replicated SGD with plain SGD from the same
	// initialisations.
	Replicated Paired
	Dinh       Dinh
}

// Paired compares the minima of a recipe with those of plain SGD (the
// first recipe) from the same initialisations, seed by seed: the mean of
// the differences (recipe − SGD) with its t interval over the seeds.
type Paired struct {
	Recipe string
	// Energy[k] is the difference of local energy at Sigmas[k]; TrainErr
	// and TestErr the differences of training and test error.
	Energy            []Interval
	TrainErr, TestErr Interval
}

// Flatter reports whether the recipe's minima are flatter than SGD's at
// Sigmas[k] at 95% confidence (the interval of the difference below 0).
func (p Paired) Flatter(k int) bool { return p.Energy[k].Hi < 0 }

// compare returns the paired comparison of recipe with plain SGD, or a
// zero Paired when either is missing.
func compare(minima []FlatMinimum, sgd, recipe string, sigmas int) Paired {
	bySeed := map[int]FlatMinimum{}
	for _, mn := range minima {
		if mn.Recipe == sgd {
			bySeed[mn.Seed] = mn
		}
	}
	p := Paired{Recipe: recipe}
	de := make([][]float64, sigmas)
	var dtr, dte []float64
	for _, mn := range minima {
		ref, ok := bySeed[mn.Seed]
		if mn.Recipe != recipe || !ok {
			continue
		}
		for k := range de {
			de[k] = append(de[k], mn.Energy[k].Rise.Err-ref.Energy[k].Rise.Err)
		}
		dtr = append(dtr, mn.Train.Err-ref.Train.Err)
		dte = append(dte, mn.Test.Err-ref.Test.Err)
	}
	if len(dtr) == 0 {
		return Paired{}
	}
	for k := range de {
		p.Energy = append(p.Energy, MeanCI(de[k]))
	}
	p.TrainErr, p.TestErr = MeanCI(dtr), MeanCI(dte)
	return p
}

// Flatness draws minima with the samplers of Recipes (Minima), measures
// the local energy of each (landscape.LocalEnergy, multiplicative noise,
// on the first EnergyTrain training images, the same draws for every
// minimum), and correlates it with the test error (Spearman, bootstrap
// interval over the minima). Pittorino et al. (2021, 2022) find local
// energy the best predictor of generalisation among flatness measures.
//
// Dinh et al. (2017) showed that flatness measured in raw parameters is
// not a property of the function: the α-rescaling (W₁, b₁, W₂) ↦ (αW₁,
// αb₁, W₂/α) of a ReLU net changes the Hessian and additive-noise
// sharpness at will. Flatness checks this on the first SGD minimum:
// additive δE at SigmaAdd, multiplicative δE at SigmaMult, the top Hessian
// eigenvalue of the loss on HessianSamples training images
// (hessian.Lanczos), and the distance between canonical forms, before
// and after.
func Flatness(s FlatnessSettings) (*FlatnessResult, error) {
	s = s.withDefaults()
	mr, err := Minima(s.Minima)
	if err != nil {
		return nil, err
	}
	d, err := loadData(max(s.EnergyTrain, s.HessianSamples), 0)
	if err != nil {
		return nil, err
	}
	m := Model()
	ev, err := landscape.NewEvaluator(m, subset(d.Train, s.EnergyTrain))
	if err != nil {
		return nil, err
	}
	res := &FlatnessResult{Data: mr.Data, Sigmas: s.Sigmas, Recipes: mr.Recipes}
	noise := landscape.NoiseSettings{Draws: s.Draws, Seed: 11}
	for _, mn := range mr.Minima {
		res.Minima = append(res.Minima, FlatMinimum{Minimum: mn, Energy: landscape.EnergyCurve(ev, mn.Theta, s.Sigmas, noise)})
	}
	test := make([]float64, len(res.Minima))
	for i, mn := range res.Minima {
		test[i] = mn.Test.Err
	}
	for k := range s.Sigmas {
		e := make([]float64, len(res.Minima))
		for i, mn := range res.Minima {
			e[i] = mn.Energy[k].Rise.Err
		}
		res.Rank = append(res.Rank, Spearman(e, test))
	}

	rc := Recipes()
	res.Replicated = compare(res.Minima, rc[0].String(), rc[len(rc)-1].String(), len(s.Sigmas))

	// Dinh et al.'s rescaling of the first minimum.
	p := params(mr.Minima[0].Theta)
	q := rescaleLayer(m, p, s.Alpha)
	dn := Dinh{Alpha: s.Alpha, SigmaAdd: s.SigmaAdd, SigmaMult: s.SigmaMult,
		TestErrBefore: mr.Minima[0].Test.Err}
	add := landscape.NoiseSettings{Noise: landscape.Additive, Draws: s.Draws, Seed: 12}
	mult := landscape.NoiseSettings{Noise: landscape.Multiplicative, Draws: s.Draws, Seed: 12}
	dn.AdditiveBefore = landscape.LocalEnergy(ev, p.Vec(), s.SigmaAdd, add)
	dn.AdditiveAfter = landscape.LocalEnergy(ev, q.Vec(), s.SigmaAdd, add)
	dn.MultBefore = landscape.LocalEnergy(ev, p.Vec(), s.SigmaMult, mult)
	dn.MultAfter = landscape.LocalEnergy(ev, q.Vec(), s.SigmaMult, mult)
	ca, err := landscape.Canonicalize(m, p)
	if err != nil {
		return nil, err
	}
	cb, err := landscape.Canonicalize(m, q)
	if err != nil {
		return nil, err
	}
	if dn.Canonical, err = landscape.Distance(ca, cb); err != nil {
		return nil, err
	}
	dte, err := loadData(1, 0)
	if err != nil {
		return nil, err
	}
	evTe, err := landscape.NewEvaluator(m, dte.Test)
	if err != nil {
		return nil, err
	}
	dn.TestErrAfter = evTe.Eval(q.Vec()).Err
	hs := subset(d.Train, s.HessianSamples)
	tops := par.Map(2, func(i int) float64 {
		theta := [][]float64{p.Vec(), q.Vec()}[i]
		obj := nn.NewObjectiveRows(m, hs.X, labelColumnOf(hs.Labels), nn.CrossEntropy)
		e := hessian.Lanczos(hessian.New(obj, theta), 1, hessian.LanczosSettings{MaxSteps: 40, Tol: 1e-6})
		return e.Values[0]
	})
	dn.HessianBefore, dn.HessianAfter = tops[0], tops[1]
	res.Dinh = dn
	return res, nil
}

// rescaleLayer returns the α-rescaling of hidden layer 1 of p: (W₁, b₁) ↦
// α(W₁, b₁), W₂ ↦ W₂/α (sym.DeepRescale with every c_j = α).
func rescaleLayer(m nn.MLP, p *nn.Params, alpha float64) *nn.Params {
	W, b := m.Layers(p)
	c := make([]float64, m.Sizes[1])
	for i := range c {
		c[i] = alpha
	}
	W2, b2 := sym.DeepRescale(0, 1, c, W, b)
	q := m.Params()
	Wq, bq := m.Layers(q)
	for l := range W2 {
		Wq[l].Copy(W2[l])
		bq[l].CopyVec(b2[l])
	}
	return q
}

// Scatter returns test error against local energy at Sigmas[k], one
// colour per recipe.
func (r *FlatnessResult) Scatter(k int) (*plot.Plot, error) {
	if k < 0 || k >= len(r.Sigmas) {
		return nil, fmt.Errorf("pittorino2022: FlatnessResult.Scatter: σ index %d of %d", k, len(r.Sigmas))
	}
	var series []show.Series
	for _, rc := range r.Recipes {
		s := show.Series{Name: rc}
		for _, mn := range r.Minima {
			if mn.Recipe == rc {
				s.X = append(s.X, mn.Energy[k].Rise.Err)
				s.Y = append(s.Y, mn.Test.Err)
			}
		}
		series = append(series, s)
	}
	p, err := show.Scatter(show.Axes{
		Title: fmt.Sprintf("test error against local energy at σ = %g (Spearman ρ = %.2f)", r.Sigmas[k], r.Rank[k].Mean),
		X:     fmt.Sprintf("δE_train(σ = %g), multiplicative noise", r.Sigmas[k]),
		Y:     "test error",
	}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// Curves returns the local energy against σ for every minimum, one colour
// per recipe.
func (r *FlatnessResult) Curves() (*plot.Plot, error) {
	var series []show.Series
	for _, rc := range r.Recipes {
		first := true
		for _, mn := range r.Minima {
			if mn.Recipe != rc {
				continue
			}
			s := show.Series{X: r.Sigmas}
			if first {
				s.Name, first = rc, false
			}
			for _, e := range mn.Energy {
				s.Y = append(s.Y, e.Rise.Err)
			}
			series = append(series, s)
		}
	}
	p, err := show.Lines(show.Axes{Title: "local energy δE(w, σ) of each minimum", X: "σ", Y: "δE_train (error rise)"}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// MinimaTable lists the minima: recipe, seed, train and test error, local
// energy at each σ.
func (r *FlatnessResult) MinimaTable() show.Table {
	t := show.Table{Header: []string{"recipe", "seed", "train error", "test error"}, Format: "%.4f"}
	for _, sg := range r.Sigmas {
		t.Header = append(t.Header, fmt.Sprintf("δE(σ = %g)", sg))
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

// Table returns the closing table: rank correlations and the rescaling
// check beside the reference values.
func (r *FlatnessResult) Table() show.Table {
	t := show.Table{
		Caption: "Flatness and generalisation, " + r.Data + ", MLP 784-64-64-10. Asserted by TestFlatness (go test ./lib/repro/pittorino2022 -run Flatness) and TestLocalEnergyInvariance (./lib/landscape).",
		Header:  []string{"quantity", "measured", "reference"},
	}
	for k, sg := range r.Sigmas {
		t.AddRow(fmt.Sprintf("Spearman(δE(σ = %g), test error), %d minima", sg, len(r.Minima)), r.Rank[k].String(), "> 0 (flatter generalises better; paper)")
	}
	if rp := r.Replicated; rp.Recipe != "" {
		for k, sg := range r.Sigmas {
			t.AddRow(fmt.Sprintf("%s − SGD: δE(σ = %g), %d seeds", rp.Recipe, sg, rp.Energy[k].N), rp.Energy[k].String(), "< 0: flatter (Pittorino et al. 2021; paper)")
		}
		t.AddRow(fmt.Sprintf("%s − SGD: train error", rp.Recipe), rp.TrainErr.String(), "")
	}
	d := r.Dinh
	t.AddRow(fmt.Sprintf("additive δE(σ = %g): before → after α = %g", d.SigmaAdd, d.Alpha),
		fmt.Sprintf("%.3f → %.3f", d.AdditiveBefore.Rise.Err, d.AdditiveAfter.Rise.Err), "0.05 → 0.44 (derived)")
	t.AddRow(fmt.Sprintf("multiplicative δE(σ = %g): before → after", d.SigmaMult),
		fmt.Sprintf("%.4f → %.4f", d.MultBefore.Rise.Err, d.MultAfter.Rise.Err), "unchanged (derived)")
	t.AddRow("top Hessian eigenvalue of the loss: before → after",
		fmt.Sprintf("%.3g → %.3g", d.HessianBefore, d.HessianAfter), "changed (Dinh et al.)")
	t.AddRow("distance between the canonical forms", fmt.Sprintf("%.1e", d.Canonical), "0: the same point (derived)")
	t.AddRow("test error: before → after", fmt.Sprintf("%.4f → %.4f", d.TestErrBefore, d.TestErrAfter), "unchanged")
	return t
}

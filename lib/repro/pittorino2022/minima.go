package pittorino2022

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/classify"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/stats"
)

// Sizes is the architecture of every experiment: 784-64-64-10.
var Sizes = []int{784, 64, 64, 10}

// Model returns the ReLU MLP of the experiments, with biases.
func Model() nn.MLP { return nn.MLP{Sizes: Sizes, Act: nn.ReLU} }

// loadData returns Fashion-MNIST (pixels in [0, 1]), or the synthetic
// stand-in of classify.Load when it is not installed, keeping the first
// train and test images (all when 0).
// Loaded sets are kept for the process's lifetime (they are only read).
func loadData(train, test int) (*classify.Data, error) {
	key := [2]int{train, test}
	dataMu.Lock()
	defer dataMu.Unlock()
	if d, ok := dataMemo[key]; ok {
		return d, nil
	}
	d, err := classify.Load(classify.LoadSettings{Train: train, Test: test})
	if err == nil {
		dataMemo[key] = d
	}
	return d, err
}

var (
	dataMu   sync.Mutex
	dataMemo = map[[2]int]*classify.Data{}
)

// subset returns the first n samples of s (all when n ≤ 0 or n ≥ s.Len()),
// as views.
func subset(s *data.Set, n int) *data.Set {
	if n <= 0 || n >= s.Len() {
		return s
	}
	_, d := s.X.Dims()
	return &data.Set{X: s.X.Slice(0, n, 0, d).(*mat.Dense), Labels: s.Labels[:n], Shape: s.Shape, Classes: s.Classes}
}

// Recipes returns the samplers of minima of the flatness experiments, all
// SGD with momentum 0.9 on the same architecture for the same number of
// epochs, from the same initialisations: the reference (batch 32,
// learning rate 0.02); a smaller and a larger batch; a larger and a smaller
// learning rate (the noise of SGD scales as η/B: larger noise, flatter
// minima, Keskar et al. 2017, Jastrzębski et al. 2018); and replicated SGD
// with three replicas, the flatness-seeking optimiser of Pittorino et al.
// (2021).
func Recipes() []landscape.Sampler {
	return []landscape.Sampler{
		{Name: "SGD", BatchSize: 32, LR: 0.02},
		{Name: "small batch (16)", BatchSize: 16, LR: 0.02},
		{Name: "large batch (512)", BatchSize: 512, LR: 0.02},
		{Name: "large lr (0.05)", BatchSize: 32, LR: 0.05},
		{Name: "small lr (0.002)", BatchSize: 32, LR: 0.002},
		{Name: "replicated SGD", Method: landscape.Replicated, BatchSize: 32, LR: 0.02},
	}
}

// MinimaSettings are the settings of Minima. The zero value trains every
// recipe of Recipes from two initialisations for 4 epochs on all 60 000
// training images.
type MinimaSettings struct {
	Seeds  int // initialisations per recipe; 0 means 2
	Epochs int // 0 means 4
	Train  int // training images used; 0 means all
	// Recipes are indices into Recipes(); nil means all.
	Recipes []int
}

// Fast returns the preset the tests run: 1 epoch on 10 000 images.
func (s MinimaSettings) Fast() MinimaSettings {
	s.Epochs, s.Train = 1, 10000
	return s
}

func (s MinimaSettings) withDefaults() MinimaSettings {
	if s.Seeds <= 0 {
		s.Seeds = 2
	}
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	if s.Recipes == nil {
		for i := range Recipes() {
			s.Recipes = append(s.Recipes, i)
		}
	}
	return s
}

// Minimum is one trained network.
type Minimum struct {
	Recipe string
	Seed   int
	Theta  []float64 // the parameters, laid out as Model().Params()
	Train  landscape.Measure
	Test   landscape.Measure
}

// MinimaResult is a set of trained networks.
type MinimaResult struct {
	Data    string // what was loaded (classify.Data.Name)
	Epochs  int
	Minima  []Minimum
	Recipes []string
}

// Minima trains Model() with each recipe from initialisations seed = 0,
// 1, … (TrainMinimum), in parallel, and measures each minimum on the
// training and test sets.
func Minima(s MinimaSettings) (*MinimaResult, error) {
	s = s.withDefaults()
	d, err := loadData(s.Train, 0)
	if err != nil {
		return nil, err
	}
	all := Recipes()
	res := &MinimaResult{Data: d.Name, Epochs: s.Epochs}
	type job struct{ r, seed int }
	var jobs []job
	for _, r := range s.Recipes {
		if r < 0 || r >= len(all) {
			return nil, fmt.Errorf("pittorino2022: Minima: recipe %d, have %d", r, len(all))
		}
		res.Recipes = append(res.Recipes, all[r].String())
		for seed := range s.Seeds {
			jobs = append(jobs, job{r, seed})
		}
	}
	// The longest trainings start first (replicated SGD, then the smaller
	// batches), so that the last ones to finish are short; the minima stay
	// in recipe and seed order.
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	cost := func(j job) (replicas, batch int) {
		rc := all[j.r]
		if replicas = 1; rc.Method == landscape.Replicated {
			replicas = cmp.Or(rc.Replicas, 3) // Sampler's defaults
		}
		return replicas, cmp.Or(rc.BatchSize, 32)
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, ba := cost(jobs[order[a]])
		rb, bb := cost(jobs[order[b]])
		return ra > rb || (ra == rb && ba < bb)
	})
	res.Minima = make([]Minimum, len(jobs))
	err = par.ForErr(len(jobs), func(k int) error {
		i := order[k]
		j := jobs[i]
		mn, err := cache.Call(TrainMinimum, MinimumSettings{Recipe: j.r, Seed: j.seed, Epochs: s.Epochs, Train: s.Train})
		if err != nil {
			return err
		}
		res.Minima[i] = *mn
		return nil
	})
	return res, err
}

// MinimumSettings name one minimum of Minima.
type MinimumSettings struct {
	Recipe, Seed  int // index into Recipes(), initialisation
	Epochs, Train int // as MinimaSettings (0: 4 epochs, all images)
}

// TrainMinimum trains one minimum of Minima: Model() initialised by
// nn.KaimingUniform from rand.NewPCG(Seed, 1) (the same for every recipe),
// trained with Recipes()[Recipe] for Epochs on the first Train training
// images with minibatches ordered by Seed, measured on them and on the
// test set. Minima calls it through cache.Call, so that the nets shared by
// several experiments (and notebooks) are trained once.
func TrainMinimum(s MinimumSettings) (*Minimum, error) {
	all := Recipes()
	if s.Recipe < 0 || s.Recipe >= len(all) {
		return nil, fmt.Errorf("pittorino2022: TrainMinimum: recipe %d, have %d", s.Recipe, len(all))
	}
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	d, err := loadData(s.Train, 0)
	if err != nil {
		return nil, err
	}
	m := Model()
	rc := all[s.Recipe]
	rc.Epochs = s.Epochs
	p := m.Init(rand.New(rand.NewPCG(uint64(s.Seed), 1)), nn.KaimingUniform)
	if err := landscape.Train(m, p, d.Train, rc, uint64(s.Seed)); err != nil {
		return nil, fmt.Errorf("pittorino2022: TrainMinimum: %v seed %d: %w", rc, s.Seed, err)
	}
	evTr, err := landscape.NewEvaluator(m, d.Train)
	if err != nil {
		return nil, err
	}
	evTe, err := landscape.NewEvaluator(m, d.Test)
	if err != nil {
		return nil, err
	}
	return &Minimum{Recipe: rc.String(), Seed: s.Seed, Theta: p.Vec(), Train: evTr.Eval(p.Vec()), Test: evTe.Eval(p.Vec())}, nil
}

// Of returns the minima of one recipe, in seed order.
func (r *MinimaResult) Of(recipe string) []Minimum {
	var out []Minimum
	for _, m := range r.Minima {
		if m.Recipe == recipe {
			out = append(out, m)
		}
	}
	return out
}

// params returns theta as parameters of Model() (a copy).
func params(theta []float64) *nn.Params {
	p := Model().Params()
	copy(p.Vec(), theta)
	return p
}

// Interval is a mean with a two-sided 95% confidence interval (the one
// type of package stats).
type Interval = stats.Interval

// MeanCI returns the mean of x with Student's t interval, mean ± t_{0.975,
// n−1} s/√n (stats.MeanCI).
func MeanCI(x []float64) Interval { return stats.MeanCI(x) }

// ranks returns the ranks of x (1-based, ties averaged).
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

// Spearman returns the rank correlation of x and y with a 95% percentile
// bootstrap interval over the pairs (2000 resamples from seed 1).
func Spearman(x, y []float64) Interval {
	rho := stat.Correlation(ranks(x), ranks(y), nil)
	rng := rand.New(rand.NewPCG(1, 0x737065))
	n := len(x)
	var boot []float64
	bx, by := make([]float64, n), make([]float64, n)
	for range 2000 {
		for i := range n {
			k := rng.IntN(n)
			bx[i], by[i] = x[k], y[k]
		}
		c := stat.Correlation(ranks(bx), ranks(by), nil)
		if !math.IsNaN(c) {
			boot = append(boot, c)
		}
	}
	slices.Sort(boot)
	if len(boot) == 0 {
		return Interval{Mean: rho, Lo: math.NaN(), Hi: math.NaN(), N: n}
	}
	return Interval{Mean: rho, Lo: stat.Quantile(0.025, stat.Empirical, boot, nil), Hi: stat.Quantile(0.975, stat.Empirical, boot, nil), N: n}
}

// labelColumnOf returns the N×1 matrix of class labels nn's objectives
// take for data stored one sample per row.
func labelColumnOf(labels []int) *mat.Dense {
	y := mat.NewDense(len(labels), 1, nil)
	for i, l := range labels {
		y.Set(i, 0, float64(l))
	}
	return y
}

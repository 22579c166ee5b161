package landscape

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
)

// Method is the optimiser of a Sampler.
type Method int

const (
	// SGD is minibatch SGD with heavy-ball momentum (optim.Momentum).
	SGD Method = iota
	// Replicated is replicated SGD (Pittorino, Lucibello, Feinauer,
	// Perugini, Baldassi, Demyanenko, Zecchina, "Entropic gradient descent
	// algorithms and wide flat minima", ICLR 2021): y replicas w_a, each
	// trained by SGD with momentum on its own minibatches, on
	//
	//	L(w_a) + (γ/2) ‖w_a − w̄‖²,  w̄ = (1/y) Σ_a w_a,
	//
	// with a coupling γ that grows geometrically from Coupling to
	// 100·Coupling over the run, so that the replicas explore apart first and
	// collapse onto a common minimum last; the minimum returned is the centre
	// w̄. The coupling favours regions where many nearby weights have low
	// loss, the local entropy of Baldassi et al., hence wide flat minima.
	Replicated
	// Adam is minibatch Adam (optim.Adam).
	Adam
)

func (m Method) String() string {
	switch m {
	case SGD:
		return "SGD"
	case Replicated:
		return "replicated SGD"
	case Adam:
		return "Adam"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Sampler is a recipe that draws a minimum of the training loss from an
// initialisation: an optimiser with its batch size, learning rate and
// length. Different recipes on the same architecture reach minima of
// different flatness (Keskar et al. 2017: large batches and small learning
// rates sharper; Pittorino et al. 2021: replicated SGD flatter).
type Sampler struct {
	Name      string
	Method    Method
	BatchSize int     // 0 means 32
	LR        float64 // 0 means 0.02 (SGD, Replicated) or 1e-3 (Adam)
	Epochs    int     // passes over the data per replica; 0 means 5
	// Momentum is μ for SGD and Replicated; 0 means 0.9.
	Momentum float64
	// Replicas is y for Replicated; 0 means 3.
	Replicas int
	// Coupling is the initial γ of Replicated; 0 means 0.01.
	Coupling float64
}

func (s Sampler) withDefaults() Sampler {
	if s.BatchSize <= 0 {
		s.BatchSize = 32
	}
	if s.LR <= 0 {
		s.LR = 0.02
		if s.Method == Adam {
			s.LR = 1e-3
		}
	}
	if s.Epochs <= 0 {
		s.Epochs = 5
	}
	if s.Momentum == 0 {
		s.Momentum = 0.9
	}
	if s.Replicas <= 0 {
		s.Replicas = 3
	}
	if s.Coupling <= 0 {
		s.Coupling = 0.01
	}
	return s
}

// String returns the sampler's name, or its settings if it has none.
func (s Sampler) String() string {
	if s.Name != "" {
		return s.Name
	}
	d := s.withDefaults()
	return fmt.Sprintf("%v lr %g batch %d", d.Method, d.LR, d.BatchSize)
}

// Train minimises the mean softmax cross-entropy of m (an nn.MLP or a
// BinaryMLP) on set from p, in place, with the recipe s; seed orders the
// minibatches. For a BinaryMLP the latent weights are clipped to [−1, 1]
// after every step, as in BinaryConnect.
func Train(m nn.Model, p *nn.Params, set *data.Set, s Sampler, seed uint64) error {
	if !p.SameLayout(m.Params()) {
		return fmt.Errorf("landscape: Train: parameters %v for %v, want %v", p, m, m.Params())
	}
	if set == nil || set.Len() == 0 {
		return fmt.Errorf("landscape: Train: empty data set")
	}
	s = s.withDefaults()
	_, binary := m.(BinaryMLP)
	newRule := func() optim.Rule {
		var r optim.Rule
		if s.Method == Adam {
			r = &optim.Adam{LR: s.LR}
		} else {
			r = &optim.Momentum{LR: s.LR, Mu: s.Momentum}
		}
		if binary {
			r = clipRule{r}
		}
		return r
	}
	y := labelColumn(set.Labels)
	bs := min(s.BatchSize, set.Len())
	if s.Method != Replicated {
		obj := nn.NewObjectiveRows(m, set.X, y, nn.CrossEntropy)
		_, err := optim.RunBatch(obj.Batch, set.Len(), p.Vec(), newRule(), optim.BatchSettings{
			BatchSize: bs, Epochs: s.Epochs, Rand: rand.New(rand.NewPCG(seed, 0x73616d70)),
		})
		return err
	}
	return trainReplicated(m, p, set, s, seed, newRule)
}

// trainReplicated runs replicated SGD and writes the centre into p.
func trainReplicated(m nn.Model, p *nn.Params, set *data.Set, s Sampler, seed uint64, newRule func() optim.Rule) error {
	n := len(p.Vec())
	ys := labelColumn(set.Labels)
	type replica struct {
		w, g    []float64
		obj     *nn.Objective
		rule    optim.Rule
		batches *data.Batcher
	}
	reps := make([]*replica, s.Replicas)
	bs := min(s.BatchSize, set.Len())
	for a := range reps {
		reps[a] = &replica{
			w:       append([]float64(nil), p.Vec()...),
			g:       make([]float64, n),
			obj:     nn.NewObjectiveRows(m, set.X, ys, nn.CrossEntropy),
			rule:    newRule(),
			batches: data.NewBatcher(set.Len(), bs, data.KeepLast, rand.New(rand.NewPCG(seed, 0x72657031+uint64(a)))),
		}
	}
	steps := s.Epochs * ((set.Len() + bs - 1) / bs)
	center := p.Vec()
	ws := make([][]float64, len(reps))
	for a, r := range reps {
		ws[a] = r.w
	}
	for k := 0; k < steps; k++ {
		gamma := s.Coupling * math.Pow(100, float64(k)/float64(max(1, steps-1)))
		centre(center, ws)
		for _, r := range reps {
			l := r.obj.Batch(r.w, r.g, r.batches.Next())
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return fmt.Errorf("landscape: Train: replicated SGD diverged at step %d (loss %v)", k, l)
			}
			couple(r.g, r.w, center, gamma)
			r.rule.Step(r.w, r.g)
		}
	}
	centre(center, ws)
	return nil
}

// centre writes into dst the mean of the vectors ws, entry by entry
// summed in the order of ws.
func centre(dst []float64, ws [][]float64) {
	y := float64(len(ws))
	for i := centreVec(dst, ws); i < len(dst); i++ {
		var c float64
		for _, w := range ws {
			c += w[i]
		}
		dst[i] = c / y
	}
}

// couple adds to the gradient g the coupling γ(w − c) of a replica w to
// the centre c, entry by entry (the product rounded before the sum).
func couple(g, w, c []float64, gamma float64) {
	w, c = w[:len(g)], c[:len(g)] // no bounds checks below
	for i := coupleVec(g, w, c, gamma); i < len(g); i++ {
		g[i] += float64(gamma * (w[i] - c[i])) // float64(): never fused
	}
}

// clipRule clips every parameter to [−1, 1] after each step of the rule it
// wraps (the latent weights of a binary network).
type clipRule struct{ optim.Rule }

func (c clipRule) Step(theta, grad []float64) {
	c.Rule.Step(theta, grad)
	clip(theta)
}

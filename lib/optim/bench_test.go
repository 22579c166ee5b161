package optim

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// fig3Net is the Fig. 3 setting of Zhao et al. (ICLR 2023): m = 5, n = 10, h = 50,
// X = I, Y ~ N(0, 1), U, V ~ N(0, 0.1²).
func fig3Net() (*linearNet, []float64) {
	rng := rand.New(rand.NewPCG(1, 1))
	const m, h, n = 5, 50, 10
	p := newLinearNet(m, h, n, eye(n), randDense(rng, m, n, 1))
	return p, randVec(rng, p.dim(), 0.1)
}

// trQ returns Tr(UᵀU − VVᵀ) = ‖U‖²_F − ‖V‖²_F without allocating.
func (p *linearNet) trQ(theta []float64) float64 {
	s := 0.0
	for i, x := range theta {
		if i < p.m*p.h {
			s += x * x
		} else {
			s -= x * x
		}
	}
	return s
}

// The cost of observation: 1000 GD steps on the Fig. 3 net with no
// observer, with a Recorder of the loss and Tr Q every 10 steps, and with
// one every step.
func BenchmarkGDObservers(b *testing.B) {
	p, theta0 := fig3Net()
	theta := make([]float64, len(theta0))
	trQ := func(s *State) float64 { return p.trQ(s.Theta) }
	for _, c := range []struct {
		name  string
		every int
	}{{"none", 0}, {"every10", 10}, {"every1", 1}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(theta, theta0)
				var obs []Observer
				if c.every > 0 {
					obs = []Observer{NewRecorder(c.every).Add("loss", Loss).Add("trQ", trQ)}
				}
				Run(p.loss, theta, &GD{LR: 0.1}, Settings{Steps: 1000, Observers: obs})
			}
		})
	}
}

// The gradient alone, for comparison with a GD step.
func BenchmarkFig3Gradient(b *testing.B) {
	p, theta := fig3Net()
	grad := make([]float64, len(theta))
	for b.Loop() {
		p.loss(theta, grad)
	}
}

// Gradient flow on the Fig. 3 net to t = 10 at the default tolerances.
func BenchmarkFlow(b *testing.B) {
	p, theta0 := fig3Net()
	theta := make([]float64, len(theta0))
	var res Result
	for b.Loop() {
		copy(theta, theta0)
		res, _ = Flow(p.loss, theta, FlowSettings{T: 10})
	}
	b.ReportMetric(float64(res.Steps), "steps")
	b.ReportMetric(float64(res.Evals), "evals")
}

// One epoch of minibatch SGD, batch 32, over 1024 samples of a linear net
// 20-50-10.
func BenchmarkSGDEpoch(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	const m, h, n, k = 10, 50, 20, 1024
	p := newLinearNet(m, h, n, randDense(rng, n, k, 1), randDense(rng, m, k, 1))
	theta := randVec(rng, p.dim(), 0.1)
	b.ReportAllocs()
	for b.Loop() {
		RunBatch(p.batchLoss, k, theta, &Momentum{LR: 1e-3}, BatchSettings{BatchSize: 32, Epochs: 1, Rand: rng})
	}
}

// One heavy-ball step on the 55 050 parameters of the MLP 784-64-64-10
// (the minima of the flatness experiments take about 10⁵ such steps each).
func BenchmarkMomentumStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	theta, grad := randVec(rng, 55050, 0.1), randVec(rng, 55050, 0.01)
	r := &Momentum{LR: 0.02, Mu: 0.9}
	for b.Loop() {
		r.Step(theta, grad)
	}
}

// The finiteness check of a step of RunBatch without observers, on the
// 55 050 gradient entries of the MLP 784-64-64-10.
func BenchmarkCheckFiniteOnly(b *testing.B) {
	grad := randVec(rand.New(rand.NewPCG(5, 5)), 55050, 0.01)
	for b.Loop() {
		if checkFiniteOnly(0, 0, 1, grad) != nil {
			b.Fatal("not finite")
		}
	}
}

// One Adam step on the 55 050 parameters of the flatness notebook's MLP.
func BenchmarkAdamStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	theta, grad := randVec(rng, 55050, 0.1), randVec(rng, 55050, 0.01)
	r := &Adam{LR: 1e-3}
	for b.Loop() {
		r.Step(theta, grad)
	}
}

// The per-step bookkeeping of Run on the 750 parameters of Zhao et al.'s
// Fig. 6 network (5-50-10) and the 2430 of Ziyin et al.'s 30-40-30 linear
// net: the finiteness check with the norm of the gradient, in order and in
// gonum's vector dot product, and the GD update.
func BenchmarkStepBookkeeping(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{750, 2430} {
		grad, theta := randVec(rng, n, 1), randVec(rng, n, 1)
		b.Run(fmt.Sprintf("checkFinite/%d", n), func(b *testing.B) {
			for b.Loop() {
				checkFinite(0, 0, 1, grad)
			}
		})
		b.Run(fmt.Sprintf("checkFiniteFast/%d", n), func(b *testing.B) {
			for b.Loop() {
				checkFiniteFast(0, 0, 1, grad)
			}
		})
		b.Run(fmt.Sprintf("GD/%d", n), func(b *testing.B) {
			r := &GD{LR: 1e-12}
			for b.Loop() {
				r.Step(theta, grad)
			}
		})
	}
}

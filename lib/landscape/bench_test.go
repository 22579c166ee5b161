package landscape

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// The speed targets, at the notebooks' sizes: two 784-64-64-10 ReLU
// nets (random weights: the work does not depend on training).
func benchNets() (nn.MLP, *nn.Params, *nn.Params) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, a := testNet(rng, nn.ReLU, 784, 64, 64, 10)
	_, b := testNet(rng, nn.ReLU, 784, 64, 64, 10)
	return m, a, b
}

// Canonicalise both nets and align the second to the first (cosine
// matching, exact assignment): target ≤ 10 ms.
func BenchmarkCanonicalAlign(b *testing.B) {
	m, p, q := benchNets()
	for b.Loop() {
		ca, _ := Canonicalize(m, p)
		cb, _ := Canonicalize(m, q)
		if _, _, err := Align(ca, cb, AlignSettings{}); err != nil {
			b.Fatal(err)
		}
	}
}

// Git Re-Basin's weight matching of the raw nets, for comparison.
func BenchmarkWeightMatching(b *testing.B) {
	m, p, q := benchNets()
	for b.Loop() {
		if _, _, err := AlignParams(m, p, q, AlignSettings{Matching: Weights}); err != nil {
			b.Fatal(err)
		}
	}
}

// fashion loads Fashion-MNIST's split, or skips.
func fashion(b *testing.B, split data.Split) *data.Set {
	s, err := data.FashionMNIST(split, nil)
	if err != nil {
		b.Skip("Fashion-MNIST not installed:", err)
	}
	return s
}

// One barrier: the slerp between the canonical forms at 25 points on the
// 10 000 test images: target ≤ 1 s on 2 cores.
func BenchmarkBarrier(b *testing.B) {
	m, p, q := benchNets()
	ev, err := NewEvaluator(m, fashion(b, data.Test))
	if err != nil {
		b.Fatal(err)
	}
	ca, _ := Canonicalize(m, p)
	cb, _ := Canonicalize(m, q)
	path, _ := NewSphered(ca, cb, true)
	for b.Loop() {
		Along(path, ev, 25).Barrier()
	}
}

// Local energy at one σ, 20 draws, on the 60 000 training images: target
// ≤ 5 s on 2 cores.
func BenchmarkLocalEnergy(b *testing.B) {
	m, p, _ := benchNets()
	ev, err := NewEvaluator(m, fashion(b, data.Train))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		LocalEnergy(ev, p.Vec(), 0.1, NoiseSettings{Draws: 20})
	}
}

// A single Hungarian assignment at n = 64.
func BenchmarkAssign64(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	C := data.Normal(rng, 64, 64, 1)
	for b.Loop() {
		Assign(C)
	}
}

// The local energy curve of notebook 11: four σ, 20 draws of
// multiplicative noise, on the first 10 000 training images; "curve" with
// EnergyCurve's shared products, "levels" as four LocalEnergy calls.
func BenchmarkEnergyCurve(b *testing.B) {
	m, p, _ := benchNets()
	set := fashion(b, data.Train)
	_, d := set.X.Dims()
	set = &data.Set{X: set.X.Slice(0, 10000, 0, d).(*mat.Dense), Labels: set.Labels[:10000], Shape: set.Shape, Classes: set.Classes}
	ev, err := NewEvaluator(m, set)
	if err != nil {
		b.Fatal(err)
	}
	sigmas, s := []float64{0.05, 0.1, 0.2, 0.3}, NoiseSettings{Draws: 20, Seed: 11}
	b.Run("curve", func(b *testing.B) {
		for b.Loop() {
			EnergyCurve(ev, p.Vec(), sigmas, s)
		}
	})
	b.Run("levels", func(b *testing.B) {
		for b.Loop() {
			for _, sg := range sigmas {
				LocalEnergy(ev, p.Vec(), sg, s)
			}
		}
	})
}

// The flip local energy curve of notebook 13: a binary 784-64-64-10 net,
// four flip probabilities, 20 draws, on the first 10 000 training images;
// "curve" with EnergyCurve's corrected first layers (Evaluator.evalFlips),
// "evalall" measuring the same noisy copies with EvalAll, as before.
func BenchmarkFlipCurve(b *testing.B) {
	m := BinaryMLP{Sizes: []int{784, 64, 64, 10}}
	p := m.Init(rand.New(rand.NewPCG(1, 2)), nil)
	set := fashion(b, data.Train)
	_, d := set.X.Dims()
	set = &data.Set{X: set.X.Slice(0, 10000, 0, d).(*mat.Dense), Labels: set.Labels[:10000], Shape: set.Shape, Classes: set.Classes}
	ev, err := NewEvaluator(m, set)
	if err != nil {
		b.Fatal(err)
	}
	w := Signs(p.Vec())
	flips, s := []float64{0.002, 0.005, 0.01, 0.02}, NoiseSettings{Noise: Flip, Draws: 20, Seed: 13}
	b.Run("curve", func(b *testing.B) {
		for b.Loop() {
			EnergyCurve(ev, w, flips, s)
		}
	})
	b.Run("evalall", func(b *testing.B) {
		for b.Loop() {
			for _, fp := range flips {
				ws := [][]float64{w}
				for i := range s.Draws {
					ws = append(ws, Perturb(nil, w, fp, Flip, rand.New(rand.NewPCG(s.Seed, uint64(i)))))
				}
				ev.EvalAll(ws)
			}
		}
	})
}

// One Hamming geodesic of notebook 13 between two binary 784-64-64-10
// nets, 25 points on the 10 000 test images; "along" with each point's
// first layer corrected from the previous one's, "evalall" as before.
func BenchmarkHammingAlong(b *testing.B) {
	m := BinaryMLP{Sizes: []int{784, 64, 64, 10}}
	rng := rand.New(rand.NewPCG(1, 2))
	p, q := m.Init(rng, nil), m.Init(rng, nil)
	ev, err := NewEvaluator(m, fashion(b, data.Test))
	if err != nil {
		b.Fatal(err)
	}
	h := NewHamming(p.Vec(), q.Vec(), rng)
	b.Run("along", func(b *testing.B) {
		for b.Loop() {
			Along(h, ev, 25)
		}
	})
	b.Run("evalall", func(b *testing.B) {
		for b.Loop() {
			ws := make([][]float64, 25)
			for k := range ws {
				ws[k] = make([]float64, p.Len())
				h.At(float64(k)/24, ws[k])
			}
			ev.EvalAll(ws)
		}
	})
}

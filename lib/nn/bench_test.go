package nn

import (
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}

// One full-batch gradient-descent step of the Fig. 3 network: m=5, n=10,
// h=50, X = I₁₀, MSE (mean). PyTorch 1.13, one thread, side by side on one
// core of an AVX-512 EPYC (Zen 5): 47–86 µs/step; here about 1.6–2.2 µs.
func BenchmarkFig3Step(b *testing.B) {
	for _, act := range []Activation{Linear, ReLU, Tanh, Sigmoid} {
		b.Run(act.Name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			net := TwoLayer{In: 10, Hidden: 50, Out: 5, Act: act}
			p := net.Init(rng, Normal(0.1))
			obj := NewObjective(net, eye(10), randDense(rng, 5, 10, 1), MSE)
			theta, grad := p.Vec(), make([]float64, obj.Len())
			b.ReportAllocs()
			for b.Loop() {
				obj.Func(theta, grad)
				floats.AddScaled(theta, -0.01, grad)
			}
		})
	}
}

// One full-batch GD step of the linear network 20-50-10 on 1000 samples.
// PyTorch 1.13, side by side as above: 0.23–0.27 ms/step; here 0.11–0.14 ms.
func BenchmarkLinear20x50x10Step(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	net := TwoLayer{In: 20, Hidden: 50, Out: 10, Act: Linear}
	p := net.Init(rng, LeCunNormal)
	obj := NewObjective(net, randDense(rng, 20, 1000, 1), randDense(rng, 10, 1000, 1), MSE)
	theta, grad := p.Vec(), make([]float64, obj.Len())
	b.ReportAllocs()
	for b.Loop() {
		obj.Func(theta, grad)
		floats.AddScaled(theta, -0.01, grad)
	}
}

// One SGD epoch of the MLP 784-256-10 (LeakyReLU 0.01, cross-entropy) on
// 60 000 random samples, batch 128 (469 steps, the last one of 96 samples),
// with the data stored one sample per row (as loaded from a data set) and
// one sample per column; "step" is the rows case with Objective.Step, which
// takes the SGD step inside the products (ad.Tape.Descend). On one core of
// an AVX-512 EPYC (Zen 5): rows 0.53–0.58 s, step 0.51–0.56 s. PyTorch 1.13
// (float64, one thread) side by side: 1.4–1.9 s as installed, where its
// allocator returns each step's buffers to the system and takes them back
// page by page, and Debian's OpenBLAS 0.3.21 takes the CPU for a Haswell;
// 1.2–1.4 s with glibc told to keep freed memory
// (MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at 4 GB); 0.79–1.03 s
// with OpenBLAS's AVX-512 kernels as well (OPENBLAS_CORETYPE=SkylakeX). A
// profile of the step case puts about 85 % of it in the multiply kernels
// (49 GFLOP an epoch, about 102 GFLOP/s against the core's 112 for
// fused multiply-adds alone), 6 % packing the products' operands, which
// takes each batch's rows (800 KB of random rows a step, from memory)
// straight from X rather than from a copy, and under 2 % in the SGD update.
func BenchmarkMLPEpoch(b *testing.B) {
	b.Run("rows", func(b *testing.B) { benchMLPEpoch(b, true, false) })
	b.Run("cols", func(b *testing.B) { benchMLPEpoch(b, false, false) })
	b.Run("step", func(b *testing.B) { benchMLPEpoch(b, true, true) })
}

// benchMLPEpoch times the epoch with the data stored by rows or columns,
// each step Batch and then θ += −0.01·grad, or with step set, Step (rows).
func benchMLPEpoch(b *testing.B, rows, step bool) {
	const n, batch = 60000, 128
	rng := rand.New(rand.NewPCG(3, 3))
	x := mat.NewDense(784, n, nil)
	if rows {
		x = mat.NewDense(n, 784, nil)
	}
	xs := x.RawMatrix().Data
	for i := range xs {
		xs[i] = rng.Float64()
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	net := MLP{Sizes: []int{784, 256, 10}, Act: LeakyReLU(0.01)}
	p := net.Init(rng, KaimingUniform)
	var obj *Objective
	if rows {
		obj = NewObjectiveRows(net, x, mat.DenseCopyOf(LabelRow(labels).T()), CrossEntropy)
	} else {
		obj = NewObjective(net, x, LabelRow(labels), CrossEntropy)
	}
	theta, grad := p.Vec(), make([]float64, obj.Len())
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	// Warm up: the tape's buffers are made here.
	if step {
		obj.Step(theta, 0.01, perm[:batch])
		obj.Step(theta, 0.01, perm[:n%batch])
	} else {
		obj.Batch(theta, grad, perm[:batch])
		obj.Batch(theta, grad, perm[:n%batch])
	}
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		// The epoch's order is drawn off the clock, as the PyTorch
		// reference draws its randperm before it starts timing (it costs
		// about 0.2 ms, but both sides should time the same work).
		b.StopTimer()
		rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		b.StartTimer()
		c := cpuTime()
		for s := 0; s < n; s += batch {
			if step {
				obj.Step(theta, 0.01, perm[s:min(s+batch, n)])
				continue
			}
			obj.Batch(theta, grad, perm[s:min(s+batch, n)])
			floats.AddScaled(theta, -0.01, grad)
		}
		cpu += cpuTime() - c
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}

// One SGD step of the paper's conv net on Fashion-MNIST-sized input
// (1×28×28 → 32 channels → 16 → 10) at batch 32.
func BenchmarkConvNetStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(4, 4))
	net := ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 32, Hidden: 16, Classes: 10}
	const n = 32
	x := randDense(rng, net.In.Size(), n, 1)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	p := net.Init(rng, KaimingUniform)
	obj := NewObjective(net, x, LabelRow(labels), CrossEntropy)
	theta, grad := p.Vec(), make([]float64, obj.Len())
	obj.Func(theta, grad)
	b.ReportAllocs()
	for b.Loop() {
		obj.Func(theta, grad)
		floats.AddScaled(theta, -0.01, grad)
	}
}

package hessian

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// fig9 returns the Fig. 9 linear network of Zhao et al. (ICLR 2023) (m = 10, n = 5,
// h = 50, X = I: 750 parameters) at a random point.
func fig9() (*linearNet, []float64) {
	rng := rand.New(rand.NewPCG(1, 9))
	const m, n, h = 10, 5, 50
	p := newLinearNet(m, h, n, eye(n), randDense(rng, m, n, 1))
	return p, randVec(rng, p.dim(), 0.3)
}

// benchMLP is the leaky-ReLU MLP 20-50-10 with biases on 1000 samples of
// ../bench/torch_reference.py's hvp benchmark (α = 0.01), 1560 parameters.
func benchMLP() (*mlp, []float64) {
	p, theta := newMLP(rand.New(rand.NewPCG(2, 9)), 20, 50, 10, 1000)
	p.alpha = 0.01
	return p, theta
}

func BenchmarkGradientFig9(b *testing.B) {
	p, theta := fig9()
	g := make([]float64, len(theta))
	for b.Loop() {
		p.loss(theta, g)
	}
}

func BenchmarkHVPFig9(b *testing.B) {
	p, theta := fig9()
	op := NewHVP(p.loss, theta)
	v := randVec(rand.New(rand.NewPCG(3, 9)), len(theta), 1)
	dst := make([]float64, len(theta))
	b.ReportAllocs()
	for b.Loop() {
		op.MulVec(dst, v)
	}
}

func BenchmarkHVPMLP(b *testing.B) {
	p, theta := benchMLP()
	op := NewHVP(p.loss, theta)
	v := randVec(rand.New(rand.NewPCG(3, 9)), len(theta), 1)
	dst := make([]float64, len(theta))
	b.ReportAllocs()
	for b.Loop() {
		op.MulVec(dst, v)
	}
	b.ReportMetric(float64(op.Evals())/float64(b.N), "grads/op")
}

// The full 750×750 Hessian of the Fig. 9 net (3000 gradients), and its
// eigenvalues.
func BenchmarkFullFig9(b *testing.B) {
	p, theta := fig9()
	op := NewHVP(p.loss, theta)
	var H mat.SymDense
	for b.Loop() {
		Full(&H, op)
	}
}

func BenchmarkEigenSymFig9(b *testing.B) {
	p, theta := fig9()
	H := Full(nil, NewHVP(p.loss, theta))
	var eig mat.EigenSym
	for b.Loop() {
		eig.Factorize(H, false)
	}
}

// 20 Lanczos steps (no early stop) on the MLP: the top eigenvalue to
// ~1e-10 (environment.md); compare 50 power iterations below and PyTorch's
// 0.057 s for those.
func BenchmarkLanczos20MLP(b *testing.B) {
	p, theta := benchMLP()
	op := NewHVP(p.loss, theta)
	for b.Loop() {
		Lanczos(op, 1, LanczosSettings{MaxSteps: 20, Tol: 1e-300})
	}
	b.ReportMetric(float64(op.Evals())/float64(b.N), "grads/op")
}

func BenchmarkPower50MLP(b *testing.B) {
	p, theta := benchMLP()
	op := NewHVP(p.loss, theta)
	for b.Loop() {
		PowerIteration(op, PowerSettings{MaxSteps: 50, Tol: 1e-300})
	}
	b.ReportMetric(float64(op.Evals())/float64(b.N), "grads/op")
}

func BenchmarkTrace100Fig9(b *testing.B) {
	p, theta := fig9()
	op := NewHVP(p.loss, theta)
	for b.Loop() {
		Trace(op, 100, nil)
	}
}

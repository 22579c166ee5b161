package hessian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// BenchmarkPower50TorchWorkload is the "hvp" workload of the
// PyTorch side-by-side comparison, built from the library: top Hessian
// eigenvalue of a leaky-ReLU(0.01) MLP 20-50-10 with biases on 1000
// samples, loss ½‖·‖²/N, by 50 power iterations. PyTorch takes exact
// double-backward products (about two gradients each); here each product is
// a fourth-order finite difference of exact gradients (four gradients).
func BenchmarkPower50TorchWorkload(b *testing.B) {
	rng := rand.New(rand.NewPCG(0, 0))
	const n, din, dh, dout = 1000, 20, 50, 10
	X := mat.NewDense(din, n, nil)
	W := mat.NewDense(dout, din, nil)
	for i := range din {
		for j := range n {
			X.Set(i, j, rng.NormFloat64())
		}
		for k := range dout {
			W.Set(k, i, rng.NormFloat64()/math.Sqrt(din))
		}
	}
	var Y mat.Dense
	Y.Mul(W, X)
	net := nn.MLP{Sizes: []int{din, dh, dout}, Act: nn.LeakyReLU(0.01)}
	p := net.Init(rng, nn.LeCunNormal)
	obj := nn.NewObjective(net, X, &Y, nn.HalfSquaredError)
	theta := p.Vec()
	var lambda float64
	for b.Loop() {
		hvp := hessian.NewHVP(obj.Func, theta)
		e := hessian.PowerIteration(hvp, hessian.PowerSettings{MaxSteps: 50, Tol: 1e-300, Rand: rand.New(rand.NewPCG(1, 1))})
		lambda = e.Values[0]
	}
	b.ReportMetric(lambda, "lambda")
}

package hessian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// torchWorkload is the "hvp" workload of the PyTorch side-by-side
// comparison, built from the library: a leaky-ReLU(0.01) MLP 20-50-10 with
// biases (1560 parameters) on 1000 samples, loss ½‖·‖²/N.
func torchWorkload() (nn.MLP, *mat.Dense, *mat.Dense, []float64) {
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
	return net, X, &Y, net.Init(rng, nn.LeCunNormal).Vec()
}

// BenchmarkPower50TorchWorkload: the top Hessian eigenvalue of torchWorkload
// by 50 power iterations, as PyTorch's reference computes it (one forward
// and gradient pass with create_graph, then 50 double-backward products).
// "exact" is hessian.New on the objective (forward-over-reverse products: one
// recorded pass, then two tangent sweeps a product), made afresh every
// iteration so that the pass is recorded each time as PyTorch's is;
// "finite-differences" is hessian.NewHVP on its Func (four gradients a
// product).
func BenchmarkPower50TorchWorkload(b *testing.B) {
	net, X, Y, theta := torchWorkload()
	for _, c := range []struct {
		name string
		op   func(obj *nn.Objective) hessian.Operator
	}{
		{"exact", func(obj *nn.Objective) hessian.Operator { return hessian.New(obj, theta) }},
		{"finite-differences", func(obj *nn.Objective) hessian.Operator { return hessian.NewHVP(obj.Func, theta) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			obj := nn.NewObjective(net, X, Y, nn.HalfSquaredError)
			var lambda float64
			for b.Loop() {
				obj = nn.NewObjective(net, X, Y, nn.HalfSquaredError)
				e := hessian.PowerIteration(c.op(obj), hessian.PowerSettings{MaxSteps: 50, Tol: 1e-300, Rand: rand.New(rand.NewPCG(1, 1))})
				lambda = e.Values[0]
			}
			b.ReportMetric(lambda, "lambda")
		})
	}
}

// BenchmarkLanczosTorchWorkload: the same top eigenvalue by Lanczos with
// exact products, to a residual of 1e-10·λ (so λ to about 1e-20/gap): the
// products it takes are reported.
func BenchmarkLanczosTorchWorkload(b *testing.B) {
	net, X, Y, theta := torchWorkload()
	var e hessian.Eigen
	for b.Loop() {
		obj := nn.NewObjective(net, X, Y, nn.HalfSquaredError)
		e = hessian.Lanczos(hessian.New(obj, theta), 1, hessian.LanczosSettings{Tol: 1e-10})
	}
	b.ReportMetric(float64(e.Steps), "products")
	b.ReportMetric(e.Values[0], "lambda")
}

// BenchmarkFullFig9Exact: the full 750×750 Hessian of the Fig. 9 network
// (m = 10, n = 5, h = 50, X = I, ‖Y − U V‖²_F) from 750 exact products of
// nn.Objective.
func BenchmarkFullFig9Exact(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 9))
	net := nn.TwoLayer{In: 5, Hidden: 50, Out: 10, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(0.3))
	X, Y := mat.NewDense(5, 5, nil), mat.NewDense(10, 5, nil)
	for i := range 5 {
		X.Set(i, i, 1)
	}
	nn.Normal(1)(rng, Y)
	obj := nn.NewObjective(net, X, Y, nn.SquaredError)
	var H mat.SymDense
	for b.Loop() {
		hessian.Full(&H, hessian.New(obj, p.Vec()))
	}
}

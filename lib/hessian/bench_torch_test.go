package hessian_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// torchWorkload is the "hvp" workload of the PyTorch side-by-side
// comparison, built from the library on PyTorch's own data and initial
// weights (testdata/torch, one sample per row): a leaky-ReLU(0.01) MLP
// 20-50-10 with zero biases (1560 parameters) on 1000 samples, loss
// ½‖·‖²/N. Its top Hessian eigenvalue is PyTorch's λ_max in
// testdata/torch/mlp_hessian.json.
func torchWorkload() (net nn.MLP, X, Y *mat.Dense, theta []float64) {
	read := func(name string) *mat.Dense {
		m, err := nn.ReadNpy("../../testdata/torch/lin_" + name + ".npy")
		if err != nil {
			panic(err)
		}
		return m
	}
	net = nn.MLP{Sizes: []int{20, 50, 10}, Act: nn.LeakyReLU(0.01)}
	p := net.Params()
	p.M("W1").Copy(read("V"))
	p.M("W2").Copy(read("U"))
	return net, read("X"), read("Y"), p.Vec()
}

// newTorchObjective is the objective of torchWorkload.
func newTorchObjective(net nn.MLP, X, Y *mat.Dense) *nn.Objective {
	return nn.NewObjectiveRows(net, X, Y, nn.HalfSquaredError)
}

// BenchmarkPower50TorchWorkload: the top Hessian eigenvalue of torchWorkload
// by 50 power iterations, as PyTorch's reference computes it (one forward
// and gradient pass with create_graph, then 50 double-backward products).
// "exact" is hessian.New on the objective (forward-over-reverse products: one
// recorded pass, then two tangent sweeps a product), made afresh every
// iteration so that the pass is recorded each time as PyTorch's is;
// "finite-differences" is hessian.NewHVP on its Func (four gradients a
// product). Side by side with PyTorch 1.13 on one core of a Zen 5, three
// rounds: exact 11.3–11.9 ms against PyTorch's 22.2–26.6 ms with
// OPENBLAS_CORETYPE=SkylakeX and glibc's trimming off (ratio 0.45–0.52,
// median 0.49), and against 40–59 ms as Debian installs it; 13.5–14.0 ms
// before the dot products were chunked at 512 terms and the tangent
// reductions took sixteen partial sums.
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
			obj := newTorchObjective(net, X, Y)
			var lambda float64
			for b.Loop() {
				obj = newTorchObjective(net, X, Y)
				e := hessian.PowerIteration(c.op(obj), hessian.PowerSettings{MaxSteps: 50, Tol: 1e-300, Rand: rand.New(rand.NewPCG(1, 1))})
				lambda = e.Values[0]
			}
			b.ReportMetric(lambda, "lambda")
		})
	}
}

// BenchmarkLanczosTorchWorkload: the same top eigenvalue by Lanczos with
// exact products, stopped at a residual of 10⁻⁶·λ, which bounds the
// eigenvalue's error by residual²/gap ≈ 10⁻¹¹·λ here (λ₂/λ₁ = 0.96). It
// reports the products taken and the relative error against PyTorch's exact
// λ_max (double backward and eigvalsh, testdata/torch/mlp_hessian.json).
func BenchmarkLanczosTorchWorkload(b *testing.B) {
	net, X, Y, theta := torchWorkload()
	raw, err := os.ReadFile("../../testdata/torch/mlp_hessian.json")
	if err != nil {
		b.Fatal(err)
	}
	var ref struct {
		LambdaMax float64 `json:"lambda_max"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		b.Fatal(err)
	}
	var e hessian.Eigen
	for b.Loop() {
		obj := newTorchObjective(net, X, Y)
		e = hessian.Lanczos(hessian.New(obj, theta), 1, hessian.LanczosSettings{Tol: 1e-6})
	}
	b.ReportMetric(float64(e.Steps), "products")
	b.ReportMetric(math.Abs(e.Values[0]-ref.LambdaMax)/ref.LambdaMax/1e-12, "relerr(1e-12)")
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

// BenchmarkHVPExact: one exact Hessian-vector product of hessian.New on an
// nn.Objective after the first (which records the pass and makes the
// tape's buffers): the Fig. 9 network (as in BenchmarkFullFig9Exact) and
// torchWorkload. After warm-up a product allocates nothing.
func BenchmarkHVPExact(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 9))
	fig9 := nn.TwoLayer{In: 5, Hidden: 50, Out: 10, Act: nn.Linear}
	X9, Y9 := mat.NewDense(5, 5, nil), mat.NewDense(10, 5, nil)
	for i := range 5 {
		X9.Set(i, i, 1)
	}
	nn.Normal(1)(rng, Y9)
	net, X, Y, theta := torchWorkload()
	for _, c := range []struct {
		name  string
		obj   *nn.Objective
		theta []float64
	}{
		{"fig9", nn.NewObjective(fig9, X9, Y9, nn.SquaredError), fig9.Init(rng, nn.Normal(0.3)).Vec()},
		{"torch-mlp", newTorchObjective(net, X, Y), theta},
	} {
		b.Run(c.name, func(b *testing.B) {
			op := hessian.New(c.obj, c.theta)
			v := make([]float64, op.Dim())
			for i := range v {
				v[i] = rng.NormFloat64()
			}
			dst := make([]float64, len(v))
			op.MulVec(dst, v)
			b.ReportAllocs()
			for b.Loop() {
				op.MulVec(dst, v)
			}
		})
	}
}

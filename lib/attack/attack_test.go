package attack_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/classify"
	"github.com/noetherlab/noether/lib/nn"
)

// randomOracle returns a Gradient whose gradient has random entries, a
// fifth of them exactly zero, different at every call.
func randomOracle(seed uint64) attack.Gradient {
	rng := rand.New(rand.NewPCG(seed, 1))
	return func(grad, x *mat.Dense, labels []int) float64 {
		raw := grad.RawMatrix()
		for i := 0; i < raw.Rows; i++ {
			row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
			for j := range row {
				row[j] = rng.NormFloat64()
				if rng.IntN(5) == 0 {
					row[j] = 0
				}
			}
		}
		return 0
	}
}

// images returns d×N inputs uniform in [lo, hi], some exactly at the bounds.
func images(rng *rand.Rand, d, N int, lo, hi float64) *mat.Dense {
	x := mat.NewDense(d, N, nil)
	raw := x.RawMatrix().Data
	for i := range raw {
		switch rng.IntN(10) {
		case 0:
			raw[i] = lo
		case 1:
			raw[i] = hi
		default:
			raw[i] = lo + (hi-lo)*rng.Float64()
		}
	}
	return x
}

// FGSM is clip_[lo,hi](x + ε sign g) for the gradient the oracle gave
// (recorded by a wrapper): every entry in the box and within ε of x exactly
// (|x′ − x| ≤ ε as computed in float64), entries with zero gradient
// unmoved, and the others equal to clip(x + ε sign g) up to the one ulp by
// which the ball's bound may be rounded inwards.
func TestFGSMStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const d, N = 7, 1234 // N > attack.Chunk: several chunks
	box := attack.Box{Lo: -0.5, Hi: 0.5}
	x := images(rng, d, N, box.Lo, box.Hi)
	labels := make([]int, N)
	g := mat.NewDense(d, N, nil)
	off := 0
	oracle := randomOracle(3)
	record := func(grad, xb *mat.Dense, y []int) float64 {
		oracle(grad, xb, y)
		_, nb := grad.Dims()
		g.Slice(0, d, off, off+nb).(*mat.Dense).Copy(grad)
		off += nb
		return 0
	}
	for _, eps := range []float64{0.003, 0.05, 0.3, 2} {
		off = 0
		xa := attack.FGSM(nil, x, labels, record, eps, box)
		for i := 0; i < d; i++ {
			for j := 0; j < N; j++ {
				x0, v, gij := x.At(i, j), xa.At(i, j), g.At(i, j)
				s := 0.0
				if gij > 0 {
					s = 1
				} else if gij < 0 {
					s = -1
				}
				want := math.Min(math.Max(x0+eps*s, box.Lo), box.Hi)
				ulp := math.Abs(math.Nextafter(want, 0) - want)
				if math.Abs(v-want) > ulp || v < box.Lo || v > box.Hi || math.Abs(v-x0) > eps || (gij == 0 && v != x0) {
					t.Fatalf("eps %g: entry (%d, %d): x %v, gradient %v → %v, want %v", eps, i, j, x0, gij, v, want)
				}
			}
		}
	}
}

// PGD never leaves the ball around x nor the box, whatever the gradients,
// the step or the number of iterations; with no iteration and no random
// start it returns x.
func TestPGDProjection(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	const d, N = 5, 777
	box := attack.Box{Lo: -0.5, Hi: 0.5}
	x := images(rng, d, N, box.Lo, box.Hi)
	labels := make([]int, N)
	same := attack.PGD{Eps: 0.3, Step: 0.01, Box: box}.Attack(nil, x, labels, randomOracle(6))
	if !mat.Equal(same, x) {
		t.Fatal("PGD with 0 iterations and no random start moved x")
	}
	for _, s := range []attack.PGD{
		{Eps: 0.3, Step: 0.01, Iters: 3, RandomStart: true, Box: box, Seed: 1},
		{Eps: 0.05, Step: 0.04, Iters: 20, Box: box},
		{Eps: 0.01, Step: 1, Iters: 5, RandomStart: true, Box: box, Seed: 2},
	} {
		xa := s.Attack(nil, x, labels, randomOracle(7))
		moved := 0
		for i := 0; i < d; i++ {
			for j := 0; j < N; j++ {
				x0, v := x.At(i, j), xa.At(i, j)
				if v < box.Lo || v > box.Hi || math.Abs(v-x0) > s.Eps {
					t.Fatalf("%+v: entry (%d, %d) = %v: outside the box or |x′ − x| > ε for x = %v", s, i, j, v, x0)
				}
				if v != x0 {
					moved++
				}
			}
		}
		if moved < d*N/2 {
			t.Errorf("%+v: only %d of %d entries moved", s, moved, d*N)
		}
	}
}

// ModelGradient is the gradient of the mean cross-entropy with respect to
// the inputs: central differences agree to 1e-6 relative (their error is
// O(h²) ≈ 1e-10 of the curvature scale, plus rounding 1e-16/h ≈ 1e-11; the
// kinks of LeakyReLU and max-pooling are rarely crossed at h = 1e-5).
func TestModelGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	models := []nn.Model{
		nn.MLP{Sizes: []int{12, 6, 4}, Act: nn.Tanh},
		nn.ConvNet{In: ad.Dims{C: 2, H: 6, W: 6}, Channels: 3, Hidden: 5, Classes: 4, Act: nn.Tanh, ConvSlope: 0.1},
	}
	for _, model := range models {
		p := model.Init(rng, nn.XavierNormal)
		for _, v := range []string{"b1", "conv.b", "fc1.b", "fc2.b", "b2"} {
			if p.Has(v) {
				nn.Normal(0.1)(rng, p.M(v))
			}
		}
		d := p.At(0).RawMatrix().Cols
		if _, ok := model.(nn.ConvNet); ok {
			d = 2 * 36
		}
		const N = 3
		x := images(rng, d, N, -1, 1)
		labels := []int{0, 3, 1}
		f := attack.ModelGradient(model, p)
		g := mat.NewDense(d, N, nil)
		f(g, x, labels)
		const h = 1e-5
		scratch := mat.NewDense(d, N, nil)
		worst := 0.0
		for i := 0; i < d; i++ {
			for j := 0; j < N; j++ {
				xp := mat.DenseCopyOf(x)
				xp.Set(i, j, x.At(i, j)+h)
				lp := f(scratch, xp, labels)
				xp.Set(i, j, x.At(i, j)-h)
				lm := f(scratch, xp, labels)
				worst = math.Max(worst, math.Abs((lp-lm)/(2*h)-g.At(i, j)))
			}
		}
		if scale := mat.Norm(g, math.Inf(1)); worst > 1e-6*scale {
			t.Errorf("%v: gradient differs from central differences by %.2g (largest entry %.2g)", model, worst, scale)
		}
	}
}

// On a trained classifier, FGSM raises the mean loss and lowers the
// accuracy, more for a larger ε (a first-order step up the loss: for small
// ε the rise is ε‖∇L‖₁ to first order, positive unless the gradient is 0).
func TestFGSMIncreasesLoss(t *testing.T) {
	train, test := classify.Mixture(11, 2000, 500)
	model := nn.MLP{Sizes: []int{784, 16, 10}, Act: nn.LeakyReLU(0.1)}
	p := model.Init(rand.New(rand.NewPCG(12, 13)), nn.KaimingUniform)
	if _, err := classify.Train(model, p, train, classify.Settings{Epochs: 3}); err != nil {
		t.Fatal(err)
	}
	x := mat.DenseCopyOf(test.X.T())
	f := attack.ModelGradient(model, p)
	box := attack.Box{Lo: -10, Hi: 10}
	g := mat.NewDense(784, 500, nil)
	prevLoss, prevAcc := f(g, x, test.Labels), nn.Accuracy(nn.Predict(model, p, x), test.Labels)
	for _, eps := range []float64{0.02, 0.05, 0.1, 0.2} {
		xa := attack.FGSM(nil, x, test.Labels, f, eps, box)
		loss, acc := f(g, xa, test.Labels), nn.Accuracy(nn.Predict(model, p, xa), test.Labels)
		t.Logf("ε = %g: loss %.4f → %.4f, accuracy %.3f → %.3f", eps, prevLoss, loss, prevAcc, acc)
		if !(loss > prevLoss) || acc > prevAcc {
			t.Errorf("ε = %g: loss %.4f (previous %.4f), accuracy %.3f (previous %.3f): want the loss to rise and the accuracy not to", eps, loss, prevLoss, acc, prevAcc)
		}
		prevLoss, prevAcc = loss, acc
	}
}

// SPSA on a linear loss L(x) = wᵀx per sample, whose gradient w it never
// sees: with enough directions the sign of its estimate is sign(w) in every
// coordinate, so one step of α from x moves every coordinate by α towards
// sign(w), as FGSM would, and the ball and box bound the result exactly.
// The estimate of coordinate i is Σ_k (wᵀv_k) v_ki: mean 2000·w_i, standard
// deviation √2000·‖w_{−i}‖ ≤ 170, so the smallest |w_i| = 0.5 is 5.9
// standard deviations from a wrong sign.
func TestSPSALinear(t *testing.T) {
	const d, N = 6, 3
	w := []float64{1, -2, 0.5, -0.7, 3, -1}
	loss := func(x *mat.Dense, labels []int) []float64 {
		out := make([]float64, N)
		for j := range N {
			for i := range d {
				out[j] += w[i] * x.At(i, j)
			}
		}
		return out
	}
	x := mat.NewDense(d, N, nil)
	for i := range d {
		for j := range N {
			x.Set(i, j, 0.1*float64(i-j))
		}
	}
	labels := []int{0, 1, 2}
	s := attack.SPSA{Eps: 0.05, Step: 0.01, Delta: 0.01, Samples: 2000, Iters: 1, Seed: 1, Box: attack.Box{Lo: -1, Hi: 1}}
	adv := s.Attack(nil, x, labels, loss)
	for i := range d {
		for j := range N {
			if want := x.At(i, j) + 0.01*math.Copysign(1, w[i]); math.Abs(adv.At(i, j)-want) > 1e-15 {
				t.Errorf("one step, (%d, %d): %g, want %g", i, j, adv.At(i, j), want)
			}
		}
	}
	s.Iters = 20 // 0.2 of steps, held to the ball of 0.05 and the box
	adv = s.Attack(nil, x, labels, loss)
	for i := range d {
		for j := range N {
			want := math.Max(-1, math.Min(1, x.At(i, j)+0.05*math.Copysign(1, w[i])))
			if math.Abs(adv.At(i, j)-want) > 1e-15 {
				t.Errorf("20 steps, (%d, %d): %g, want %g", i, j, adv.At(i, j), want)
			}
		}
	}
}

// convNetProblem returns the notebooks' conv net (1×28×28 images, 32
// channels, 16 hidden units, 10 classes, leaky ReLU 0.1) with random weights,
// N images in [−0.5, 0.5] and random labels.
func convNetProblem(rng *rand.Rand, N int) (nn.ConvNet, *nn.Params, *mat.Dense, []int) {
	model := nn.ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 32, Hidden: 16, Classes: 10, Act: nn.LeakyReLU(0.1)}
	p := model.Init(rng, nn.KaimingUniform)
	x := images(rng, 784, N, -0.5, 0.5)
	y := make([]int, N)
	for j := range y {
		y[j] = rng.IntN(10)
	}
	return model, p, x, y
}

package exercise

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/pittorino2022"
	"github.com/noetherlab/noether/lib/sym"
)

// Spearman checks exercise 11.1: a function computing Spearman's rank
// correlation of two samples, tied values getting the mean of their ranks.
//
// The check compares the answer with pittorino2022.Spearman, which notebook
// 11 uses, on random samples with and without ties and with monotone but
// nonlinear relations, within 1e-12 (both are a correlation of ranks, exact
// up to rounding).
func Spearman(f func(x, y []float64) float64) Verdict {
	const id = "11.1"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(11, 1))
	for trial := range 6 {
		n := 8 + 4*trial
		x, y := make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = rng.NormFloat64()
			y[i] = math.Exp(3*x[i]) + rng.NormFloat64() // monotone in x, far from linear
			if trial%2 == 1 {                           // ties
				x[i] = math.Round(2 * x[i])
				y[i] = math.Round(y[i])
			}
		}
		want := pittorino2022.Spearman(x, y).Mean
		got, err := Protect(func() float64 { return f(append([]float64(nil), x...), append([]float64(nil), y...)) })
		switch {
		case err != nil:
			return Fail(id, "your function panicked on %d pairs: %v", n, err)
		case math.Abs(got-want) <= 1e-12:
			continue
		case math.Abs(got-stat.Correlation(x, y, nil)) <= 1e-12:
			return Fail(id, "that is Pearson's correlation of the values. A rank correlation does not change when x or y is replaced by an increasing function of itself.")
		case trial%2 == 1:
			return Fail(id, "right without ties, wrong on %d pairs with tied values: tied values share the mean of the ranks they occupy", n)
		default:
			return Fail(id, "wrong on %d pairs without ties: replace each value by its rank (1 for the smallest) and correlate the ranks", n)
		}
	}
	return Pass(id, "your rank correlation agrees with the library's on six random samples, three with ties")
}

// RescalingInvariants checks exercise 11.2, a multiple choice: a ReLU
// network and its copy with hidden layer 1 rescaled, (W₁, b₁, W₂) ↦
// (5W₁, 5b₁, W₂/5). Which of these are the same for both?
//
//	(a) the training error
//	(b) the largest eigenvalue of the training loss's Hessian
//	(c) the local energy δE(σ = 0.2) with multiplicative noise w ⊙ (1 + σz)
//	(d) the local energy δE(σ = 0.2) with additive noise w + σz
//	(e) the squared norm of the parameters ‖θ‖²
//
// The check computes each for a small random ReLU net on random data with the
// library (landscape.LocalEnergy with the same 20 draws for both nets,
// hessian.Eigenvalues of the exact Hessian) and calls a quantity invariant
// when it agrees within 1e-9 relative: the invariant ones agree to rounding,
// the others differ by order one.
func RescalingInvariants(answer string) Verdict {
	const id = "11.2"
	truth, err := rescalingTruth()
	mustLib("RescalingInvariants", err)
	return Choice(id, answer, truth, "The rescaling changes the parameters but not the function: ask of each quantity whether it sees only the function, and whether the noise it adds scales with each weight.")
}

func rescalingTruth() (map[rune]bool, error) {
	rng := rand.New(rand.NewPCG(11, 2))
	m := nn.MLP{Sizes: []int{5, 8, 3}, Act: nn.ReLU}
	const N = 300
	X := data.Normal(rng, N, 5, 1) // one sample per row
	teacher := normalMLP(rng, m)
	labels := columnArgmax(nn.Predict(m, teacher, data.Columns(X)))
	set := &data.Set{X: X, Labels: labels, Classes: []string{"0", "1", "2"}, Shape: data.Shape{C: 1, H: 1, W: 5}}
	ev, err := landscape.NewEvaluator(m, set)
	if err != nil {
		return nil, err
	}
	p := normalMLP(rng, m)
	W, b := m.Layers(p)
	c := []float64{5, 5, 5, 5, 5, 5, 5, 5}
	W2, b2 := sym.DeepRescale(0, 1, c, W, b)
	q := m.Params()
	Wq, bq := m.Layers(q)
	for l := range W2 {
		Wq[l].Copy(W2[l])
		bq[l].CopyVec(b2[l])
	}
	y := mat.NewDense(1, N, nil)
	for i, l := range labels {
		y.Set(0, i, float64(l))
	}
	measure := map[rune]func(theta []float64) float64{
		'a': func(theta []float64) float64 { return ev.Eval(theta).Err },
		'b': func(theta []float64) float64 {
			obj := nn.NewObjective(m, data.Columns(X), y, nn.CrossEntropy)
			vals, err := hessian.Eigenvalues(hessian.New(obj, theta))
			mustLib("RescalingInvariants", err)
			return vals[len(vals)-1]
		},
		'c': func(theta []float64) float64 {
			return landscape.LocalEnergy(ev, theta, 0.2, landscape.NoiseSettings{Noise: landscape.Multiplicative, Seed: 1}).Rise.Loss
		},
		'd': func(theta []float64) float64 {
			return landscape.LocalEnergy(ev, theta, 0.2, landscape.NoiseSettings{Noise: landscape.Additive, Seed: 1}).Rise.Loss
		},
		'e': func(theta []float64) float64 { return floats.Dot(theta, theta) },
	}
	truth := map[rune]bool{}
	for r, f := range measure {
		before, after := f(p.Vec()), f(q.Vec())
		truth[r] = math.Abs(after-before) <= 1e-9*math.Max(math.Abs(before), 1e-300) || before == after
	}
	return truth, nil
}

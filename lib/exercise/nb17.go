package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// DecayLevel checks exercise 17.1: write the level C* at which weight decay
// stops the growth of a normalised layer's charge C = ‖W‖² under SGD with
// learning rate η, decay γ and batches of S samples drawn with replacement,
// at a minimum where the per-sample noise of the layer at unit scale is T
// (one sample's E‖g_W‖² = T/C, the mean gradient zero). Notebook 17 gives
// the level for S = 1; the batch enters through notebook 14's c.
//
// The level is where the expected step vanishes. The check finds it from
// the library's noise.ExpectedStep on the smallest such layer: θ = (√C, 0)
// with A = I (noise.Scaling) and two per-sample gradients ±(0, √(T/C)),
// orthogonal to θ as a scale-invariant loss's are, whose mean is zero and
// whose noise is T/C. The expected step is decreasing in C > 0, and
// bisection finds its zero to the last bit. The function is compared on 200
// random (η, γ, T, S) with ηγ between 1e-3 and 0.1 and S from 1 to 16:
// tolerance 1e-9 relative, far below the 2.5e-4 by which the first-order
// k ≈ 2ηγ misses.
func DecayLevel(f func(eta, gamma, T float64, S int) float64) Verdict {
	const id = "17.1"
	if f == nil {
		return Open(id)
	}
	A := noise.Scaling("W", 2, []int{0, 1})
	return OnRandomInputs(id, 200, 17, func(rng *rand.Rand) string {
		eta := 0.01 + 0.19*rng.Float64()
		gamma := math.Exp(math.Log(1e-3)+rng.Float64()*math.Log(100)) / eta
		T := 0.1 + 10*rng.Float64()
		S := 1 + rng.IntN(16)
		s := noise.SGD{LR: eta, WeightDecay: gamma, BatchSize: S, Replace: true}
		step := func(C float64) float64 {
			g := math.Sqrt(T / C)
			d, err := noise.ExpectedStep(A, []float64{math.Sqrt(C), 0}, noise.FromMatrix(mat.NewDense(2, 2, []float64{0, g, 0, -g})), s)
			mustLib("DecayLevel", err)
			return d.Total
		}
		lo, hi := 0.0, 1.0
		for step(hi) > 0 {
			lo, hi = hi, 2*hi
		}
		for {
			mid := lo + (hi-lo)/2
			if mid <= lo || mid >= hi {
				break
			}
			if step(mid) > 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		want := lo
		got := f(eta, gamma, T, S)
		if !(math.Abs(got-want) <= 1e-9*want) {
			return fmt.Sprintf("for η = %.4g, γ = %.4g, T = %.4g, S = %d your level differs from where the expected step "+
				"of the exact law vanishes. The noise term of a batch of S carries the factor c of notebook 14, and the "+
				"decay term is −kC with k = 1 − (1 − ηγ)² exactly (not its first order 2ηγ).", eta, gamma, T, S)
		}
		return ""
	})
}

// ScaleInvariantNoise checks exercise 17.2: multiply the normalised weights
// W of Net A (ziyin2024.NormNet with one layer) by 3; by what factor does
// the mean squared per-sample gradient E‖ĝ_W‖² change?
//
// The check evaluates it on Net A (5 inputs, width 5, a fixed random
// readout) at random weights on 200 random samples, with the per-sample
// gradients of nn.Objective.Batch: the identity holds to rounding,
// tolerance 1e-9 relative.
func ScaleInvariantNoise(got float64) Verdict {
	const id = "17.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(17, 2))
	head := mat.NewDense(1, 5, nil)
	nn.LeCunNormal(rng, head)
	net := ziyin2024.NormNet{In: 5, Hidden: 5, Out: 1, Layers: 1, Head: head}
	p := net.Init(rng, nn.LeCunNormal)
	const n = 200
	x, y := mat.NewDense(5, n, nil), mat.NewDense(1, n, nil)
	for s := range n {
		for i := range 5 {
			x.Set(i, s, rng.NormFloat64())
		}
		y.Set(0, s, rng.NormFloat64())
	}
	obj := nn.NewObjective(net, x, y, nn.MSE)
	meanSq := func(theta []float64) float64 {
		g := make([]float64, len(theta))
		var sum float64
		for s := range n {
			obj.Batch(theta, g, []int{s})
			sum += floats.Dot(g, g)
		}
		return sum / n
	}
	theta := append([]float64(nil), p.Vec()...)
	base := meanSq(theta)
	floats.Scale(3, theta)
	return Number(id, got, meanSq(theta)/base, 1e-9,
		"The loss does not change when W is scaled: differentiate ℓ(cW) = ℓ(W) with respect to W "+
			"to see how the gradient at cW relates to the gradient at W, then square.")
}

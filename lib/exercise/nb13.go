package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
)

// SignHamming checks exercise 13.1: write the Hamming distance between two
// binary networks given by their latent weights a and b, the fraction of
// weights whose signs differ, with sign(0) = +1 as landscape.BinaryMLP
// takes it.
//
// The function is compared on 200 random pairs of vectors (lengths 1 to
// 200, entries normal, exactly zero or ±1) with the distance computed from
// landscape.Signs. The distance is a count divided by the length: the
// tolerance, 1e-12, is rounding.
func SignHamming(f func(a, b []float64) float64) Verdict {
	const id = "13.1"
	if f == nil {
		return Open(id)
	}
	return OnRandomInputs(id, 200, 13, func(rng *rand.Rand) string {
		n := 1 + rng.IntN(200)
		draw := func() []float64 {
			v := make([]float64, n)
			for i := range v {
				switch r := rng.Float64(); {
				case r < 0.25:
					v[i] = 0
				case r < 0.5:
					v[i] = float64(2*rng.IntN(2) - 1)
				default:
					v[i] = rng.NormFloat64()
				}
			}
			return v
		}
		a, b := draw(), draw()
		sa, sb := landscape.Signs(a), landscape.Signs(b)
		var differ int
		for i := range sa {
			if sa[i] != sb[i] {
				differ++
			}
		}
		want := float64(differ) / float64(n)
		got := f(append([]float64(nil), a...), append([]float64(nil), b...))
		if !(math.Abs(got-want) <= 1e-12) {
			hint := "count the weights whose signs differ and divide by the number of weights"
			if got > 1 {
				hint = "the distance is a fraction of the weights, between 0 and 1"
			}
			return fmt.Sprintf("on a random pair of %d weights (some of them exactly 0) your distance differs from the library's: %s; "+
				"a weight that is exactly 0 has sign +1.", n, hint)
		}
		return ""
	})
}

// FlipDisagreement checks exercise 13.2: a binary hidden unit with 16 inputs,
// each ±1 (the outputs of the layer below), and ±1 weights; its sign-flipped
// copy negates its incoming and outgoing weights. On what fraction of the
// 2¹⁶ input patterns do the two networks compute different outputs?
//
// The check builds landscape.BinaryMLP{16, 1, 1} with random ±1 weights and
// its flipped copy, evaluates both (nn.Predict) on all 2¹⁶ patterns and
// counts the disagreements: an exact fraction, tolerance 1e-9.
func FlipDisagreement(got float64) Verdict {
	const id = "13.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	const n = 16
	net := landscape.BinaryMLP{Sizes: []int{n, 1, 1}}
	rng := rand.New(rand.NewPCG(13, 2))
	p := net.Params()
	for j := range n {
		p.M("W1").Set(0, j, float64(2*rng.IntN(2)-1))
	}
	p.M("W2").Set(0, 0, 1)
	flipped := p.Clone()
	for i, v := range flipped.Vec() {
		flipped.Vec()[i] = -v
	}
	x := mat.NewDense(n, 1<<n, nil)
	for s := range 1 << n {
		for j := range n {
			x.Set(j, s, float64(2*(s>>j&1)-1))
		}
	}
	fa, fb := nn.Predict(net, p, x), nn.Predict(net, flipped, x)
	var differ int
	for s := range 1 << n {
		if fa.At(0, s) != fb.At(0, s) {
			differ++
		}
	}
	return Number(id, got, float64(differ)/(1<<n), 1e-9,
		"The flip would be exact if sign were odd. Find the inputs where sign(−z) = −sign(z) fails, "+
			"and count the patterns of sixteen ±1 terms that reach them.")
}

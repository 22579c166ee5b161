package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/data"
)

// FGSMBox is the range of the notebooks' centred images, the box of
// exercise 09.1.
var FGSMBox = attack.Box{Lo: -0.5, Hi: 0.5}

// FGSMStep checks exercise 09.1: a function that takes one FGSM step by
// hand, from an image x (pixels in FGSMBox) and the gradient of the loss
// at x, with strength eps.
//
// The check compares the answer with attack.FGSM, given the same gradient,
// on random images whose gradients have some exact zeros, within 1e-12 per
// pixel: attack.FGSM rounds x ± ε inwards by at most an ulp, far below that.
func FGSMStep(f func(x, grad []float64, eps float64) []float64) Verdict {
	const id = "09.1"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(9, 1))
	const d = 200
	for _, eps := range []float64{0.01, 0.1, 0.3} {
		x := make([]float64, d)
		g := make([]float64, d)
		for i := range d {
			x[i] = FGSMBox.Lo + (FGSMBox.Hi-FGSMBox.Lo)*rng.Float64()
			if i%7 != 0 {
				g[i] = rng.NormFloat64()
			}
		}
		oracle := func(grad, _ *mat.Dense, _ []int) float64 {
			grad.Copy(mat.NewDense(d, 1, g))
			return 0
		}
		want := attack.FGSM(nil, mat.NewDense(d, 1, append([]float64(nil), x...)), []int{0}, oracle, eps, FGSMBox).RawMatrix().Data
		got, err := Protect(func() []float64 {
			return f(append([]float64(nil), x...), append([]float64(nil), g...), eps)
		})
		switch {
		case err != nil:
			return Fail(id, "your function panicked: %v", err)
		case len(got) != d:
			return Fail(id, "your function returned %d pixels for an image of %d", len(got), d)
		}
		bad, outside, zeroed, unequal := 0, 0, 0, 0
		for i := range d {
			if math.Abs(got[i]-want[i]) <= 1e-12 {
				continue
			}
			bad++
			switch {
			case !(got[i] >= FGSMBox.Lo && got[i] <= FGSMBox.Hi):
				outside++
			case got[i] == 0 && want[i] < 0:
				zeroed++
			case math.Abs(math.Abs(got[i]-x[i])-eps) > 1e-12 && got[i] > FGSMBox.Lo && got[i] < FGSMBox.Hi && g[i] != 0:
				unequal++
			}
		}
		switch {
		case bad == 0:
			continue
		case outside > 0:
			return Fail(id, "at ε = %g, %d pixels of %d leave the data's range [%g, %g]: an adversarial image must be a valid image", eps, outside, d, FGSMBox.Lo, FGSMBox.Hi)
		case zeroed > 0:
			return Fail(id, "at ε = %g, %d negative pixels became 0: that is clipping to [0, 1], the official notebook's flaw, not to the data's range", eps, zeroed)
		case unequal > 0:
			return Fail(id, "at ε = %g, %d pixels inside the box move by other than ε: FGSM moves every pixel whose gradient is not zero by the same amount", eps, unequal)
		default:
			return Fail(id, "at ε = %g, %d pixels of %d differ from an FGSM step: which way must each pixel move to increase the loss, and what happens where the gradient is zero?", eps, bad, d)
		}
	}
	return Pass(id, "your step agrees with attack.FGSM on random images at ε = 0.01, 0.1 and 0.3")
}

// FGSMMarginDrop checks exercise 09.2: for a linear score m(x) = wᵀx, a
// function of w and ε giving how much one FGSM step of strength ε against m
// (on the loss −m, without clipping) lowers it.
//
// The check runs attack.FGSM on random w and x of 10 to 3000 dimensions,
// with an unbounded box, and compares the answer with the measured drop
// wᵀx − wᵀx′ within 1e-9 relative: the drop is a sum of d terms of size
// ε|w_i|, rounded to about d·1e-16 of itself.
func FGSMMarginDrop(f func(w []float64, eps float64) float64) Verdict {
	const id = "09.2"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(9, 2))
	free := attack.Box{Lo: math.Inf(-1), Hi: math.Inf(1)}
	for _, c := range []struct {
		d   int
		eps float64
	}{{10, 0.1}, {300, 0.01}, {3000, 0.003}} {
		w := data.Normal(rng, c.d, 1, 1)
		x := data.Normal(rng, c.d, 1, 1)
		oracle := func(grad, _ *mat.Dense, _ []int) float64 { // L = −wᵀx, ∇ₓL = −w
			grad.Scale(-1, w)
			return 0
		}
		adv := attack.FGSM(nil, x, []int{0}, oracle, c.eps, free)
		want := mat.Dot(w.ColView(0), x.ColView(0)) - mat.Dot(w.ColView(0), adv.ColView(0))
		got, err := Protect(func() float64 { return f(mat.Col(nil, 0, w), c.eps) })
		if err != nil {
			return Fail(id, "your function panicked: %v", err)
		}
		if Close(got, want, 1e-9) {
			continue
		}
		v := Number(id, got, want, 1e-9, "FGSM moves every coordinate by ±ε: add up what each coordinate's move costs the score.")
		v.Message = fmt.Sprintf("in %d dimensions at ε = %g: %s", c.d, c.eps, v.Message)
		return v
	}
	return Pass(id, "your formula gives the drop attack.FGSM causes in 10, 300 and 3000 dimensions")
}

package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/repro/zhao2023"
)

// simpson integrates σ/σ′ from 0 to x with Simpson's rule on 2000
// intervals: a student's own quadrature, independent of conserved.RatioQuad.
func simpson(x float64) float64 {
	f := func(t float64) float64 { return nn.Softplus.F(t) / nn.Softplus.D(t) }
	const k = 2000
	h := x / k
	s := f(0) + f(x)
	for i := 1; i < k; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(float64(i)*h)
	}
	return s * h / 3
}

// sumF is Σ F(V_aj).
func sumF(F func(float64) float64, V *mat.Dense) float64 {
	s := 0.0
	r, c := V.Dims()
	for a := range r {
		for j := range c {
			s += F(V.At(a, j))
		}
	}
	return s
}

func TestSoftplusConserved(t *testing.T) {
	expect(t, SoftplusConserved(nil), Unanswered, "not answered")
	F := conserved.RatioQuad(nn.Softplus.F, nn.Softplus.D, 0)
	half := func(U *mat.Dense) float64 { n := mat.Norm(U, 2); return n * n / 2 }
	// Right: the paper's form with the library's quadrature, with one's own,
	// and a multiple plus a constant.
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return half(U) - sumF(F, V) }), Right, "")
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return half(U) - sumF(simpson, V) }), Right, "")
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return 7 - 4*half(U) + 4*sumF(F, V) }), Right, "")
	// Wrong: the "+" form, the ratio inverted, a U part off, a constant.
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return half(U) + sumF(F, V) }), Wrong, "V part")
	inv := conserved.RatioQuad(nn.Softplus.D, nn.Softplus.F, 0)
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return half(U) - sumF(inv, V) }), Wrong, "V part")
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return mat.Sum(U) - sumF(F, V) }), Wrong, "only U changes")
	expect(t, SoftplusConserved(func(U, V *mat.Dense) float64 { return 3 }), Wrong, "constant")
}

func TestStepChange(t *testing.T) {
	expect(t, StepChange(math.NaN()), Unanswered, "not answered")
	step := stepChangeAt
	expect(t, StepChange(step(0.05)), Right, "")
	// Right too: the notebook's printed η = 0.1 value (3 digits) scaled as η².
	printed := func(x float64) float64 { d := math.Pow(10, math.Floor(math.Log10(x))-2); return math.Round(x/d) * d }
	expect(t, StepChange(printed(step(0.1))/4), Right, "")
	// Wrong: unscaled, scaled as η.
	expect(t, StepChange(step(0.1)), Wrong, "too large")
	expect(t, StepChange(step(0.1)/2), Wrong, "too large")
}

// stepChangeAt is the notebook's cell at learning rate η: the largest entry
// of Q₁ − Q₀, measured by taking one step of gradient descent.
func stepChangeAt(eta float64) float64 {
	net, p, obj := zhao2023.Fig3Network(nn.Linear, 1)
	g := p.NewLike()
	U, V := net.UV(p)
	obj.Func(p.Vec(), g.Vec())
	q0 := conserved.Matrix(nil, U, V)
	(&optim.GD{LR: eta}).Step(p.Vec(), g.Vec())
	var dQ mat.Dense
	dQ.Sub(conserved.Matrix(nil, U, V), q0)
	return math.Max(mat.Max(&dQ), -mat.Min(&dQ))
}

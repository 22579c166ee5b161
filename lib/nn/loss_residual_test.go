package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// The squared losses record F − Y, which is −(Y − F) exactly: the value,
// the gradient and H·v of each have the bits of the loss on Y − F, on
// residuals that are zeros of both signs (Y zero, F a ReLU's zeros or a zero
// product), infinities and NaNs in Y, and a negative scale of the loss (a
// negative ∂L/∂residual). Only when F and Y both hold NaNs, of different
// payloads, may the NaN that comes out differ: x86 returns the first
// operand's.
func TestSquaredLossesResidualSign(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nan1, nan2 := math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff8000000000002)
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), nan1, nan2, 1, -1}
	old := map[string]func(t *ad.Tape, f, y *ad.Node) *ad.Node{
		"Frobenius":    func(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.Norm(t.Sub(y, f)) },
		"SquaredError": func(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.SumSq(t.Sub(y, f)) },
		"Half":         func(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.Scale(t.SumSq(t.Sub(y, f)), 0.5/float64(f.Cols())) },
	}
	cur := map[string]Loss{"Frobenius": Frobenius, "SquaredError": SquaredError, "Half": HalfSquaredError}
	for trial := 0; trial < 3000; trial++ {
		W := mat.NewDense(4, 3, nil)
		X := mat.NewDense(3, 6, nil)
		Y := mat.NewDense(4, 6, nil)
		V := mat.NewDense(4, 3, nil)
		for i := range W.RawMatrix().Data {
			W.RawMatrix().Data[i] = rng.NormFloat64()
			V.RawMatrix().Data[i] = rng.NormFloat64()
		}
		for i := range X.RawMatrix().Data {
			X.RawMatrix().Data[i] = rng.NormFloat64()
		}
		mode := trial % 4
		for i := range Y.RawMatrix().Data {
			switch {
			case mode == 0:
				Y.RawMatrix().Data[i] = 0
			case mode == 1 && rng.IntN(3) == 0:
				Y.RawMatrix().Data[i] = specials[rng.IntN(len(specials))]
			case mode == 2:
				Y.RawMatrix().Data[i] = specials[rng.IntN(2)]
			default:
				Y.RawMatrix().Data[i] = rng.NormFloat64()
			}
		}
		if mode == 3 {
			for i := range W.RawMatrix().Data {
				W.RawMatrix().Data[i] = 0
			}
		}
		twoNaNs := mode == 1 && trial%3 == 0
		if twoNaNs {
			X.RawMatrix().Data[rng.IntN(18)] = nan2
			for i := range Y.RawMatrix().Data {
				Y.RawMatrix().Data[i] = nan1
			}
		}
		neg := trial%8 >= 4
		for name := range old {
			run := func(loss func(t *ad.Tape, f, y *ad.Node) *ad.Node) []float64 {
				tp := ad.NewTape()
				w := tp.Param(W, nil)
				tp.SetTangent(w, V, nil)
				f := tp.MatMul(w, tp.Const(X))
				if !twoNaNs {
					f = tp.ReLU(f)
				}
				l := loss(tp, f, tp.Const(Y))
				if neg {
					l = tp.Scale(l, -1)
				}
				tp.HessVec(l)
				out := []float64{l.Value().At(0, 0)}
				out = append(out, w.Grad().RawMatrix().Data...)
				return append(out, w.GradTangent().RawMatrix().Data...)
			}
			a, b := run(old[name]), run(cur[name])
			for i := range a {
				same := math.Float64bits(a[i]) == math.Float64bits(b[i])
				if twoNaNs {
					same = math.IsNaN(a[i]) == math.IsNaN(b[i]) && (math.IsNaN(a[i]) || same)
				}
				if !same {
					t.Fatalf("%s, trial %d: entry %d (value, 12 of ∂W, 12 of H·v) is %#x on F − Y, %#x on Y − F",
						name, trial, i, math.Float64bits(b[i]), math.Float64bits(a[i]))
				}
			}
		}
	}
}

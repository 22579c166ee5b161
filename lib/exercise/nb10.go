package exercise

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// CanonicalUnit checks exercise 10.1: for one hidden unit of a one-hidden-
// layer ReLU net, with incoming weights w, bias b and outgoing weights a (its
// column of W₂), a function returning the unit as landscape.Canonicalize
// leaves it before the last layer is divided by ρ: (w, b) on the unit
// sphere, and a changed so that the function does not change.
//
// The check canonicalises random nets with landscape.Canonicalize and
// compares each unit with the answer within 1e-12 relative: both are a few
// divisions and multiplications by one norm.
func CanonicalUnit(f func(w []float64, b float64, a []float64) (w2 []float64, b2 float64, a2 []float64)) Verdict {
	const id = "10.1"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(10, 1))
	for _, sizes := range [][]int{{3, 4, 2}, {6, 5, 3}} {
		m := nn.MLP{Sizes: sizes, Act: nn.ReLU}
		p := normalMLP(rng, m)
		c, err := landscape.Canonicalize(m, p)
		mustLib("CanonicalUnit", err)
		W1, b1, W2 := p.M("W1"), p.M("b1"), p.M("W2")
		cW1, cb1, cW2 := c.Params.M("W1"), c.Params.M("b1"), c.Params.M("W2")
		for j := range sizes[1] {
			type out struct {
				w []float64
				b float64
				a []float64
			}
			got, err := Protect(func() out {
				w, b, a := f(mat.Row(nil, j, W1), b1.At(j, 0), mat.Col(nil, j, W2))
				return out{w, b, a}
			})
			switch {
			case err != nil:
				return Fail(id, "your function panicked: %v", err)
			case len(got.w) != sizes[0] || len(got.a) != sizes[2]:
				return Fail(id, "for a unit with %d inputs and %d outputs your function returned %d and %d weights", sizes[0], sizes[2], len(got.w), len(got.a))
			}
			wantW, wantA := mat.Row(nil, j, cW1), mat.Col(nil, j, cW2)
			for i := range wantA {
				wantA[i] *= c.Scale
			}
			in := append(append([]float64(nil), got.w...), got.b)
			wantIn := append(wantW, cb1.At(j, 0))
			switch {
			case !vecWithin(in, wantIn, 1e-12):
				if n := euclidNorm(in); math.Abs(n-1) > 1e-9 {
					return Fail(id, "your unit's incoming weights and bias do not lie on the unit sphere: which norm is divided out, and does it include the bias?")
				}
				return Fail(id, "your unit's incoming weights and bias are on the unit sphere but not where the canonical form puts them: the rescaling must be by a positive number, which keeps the unit's direction")
			case !vecWithin(got.a, wantA, 1e-12):
				return Fail(id, "the incoming side is right, but the outgoing weights change the function: relu(z/r) = relu(z)/r, so what must a become?")
			}
		}
	}
	return Pass(id, "your unit agrees with landscape.Canonicalize on every unit of two random nets")
}

// ReLUSymmetries checks exercise 10.2, a multiple choice: which of these
// changes of f(x) = W₂σ(W₁x + b₁) + b₂ leave the function unchanged for
// σ = ReLU?
//
//	(a) row j of W₁ and b₁[j] times 3, column j of W₂ divided by 3
//	(b) row j of W₁ times 3 (b₁[j] kept), column j of W₂ divided by 3
//	(c) row j of W₁, b₁[j] and column j of W₂ negated
//	(d) units j and k swapped: rows of W₁, entries of b₁, columns of W₂
//	(e) W₂ and b₂ times 3
//
// The check applies each change to random nets with nonzero biases and
// calls it a symmetry when the outputs on random inputs change by less than
// 1e-12 relative (rounding: a symmetry changes them by about 1e-16, the
// others by order one).
func ReLUSymmetries(answer string) Verdict {
	return symmetryChoice("10.2", answer, nn.ReLU)
}

// TanhSymmetries checks exercise 10.3: the multiple choice of exercise 10.2
// (ReLUSymmetries) for σ = tanh.
func TanhSymmetries(answer string) Verdict {
	return symmetryChoice("10.3", answer, nn.Tanh)
}

func symmetryChoice(id, answer string, act nn.Activation) Verdict {
	truth := map[rune]bool{}
	rng := rand.New(rand.NewPCG(10, 2))
	m := nn.MLP{Sizes: []int{4, 6, 3}, Act: act}
	X := data.Normal(rng, 4, 50, 1)
	for _, opt := range "abcde" {
		change := symmetryOptions[opt]
		invariant := true
		for range 3 {
			p := normalMLP(rng, m)
			q := p.Clone()
			change(q)
			if sym.RelDiff(nn.Predict(m, p, X), nn.Predict(m, q, X)) > 1e-12 {
				invariant = false
			}
		}
		truth[opt] = invariant
	}
	return Choice(id, answer, truth, "Try each change on a small net (nn.Predict before and after), or write σ(c·z) for c = 3 and c = −1.")
}

// symmetryOptions are the changes of exercises 10.2 and 10.3, on hidden
// units j = 1 and k = 4.
var symmetryOptions = map[rune]func(p *nn.Params){
	'a': func(p *nn.Params) { scaleUnit(p, 1, 3, 3, 1.0/3) },
	'b': func(p *nn.Params) { scaleUnit(p, 1, 3, 1, 1.0/3) },
	'c': func(p *nn.Params) { scaleUnit(p, 1, -1, -1, -1) },
	'd': func(p *nn.Params) {
		perm := []int{0, 4, 2, 3, 1, 5}
		W1, b1, W2 := p.M("W1"), p.M("b1"), p.M("W2")
		pW1, pb1, pW2 := mat.DenseCopyOf(W1), mat.DenseCopyOf(b1), mat.DenseCopyOf(W2)
		for j, k := range perm {
			W1.SetRow(j, mat.Row(nil, k, pW1))
			b1.Set(j, 0, pb1.At(k, 0))
			W2.SetCol(j, mat.Col(nil, k, pW2))
		}
	},
	'e': func(p *nn.Params) {
		p.M("W2").Scale(3, p.M("W2"))
		p.M("b2").Scale(3, p.M("b2"))
	},
}

// scaleUnit multiplies row j of W₁ by in, b₁[j] by bias and column j of W₂
// by out.
func scaleUnit(p *nn.Params, j int, in, bias, out float64) {
	W1, b1, W2 := p.M("W1"), p.M("b1"), p.M("W2")
	for i := range W1.RawMatrix().Cols {
		W1.Set(j, i, in*W1.At(j, i))
	}
	b1.Set(j, 0, bias*b1.At(j, 0))
	for i := range W2.RawMatrix().Rows {
		W2.Set(i, j, out*W2.At(i, j))
	}
}

// normalMLP returns parameters of m with N(0, 1) weights and biases.
func normalMLP(rng *rand.Rand, m nn.MLP) *nn.Params {
	p := m.Params()
	v := p.Vec()
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return p
}

// vecWithin reports whether ‖got − want‖ ≤ rel·‖want‖.
func vecWithin(got, want []float64, rel float64) bool {
	if len(got) != len(want) {
		return false
	}
	var d, n float64
	for i := range want {
		d += (got[i] - want[i]) * (got[i] - want[i])
		n += want[i] * want[i]
	}
	return math.Sqrt(d) <= rel*math.Sqrt(n)
}

// euclidNorm is the Euclidean norm.
func euclidNorm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

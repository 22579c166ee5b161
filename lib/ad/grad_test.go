package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randMat(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

func posMat(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, 0.5+rng.Float64())
		}
	}
	return m
}

// gradCheck compares the gradient of L(x) = ⟨f(x), R⟩ (R random, fixed) with
// respect to every input matrix against central finite differences, using one
// tape that is Reset between evaluations.
func gradCheck(t *testing.T, name string, inputs []*mat.Dense, f func(tp *Tape, x []*Node) *Node) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	tp := NewTape()
	var r *mat.Dense
	grads := make([]*mat.Dense, len(inputs))
	for i, in := range inputs {
		rr, cc := in.Dims()
		grads[i] = mat.NewDense(rr, cc, nil)
	}
	eval := func(withGrad bool) float64 {
		tp.Reset()
		xs := make([]*Node, len(inputs))
		for i, in := range inputs {
			xs[i] = tp.Param(in, grads[i])
		}
		out := f(tp, xs)
		if r == nil {
			r = randMat(rng, out.Rows(), out.Cols())
		}
		loss := tp.Dot(out, tp.Const(r))
		if withGrad {
			tp.Backward(loss)
		}
		return loss.Scalar()
	}
	eval(true)
	for i, in := range inputs {
		rr, cc := in.Dims()
		num := mat.NewDense(rr, cc, nil)
		for a := 0; a < rr; a++ {
			for b := 0; b < cc; b++ {
				v := in.At(a, b)
				h := 1e-5 * math.Max(1, math.Abs(v))
				in.Set(a, b, v+h)
				lp := eval(false)
				in.Set(a, b, v-h)
				lm := eval(false)
				in.Set(a, b, v)
				num.Set(a, b, (lp-lm)/(2*h))
			}
		}
		var diff mat.Dense
		diff.Sub(num, grads[i])
		den := math.Max(mat.Norm(num, 2), mat.Norm(grads[i], 2))
		if den == 0 {
			den = 1
		}
		rel := mat.Norm(&diff, 2) / den
		if rel > 1e-6 || math.IsNaN(rel) {
			t.Errorf("%s: input %d: relative gradient error %.3g > 1e-6\nanalytic %v\nnumeric  %v", name, i, rel,
				mat.Formatted(grads[i], mat.Squeeze()), mat.Formatted(num, mat.Squeeze()))
		}
	}
}

type opCase struct {
	name   string
	inputs []*mat.Dense
	f      func(tp *Tape, x []*Node) *Node
}

// opCases exercises every operation of the tape on random inputs (positive
// where the operation needs it), alone and chained.
func opCases() []opCase {
	rng := rand.New(rand.NewPCG(1, 2))
	A := func() *mat.Dense { return randMat(rng, 3, 4) }
	c35 := randMat(rng, 3, 5)
	return []opCase{
		{"MatMul", []*mat.Dense{randMat(rng, 3, 4), randMat(rng, 4, 5)}, func(tp *Tape, x []*Node) *Node { return tp.MatMul(x[0], x[1]) }},
		{"MatMulT NT", []*mat.Dense{randMat(rng, 3, 4), randMat(rng, 5, 4)}, func(tp *Tape, x []*Node) *Node { return tp.MatMulT(x[0], x[1], false, true) }},
		{"MatMulT TN", []*mat.Dense{randMat(rng, 4, 3), randMat(rng, 4, 5)}, func(tp *Tape, x []*Node) *Node { return tp.MatMulT(x[0], x[1], true, false) }},
		{"MatMulT TT", []*mat.Dense{randMat(rng, 4, 3), randMat(rng, 5, 4)}, func(tp *Tape, x []*Node) *Node { return tp.MatMulT(x[0], x[1], true, true) }},
		{"MatMul self AᵀA", []*mat.Dense{randMat(rng, 4, 3)}, func(tp *Tape, x []*Node) *Node { return tp.MatMulT(x[0], x[0], true, false) }},
		{"Transpose", []*mat.Dense{randMat(rng, 37, 41)}, func(tp *Tape, x []*Node) *Node { return tp.Transpose(x[0]) }},
		{"Add", []*mat.Dense{A(), A()}, func(tp *Tape, x []*Node) *Node { return tp.Add(x[0], x[1]) }},
		{"Sub", []*mat.Dense{A(), A()}, func(tp *Tape, x []*Node) *Node { return tp.Sub(x[0], x[1]) }},
		{"Mul", []*mat.Dense{A(), A()}, func(tp *Tape, x []*Node) *Node { return tp.Mul(x[0], x[1]) }},
		{"Div", []*mat.Dense{A(), posMat(rng, 3, 4)}, func(tp *Tape, x []*Node) *Node { return tp.Div(x[0], x[1]) }},
		{"Mul self", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Mul(x[0], x[0]) }},
		{"Scale", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Scale(x[0], -2.5) }},
		{"AddScalar", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.AddScalar(x[0], 3) }},
		{"AddCol", []*mat.Dense{A(), randMat(rng, 3, 1)}, func(tp *Tape, x []*Node) *Node { return tp.AddCol(x[0], x[1]) }},
		{"AddRow", []*mat.Dense{A(), randMat(rng, 1, 4)}, func(tp *Tape, x []*Node) *Node { return tp.AddRow(x[0], x[1]) }},
		{"Sum", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Sum(x[0]) }},
		{"Mean", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Mean(x[0]) }},
		{"SumSq", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.SumSq(x[0]) }},
		{"Norm", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Norm(x[0]) }},
		{"Dot", []*mat.Dense{A(), A()}, func(tp *Tape, x []*Node) *Node { return tp.Dot(x[0], x[1]) }},
		{"RowNorms", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.RowNorms(x[0]) }},
		{"ColNorms", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.ColNorms(x[0]) }},
		{"RowSums", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.RowSums(x[0]) }},
		{"ColSums", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.ColSums(x[0]) }},
		{"ReLU", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.ReLU(x[0]) }},
		{"LeakyReLU", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.LeakyReLU(x[0], 0.1) }},
		{"Tanh", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Tanh(x[0]) }},
		{"Sigmoid", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Sigmoid(x[0]) }},
		{"Square", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Square(x[0]) }},
		{"Exp", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Exp(x[0]) }},
		{"Log", []*mat.Dense{posMat(rng, 3, 4)}, func(tp *Tape, x []*Node) *Node { return tp.Log(x[0]) }},
		{"Cosh", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Cosh(x[0]) }},
		{"Sinh", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Sinh(x[0]) }},
		{"Softplus", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Softplus(x[0]) }},
		{"Swish", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Swish(x[0]) }},
		{"Abs", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Abs(x[0]) }},
		{"Sqrt", []*mat.Dense{posMat(rng, 3, 4)}, func(tp *Tape, x []*Node) *Node { return tp.Sqrt(x[0]) }},
		{"PowAct 2 ReLU²", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.PowAct(x[0], 2, 0) }},
		{"PowAct 3 odd", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.PowAct(x[0], 3, 1) }},
		{"PowAct 1.5 leaky", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.PowAct(x[0], 1.5, 0.2) }},
		{"Map", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node {
			return tp.Map(x[0], &Func{Name: "sin", F: math.Sin, D: math.Cos, D2: func(x float64) float64 { return -math.Sin(x) }})
		}},
		{"RadialCols", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.RadialCols(x[0]) }},
		{"RadialRows", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.RadialRows(x[0]) }},
		{"Reshape", []*mat.Dense{A()}, func(tp *Tape, x []*Node) *Node { return tp.Reshape(x[0], 2, 6) }},
		{"SoftmaxCrossEntropyTo dist", []*mat.Dense{randMat(rng, 4, 5), posMat(rng, 4, 5)}, func(tp *Tape, x []*Node) *Node {
			return tp.SoftmaxCrossEntropyTo(x[0], x[1])
		}},
		{"pass-through with another consumer", []*mat.Dense{randMat(rng, 3, 4), randMat(rng, 4, 5), randMat(rng, 3, 1)}, func(tp *Tape, v []*Node) *Node {
			z := tp.MatMul(v[0], v[1])
			return tp.Add(tp.Tanh(tp.AddCol(z, v[2])), tp.Mul(z, z))
		}},
		{"pass-through chain", []*mat.Dense{randMat(rng, 3, 4), randMat(rng, 4, 5), randMat(rng, 3, 5)}, func(tp *Tape, v []*Node) *Node {
			z := tp.Sub(tp.MatMul(v[0], v[1]), v[2])
			y := tp.Add(tp.Tanh(z), tp.Sigmoid(tp.MatMul(v[0], v[1])))
			return tp.Sigmoid(tp.Reshape(tp.AddScalar(tp.Add(y, tp.Const(c35)), 0.5), 5, 3))
		}},
		{"chain", []*mat.Dense{randMat(rng, 3, 4), randMat(rng, 4, 6), randMat(rng, 3, 1)}, func(tp *Tape, x []*Node) *Node {
			h := tp.Tanh(tp.AddCol(tp.MatMul(x[0], x[1]), x[2]))
			return tp.Add(tp.Mul(h, h), tp.Scale(tp.MatMul(x[0], x[1]), 0.5))
		}},
	}
}

func TestGradOps(t *testing.T) {
	for _, c := range opCases() {
		gradCheck(t, c.name, c.inputs, c.f)
	}
}

func TestGradSoftmaxCrossEntropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	labels := []int{0, 3, 2, 2, 1}
	z := randMat(rng, 4, 5)
	z.Scale(10, z)
	gradCheck(t, "SoftmaxCrossEntropy", []*mat.Dense{z}, func(tp *Tape, x []*Node) *Node {
		return tp.SoftmaxCrossEntropy(x[0], labels)
	})
	lab := mat.NewDense(1, 5, []float64{0, 3, 2, 2, 1})
	gradCheck(t, "SoftmaxCrossEntropyTo labels", []*mat.Dense{z}, func(tp *Tape, x []*Node) *Node {
		return tp.SoftmaxCrossEntropyTo(x[0], tp.Const(lab))
	})
}

func TestGradConv(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := Dims{C: 2, H: 5, W: 4}
	x := randMat(rng, in.Size(), 3)
	w := randMat(rng, 3, 2*9)
	b := randMat(rng, 3, 1)
	gradCheck(t, "Conv2D 3×3", []*mat.Dense{x, w, b}, func(tp *Tape, v []*Node) *Node {
		return tp.Conv2D(v[0], v[1], v[2], in)
	})
	w5 := randMat(rng, 2, 2*25)
	gradCheck(t, "Conv2D 5×5 no bias", []*mat.Dense{x, w5}, func(tp *Tape, v []*Node) *Node {
		return tp.Conv2D(v[0], v[1], nil, in)
	})
	gradCheck(t, "MaxPool2", []*mat.Dense{randMat(rng, in.Size(), 3)}, func(tp *Tape, v []*Node) *Node {
		return tp.MaxPool2(v[0], in)
	})
	// The pooled input with a second consumer: its gradient is accumulated
	// into, in either order of the two backward steps.
	gradCheck(t, "MaxPool2 shared", []*mat.Dense{randMat(rng, 2*4*4, 3)}, func(tp *Tape, v []*Node) *Node {
		return tp.Add(tp.Sum(tp.Tanh(v[0])), tp.Sum(tp.Square(tp.MaxPool2(v[0], Dims{C: 2, H: 4, W: 4}))))
	})
	gradCheck(t, "MaxPool2 shared, pool first", []*mat.Dense{randMat(rng, 2*4*4, 3)}, func(tp *Tape, v []*Node) *Node {
		return tp.Add(tp.Sum(tp.Square(tp.MaxPool2(v[0], Dims{C: 2, H: 4, W: 4}))), tp.Sum(tp.Tanh(v[0])))
	})
	odd := Dims{C: 2, H: 5, W: 5}
	gradCheck(t, "MaxPool2 odd", []*mat.Dense{randMat(rng, odd.Size(), 2)}, func(tp *Tape, v []*Node) *Node {
		return tp.MaxPool2(v[0], odd)
	})
	gradCheck(t, "conv net", []*mat.Dense{x, w, b, randMat(rng, 4, 3*2*2)}, func(tp *Tape, v []*Node) *Node {
		h := tp.LeakyReLU(tp.Conv2D(v[0], v[1], v[2], in), 0.01)
		p := tp.MaxPool2(h, Dims{C: 3, H: 5, W: 4})
		return tp.Tanh(tp.MatMul(v[3], p))
	})
}

// The gradient of a node whose only consumer passes its gradient through
// (Add, AddCol, Reshape...) is that consumer's gradient, read with GradData
// or Grad after Backward, and again after a second Backward of another loss
// on the same pass: z = W X, y = z + b 1ᵀ, L = ‖y − T‖², ∂L/∂z = 2(y − T).
func TestGradDataThroughPassThrough(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	w, x, b, target := randMat(rng, 3, 4), randMat(rng, 4, 5), randMat(rng, 3, 1), randMat(rng, 3, 5)
	tp := NewTape()
	z := tp.MatMul(tp.Param(w, nil), tp.Const(x))
	y := tp.AddCol(z, tp.Param(b, nil))
	r := tp.Sub(y, tp.Const(target))
	L, L2 := tp.SumSq(r), tp.Scale(tp.Sum(r), 3)
	for _, c := range []struct {
		loss *Node
		want func(i, j int) float64
	}{
		{L, func(i, j int) float64 { return 2 * r.At(i, j) }},
		{L2, func(int, int) float64 { return 3 }},
		{L, func(i, j int) float64 { return 2 * r.At(i, j) }},
	} {
		tp.Backward(c.loss)
		g, gy := z.GradData(), y.Grad()
		for i := 0; i < 3; i++ {
			for j := 0; j < 5; j++ {
				// One rounding of a product of exact values at most.
				if want := c.want(i, j); math.Abs(g[i*5+j]-want) > 1e-15*math.Abs(want) || gy.At(i, j) != g[i*5+j] {
					t.Fatalf("∂L/∂z[%d,%d] = %v, ∂L/∂y = %v, want %v", i, j, g[i*5+j], gy.At(i, j), want)
				}
			}
		}
	}
}

// A node whose only consumer passes its gradient through borrows that
// consumer's gradient buffer in Backward (passGrad). Operations recorded
// after that Backward can give it more consumers; the next Backward must
// then accumulate into the node's own buffer, not into the borrowed one,
// which its old consumer's operand overwrites. p ↦ z = p ⊙ p, L = Σ(z + 1),
// then L2 = L + Σ z ⊙ z recorded after Backward(L):
// ∂L2/∂z = 1 + 2z and ∂L2/∂p = 2p(1 + 2z).
func TestBackwardAfterRecordingMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	pv := randMat(rng, 2, 3)
	g := mat.NewDense(2, 3, nil)
	tp := NewTape()
	p := tp.Param(pv, g)
	z := tp.Mul(p, p)
	L := tp.Sum(tp.AddScalar(z, 1))
	tp.Backward(L)
	L2 := tp.Add(L, tp.Sum(tp.Mul(z, z)))
	tp.Backward(L2)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			pij, zij := pv.At(i, j), z.At(i, j)
			// The tape rounds 1 + 2z and its product with p as these
			// expressions do (the doublings are exact), so they agree to
			// the bit; 4 ulps leave room for a fused multiply-add. The bug
			// this guards against gave ∂L2/∂z = 2.
			want := 2 * pij * (1 + 2*zij)
			tol := 4 * 0x1p-52 * math.Abs(want)
			if got := z.GradData()[i*3+j]; math.Abs(got-(1+2*zij)) > 4*0x1p-52*(1+2*zij) {
				t.Errorf("∂L2/∂z[%d,%d] = %v, want %v", i, j, got, 1+2*zij)
			}
			if got := g.At(i, j); math.Abs(got-want) > tol {
				t.Errorf("∂L2/∂p[%d,%d] = %v, want %v", i, j, got, want)
			}
		}
	}
}

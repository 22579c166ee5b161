package ad

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// descendNet records a small network on t with the parameters made by
// param (Param or Descend): a product with a weight on the left (W1, read
// through a transposed batch as nn's first Dense layer does), a bias through
// AddCol, a weight on the right of a product (V), and a weight used twice
// (W2, whose step cannot be taken inside one product).
// It returns the loss and W1·Xᵀ, whose gradient G1 gives W1's, G1 X.
func descendNet(t *Tape, param func(i int) *Node, x *mat.Dense, labels []int) (loss, z1 *Node) {
	w1, b1, v, w2 := param(0), param(1), param(2), param(3)
	xt := t.Transpose(t.Const(x))
	z1 = t.MatMul(w1, xt)
	h := t.Tanh(t.AddCol(z1, b1)) // h × n
	h = t.MatMul(h, v)
	z := t.MatMul(w2, h)
	return t.Add(t.SoftmaxCrossEntropy(z, labels), t.Scale(t.SumSq(w2), 1e-3)), z1
}

// TestDescendMatchesParam checks that Descend takes the step Param's
// gradient gives, θ += (−rate)·∂L/∂θ: bit for bit where the products'
// inner dimensions fit one block of terms (k ≤ 256, the minibatch of a
// weight's gradient), and otherwise within the rounding of the reordered
// sums, which add each block's contribution to θ in turn instead of to the
// gradient. Only W1's gradient, G1 X over the n samples, spans two blocks
// (W2 is used twice, so its step is taken after Backward, as Param's;
// V's gradient runs over the h hidden units). The two blocks' sums S1 and S2
// are the same bits either way; Param rounds S1 + S2, then −rate times it,
// then the sum with θ; Descend rounds −rate·S1, its sum with θ, −rate·S2 and
// that sum: at most four roundings, each at most u = 2⁻⁵³ of a quantity
// bounded by |θ| + rate·(|G1| |X|) (1 + O(u)) entry by entry, so the two
// differ by at most 8u of it. So do the AVX2 and the portable kernels.
func TestDescendMatchesParam(t *testing.T) {
	t.Run("native", testDescendMatchesParam)
	t.Run("AVX2", func(t *testing.T) { withoutAVX512(func() { testDescendMatchesParam(t) }) })
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { testDescendMatchesParam(t) }) })
}

func testDescendMatchesParam(t *testing.T) {
	for _, tc := range []struct{ d, h, n, cls int }{
		{784, 256, 128, 10}, // nn's MLP benchmark: gemmPanels
		{5, 7, 9, 3},        // small products
		{33, 50, 300, 4},    // a gradient product over 300 terms: two blocks
		{20, 1, 1, 2},
	} {
		rng := rand.New(rand.NewPCG(uint64(tc.d), uint64(tc.n)))
		shapes := [][2]int{{tc.h, tc.d}, {tc.h, 1}, {tc.n, tc.n}, {tc.cls, tc.h}}
		vals := make([]*mat.Dense, len(shapes))
		for i, s := range shapes {
			vals[i] = mat.NewDense(s[0], s[1], nil)
			for r := range s[0] {
				for c := range s[1] {
					vals[i].Set(r, c, rng.NormFloat64()/math.Sqrt(float64(s[1])))
				}
			}
		}
		x := mat.NewDense(tc.n, tc.d, nil)
		for r := range tc.n {
			for c := range tc.d {
				x.Set(r, c, rng.Float64())
			}
		}
		labels := make([]int, tc.n)
		for i := range labels {
			labels[i] = rng.IntN(tc.cls)
		}
		const rate = 0.05

		// Reference: Param, then value += (−rate)·grad.
		ref := make([]*mat.Dense, len(vals))
		tp := NewTape()
		lp, z1 := descendNet(tp, func(i int) *Node {
			ref[i] = mat.DenseCopyOf(vals[i])
			return tp.Param(ref[i], nil)
		}, x, labels)
		tp.Backward(lp)
		var params []*Node
		for _, n := range tp.nodes[:tp.n] {
			if n.op == opParam {
				params = append(params, n)
			}
		}
		for i, p := range params {
			g := p.GradData()
			d := ref[i].RawMatrix().Data
			for j := range d {
				d[j] += float64(-rate * g[j])
			}
		}

		// Descend, twice on the same tape to check the reuse of its nodes.
		td := NewTape()
		var got []*mat.Dense
		var ld *Node
		for pass := 0; pass < 2; pass++ {
			td.Reset()
			got = make([]*mat.Dense, len(vals))
			ld, _ = descendNet(td, func(i int) *Node {
				got[i] = mat.DenseCopyOf(vals[i])
				return td.Descend(got[i], rate)
			}, x, labels)
			td.Backward(ld)
		}
		if lp.Scalar() != ld.Scalar() {
			t.Errorf("%v: loss %v with Descend, %v with Param", tc, ld.Scalar(), lp.Scalar())
		}
		// Σ_n |G1_in| |X_nj|: the size of the terms of W1's gradient.
		var terms mat.Dense
		terms.Mul(absDense(z1.Grad()), absDense(x))
		oneBlock := tc.n <= 256
		for i := range vals {
			w, g := ref[i].RawMatrix().Data, got[i].RawMatrix().Data
			v := vals[i].RawMatrix().Data
			for j := range w {
				if oneBlock || i != 0 {
					if w[j] != g[j] {
						t.Fatalf("%v: parameter %d entry %d: %v with Descend, %v with Param (bit for bit)", tc, i, j, g[j], w[j])
					}
					continue
				}
				tol := 8 * 0x1p-53 * (math.Abs(v[j]) + rate*terms.RawMatrix().Data[j])
				if d := math.Abs(w[j] - g[j]); d > tol {
					t.Errorf("%v: W1 entry %d: |%v − %v| = %.3g > %.3g", tc, j, g[j], w[j], d, tol)
				}
			}
		}
	}
}

// absDense returns the matrix of the absolute values of m's entries.
func absDense(m *mat.Dense) *mat.Dense {
	a := mat.DenseCopyOf(m)
	a.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, a)
	return a
}

// TestDescendPanics checks that a descending parameter keeps no gradient
// and refuses a second Backward and second derivatives.
func TestDescendPanics(t *testing.T) {
	mustPanic := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if s, _ := r.(string); !strings.Contains(s, want) {
				t.Errorf("%s: panic %v, want one containing %q", name, r, want)
			}
		}()
		f()
	}
	tp := NewTape()
	w := tp.Descend(mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6}), 0.1)
	l := tp.SumSq(tp.MatMul(w, tp.Const(mat.NewDense(3, 1, []float64{1, 1, 1}))))
	mustPanic("SetTangent", "recorded by Descend", func() { tp.SetTangent(w, mat.NewDense(2, 3, nil), nil) })
	mustPanic("HessVec", "recorded by Descend", func() { tp.HessVec(l) })
	tp.Backward(l)
	mustPanic("Grad", "keeps no gradient", func() { w.Grad() })
	mustPanic("GradData", "keeps no gradient", func() { w.GradData() })
	mustPanic("second Backward", "earlier Backward", func() { tp.Backward(l) })
}

// A value not stored contiguously (a view into a larger matrix) takes the
// same step as a contiguous one, and the entries around it are untouched.
func TestDescendStridedValue(t *testing.T) {
	big := mat.NewDense(4, 5, nil)
	for i := range 4 {
		for j := range 5 {
			big.Set(i, j, float64(5*i+j+1))
		}
	}
	orig := mat.DenseCopyOf(big)
	view := big.Slice(1, 3, 1, 4).(*mat.Dense) // 2×3, stride 5
	flat := mat.DenseCopyOf(view)
	x := mat.NewDense(3, 2, []float64{0.5, -1, 0.25, 2, -0.75, 1})
	for _, w := range []*mat.Dense{view, flat} {
		tp := NewTape()
		p := tp.Descend(w, 0.01)
		tp.Backward(tp.SumSq(tp.MatMul(p, tp.Const(x))))
	}
	if !mat.Equal(view, flat) {
		t.Errorf("strided value stepped to\n%v\nwant\n%v", mat.Formatted(view), mat.Formatted(flat))
	}
	if mat.Equal(flat, orig.Slice(1, 3, 1, 4)) {
		t.Error("the step did not move the value")
	}
	for i := range 4 {
		for j := range 5 {
			if (i < 1 || i >= 3 || j < 1 || j >= 4) && big.At(i, j) != orig.At(i, j) {
				t.Errorf("entry (%d, %d) outside the view changed: %v, was %v", i, j, big.At(i, j), orig.At(i, j))
			}
		}
	}
}

// A parameter reachable by more than one path, or only through another
// node, takes Param's step, θ += (−rate)·∂L/∂θ, to the bit (every product
// here is over at most 36 terms, one block): used twice in one product
// (W·W, W·Wᵀ), through a Transpose or a Reshape, multiplied by a constant
// identity (recorded as a copy), as both factors of a product that could
// each take the step, as a convolution's filters and biases (pooled or
// not), and after rows of a constant read in place.
func TestDescendAliases(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randMat(rng, 4, 4)
	eye := mat.NewDense(4, 4, []float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	img := Dims{C: 1, H: 6, W: 6}
	pix := randMat(rng, img.Size(), 3)
	for _, tc := range []struct {
		name  string
		shape [2][2]int
		f     func(tp *Tape, w, v *Node) *Node
	}{
		{"W·W", [2][2]int{{4, 4}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMul(w, w) }},
		{"W·Wᵀ", [2][2]int{{4, 4}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMulT(w, w, false, true) }},
		{"Wᵀ·X", [2][2]int{{4, 4}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMul(tp.Transpose(w), tp.Const(x)) }},
		{"reshaped W·X", [2][2]int{{2, 8}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMul(tp.Reshape(w, 4, 4), tp.Const(x)) }},
		{"W·I", [2][2]int{{4, 4}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMul(w, tp.Const(eye)) }},
		{"I·Wᵀ", [2][2]int{{4, 4}, {1, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMulT(tp.Const(eye), w, false, true) }},
		{"W·V", [2][2]int{{4, 3}, {3, 5}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMul(w, v) }},
		{"Wᵀ·Vᵀ", [2][2]int{{3, 4}, {5, 3}}, func(tp *Tape, w, v *Node) *Node { return tp.MatMulT(w, v, true, true) }},
		{"X rows·W", [2][2]int{{4, 2}, {1, 1}}, func(tp *Tape, w, v *Node) *Node {
			return tp.MatMul(tp.ConstRows(x, []int{3, 1, 1, 0, 2}), w)
		}},
		{"Conv2D", [2][2]int{{2, 9}, {2, 1}}, func(tp *Tape, w, v *Node) *Node { return tp.Conv2D(tp.Const(pix), w, v, img) }},
		{"Conv2DMaxPool2", [2][2]int{{2, 9}, {2, 1}}, func(tp *Tape, w, v *Node) *Node {
			return tp.Conv2DMaxPool2(tp.Const(pix), w, v, img)
		}},
	} {
		const rate = 0.01
		vals := []*mat.Dense{randMat(rng, tc.shape[0][0], tc.shape[0][1]), randMat(rng, tc.shape[1][0], tc.shape[1][1])}
		net := func(tp *Tape, bind func(*mat.Dense) *Node, m []*mat.Dense) *Node {
			return tp.SumSq(tp.Tanh(tc.f(tp, bind(m[0]), bind(m[1]))))
		}
		want := []*mat.Dense{mat.DenseCopyOf(vals[0]), mat.DenseCopyOf(vals[1])}
		tp := NewTape()
		var params []*Node
		lp := net(tp, func(m *mat.Dense) *Node { p := tp.Param(m, nil); params = append(params, p); return p }, want)
		tp.Backward(lp)
		for i, p := range params {
			d, g := want[i].RawMatrix().Data, p.GradData()
			for j := range d {
				d[j] += float64(-rate * g[j])
			}
		}
		// Twice on one tape, after a pass with Param, to reuse its nodes.
		td := NewTape()
		net(td, func(m *mat.Dense) *Node { return td.Param(m, nil) }, vals)
		for range 2 {
			td.Reset()
			got := []*mat.Dense{mat.DenseCopyOf(vals[0]), mat.DenseCopyOf(vals[1])}
			ld := net(td, func(m *mat.Dense) *Node { return td.Descend(m, rate) }, got)
			td.Backward(ld)
			if ld.Scalar() != lp.Scalar() {
				t.Errorf("%s: loss %v with Descend, %v with Param", tc.name, ld.Scalar(), lp.Scalar())
			}
			for i := range got {
				w, g := want[i].RawMatrix().Data, got[i].RawMatrix().Data
				for j := range w {
					if !sameBits(w[j], g[j]) {
						t.Fatalf("%s: parameter %d entry %d: %v with Descend, %v with Param", tc.name, i, j, g[j], w[j])
					}
				}
			}
		}
	}
}

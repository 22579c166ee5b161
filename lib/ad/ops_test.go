package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestMatMulValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 4, 5}, {70, 130, 90}, {200, 3, 257}} {
		m, k, n := sz[0], sz[1], sz[2]
		a, b := randMat(rng, m, k), randMat(rng, k, n)
		var at, bt mat.Dense
		at.CloneFrom(a.T())
		bt.CloneFrom(b.T())
		var want mat.Dense
		want.Mul(a, b)
		tp := NewTape()
		got := []*Node{
			tp.MatMul(tp.Const(a), tp.Const(b)),
			tp.MatMulT(tp.Const(&at), tp.Const(b), true, false),
			tp.MatMulT(tp.Const(a), tp.Const(&bt), false, true),
			tp.MatMulT(tp.Const(&at), tp.Const(&bt), true, true),
		}
		for i, g := range got {
			if !mat.EqualApprox(g.Value(), &want, 1e-10) {
				t.Errorf("%v: variant %d differs from mat.Mul", sz, i)
			}
		}
	}
}

// naiveConv is the textbook definition of a 'same' cross-correlation.
func naiveConv(x, w, b *mat.Dense, d Dims, k int) *mat.Dense {
	cout := w.RawMatrix().Rows
	_, n := x.Dims()
	out := mat.NewDense(cout*d.H*d.W, n, nil)
	p := k / 2
	for s := 0; s < n; s++ {
		for o := 0; o < cout; o++ {
			for y := 0; y < d.H; y++ {
				for xx := 0; xx < d.W; xx++ {
					v := 0.0
					if b != nil {
						v = b.At(o, 0)
					}
					for c := 0; c < d.C; c++ {
						for u := 0; u < k; u++ {
							for q := 0; q < k; q++ {
								yy, xq := y+u-p, xx+q-p
								if yy < 0 || yy >= d.H || xq < 0 || xq >= d.W {
									continue
								}
								v += w.At(o, (c*k+u)*k+q) * x.At((c*d.H+yy)*d.W+xq, s)
							}
						}
					}
					out.Set((o*d.H+y)*d.W+xx, s, v)
				}
			}
		}
	}
	return out
}

func TestConvAndPoolValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	d := Dims{C: 3, H: 6, W: 7}
	x, w, b := randMat(rng, d.Size(), 4), randMat(rng, 5, 27), randMat(rng, 5, 1)
	tp := NewTape()
	y := tp.Conv2D(tp.Const(x), tp.Const(w), tp.Const(b), d)
	if want := naiveConv(x, w, b, d, 3); !mat.EqualApprox(y.Value(), want, 1e-12) {
		t.Errorf("Conv2D differs from the direct sum")
	}
	p := tp.MaxPool2(y, Dims{C: 5, H: 6, W: 7})
	if r, c := p.Dims(); r != 5*3*3 || c != 4 {
		t.Fatalf("MaxPool2 shape %d×%d, want 45×4", r, c)
	}
	// Without a gradient to route, MaxPool2 takes the maxima alone; with
	// one it also records where they are. The values are the same.
	tg := NewTape()
	pg := tg.MaxPool2(tg.Conv2D(tg.Param(x, nil), tg.Const(w), tg.Const(b), d), Dims{C: 5, H: 6, W: 7})
	if !mat.Equal(pg.Value(), p.Value()) {
		t.Errorf("MaxPool2 with and without a gradient differ")
	}
	yv := y.Value()
	for c := 0; c < 5; c++ {
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				for s := 0; s < 4; s++ {
					m := math.Inf(-1)
					for u := 0; u < 2; u++ {
						for v := 0; v < 2; v++ {
							m = math.Max(m, yv.At((c*6+2*i+u)*7+2*j+v, s))
						}
					}
					if got := p.At((c*3+i)*3+j, s); got != m {
						t.Fatalf("MaxPool2 (%d,%d,%d,%d) = %v, want %v", c, i, j, s, got, m)
					}
				}
			}
		}
	}
}

func TestSoftmaxCrossEntropyValues(t *testing.T) {
	// Two samples (columns), three classes.
	z := mat.NewDense(3, 2, []float64{
		1, 1000,
		2, 0,
		3, -1000,
	})
	tp := NewTape()
	l := tp.SoftmaxCrossEntropy(tp.Const(z), []int{2, 0})
	want := (math.Log(math.Exp(1)+math.Exp(2)+math.Exp(3)) - 3 + 0) / 2
	if !near(l.Scalar(), want, 1e-14) {
		t.Errorf("loss %v, want %v (large logits must not overflow)", l.Scalar(), want)
	}
	// The gradient of each column sums to zero: softmax − one-hot.
	tp.Reset()
	zp := tp.Param(z, nil)
	l = tp.SoftmaxCrossEntropy(zp, []int{2, 0})
	tp.Backward(l)
	g := zp.Grad()
	for j := 0; j < 2; j++ {
		s := g.At(0, j) + g.At(1, j) + g.At(2, j)
		if math.Abs(s) > 1e-15 {
			t.Errorf("column %d of ∂L/∂Z sums to %v, want 0", j, s)
		}
	}
	// One-hot targets give the same loss as labels.
	tp.Reset()
	onehot := mat.NewDense(3, 2, []float64{0, 1, 0, 0, 1, 0})
	if l2 := tp.SoftmaxCrossEntropyTo(tp.Const(z), tp.Const(onehot)); !near(l2.Scalar(), want, 1e-14) {
		t.Errorf("one-hot loss %v, want %v", l2.Scalar(), want)
	}
}

func TestRadialIdentities(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	z := randMat(rng, 4, 6)
	tp := NewTape()
	y := tp.RadialCols(tp.Const(z))
	// ‖σ(z)‖ = 1/‖z‖ and σ(σ(z)) = z.
	n := tp.ColNorms(tp.Const(z))
	ny := tp.ColNorms(y)
	for j := 0; j < 6; j++ {
		if !near(ny.At(0, j), 1/n.At(0, j), 1e-14) {
			t.Errorf("‖σ(z)‖ = %v, want 1/‖z‖ = %v", ny.At(0, j), 1/n.At(0, j))
		}
	}
	yy := tp.RadialCols(y)
	if !mat.EqualApprox(yy.Value(), z, 1e-12) {
		t.Errorf("σ(σ(z)) ≠ z")
	}
	var zt mat.Dense
	zt.CloneFrom(z.T())
	yr := tp.RadialRows(tp.Const(&zt))
	if !mat.EqualApprox(yr.Value().T(), y.Value(), 1e-15) {
		t.Errorf("RadialRows(zᵀ) ≠ RadialCols(z)ᵀ")
	}
}

func TestStableFunctions(t *testing.T) {
	tp := NewTape()
	x := mat.NewDense(1, 4, []float64{-800, -1, 1, 800})
	s := tp.Sigmoid(tp.Const(x))
	sp := tp.Softplus(tp.Const(x))
	wantS := []float64{0, 1 / (1 + math.E), 1 / (1 + 1/math.E), 1}
	wantSp := []float64{0, math.Log1p(1 / math.E), 1 + math.Log1p(1/math.E), 800}
	for j := 0; j < 4; j++ {
		if !near(s.At(0, j), wantS[j], 1e-15) || !near(sp.At(0, j), wantSp[j], 1e-15) {
			t.Errorf("x=%v: sigmoid %v softplus %v, want %v %v", x.At(0, j), s.At(0, j), sp.At(0, j), wantS[j], wantSp[j])
		}
	}
	// PowAct is α-homogeneous: σ(cx) = c^α σ(x).
	rng := rand.New(rand.NewPCG(1, 3))
	z := randMat(rng, 3, 3)
	var cz mat.Dense
	cz.Scale(2.5, z)
	a := tp.PowAct(tp.Const(z), 1.7, 0.3)
	b := tp.PowAct(tp.Const(&cz), 1.7, 0.3)
	var sa mat.Dense
	sa.Scale(math.Pow(2.5, 1.7), a.Value())
	if !mat.EqualApprox(&sa, b.Value(), 1e-12) {
		t.Errorf("PowAct is not 1.7-homogeneous")
	}
}

func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want %q", want)
			return
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Errorf("panic %q, want it to contain %q", msg, want)
		}
	}()
	f()
}

func TestShapePanics(t *testing.T) {
	tp := NewTape()
	a := tp.Const(mat.NewDense(3, 4, nil))
	b := tp.Const(mat.NewDense(5, 2, nil))
	mustPanic(t, "ad: MatMul: shapes 3×4 and 5×2 do not match", func() { tp.MatMul(a, b) })
	mustPanic(t, "ad: Add: shapes 3×4 and 5×2 do not match", func() { tp.Add(a, b) })
	mustPanic(t, "ad: AddCol: shapes 3×4 and 5×2", func() { tp.AddCol(a, b) })
	mustPanic(t, "ad: Backward: loss has shape 3×4, want 1×1", func() { tp.Backward(a) })
	mustPanic(t, "ad: SoftmaxCrossEntropy: 2 labels for logits 3×4", func() { tp.SoftmaxCrossEntropy(a, []int{0, 1}) })
	mustPanic(t, "out of range", func() { tp.SoftmaxCrossEntropy(a, []int{0, 1, 2, 3}) })
	mustPanic(t, "ad: Conv2D: input 3×4 does not hold images 1×2×2", func() { tp.Conv2D(a, b, nil, Dims{1, 2, 2}) })
	mustPanic(t, "ad: Reshape: cannot reshape 3×4 to 5×2", func() { tp.Reshape(a, 5, 2) })
	other := NewTape()
	mustPanic(t, "does not belong to this tape", func() { other.Sum(a) })
	tp.Reset()
	mustPanic(t, "recycled by Reset", func() { tp.Sum(a) })
}

func TestParamGradientOverwrite(t *testing.T) {
	w := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	u := mat.NewDense(2, 2, []float64{1, 1, 1, 1})
	gw := mat.NewDense(2, 2, []float64{9, 9, 9, 9})
	gu := mat.NewDense(2, 2, []float64{9, 9, 9, 9})
	tp := NewTape()
	for pass := 0; pass < 2; pass++ {
		tp.Reset()
		W := tp.Param(w, gw)
		tp.Param(u, gu) // bound but unused: its gradient must be zero
		l := tp.SumSq(W)
		tp.Backward(l)
		tp.Backward(l) // a second Backward recomputes, it does not accumulate
		want := mat.NewDense(2, 2, []float64{2, 4, 6, 8})
		if !mat.Equal(gw, want) {
			t.Errorf("pass %d: ∂‖W‖²/∂W = %v, want 2W", pass, mat.Formatted(gw))
		}
		if !mat.Equal(gu, mat.NewDense(2, 2, nil)) {
			t.Errorf("pass %d: unused parameter gradient %v, want 0", pass, mat.Formatted(gu))
		}
	}
}

func TestStridedLeaves(t *testing.T) {
	big := mat.NewDense(4, 5, []float64{
		1, 2, 3, 4, 5,
		6, 7, 8, 9, 10,
		11, 12, 13, 14, 15,
		16, 17, 18, 19, 20,
	})
	w := big.Slice(1, 3, 1, 4).(*mat.Dense) // 2×3, stride 5
	gbig := mat.NewDense(4, 5, nil)
	gw := gbig.Slice(1, 3, 1, 4).(*mat.Dense)
	tp := NewTape()
	W := tp.Param(w, gw)
	tp.Backward(tp.SumSq(W))
	want := mat.NewDense(4, 5, []float64{
		0, 0, 0, 0, 0,
		0, 14, 16, 18, 0,
		0, 24, 26, 28, 0,
		0, 0, 0, 0, 0,
	})
	if !mat.Equal(gbig, want) {
		t.Errorf("strided gradient\n%v\nwant\n%v", mat.Formatted(gbig), mat.Formatted(want))
	}
}

func TestConstantsNeedNoGradient(t *testing.T) {
	tp := NewTape()
	x := tp.Const(mat.NewDense(2, 2, []float64{1, 2, 3, 4}))
	y := tp.Tanh(tp.MatMul(x, x))
	if y.Grad() != nil || y.GradData() != nil {
		t.Errorf("a node without parameter ancestors has a gradient")
	}
	tp.Backward(tp.Sum(y)) // no parameters: nothing to do, no panic
}

func TestReuseAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	d := Dims{C: 1, H: 8, W: 8}
	x := randMat(rng, d.Size(), 16)
	w1 := randMat(rng, 4, 9)
	b1 := randMat(rng, 4, 1)
	w2 := randMat(rng, 10, 4*4*4)
	g1, gb1, g2 := mat.NewDense(4, 9, nil), mat.NewDense(4, 1, nil), mat.NewDense(10, 64, nil)
	labels := make([]int, 16)
	for i := range labels {
		labels[i] = i % 10
	}
	tp := NewTape()
	step := func() {
		tp.Reset()
		X := tp.Const(x)
		h := tp.LeakyReLU(tp.Conv2D(X, tp.Param(w1, g1), tp.Param(b1, gb1), d), 0.01)
		h = tp.MaxPool2(h, Dims{C: 4, H: 8, W: 8})
		out := tp.MatMul(tp.Param(w2, g2), h)
		l := tp.Add(tp.SoftmaxCrossEntropy(out, labels), tp.Scale(tp.SumSq(tp.Tanh(out)), 1e-3))
		tp.Backward(l)
	}
	step()
	if n := testing.AllocsPerRun(20, step); n != 0 {
		t.Errorf("a repeated pass allocates %v times, want 0", n)
	}
}

// The transpose of a constant is written only when read: a product taking it
// as an operand multiplies by the constant with its flag flipped, and gives
// the values and gradients of the product with the written transpose; any
// other reader (an operation, Value, At, Data) sees Xᵀ.
func TestTransposeOfConstant(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][3]int{{3, 4, 5}, {70, 130, 90}, {256, 784, 128}} {
		m, k, n := sz[0], sz[1], sz[2]
		w, xr := randMat(rng, m, k), randMat(rng, n, k) // xr holds the samples as rows
		var xc mat.Dense
		xc.CloneFrom(xr.T())
		gotG, wantG := mat.NewDense(m, k, nil), mat.NewDense(m, k, nil)
		wantT, gotT := NewTape(), NewTape()
		want := wantT.MatMul(wantT.Param(w, wantG), wantT.Const(&xc))
		wantT.Backward(wantT.SumSq(wantT.Tanh(want)))
		xt := gotT.Transpose(gotT.Const(xr))
		got := gotT.MatMul(gotT.Param(w, gotG), xt)
		gotT.Backward(gotT.SumSq(gotT.Tanh(got)))
		// Our GEMM sums the k terms in the same order either way (measured:
		// equal bits); OpenBLAS, in builds with the openblas tag, may not, so
		// the values agree to the rounding of a k-term sum of unit-scale
		// products, and the gradients of an n-term sum of those (measured
		// there: 2.5e-14 and 7.3e-13 at 70×130×90).
		tol := 1e-15 * float64(k)
		if !mat.EqualApprox(got.Value(), want.Value(), tol) {
			t.Errorf("%v: W·(Xr)ᵀ differs from W·X", sz)
		}
		if !mat.EqualApprox(gotG, wantG, tol*float64(n)) {
			t.Errorf("%v: gradient through W·(Xr)ᵀ differs from W·X", sz)
		}
		if !mat.Equal(xt.Value(), &xc) || xt.At(1, 2) != xc.At(1, 2) {
			t.Errorf("%v: the transpose read after the product is not Xᵀ", sz)
		}
		// A reader other than a product gets the written transpose.
		tp := NewTape()
		s := tp.Scale(tp.Transpose(tp.Const(xr)), 2)
		var twice mat.Dense
		twice.Scale(2, &xc)
		if !mat.Equal(s.Value(), &twice) {
			t.Errorf("%v: 2·(Xr)ᵀ differs from 2·X", sz)
		}
	}
}

// Map with a Func's vector forms (DVec or GradVec) gives what it gives entry by entry, values
// and gradients bit for bit, whether the gradient is the operand's first
// or is added to another's.
func TestMapVectorForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	x := randMat(rng, 7, 9)
	scalar := &Func{Name: "sin", F: math.Sin, D: math.Cos}
	vector := &Func{Name: "sin", F: math.Sin, D: math.Cos,
		Vec: func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Sin(v)
			}
		},
		DVec: func(dst, x []float64) {
			for i, v := range x {
				dst[i] = math.Cos(v)
			}
		},
	}
	run := func(f *Func) (val, grad *mat.Dense) {
		tp := NewTape()
		g := mat.NewDense(7, 9, nil)
		p := tp.Param(x, g)
		y := tp.Map(p, f)
		// p has a second consumer, so one of the two gradients is added.
		tp.Backward(tp.Add(tp.SumSq(y), tp.Sum(tp.Map(p, f))))
		return mat.DenseCopyOf(y.Value()), g
	}
	v1, g1 := run(scalar)
	v2, g2 := run(vector)
	if !mat.Equal(v1, v2) || !mat.Equal(g1, g2) {
		t.Errorf("Map with Vec and DVec differs from Map with F and D")
	}
	fused := *vector
	fused.DVec = nil
	fused.GradVec = func(dst, g, x []float64, acc bool) {
		for i, v := range x {
			if acc {
				dst[i] += g[i] * math.Cos(v)
			} else {
				dst[i] = g[i] * math.Cos(v)
			}
		}
	}
	v3, g3 := run(&fused)
	if !mat.Equal(v1, v3) || !mat.Equal(g1, g3) {
		t.Errorf("Map with GradVec differs from Map with F and D")
	}
}

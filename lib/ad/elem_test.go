package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// ulps returns the distance between a and b in units in the last place
// (0 for equal values or two NaNs, and MaxInt for a NaN against a number).
func ulps(a, b float64) int64 {
	if math.IsNaN(a) || math.IsNaN(b) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return math.MaxInt64
	}
	if a == b {
		return 0
	}
	ia, ib := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	if ia < 0 {
		ia = math.MinInt64 - ia
	}
	if ib < 0 {
		ib = math.MinInt64 - ib
	}
	d := ia - ib
	if d < 0 {
		d = -d
	}
	return d
}

// elemInputs covers the ranges where the kernels change formula (|x| around
// 0.625, 20 and 700), special values, and random values on several scales.
func elemInputs() []float64 {
	x := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 5e-324, 0.625, -0.625, math.Nextafter(0.625, 0),
		19.99, 20, 21, 700, -700, 701, -701, 745, -746, 800, -800, 1e300, -1e300,
		math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 0.5, -3}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, s := range []float64{1e-8, 0.01, 0.3, 1, 3, 30, 300} {
		for range 200 {
			x = append(x, s*rng.NormFloat64())
		}
	}
	return x
}

// The vector kernels against the scalar forms of package math: sigmoid and
// tanh to 2 ulp (a degree-13 Taylor polynomial for e^r, |r| ≤ ln2/2, whose
// truncation error is 4e-18, and a handful of roundings, against the
// scalar's own ≤ 1 ulp), the piecewise-linear ones and the derivative
// products exactly or to 1 ulp (fused rounding).
func TestElementwiseKernels(t *testing.T) {
	x := elemInputs()
	n := len(x)
	dst := make([]float64, n)
	// check compares dst with want in ulps of want or, where the result is a
	// sum that may cancel (an accumulation, 1 − y²), to tol ulps of the size
	// of its terms, scale(i).
	var base float64
	var scale func(i int) float64
	check := func(name string, m int, want func(i int) float64, tol int64) {
		t.Helper()
		if m == 0 {
			t.Skipf("%s: no vector kernels", name)
		}
		worst := int64(0)
		for i := range m {
			w := want(i)
			u := ulps(dst[i], w)
			if scale != nil && !math.IsNaN(w) && math.Abs(dst[i]-w) <= float64(tol)*scale(i)*0x1p-52 {
				u = 0
			}
			if u > tol {
				t.Errorf("%s(%v) = %v, want %v (%d ulp)", name, x[i], dst[i], w, u)
			} else if u > worst {
				worst = u
			}
		}
		t.Logf("%-12s worst %d ulp over %d inputs", name, worst, m)
	}
	check("sigmoid", sigmoidVec(dst, x), func(i int) float64 { return sigmoid(x[i]) }, 2)
	check("tanh", tanhVec(dst, x), func(i int) float64 { return math.Tanh(x[i]) }, 2)
	check("relu", reluVec(dst, x, 0), func(i int) float64 { return max(x[i], 0) }, 0)
	check("leaky", reluVec(dst, x, 0.1), func(i int) float64 { return max(x[i], 0) + 0.1*min(x[i], 0) }, 0)
	g := make([]float64, n)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	y := make([]float64, n)
	for i, v := range x {
		y[i] = math.Tanh(v)
	}
	for _, acc := range []bool{false, true} {
		base = 0
		if acc {
			base = 0.5
		}
		fill := func() {
			for i := range dst {
				dst[i] = 0.5
			}
		}
		scale = func(i int) float64 { return math.Abs(base) + math.Abs(g[i]) }
		fill()
		check("reluBack", reluBackVec(dst, g, x, 0.1, acc), func(i int) float64 {
			s := 0.1
			if x[i] > 0 {
				s = 1
			}
			return base + g[i]*s
		}, 0)
		scale = func(i int) float64 { return math.Abs(base) + math.Abs(g[i])*(1+y[i]*y[i]) }
		fill()
		check("tanhBack", tanhBackVec(dst, g, y, acc), func(i int) float64 { return base + g[i]*(1-y[i]*y[i]) }, 2)
		scale = func(i int) float64 { return math.Abs(base) + math.Abs(g[i]*y[i])*(1+math.Abs(y[i])) }
		fill()
		check("sigmoidBack", sigmoidBackVec(dst, g, y, acc), func(i int) float64 { return base + g[i]*y[i]*(1-y[i]) }, 2)
	}
}

// The tape's operations with the portable elementwise code give the same
// gradients.
func TestGradOpsPortable(t *testing.T) { withoutAssembly(func() { TestGradOps(t) }) }

// The AVX2 kernels on a machine with AVX-512.
func TestElementwiseKernelsAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: TestElementwiseKernels covers the AVX2 kernels")
	}
	withoutAVX512(func() { TestElementwiseKernels(t) })
}

// Softplus and Swish take their exponentials eight at a time (ExpTo) and
// must give the bits of the scalar formulas with math.Exp, forward and
// backward (the gradient added to one already there), on the kernels'
// special inputs and past the backward pass's 64-entry blocks.
func TestSoftplusSwishExactly(t *testing.T) {
	x := elemInputs()
	n := len(x)
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float64, n) // upstream weights: the loss is Σ w_i f(x_i) + Σ x_i
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	sg := func(v float64) float64 {
		if v >= 0 {
			return 1 / (1 + math.Exp(-v))
		}
		e := math.Exp(v)
		return e / (1 + e)
	}
	for _, c := range []struct {
		name     string
		f        func(*Tape, *Node) *Node
		val, der func(float64) float64
	}{
		{"Softplus", (*Tape).Softplus,
			func(v float64) float64 { return math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v))) }, sg},
		{"Swish", (*Tape).Swish,
			func(v float64) float64 { return v * sg(v) },
			func(v float64) float64 { s := sg(v); return s + v*s*(1-s) }},
	} {
		tp := NewTape()
		xm := mat.NewDense(1, n, append([]float64(nil), x...))
		g := mat.NewDense(1, n, nil)
		xn := tp.Param(xm, g)
		y := c.f(tp, xn)
		loss := tp.Add(tp.Dot(y, tp.Const(mat.NewDense(1, n, w))), tp.Sum(xn))
		tp.Backward(loss)
		for i, v := range x {
			if got, want := y.Value().At(0, i), c.val(v); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s(%g) = %g, want %g", c.name, v, got, want)
			}
			if got, want := g.At(0, i), w[i]*c.der(v)+1; math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s′ at %g: gradient %g, want %g", c.name, v, got, want)
			}
		}
	}
}

// AddCol's vector loop gives every entry the one rounded sum x + b of the
// scalar loop, bit for bit, on every row length (the vector part and the
// scalar tail) and on special values (signed zeros, infinities, NaN).
func TestAddColExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}
	for c := 1; c <= 37; c++ {
		a := mat.NewDense(3, c, nil)
		raw := a.RawMatrix().Data
		for i := range raw {
			raw[i] = rng.NormFloat64() * math.Pow(2, float64(rng.IntN(80)-40))
			if rng.IntN(5) == 0 {
				raw[i] = special[rng.IntN(len(special))]
			}
		}
		bias := mat.NewDense(3, 1, []float64{rng.NormFloat64(), math.Copysign(0, -1), math.MaxFloat64})
		tp := NewTape()
		got := tp.AddCol(tp.Const(a), tp.Const(bias)).Value().RawMatrix().Data
		for i := 0; i < 3; i++ {
			for j := 0; j < c; j++ {
				want := raw[i*c+j] + bias.At(i, 0)
				if g := got[i*c+j]; math.Float64bits(g) != math.Float64bits(want) && !(math.IsNaN(g) && math.IsNaN(want)) {
					t.Fatalf("c=%d: AddCol[%d,%d] = %v (%#x), want %v (%#x)", c, i, j, g, math.Float64bits(g), want, math.Float64bits(want))
				}
			}
		}
	}
}

// AddCol gives the scalar loop's NaN when both the entry and the bias are
// NaNs (the entry's: x86 returns the first operand's NaN, and the scalar
// loop computes x + b), so that its bits match the scalar loop's even there,
// in the vector part and the scalar tail of every row length.
func TestAddColNaNOperands(t *testing.T) {
	x := math.Float64frombits(0x7ff8000000000001) // math.NaN()
	b := math.Float64frombits(0xfff8000000000000) // x86's default NaN (0/0)
	for c := 1; c <= 9; c++ {
		a := mat.NewDense(1, c, nil)
		for j := range c {
			a.Set(0, j, x)
		}
		tp := NewTape()
		got := tp.AddCol(tp.Const(a), tp.Const(mat.NewDense(1, 1, []float64{b}))).Value().RawMatrix().Data
		for j, g := range got {
			if want := a.At(0, j) + b; math.Float64bits(g) != math.Float64bits(want) {
				t.Fatalf("c=%d: AddCol[0,%d] = %#x, scalar loop %#x", c, j, math.Float64bits(g), math.Float64bits(want))
			}
		}
	}
}

// AddCol on the MLP 784-256-10's hidden layer at batch 128.
func BenchmarkAddCol(b *testing.B) {
	x := mat.NewDense(256, 128, nil)
	bias := mat.NewDense(256, 1, nil)
	tp := NewTape()
	b.ReportAllocs()
	for b.Loop() {
		tp.Reset()
		tp.AddCol(tp.Const(x), tp.Const(bias))
	}
}

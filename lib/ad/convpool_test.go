package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Conv2DMaxPool2 claims the bits of MaxPool2 ∘ Conv2D: the value, every
// gradient (images, filters, bias) and every Hessian-vector component, each
// compared exactly, with every kernel set, on the notebooks' layer (28×28,
// 32 filters, batch 32 and 40), a larger kernel, odd image sizes, no bias
// and a product whose blocks of columns would change gemm's method.
func TestConv2DMaxPool2Exactly(t *testing.T) {
	t.Run("native", testConv2DMaxPool2)
	t.Run("AVX2", func(t *testing.T) { withoutAVX512(func() { testConv2DMaxPool2(t) }) })
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { testConv2DMaxPool2(t) }) })
}

func testConv2DMaxPool2(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	normal := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range m.RawMatrix().Data {
			m.RawMatrix().Data[i] = rng.NormFloat64()
		}
		return m
	}
	for _, c := range []struct {
		in         Dims
		cout, k, n int
		bias       bool
		constW     bool // the filters a constant: the gradient of the images only, as in an attack
	}{
		{Dims{1, 28, 28}, 32, 3, 32, true, false}, {Dims{1, 28, 28}, 32, 3, 40, true, false},
		{Dims{1, 28, 28}, 32, 3, 32, true, true}, {Dims{1, 10, 10}, 8, 3, 13, true, false},
		{Dims{3, 8, 8}, 5, 5, 7, true, false}, {Dims{2, 5, 7}, 4, 3, 3, true, false}, {Dims{2, 6, 6}, 3, 3, 2, false, false},
		// 300 terms a sum, the whole product packed, and a last block of
		// one pooled row (100 columns) small enough for the direct method.
		{Dims{12, 82, 10}, 1, 5, 5, true, false}, {Dims{12, 82, 10}, 1, 5, 5, false, true},
		// ∂x = wᵀ G over 600 filters, packed, in blocks of 16 columns
		// that the direct method would take.
		{Dims{1, 40, 2}, 600, 3, 4, false, true},
		// G Pᵀ over 768 terms: within (dotChunk, 2·dotChunk], one chunk
		// and the tail in gemm, four blocks of 192 in dotBlocks.
		{Dims{1, 8, 8}, 8, 3, 12, true, false},
	} {
		ckk := c.in.C * c.k * c.k
		x, w, b := normal(c.in.Size(), c.n), normal(c.cout, ckk), normal(c.cout, 1)
		dx, dw, db := normal(c.in.Size(), c.n), normal(c.cout, ckk), normal(c.cout, 1)
		run := func(fused bool) [][]float64 {
			tp := NewTape()
			xn, wn := tp.Param(x, nil), tp.Const(w)
			if !c.constW {
				wn = tp.Param(w, nil)
				tp.SetTangent(wn, dw, nil)
			}
			var bn *Node
			if c.bias {
				bn = tp.Param(b, nil)
				tp.SetTangent(bn, db, nil)
			}
			tp.SetTangent(xn, dx, nil)
			var y *Node
			if fused {
				y = tp.Conv2DMaxPool2(xn, wn, bn, c.in)
			} else {
				y = tp.MaxPool2(tp.Conv2D(xn, wn, bn, c.in), Dims{C: c.cout, H: c.in.H, W: c.in.W})
			}
			loss := tp.SumSq(tp.Tanh(y))
			tp.HessVec(loss)
			out := [][]float64{append([]float64(nil), y.val...), xn.grad, xn.GradTangent().RawMatrix().Data}
			if !c.constW {
				out = append(out, wn.grad, wn.GradTangent().RawMatrix().Data)
			}
			if c.bias {
				out = append(out, bn.grad, bn.GradTangent().RawMatrix().Data)
			}
			return out
		}
		got, want := run(true), run(false)
		names := []string{"value", "∂x", "(Hv)x", "∂w", "(Hv)w", "∂b", "(Hv)b"}
		if c.constW {
			names = []string{"value", "∂x", "(Hv)x", "∂b", "(Hv)b"}
		}
		for q := range want {
			for i := range want[q] {
				if math.Float64bits(got[q][i]) != math.Float64bits(want[q][i]) {
					t.Fatalf("%v, %d filters %d×%d, %d samples: %s entry %d is %v, want %v",
						c.in, c.cout, c.k, c.k, c.n, names[q], i, got[q][i], want[q][i])
				}
			}
		}
	}
}

// BenchmarkConv2DMaxPool2 records the first layer of notebook 08's conv net
// (32 filters 3×3 with bias on 28×28 images, batch 32) with its pool, as a
// training step does (gradients on), fused and as two operations.
func BenchmarkConv2DMaxPool2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	in, n := Dims{1, 28, 28}, 32
	x, w, bias := randDense(rng, in.Size(), n), randDense(rng, 32, 9), randDense(rng, 32, 1)
	d := Dims{C: 32, H: 28, W: 28}
	for _, fused := range []bool{true, false} {
		name := "fused"
		if !fused {
			name = "separate"
		}
		b.Run(name, func(b *testing.B) {
			tp := NewTape()
			for b.Loop() {
				tp.Reset()
				xn, wn, bn := tp.Const(x), tp.Param(w, nil), tp.Param(bias, nil)
				if fused {
					tp.Conv2DMaxPool2(xn, wn, bn, in)
				} else {
					tp.MaxPool2(tp.Conv2D(xn, wn, bn, in), d)
				}
			}
		})
	}
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := range m.RawMatrix().Data {
		m.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return m
}

// BenchmarkBiasGrad sums the rows of the gradient of the notebooks' conv
// layer (32 channels of 28×28, batch 32), as Conv2D's backward does.
func BenchmarkBiasGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	cout, hwn := 32, 28*28*32
	g := randDense(rng, cout, hwn).RawMatrix().Data
	gb := make([]float64, cout)
	for b.Loop() {
		biasGrad(gb, g, cout, hwn)
	}
}

// BenchmarkAddRowSums sums a block of two image rows of the notebooks'
// conv layer gradient (32 channels × 2·28·32 entries), as the pooled
// convolution's backward does fourteen times a step.
func BenchmarkAddRowSums(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	cout, L := 32, 2*28*32
	g := randDense(rng, cout, L).RawMatrix().Data
	s := make([]float64, cout)
	for b.Loop() {
		addRowSums(s, g, cout, L)
	}
}

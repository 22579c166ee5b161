package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Conv2D folds its bias into the product as a last term b·1; the kernel must
// then give the same bits as the product added to an output preset to the
// bias (beta = 1), and biasGrad the same bits as one sum per row. Exact
// equality: the claim is that the floating-point operations are the same.
// The AVX-512, AVX2 and portable kernels each store C their own way, so
// each is checked.
func TestConv2DBiasFoldedExactly(t *testing.T) {
	t.Run("native", testConv2DBiasFolded)
	t.Run("AVX2", func(t *testing.T) { withoutAVX512(func() { testConv2DBiasFolded(t) }) })
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { testConv2DBiasFolded(t) }) })
}

func testConv2DBiasFolded(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	normal := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	for _, c := range []struct {
		in         Dims
		cout, k, n int
	}{{Dims{1, 28, 28}, 32, 3, 32}, {Dims{3, 8, 8}, 5, 5, 7}, {Dims{2, 5, 6}, 4, 3, 1}} {
		ckk, hwn := c.in.C*c.k*c.k, c.in.H*c.in.W*c.n
		x, w, b := normal(c.in.Size()*c.n), normal(c.cout*ckk), normal(c.cout)
		tp := NewTape()
		y := tp.Conv2D(tp.Const(mat.NewDense(c.in.Size(), c.n, x)), tp.Const(mat.NewDense(c.cout, ckk, w)),
			tp.Const(mat.NewDense(c.cout, 1, b)), c.in)
		p := make([]float64, ckk*hwn)
		im2col(p, x, c.in, c.n, c.k)
		want := make([]float64, c.cout*hwn)
		for o := range c.cout {
			for i := range hwn {
				want[o*hwn+i] = b[o]
			}
		}
		gemm(false, false, c.cout, hwn, ckk, 1, w, ckk, p, hwn, 1, want, hwn)
		for i, v := range y.val {
			if math.Float64bits(v) != math.Float64bits(want[i]) {
				t.Fatalf("%v, %d filters %d×%d, %d samples: entry %d is %v, want %v", c.in, c.cout, c.k, c.k, c.n, i, v, want[i])
			}
		}
		gb, wantGb := normal(c.cout), make([]float64, c.cout)
		copy(wantGb, gb)
		for o := range c.cout {
			s := 0.0
			for _, v := range want[o*hwn : (o+1)*hwn] {
				s += v
			}
			wantGb[o] += s
		}
		biasGrad(gb, want, c.cout, hwn)
		for o := range gb {
			if math.Float64bits(gb[o]) != math.Float64bits(wantGb[o]) {
				t.Fatalf("%v: biasGrad row %d is %v, want %v", c.in, o, gb[o], wantGb[o])
			}
		}
	}
}

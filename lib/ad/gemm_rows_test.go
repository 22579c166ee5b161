package ad

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// gatherRowsOf returns the rows idx of the matrix b (cols wide, rows ldb
// apart), packed cols apart.
func gatherRowsOf(b []float64, ldb, cols int, idx []int) []float64 {
	g := make([]float64, len(idx)*cols)
	for i, s := range idx {
		copy(g[i*cols:i*cols+cols], b[s*ldb:s*ldb+cols])
	}
	return g
}

// gemmRows, where it takes a product, gives the bits of gemm on the rows
// gathered first (the same panels packed from the same numbers, so the same
// kernel calls), and leaves C alone where it does not; it takes the MLP's
// two products by a minibatch stored as rows (W·Xbᵀ and G·Xb). Shapes at
// the edges: stored rows of B not a multiple of 16, k not a multiple of 8
// and past the blocks of 256 terms and the short last block, a single
// row, repeated rows, leading dimensions wider than the rows, beta 0 over a
// C of NaN, and on one CPU and on two (parallel products).
func TestGemmRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	ms := []int{1, 5, 6, 7, 13, 96, 130, 255, 256, 257}
	ns := []int{1, 15, 16, 17, 33, 67, 128, 130}
	ks := []int{1, 7, 8, 9, 16, 17, 67, 128, 255, 256, 257, 287, 288, 289, 301, 784}
	abs := [][2]float64{{1, 0}, {1, 1}, {-0.5, 0.25}, {1, math.Copysign(0, -1)}}
	taken := 0
	iters := 600
	if testing.Short() {
		iters = 200
	}
	for _, procs := range []int{1, 2} {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		for it := 0; it < iters; it++ {
			m, n, k := ms[rng.IntN(len(ms))], ns[rng.IntN(len(ns))], ks[rng.IntN(len(ks))]
			ta, tb := rng.IntN(2) == 1, rng.IntN(2) == 1
			switch it {
			case 0:
				m, n, k, ta, tb = 256, 128, 784, false, true // W1·Xbᵀ
			case 1:
				m, n, k, ta, tb = 256, 784, 128, false, false // G·Xb
			case 2:
				m, n, k, ta, tb = 256, 784, 96, false, false // G·Xb, the last minibatch
			}
			ab := abs[rng.IntN(len(abs))]
			lda := k
			if ta {
				lda = m
			}
			a := randSlice(rng, m*k)
			rows, cols := k, n // the stored B
			if tb {
				rows, cols = n, k
			}
			src := 1 + rng.IntN(2*rows)
			if rng.IntN(3) == 0 {
				src = 1 + rng.IntN(3) // many repeats
			}
			ldb := cols + rng.IntN(3)
			b := randSlice(rng, (src-1)*ldb+cols)
			idx := make([]int, rows)
			for i := range idx {
				idx[i] = rng.IntN(src)
			}
			c := randSlice(rng, m*n)
			if ab[1] == 0 {
				for i := range c {
					c[i] = math.NaN()
				}
			}
			want := append([]float64(nil), c...)
			gemm(ta, tb, m, n, k, ab[0], a, lda, gatherRowsOf(b, ldb, cols, idx), cols, ab[1], want, n)
			got := append([]float64(nil), c...)
			if !gemmRows(ta, tb, m, n, k, ab[0], a, lda, b, ldb, idx, ab[1], got, n) {
				if it < 3 && hasAVX512 {
					t.Fatalf("%d×%d×%d ta=%v tb=%v: gemmRows declined the MLP's product", m, n, k, ta, tb)
				}
				for i := range got {
					if !sameBits(got[i], c[i]) {
						t.Fatalf("%d×%d×%d ta=%v tb=%v: gemmRows declined but wrote C[%d]", m, n, k, ta, tb, i)
					}
				}
				continue
			}
			taken++
			for i := range got {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%d×%d×%d ta=%v tb=%v alpha=%v beta=%v procs=%d: C[%d] = %v, gathered %v",
						m, n, k, ta, tb, ab[0], ab[1], procs, i, got[i], want[i])
				}
			}
		}
	}
	if hasAVX512 && taken < iters/4 {
		t.Fatalf("gemmRows took %d of %d products", taken, 2*iters)
	}
	t.Logf("gemmRows took %d of %d products", taken, 2*iters)
}

// Without AVX-512, gemmRows takes no product (the caller gathers).
func TestGemmRowsAVX2(t *testing.T) {
	withoutAVX512(func() {
		rng := rand.New(rand.NewPCG(3, 1))
		a, b, c := randSlice(rng, 256*784), randSlice(rng, 200*784), make([]float64, 256*128)
		idx := make([]int, 128)
		if gemmRows(false, true, 256, 128, 784, 1, a, 784, b, 784, idx, 0, c, 128) {
			t.Fatal("gemmRows took a product without AVX-512")
		}
	})
}

// A ConstRows node gives the values, gradients and Hessian-vector products
// of Const on the gathered rows, to the bit, whichever way products read
// it: as the second operand transposed (the MLP's first layer), or not, as
// the first operand (gathered), and when its value or its transpose's is
// read. With AVX-512 the rows are never gathered in the first three.
func TestConstRows(t *testing.T) {
	t.Run("AVX512", testConstRows)
	t.Run("AVX2", func(t *testing.T) { withoutAVX512(func() { testConstRows(t) }) })
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { testConstRows(t) }) })
}

func testConstRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const p, nb, k, src = 130, 67, 301, 200
	x := randMat(rng, src, k+3).Slice(0, src, 1, k+1).(*mat.Dense) // a view: rows wider than k
	idx := make([]int, nb)
	for i := range idx {
		idx[i] = rng.IntN(src)
	}
	idx[5] = idx[9] // a repeat
	xb := mat.NewDense(nb, k, nil)
	for i, s := range idx {
		xb.SetRow(i, x.RawRowView(s))
	}
	w, wt, v, u := randMat(rng, p, k), randMat(rng, k, p), randMat(rng, p, nb), randMat(rng, k, 9)
	dir := randMat(rng, p, k)
	cases := []struct {
		name     string
		inPlace  bool // the rows are read in place throughout (with AVX-512)
		hessVec  bool
		f        func(tp *Tape, w, x *Node) *Node
		operands []*mat.Dense
	}{
		{"W·Xᵀ", true, true, func(tp *Tape, w, x *Node) *Node { return tp.MatMul(w, tp.Transpose(x)) }, []*mat.Dense{w}},
		{"MatMulT(W, X, tb)", true, false, func(tp *Tape, w, x *Node) *Node { return tp.MatMulT(w, x, false, true) }, []*mat.Dense{w}},
		{"V·X", true, false, func(tp *Tape, v, x *Node) *Node { return tp.MatMul(v, x) }, []*mat.Dense{v}},
		{"MatMulT(Wt, X, ta, tb)", false, false, func(tp *Tape, w, x *Node) *Node { return tp.MatMulT(w, x, true, true) }, []*mat.Dense{wt}},
		{"X·U", false, false, func(tp *Tape, u, x *Node) *Node { return tp.MatMul(x, u) }, []*mat.Dense{u}},
		{"Xᵀ read", false, false, func(tp *Tape, w, x *Node) *Node {
			xt := tp.Transpose(x)
			z := tp.MatMul(w, xt)
			return tp.Add(z, tp.Scale(tp.MatMul(w, xt), xt.At(3, 4)))
		}, []*mat.Dense{w}},
	}
	for _, c := range cases {
		var vals, grads, hvs [2][]float64
		for pass, rows := range []bool{false, true} {
			tp := NewTape()
			g := mat.NewDense(c.operands[0].RawMatrix().Rows, c.operands[0].RawMatrix().Cols, nil)
			wn := tp.Param(c.operands[0], g)
			var xn *Node
			if rows {
				xn = tp.ConstRows(x, idx)
			} else {
				xn = tp.Const(xb)
			}
			out := c.f(tp, wn, xn)
			loss := tp.SumSq(tp.Tanh(out))
			tp.Backward(loss)
			if rows && c.inPlace && hasAVX512 && !xn.pending {
				t.Errorf("%s: the rows were gathered", c.name)
			}
			if rows && !c.inPlace {
				// Its value, read after the products, is the gathered rows.
				if !mat.Equal(xn.Value(), xb) {
					t.Errorf("%s: ConstRows value is not the rows", c.name)
				}
			}
			vals[pass] = append(append([]float64(nil), out.Data()...), loss.Scalar())
			grads[pass] = append([]float64(nil), g.RawMatrix().Data...)
			if c.hessVec {
				hv := mat.NewDense(p, k, nil)
				tp.SetTangent(wn, dir, hv)
				tp.HessVec(loss)
				hvs[pass] = hv.RawMatrix().Data
			}
		}
		for name, pair := range map[string][2][]float64{"value": vals, "gradient": grads, "H·v": hvs} {
			if len(pair[0]) != len(pair[1]) {
				t.Fatalf("%s: %s lengths %d and %d", c.name, name, len(pair[0]), len(pair[1]))
			}
			for i := range pair[0] {
				if !sameBits(pair[0][i], pair[1][i]) {
					t.Fatalf("%s: %s[%d] = %v from ConstRows, %v from Const", c.name, name, i, pair[1][i], pair[0][i])
				}
			}
		}
	}
}

func TestConstRowsBadIndex(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "index 7 (entry 1) out of range for 7 rows") {
			t.Fatalf("panic %q", msg)
		}
	}()
	NewTape().ConstRows(mat.NewDense(7, 3, nil), []int{0, 7})
}

// gemmRows refuses a row list that does not fit B, naming the shapes,
// before its assembly reads a row.
func TestGemmRowsBadList(t *testing.T) {
	if !hasAVX512 {
		t.Skip("without AVX-512 gemmRows declines before it checks the rows")
	}
	a, b, c := make([]float64, 130*301), make([]float64, 10*301), make([]float64, 130*67)
	for _, tc := range []struct {
		rows []int
		want string
	}{
		{make([]int, 66), "66 rows listed for a stored B of 67×301"},
		{append(make([]int, 66), 10), "row 10 (entry 66) of 301 columns, 301 apart, is outside the 3010 values of b"},
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want one containing %q", msg, tc.want)
				}
			}()
			gemmRows(false, true, 130, 67, 301, 1, a, 301, b, 301, tc.rows, 0, c, 67)
		}()
	}
}

package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// A product by a constant identity, recorded as a copy or a transpose, has
// the value, gradient and Hessian-vector product of the product computed
// (the identity bound as a parameter, which is multiplied out), to the bit:
// the product only adds exact zeros.
func TestMatMulIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	randM := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range r {
			for j := range c {
				m.Set(i, j, rng.NormFloat64())
			}
		}
		return m
	}
	eye := mat.NewDense(4, 4, nil)
	for i := range 4 {
		eye.Set(i, i, 1)
	}
	for _, c := range []struct {
		name        string
		left, trans bool // identity on the left; the other factor transposed
	}{{"A·I", false, false}, {"Aᵀ·I", false, true}, {"I·B", true, false}, {"I·Bᵀ", true, true}} {
		r, k := 6, 4
		if c.trans {
			r, k = 4, 6
		}
		if c.left {
			r, k = k, r
		}
		x, dir := randM(r, k), randM(r, k)
		run := func(constEye bool) (val, grad, hv []float64, products int) {
			tp := NewTape()
			g, h := mat.NewDense(r, k, nil), mat.NewDense(r, k, nil)
			p := tp.Param(x, g)
			tp.SetTangent(p, dir, h)
			var e *Node
			if constEye {
				e = tp.Const(eye)
			} else {
				e = tp.Param(eye, nil)
			}
			var out *Node
			if c.left {
				out = tp.MatMulT(e, p, false, c.trans)
			} else {
				out = tp.MatMulT(p, e, c.trans, false)
			}
			loss := tp.SumSq(tp.Tanh(out))
			tp.HessVec(loss)
			for _, n := range tp.nodes[:tp.n] {
				if n.op == opMatMul {
					products++
				}
			}
			return append([]float64(nil), out.Data()...), g.RawMatrix().Data, h.RawMatrix().Data, products
		}
		v0, g0, h0, n0 := run(false)
		v1, g1, h1, n1 := run(true)
		if n0 != 1 || n1 != 0 {
			t.Errorf("%s: %d products recorded with the identity a parameter, %d with it a constant; want 1 and 0", c.name, n0, n1)
		}
		for _, q := range []struct {
			what       string
			want, have []float64
		}{{"value", v0, v1}, {"gradient", g0, g1}, {"Hessian-vector product", h0, h1}} {
			for i := range q.want {
				if math.Float64bits(q.want[i]) != math.Float64bits(q.have[i]) {
					t.Errorf("%s: %s[%d] = %v through the shortcut, %v through the product", c.name, q.what, i, q.have[i], q.want[i])
					break
				}
			}
		}
	}
}

// The check for an identity on the 10×10 identity of Zhao et al.'s data,
// which it reads whole at every step of their runs.
func BenchmarkIsIdentity(b *testing.B) {
	tp := NewTape()
	eye := mat.NewDense(10, 10, nil)
	for i := range 10 {
		eye.Set(i, i, 1)
	}
	x := tp.Const(eye)
	for b.Loop() {
		if !isIdentity(x) {
			b.Fatal("not an identity")
		}
	}
}

// isIdentity rejects any entry off the identity, however small.
func TestIsIdentity(t *testing.T) {
	tp := NewTape()
	for _, c := range []struct {
		r, c, i, j int
		v          float64
		want       bool
	}{
		{3, 3, 0, 0, 1, true}, {3, 3, 2, 1, 1e-300, false}, {3, 3, 0, 2, math.Copysign(0, -1), false},
		{3, 3, 1, 1, 1 + 0x1p-52, false}, {3, 3, 2, 2, math.NaN(), false}, {2, 3, 0, 0, 1, false},
	} {
		m := mat.NewDense(c.r, c.c, nil)
		for i := range min(c.r, c.c) {
			m.Set(i, i, 1)
		}
		m.Set(c.i, c.j, c.v)
		if got := isIdentity(tp.Const(m)); got != c.want {
			t.Errorf("%d×%d identity with (%d, %d) = %v: isIdentity = %v", c.r, c.c, c.i, c.j, c.v, got)
		}
	}
}

// The row form of Aᵀb matches the column with the AVX2 and the portable
// kernels too: the two shapes take different edge paths in each.
func TestGemvAsRowKernels(t *testing.T) {
	t.Run("avx2", func(t *testing.T) { withoutAVX512(func() { TestGemvAsRow(t) }) })
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { TestGemvAsRow(t) }) })
}

// gemm computes Aᵀb as the row bᵀA, with the bits of the column computed
// directly, for every α and β and both storages of b.
func TestGemvAsRow(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	vec := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	for _, m := range []int{1, 5, 17, 40, 300} {
		for _, k := range []int{1, 2, 30, 256} {
			if HasOpenBLAS && m*k > blasMACs {
				// Neither form: gemm hands the column to OpenBLAS.
				continue
			}
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float64{{1, 0}, {1, 1}, {-0.7, 0}, {2.5, -1.3}} {
					a, b, c0 := vec(k*m), vec(k), vec(m) // A is k×m, op(A) = Aᵀ
					ldb := 1
					if tb {
						ldb = k
					}
					got := append([]float64(nil), c0...)
					gemm(true, tb, m, 1, k, ab[0], a, m, b, ldb, ab[1], got, 1)
					want := append([]float64(nil), c0...)
					gemmDirect(&gemmArgs{true, tb, m, 1, k, ab[0], a, m, b, ldb, ab[1], want, 1, nil}, 0, m, 0, 1, new(packBuf))
					for i := range want {
						if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
							t.Fatalf("m = %d, k = %d, tb = %v, α, β = %v: C[%d] = %v, as a column %v", m, k, tb, ab, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// Uᵀg with U 30×40, the gradient of the hidden layer of the 30-40-30 net on
// one sample: through gemm (as the row gᵀU) and as the column it was.
func BenchmarkGemvT(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	const k, m = 30, 40
	a, x, c := make([]float64, k*m), make([]float64, k), make([]float64, m)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	b.Run("row", func(b *testing.B) {
		for b.Loop() {
			gemm(true, false, m, 1, k, 1, a, m, x, 1, 0, c, 1)
		}
	})
	b.Run("column", func(b *testing.B) {
		buf := new(packBuf)
		for b.Loop() {
			gemmDirect(&gemmArgs{true, false, m, 1, k, 1, a, m, x, 1, 0, c, 1, nil}, 0, m, 0, 1, buf)
		}
	})
}

// The three products of a gradient step of Zhao et al.'s Fig. 6 network
// (U 5×50, H = σ(V X) 50×10): f = U H, ∂U = G Hᵀ (a transposed B, packed)
// and ∂H = Uᵀ G, on one goroutine and on two side by side (notebook 05 runs
// its trainings two at a time).
func BenchmarkGemmFig6Step(b *testing.B) {
	rng := rand.New(rand.NewPCG(6, 6))
	const m, h, n = 5, 50, 10
	fill := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	u, hh, g := fill(m*h), fill(h*n), fill(m*n)
	step := func(f, du, dh []float64) {
		gemm(false, false, m, n, h, 1, u, h, hh, n, 0, f, n)
		gemm(false, true, m, h, n, 1, g, n, hh, n, 0, du, h)
		gemm(true, false, h, n, m, 1, u, h, g, n, 0, dh, n)
	}
	b.Run("serial", func(b *testing.B) {
		f, du, dh := make([]float64, m*n), make([]float64, m*h), make([]float64, h*n)
		for b.Loop() {
			step(f, du, dh)
		}
	})
	b.Run("two", func(b *testing.B) {
		b.SetParallelism(1)
		b.RunParallel(func(pb *testing.PB) {
			f, du, dh := make([]float64, m*n), make([]float64, m*h), make([]float64, h*n)
			for pb.Next() {
				step(f, du, dh)
			}
		})
	})
}

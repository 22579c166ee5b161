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

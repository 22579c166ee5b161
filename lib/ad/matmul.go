package ad

import (
	"fmt"
	"math"
)

// MatMul records C = A B.
//
//	∂L/∂A = ∂L/∂C Bᵀ,  ∂L/∂B = Aᵀ ∂L/∂C.
func (t *Tape) MatMul(a, b *Node) *Node { return t.MatMulT(a, b, false, false) }

// MatMulT records C = op(A) op(B), where op(X) is Xᵀ when the corresponding
// flag is set and X otherwise. No transpose is materialised: the
// multiplication and both gradients are single matrix products with
// transposed operands. A product by a constant identity is recorded as a
// copy (Reshape) or a transpose (Transpose) of the other factor instead.
//
//	C = A Bᵀ:  ∂L/∂A = ∂L/∂C B,      ∂L/∂B = (∂L/∂C)ᵀ A
//	C = Aᵀ B:  ∂L/∂A = B (∂L/∂C)ᵀ,   ∂L/∂B = A ∂L/∂C
//	C = Aᵀ Bᵀ: ∂L/∂A = Bᵀ (∂L/∂C)ᵀ,  ∂L/∂B = (∂L/∂C)ᵀ Aᵀ
func (t *Tape) MatMulT(a, b *Node, transA, transB bool) *Node {
	// A pending transpose of a constant (see Transpose) is not materialised:
	// the product reads the constant itself, transposed. Rows of a constant
	// (ConstRows) are read in place as the second operand, if gemmRows
	// takes the product, and gathered as the first.
	t.check(a)
	t.check(b)
	if a.pending && a.op == opTranspose {
		a, transA = a.a, !transA
	}
	a.materialise() // a transpose of a transpose, or rows
	if b.pending && b.op == opTranspose {
		b, transB = b.a, !transB
	}
	if b.op != opConst || b.r == b.c { // a square B may be an identity: see below
		b.materialise()
	}
	m, ka := a.r, a.c
	if transA {
		m, ka = a.c, a.r
	}
	kb, n := b.r, b.c
	if transB {
		kb, n = b.c, b.r
	}
	if ka != kb {
		panic(fmt.Sprintf("ad: MatMul: shapes %s and %s do not match", opShape(a, transA), opShape(b, transB)))
	}
	// A product by a constant identity (X = I, the data of many small
	// experiments) is the other factor: recorded as a copy or a transpose,
	// it costs no product forward and none backward. Its value and gradient
	// are the product's, which only adds exact zeros to each entry (up to
	// the sign of a zero, and NaN where the product has ∞·0).
	if !b.needGrad && isIdentity(b) {
		if transA {
			return t.Transpose(a)
		}
		return t.Reshape(a, m, n)
	}
	if !a.needGrad && isIdentity(a) {
		if transB {
			return t.Transpose(b)
		}
		return t.Reshape(b, m, n)
	}
	out := t.newNode(opMatMul, m, n)
	out.a, out.b = a, b
	out.ta, out.tb = transA, transB
	t.prepare(out, a, b)
	gemmB(transA, transB, m, n, ka, 1, a.val, a.c, b, 0, out.val, n)
	return out
}

// gemmB is gemm with op(B) the value of the node b: read in
// place through its row list when b holds rows of a constant not gathered
// yet (ConstRows) and gemmRows takes the product, else from its value,
// gathered first if need be.
func gemmB(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b *Node, beta float64, c []float64, ldc int) {
	if b.pending && b.op == opConst {
		if gemmRows(ta, tb, m, n, k, alpha, a, lda, b.rowsSrc, b.rowsLd, b.rowsIdx, beta, c, ldc) {
			return
		}
		b.materialise()
	}
	gemm(ta, tb, m, n, k, alpha, a, lda, b.val, b.c, beta, c, ldc)
}

// isIdentity reports whether x is a square identity matrix. It returns at
// the first row that differs, the first one for most data; on Zhao et al.'s
// 10×10 identity it costs about 60 ns (BenchmarkIsIdentity).
func isIdentity(x *Node) bool {
	n := x.r
	if x.c != n || n == 0 {
		return false
	}
	v := x.val[:n*n]
	for i := range n {
		row := v[i*n : i*n+n]
		if row[i] != 1 {
			return false
		}
		// The bits of the other entries, or-ed without a branch per entry:
		// zero only if they are all +0 (a −0 counts as not zero, which is
		// merely conservative).
		var bits uint64
		for _, e := range row[:i] {
			bits |= math.Float64bits(e)
		}
		for _, e := range row[i+1:] {
			bits |= math.Float64bits(e)
		}
		if bits != 0 {
			return false
		}
	}
	return true
}

func opShape(x *Node, trans bool) string {
	if trans {
		return fmt.Sprintf("%d×%dᵀ", x.r, x.c)
	}
	return fmt.Sprintf("%d×%d", x.r, x.c)
}

func beta(first bool) float64 {
	if first {
		return 0
	}
	return 1
}

func (n *Node) backMatMul() {
	a, b, g := n.a, n.b, n.grad
	// A factor recorded by Descend whose only use is this product takes its
	// step here, after the other factor's gradient, which reads its old
	// value; one of the two when both could.
	fa := a.fusedStep()
	fb := b.fusedStep() && !fa
	if a.needGrad && !fa {
		ga, first := a.acc()
		n.matGradAOfB(ga, g, 1, beta(first))
	}
	if b.needGrad && !fb {
		gb, first := b.acc()
		n.matGradB(gb, a.val, g, 1, beta(first))
	}
	if fa {
		n.matGradAOfB(a.val, g, -a.rate, 1)
		a.gradSet, a.stepped = true, true
	}
	if fb {
		n.matGradB(b.val, a.val, g, -b.rate, 1)
		b.gradSet, b.stepped = true, true
	}
}

// inner returns the inner dimension k of the product op(A) op(B).
func (n *Node) inner() int {
	if n.ta {
		return n.a.r
	}
	return n.a.c
}

// matGradA sets dst = alpha·G op(B)ᵀ-part + beta·dst in A's shape: the gradient
// formula for A of MatMulT, with g (the shape of C) and bv (the shape of B)
// as arguments, so that the tangent pass can apply it to (Ġ, B) and (G, Ḃ).
func (n *Node) matGradA(dst, g, bv []float64, alpha, beta float64) {
	a, b := n.a, n.b
	m, nn, k := n.r, n.c, n.inner()
	switch {
	case !n.ta && !n.tb: // dA (m×k) = G (m×n) Bᵀ (n×k), B is k×n
		gemm(false, true, m, k, nn, alpha, g, nn, bv, b.c, beta, dst, a.c)
	case !n.ta && n.tb: // dA (m×k) = G (m×n) B (n×k)
		gemm(false, false, m, k, nn, alpha, g, nn, bv, b.c, beta, dst, a.c)
	case n.ta && !n.tb: // dA (k×m) = B (k×n) Gᵀ (n×m)
		gemm(false, true, k, m, nn, alpha, bv, b.c, g, nn, beta, dst, a.c)
	default: // dA (k×m) = Bᵀ (k×n) Gᵀ (n×m), B is n×k
		gemm(true, true, k, m, nn, alpha, bv, b.c, g, nn, beta, dst, a.c)
	}
}

// matGradAOfB is matGradA with B's value: dst = alpha·G op(B)ᵀ-part +
// beta·dst, reading B through its row list where it is rows of a constant
// not gathered yet and the product has it as its second operand (gemmB).
func (n *Node) matGradAOfB(dst, g []float64, alpha, beta float64) {
	a, b := n.a, n.b
	m, nn, k := n.r, n.c, n.inner()
	switch {
	case !b.pending:
		n.matGradA(dst, g, b.val, alpha, beta)
	case !n.ta && !n.tb: // as in matGradA
		gemmB(false, true, m, k, nn, alpha, g, nn, b, beta, dst, a.c)
	case !n.ta && n.tb:
		gemmB(false, false, m, k, nn, alpha, g, nn, b, beta, dst, a.c)
	default: // B is the first operand
		b.materialise()
		n.matGradA(dst, g, b.val, alpha, beta)
	}
}

// matGradB is matGradA for B: dst = alpha·op(A)ᵀ-part G + beta·dst in B's shape.
func (n *Node) matGradB(dst, av, g []float64, alpha, beta float64) {
	a, b := n.a, n.b
	m, nn, k := n.r, n.c, n.inner()
	switch {
	case !n.ta && !n.tb: // dB (k×n) = Aᵀ (k×m) G (m×n), A is m×k
		gemm(true, false, k, nn, m, alpha, av, a.c, g, nn, beta, dst, b.c)
	case !n.ta && n.tb: // dB (n×k) = Gᵀ (n×m) A (m×k)
		gemm(true, false, nn, k, m, alpha, g, nn, av, a.c, beta, dst, b.c)
	case n.ta && !n.tb: // dB (k×n) = A (k×m) G (m×n)
		gemm(false, false, k, nn, m, alpha, av, a.c, g, nn, beta, dst, b.c)
	default: // dB (n×k) = Gᵀ (n×m) Aᵀ (m×k), A is k×m
		gemm(true, true, nn, k, m, alpha, g, nn, av, a.c, beta, dst, b.c)
	}
}

// Transpose records C = Aᵀ. ∂L/∂A = (∂L/∂C)ᵀ.
//
// The transpose of a node that depends on no parameter (data, as a batch
// gathered one sample per row) is written only when something reads it: a
// MatMul or MatMulT taking it as an operand multiplies by A with the
// transposition flag flipped instead, so that Xᵀ costs nothing when it only
// feeds a product.
func (t *Tape) Transpose(a *Node) *Node {
	t.check(a)
	if a.op != opConst { // rows of a constant stay pending, for a product to read in place
		a.materialise()
	}
	out := t.newNode(opTranspose, a.c, a.r)
	out.a = a
	t.prepare(out, a)
	if !out.needGrad {
		out.pending = true
		return out
	}
	transpose(out.val, a.val, a.r, a.c, false)
	return out
}

// materialise writes the value of n if it is a pending transpose or the
// pending rows of a constant (ConstRows).
func (n *Node) materialise() {
	if !n.pending {
		return
	}
	n.pending = false
	if n.op == opConst {
		n.own = grow(n.own, n.r*n.c)
		n.val = n.own
		for i, s := range n.rowsIdx {
			copy(n.val[i*n.c:i*n.c+n.c], n.rowsSrc[s*n.rowsLd:s*n.rowsLd+n.c])
		}
		return
	}
	n.a.materialise()
	transpose(n.val, n.a.val, n.a.r, n.a.c, false)
}

func (n *Node) backTranspose() {
	g, first := n.a.acc()
	transpose(g, n.grad, n.r, n.c, !first)
}

// transpose writes (or adds, if add) the transpose of the r×c matrix src into
// the c×r matrix dst, in cache-friendly blocks.
func transpose(dst, src []float64, r, c int, add bool) {
	const bs = 32
	for i0 := 0; i0 < r; i0 += bs {
		i1 := min(i0+bs, r)
		for j0 := 0; j0 < c; j0 += bs {
			j1 := min(j0+bs, c)
			for i := i0; i < i1; i++ {
				row := src[i*c : i*c+c]
				if add {
					for j := j0; j < j1; j++ {
						dst[j*r+i] += row[j]
					}
				} else {
					for j := j0; j < j1; j++ {
						dst[j*r+i] = row[j]
					}
				}
			}
		}
	}
}

package ad

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// This file is forward-over-reverse differentiation: exact Hessian-vector
// products by Pearlmutter's R-operator.
//
// Write R{x} = d/dε x(θ + ε v)|_{ε=0} for the directional derivative of any
// quantity x of a pass along a direction v in parameter space. The forward
// pass carries the tangent ẏ = R{y} of every node alongside its value
// (forward mode), and the reverse pass carries ġ = R{∂L/∂y} alongside the
// gradient. Differentiating the vector-Jacobian product of a node
// y = op(x₁, x₂, …),
//
//	∂L/∂xᵢ += (∂y/∂xᵢ)ᵀ g,   g = ∂L/∂y,
//
// gives the rule every operation implements:
//
//	ġ_{xᵢ} += (∂y/∂xᵢ)ᵀ ġ + R{(∂y/∂xᵢ)ᵀ} g,
//
// the same product applied to ġ, plus a second-order term that vanishes when
// the operation is linear in xᵢ. At a parameter p, ġ_p = R{∂L/∂p} = (∇²L v)_p.
// Each operation's two rules, forward and reverse, are written in the comment
// above its tangent functions below. A product costs about two gradients (the
// tangent of a matrix product is two products); the values and gradients of
// the pass are those of Backward and are reused, so at a fixed point only the
// two tangent sweeps are repeated for each new direction.

// SetTangent binds the direction of the parameter node p for ForwardTangent
// and HessVec: dir is p's component of the direction v (nil means zero), and
// HessVec writes p's component of ∇²L v into hv, overwriting it (with a nil
// hv it is kept on the tape and read with GradTangent). Both have p's shape.
// dir is aliased when it is stored contiguously, so it must not change
// before HessVec (it is copied otherwise); hv must not overlap dir or any
// other direction. SetTangent may be called before or after Backward; the
// binding lasts until the tape is Reset.
func (t *Tape) SetTangent(p *Node, dir, hv *mat.Dense) {
	t.own(p)
	if p.op != opParam {
		panic("ad: SetTangent: node is not a parameter")
	}
	if p.descend {
		panic(fmt.Sprintf("ad: SetTangent: the %d×%d parameter was recorded by Descend, whose value Backward moves", p.r, p.c))
	}
	for _, m := range [2]*mat.Dense{dir, hv} {
		if m == nil {
			continue
		}
		if r, c := m.Dims(); r != p.r || c != p.c {
			panic(fmt.Sprintf("ad: SetTangent: shape %d×%d does not match parameter %d×%d", r, c, p.r, p.c))
		}
	}
	p.hasTan = dir != nil
	if dir != nil {
		if d, ok := contiguous(dir); ok {
			p.tan = d
		} else {
			p.town = grow(p.town, p.r*p.c)
			p.tan = p.town
			copyIn(p.tan, dir)
		}
	}
	p.userHV, p.hvCopy = hv, false
	if hv != nil {
		if d, ok := contiguous(hv); ok {
			p.gtan = d
			return
		}
		p.hvCopy = true
	}
	p.gtown = grow(p.gtown, p.r*p.c)
	p.gtan = p.gtown
}

// TangentData returns the tangent ẏ of n, the directional derivative of its
// value along the directions set by SetTangent, after ForwardTangent or
// HessVec: a row-major slice aliasing the tape's storage, or nil when it is
// zero (n does not depend on a parameter with a direction).
func (n *Node) TangentData() []float64 {
	if !n.hasTan {
		return nil
	}
	return n.tan[:n.r*n.c]
}

// GradTangent returns ġ = R{∂L/∂n} after HessVec as a matrix (zeros if it
// vanishes), or nil if n does not depend on any parameter. For a parameter it
// is n's component of ∇²L v; for one bound with a destination by SetTangent it
// is that destination.
func (n *Node) GradTangent() *mat.Dense {
	if !n.needGrad {
		return nil
	}
	if n.userHV != nil {
		return n.userHV
	}
	if !n.gtanSet {
		n.ensureGtan()
		clear(n.gtan[:n.r*n.c])
		n.gtanSet = true
	}
	n.hm = view(n.hm, n.r, n.c, n.gtan)
	return n.hm
}

// ForwardTangent computes, for every node recorded so far, its tangent
// ẏ = Σ_p (∂y/∂p) v_p along the directions v_p bound by SetTangent
// (forward-mode differentiation: Jacobian-vector products), read with
// TangentData. HessVec calls it; call it directly for Jacobian-vector products
// of any node, the output of a model for instance.
func (t *Tape) ForwardTangent() {
	for _, n := range t.nodes[:t.n] {
		n.forwardTangent()
	}
}

// HessVec computes ∇²L v, the derivative of the gradient of the 1×1 node loss
// along the directions v set by SetTangent, by forward-over-reverse
// differentiation: ForwardTangent, then a reverse sweep carrying
// ġ = R{∂L/∂y} (see the comment at the top of tangent.go). Every parameter's
// component of ∇²L v is written to its SetTangent destination (zeros if it
// vanishes), or kept on the tape for GradTangent. Parameters without a bound
// direction count as v_p = 0.
//
// The result is exact to rounding wherever the operations are twice
// differentiable; at the kinks of ReLU, LeakyReLU, Abs and MaxPool2 the
// second derivative is taken as zero, the value almost everywhere. If
// Backward(loss) has not been called since the last Reset, HessVec calls it;
// repeated calls with new directions (rebound with SetTangent, or changed in
// place) reuse the values and gradients of the pass.
func (t *Tape) HessVec(loss *Node) {
	t.own(loss)
	if loss.r != 1 || loss.c != 1 {
		panic(fmt.Sprintf("ad: HessVec: loss has shape %d×%d, want 1×1", loss.r, loss.c))
	}
	for _, n := range t.nodes[:t.n] {
		if n.descend {
			panic(fmt.Sprintf("ad: HessVec: the %d×%d parameter was recorded by Descend, whose value Backward moves", n.r, n.c))
		}
	}
	if t.back != loss {
		t.Backward(loss)
	}
	t.ForwardTangent()
	for _, n := range t.nodes[:t.n] {
		n.gtanSet = false
	}
	for i := loss.idx; i >= 0; i-- {
		if n := t.nodes[i]; n.needGrad {
			n.backTangent()
		}
	}
	for _, n := range t.nodes[:t.n] {
		if n.op != opParam {
			continue
		}
		n.ensureGtan()
		if !n.gtanSet {
			clear(n.gtan[:n.r*n.c])
			n.gtanSet = true
		}
		if n.hvCopy {
			copyOut(n.userHV, n.gtan)
		}
	}
}

// zeros returns a slice of n zeros standing in for an absent tangent or
// gradient; callers only read it.
func (t *Tape) zeros(n int) []float64 {
	if len(t.zero) < n {
		t.zero = make([]float64, n)
	}
	return t.zero[:n]
}

// tanOf returns the tangent of x, or nil when it is zero.
func tanOf(x *Node) []float64 {
	if x == nil || !x.hasTan {
		return nil
	}
	return x.tan[:x.r*x.c]
}

// tanOrZero is tanOf with zeros for an absent tangent.
func (n *Node) tanOrZero(x *Node) []float64 {
	if d := tanOf(x); d != nil {
		return d
	}
	return n.t.zeros(x.r * x.c)
}

// gradIf returns ∂L/∂n, or nil when it is zero in the last Backward.
func (n *Node) gradIf() []float64 {
	if !n.gradSet {
		return nil
	}
	return n.grad[:n.r*n.c]
}

// gtanIf returns ġ of n, or nil when it is zero so far in HessVec.
func (n *Node) gtanIf() []float64 {
	if !n.gtanSet {
		return nil
	}
	return n.gtan[:n.r*n.c]
}

func (n *Node) ensureGtan() {
	if n.userHV != nil && !n.hvCopy {
		return // bound to the destination by SetTangent
	}
	n.gtown = grow(n.gtown, n.r*n.c)
	n.gtan = n.gtown
}

// tacc returns the ġ buffer of n for a new contribution, as acc does for
// gradients: if first, it holds stale data to be overwritten.
func (n *Node) tacc() (g []float64, first bool) {
	if !n.gtanSet {
		n.ensureGtan()
		n.gtanSet = true
		return n.gtan[:n.r*n.c], true
	}
	return n.gtan[:n.r*n.c], false
}

// passTangent adds ġ of a pass-through operation (one whose Jacobian in x
// is the identity: Add, Sub's first operand, AddCol, AddRow, AddScalar,
// Reshape) to x. When n is x's only consumer and x is not a parameter, x's
// ġ is exactly n's, so x takes n's buffer instead of a copy: n's own ġ is
// not written again in this sweep, and the next sweep gives x back its own
// buffer (tacc).
func (n *Node) passTangent(x *Node, gt []float64) {
	if x.uses == 1 && x.op != opParam && !x.gtanSet && len(gt) == x.r*x.c {
		x.gtan, x.gtanSet = gt, true
		return
	}
	d, first := x.tacc()
	addScaled(d, first, 1, gt)
}

// taccZero is tacc for callers that only accumulate.
func (n *Node) taccZero() []float64 {
	g, first := n.tacc()
	if first {
		clear(g)
	}
	return g
}

// addScaled sets dst = s·x (first) or adds s·x to it.
func addScaled(dst []float64, first bool, s float64, x []float64) {
	dst = dst[:len(x)]
	if first && s == 1 {
		copy(dst, x)
		return
	}
	if first {
		for i, v := range x {
			dst[i] = s * v
		}
		return
	}
	for i, v := range x {
		dst[i] += s * v
	}
}

// addScaled2 sets dst = s·x + t·y (first) or adds s·x, then t·y, to it,
// in one pass; y may be nil (no second term). The bits are those of
// zeroing dst and adding the two terms in turn (but for the sign of a zero
// result; TestAddScaled2), NaNs included: that loop compiles to the product
// plus the sum, and x86 returns the first operand's NaN, so t·y comes
// first. Where the compiler fuses a multiply and an add (arm64,
// GOAMD64=v3) the two round otherwise.
func addScaled2(dst []float64, first bool, s float64, x []float64, t float64, y []float64) {
	x = x[:len(dst)]
	switch {
	case y == nil && first:
		for i, v := range x {
			dst[i] = s * v
		}
	case y == nil:
		for i, v := range x {
			dst[i] += s * v
		}
	case first:
		y = y[:len(dst)]
		for i, v := range x {
			dst[i] = t*y[i] + s*v
		}
	default:
		y = y[:len(dst)]
		for i, v := range x {
			dst[i] = (dst[i] + s*v) + t*y[i]
		}
	}
}

// addMul sets dst = x ⊙ y (first) or adds x ⊙ y to it.
func addMul(dst []float64, first bool, x, y []float64) {
	dst, y = dst[:len(x)], y[:len(x)]
	if first {
		for i, v := range x {
			dst[i] = v * y[i]
		}
		return
	}
	for i, v := range x {
		dst[i] += v * y[i]
	}
}

func (n *Node) forwardTangent() {
	if n.op == opConst || n.op == opParam {
		return
	}
	a, b, w := n.a, n.b, n.w
	n.hasTan = tanOf(a) != nil || tanOf(b) != nil || tanOf(w) != nil
	if !n.hasTan {
		return
	}
	n.town = grow(n.town, n.r*n.c)
	n.tan = n.town
	d := n.tan
	switch n.op {
	case opMatMul:
		// Ċ = op(Ȧ) op(B) + op(A) op(Ḃ)
		m, nn, k := n.r, n.c, n.inner()
		beta := 0.0
		if ta := tanOf(a); ta != nil {
			gemmB(n.ta, n.tb, m, nn, k, 1, ta, a.c, b, 0, d, nn)
			beta = 1
		}
		if tb := tanOf(b); tb != nil {
			gemm(n.ta, n.tb, m, nn, k, 1, a.val, a.c, tb, b.c, beta, d, nn)
		}
	case opTranspose:
		transpose(d, a.tan, a.r, a.c, false)
	case opAdd, opSub, opMul, opDiv:
		n.forwardTanBinary()
	case opScale:
		addScaled(d, true, n.s, a.tan[:len(d)])
	case opAddScalar, opReshape:
		copy(d, a.tan[:len(d)])
	case opAddCol, opAddRow:
		// Ċ = Ȧ + ḃ 1ᵀ (AddCol) or Ȧ + 1 ḃ (AddRow), in one pass
		ta, tb := n.tanOrZero(a), tanOf(b)
		if tb == nil {
			copy(d, ta)
			break
		}
		if n.op == opAddCol {
			addCol(d, ta, tb, n.r, n.c)
			break
		}
		c := n.c
		for i := 0; i < n.r; i++ {
			row, src := d[i*c:i*c+c], ta[i*c:i*c+c]
			for j, v := range src {
				row[j] = v + tb[j]
			}
		}
	case opSum, opMean, opSumSq, opNorm, opDot:
		n.forwardTanReduce()
	case opRowNorms, opColNorms, opRowSums, opColSums:
		n.forwardTanAxis()
	case opUnary, opMap:
		n.forwardTanUnary()
	case opRadialCols, opRadialRows:
		n.forwardTanRadial()
	case opSoftmaxCE:
		n.forwardTanSoftmaxCE()
	case opConv:
		n.forwardTanConv()
	case opMaxPool:
		n.forwardTanMaxPool()
	default:
		panic(fmt.Sprintf("ad: internal error: no tangent for op %d", n.op))
	}
}

func (n *Node) backTangent() {
	switch n.op {
	case opConst, opParam:
	case opMatMul:
		n.backTanMatMul()
	case opTranspose:
		if gt := n.gtanIf(); gt != nil {
			g, first := n.a.tacc()
			transpose(g, gt, n.r, n.c, !first)
		}
	case opAdd, opSub, opMul, opDiv:
		n.backTanBinary()
	case opScale:
		if gt := n.gtanIf(); gt != nil {
			g, first := n.a.tacc()
			addScaled(g, first, n.s, gt)
		}
	case opAddScalar, opReshape:
		if gt := n.gtanIf(); gt != nil {
			n.passTangent(n.a, gt)
		}
	case opAddCol, opAddRow:
		n.backTanBroadcast()
	case opSum, opMean, opSumSq, opNorm, opDot:
		n.backTanReduce()
	case opRowNorms, opColNorms, opRowSums, opColSums:
		n.backTanAxis()
	case opUnary, opMap:
		n.backTanUnary()
	case opRadialCols, opRadialRows:
		n.backTanRadial()
	case opSoftmaxCE:
		n.backTanSoftmaxCE()
	case opConv:
		n.backTanConv()
	case opMaxPool:
		n.backTanMaxPool()
	default:
		panic(fmt.Sprintf("ad: internal error: no tangent backward for op %d", n.op))
	}
}

// MatMulT, C = op(A) op(B), with the gradient formulas
// ∂L/∂A = f_A(G, B) and ∂L/∂B = f_B(A, G), both bilinear:
//
//	Ċ = op(Ȧ) op(B) + op(A) op(Ḃ),
//	R{∂L/∂A} = f_A(Ġ, B) + f_A(G, Ḃ),  R{∂L/∂B} = f_B(A, Ġ) + f_B(Ȧ, G).
func (n *Node) backTanMatMul() {
	a, b := n.a, n.b
	gt, g := n.gtanIf(), n.gradIf()
	if a.needGrad {
		tb := tanOf(b)
		if gt != nil || (g != nil && tb != nil) {
			d, first := a.tacc()
			bt := beta(first)
			if gt != nil {
				n.matGradAOfB(d, gt, 1, bt)
				bt = 1
			}
			if g != nil && tb != nil {
				n.matGradA(d, g, tb, 1, bt)
			}
		}
	}
	if b.needGrad {
		ta := tanOf(a)
		if gt != nil || (g != nil && ta != nil) {
			d, first := b.tacc()
			bt := beta(first)
			if gt != nil {
				n.matGradB(d, a.val, gt, 1, bt)
				bt = 1
			}
			if g != nil && ta != nil {
				n.matGradB(d, ta, g, 1, bt)
			}
		}
	}
}

// Elementwise binary operations:
//
//	A ± B:  Ċ = Ȧ ± Ḃ,            R{∂L/∂A} = Ġ,                 R{∂L/∂B} = ±Ġ
//	A ⊙ B:  Ċ = Ȧ⊙B + A⊙Ḃ,        R{∂L/∂A} = Ġ⊙B + G⊙Ḃ,         R{∂L/∂B} = Ġ⊙A + G⊙Ȧ
//	A ⊘ B:  Ċ = (Ȧ − C⊙Ḃ) ⊘ B,    R{∂L/∂A} = (Ġ − G⊙Ḃ⊘B) ⊘ B,
//	        R{∂L/∂B} = −(Ġ⊙A + G⊙Ȧ) ⊘ B² + 2 G⊙A⊙Ḃ ⊘ B³.
func (n *Node) forwardTanBinary() {
	a, b, d := n.a, n.b, n.tan
	ta, tb := tanOf(a), tanOf(b)
	switch n.op {
	case opAdd, opSub:
		s := 1.0
		if n.op == opSub {
			s = -1
		}
		switch {
		case ta == nil:
			addScaled(d, true, s, tb)
		case tb == nil:
			copy(d, ta)
		default:
			for i := range d {
				d[i] = ta[i] + s*tb[i]
			}
		}
	case opMul:
		first := true
		if ta != nil {
			addMul(d, true, ta, b.val)
			first = false
		}
		if tb != nil {
			addMul(d, first, tb, a.val)
		}
	case opDiv:
		ta, tb := n.tanOrZero(a), n.tanOrZero(b)
		y, c := b.val[:len(d)], n.val
		for i := range d {
			d[i] = (ta[i] - c[i]*tb[i]) / y[i]
		}
	}
}

func (n *Node) backTanBinary() {
	a, b := n.a, n.b
	gt, g := n.gtanIf(), n.gradIf()
	ta, tb := tanOf(a), tanOf(b)
	switch n.op {
	case opAdd, opSub:
		if gt == nil {
			return
		}
		if a.needGrad {
			n.passTangent(a, gt)
		}
		if b.needGrad {
			s := 1.0
			if n.op == opSub {
				s = -1
			}
			d, first := b.tacc()
			addScaled(d, first, s, gt)
		}
	case opMul:
		for _, side := range [2]struct {
			x, other *Node
			tother   []float64
		}{{a, b, tb}, {b, a, ta}} {
			if !side.x.needGrad || (gt == nil && (g == nil || side.tother == nil)) {
				continue
			}
			d, first := side.x.tacc()
			if gt != nil {
				addMul(d, first, gt, side.other.val)
				first = false
			}
			if g != nil && side.tother != nil {
				addMul(d, first, g, side.tother)
			}
		}
	case opDiv:
		if gt == nil && (g == nil || (ta == nil && tb == nil)) {
			return
		}
		L := n.r * n.c
		gt0, g0 := gt, g
		if gt0 == nil {
			gt0 = n.t.zeros(L)
		}
		if g0 == nil {
			g0 = n.t.zeros(L)
		}
		x, y := a.val[:L], b.val[:L]
		ta0, tb0 := n.tanOrZero(a), n.tanOrZero(b)
		if a.needGrad {
			d := a.taccZero()
			for i, yi := range y {
				d[i] += (gt0[i] - g0[i]*tb0[i]/yi) / yi
			}
		}
		if b.needGrad {
			d := b.taccZero()
			for i, yi := range y {
				y2 := yi * yi
				d[i] += -(gt0[i]*x[i]+g0[i]*ta0[i])/y2 + 2*g0[i]*x[i]*tb0[i]/(y2*yi)
			}
		}
	}
}

// AddCol and AddRow: Ċ = Ȧ + ḃ 1ᵀ (or 1 ḃ); they are linear, so
// R{∂L/∂A} = Ġ and R{∂L/∂b} sums Ġ over rows (or columns) as ∂L/∂b sums G.
func (n *Node) backTanBroadcast() {
	gt := n.gtanIf()
	if gt == nil {
		return
	}
	if n.a.needGrad {
		n.passTangent(n.a, gt)
	}
	if n.b.needGrad {
		d := n.b.taccZero()
		c := n.c
		for i := 0; i < n.r; i++ {
			row := gt[i*c : i*c+c]
			if n.op == opAddCol {
				d[i] += fastSum(row)
			} else {
				for j, v := range row {
					d[j] += v
				}
			}
		}
	}
}

// Reductions to 1×1, with g = ∂L/∂c and ġ its tangent:
//
//	Sum:    ċ = Σ Ȧ,                R{∂L/∂A} = ġ
//	Mean:   ċ = Σ Ȧ / N,            R{∂L/∂A} = ġ / N
//	SumSq:  ċ = 2⟨A, Ȧ⟩,            R{∂L/∂A} = 2ġ A + 2g Ȧ
//	Norm:   ċ = ⟨A, Ȧ⟩ / c,         R{∂L/∂A} = (ġ/c − g ċ/c²) A + (g/c) Ȧ   (c > 0)
//	Dot:    ċ = ⟨Ȧ, B⟩ + ⟨A, Ḃ⟩,     R{∂L/∂A} = ġ B + g Ḃ,  R{∂L/∂B} = ġ A + g Ȧ
func (n *Node) forwardTanReduce() {
	a := n.a
	L := a.r * a.c
	x, ta := a.val[:L], n.tanOrZero(a)
	var s float64
	switch n.op {
	case opSum, opMean:
		s = fastSum(ta)
		if n.op == opMean {
			s /= float64(L)
		}
	case opSumSq, opNorm:
		s = fastDot(x, ta)
		if n.op == opSumSq {
			s *= 2
		} else if c := n.val[0]; c > 0 {
			s /= c
		} else {
			s = 0
		}
	case opDot:
		y, tb := n.b.val[:L], n.tanOrZero(n.b)
		s = fastDot(ta, y) + fastDot(x, tb)
	}
	n.tan[0] = s
}

func (n *Node) backTanReduce() {
	a := n.a
	L := a.r * a.c
	var g, gt, cdot float64
	if n.gradSet {
		g = n.grad[0]
	}
	if n.gtanSet {
		gt = n.gtan[0]
	}
	if n.hasTan {
		cdot = n.tan[0]
	}
	x := a.val[:L]
	ta := tanOf(a)
	if a.needGrad {
		switch n.op {
		case opSum, opMean:
			if n.gtanSet {
				if n.op == opMean {
					gt /= float64(L)
				}
				d := a.taccZero()
				for i := range d {
					d[i] += gt
				}
			}
		case opSumSq:
			if n.gtanSet || (g != 0 && ta != nil) {
				d, first := a.tacc()
				addScaled2(d[:L], first, 2*gt, x, 2*g, ta)
			}
		case opNorm:
			if c := n.val[0]; c > 0 && (n.gtanSet || (g != 0 && ta != nil)) {
				d := a.taccZero()
				f := gt/c - g*cdot/(c*c)
				for i, v := range x {
					d[i] += f * v
				}
				if ta != nil {
					for i, v := range ta {
						d[i] += g / c * v
					}
				}
			}
		case opDot:
			tb := tanOf(n.b)
			if n.gtanSet || (g != 0 && tb != nil) {
				d := a.taccZero()
				for i, v := range n.b.val[:L] {
					d[i] += gt * v
				}
				if tb != nil {
					for i, v := range tb {
						d[i] += g * v
					}
				}
			}
		}
	}
	if n.op == opDot && n.b.needGrad && (n.gtanSet || (g != 0 && ta != nil)) {
		d := n.b.taccZero()
		for i, v := range x {
			d[i] += gt * v
		}
		if ta != nil {
			for i, v := range ta {
				d[i] += g * v
			}
		}
	}
}

// Row and column reductions, per row i (columns alike):
//
//	RowSums:   ċ_i = Σ_j Ȧ_ij,                R{∂L/∂A_ij} = ġ_i
//	RowNorms:  ċ_i = ⟨A_i, Ȧ_i⟩ / c_i,        R{∂L/∂A_ij} = (ġ_i/c_i − g_i ċ_i/c_i²) A_ij + (g_i/c_i) Ȧ_ij
func (n *Node) forwardTanAxis() {
	a := n.a
	c := a.c
	ta := n.tanOrZero(a)
	d := n.tan
	clear(d)
	for i := 0; i < a.r; i++ {
		row, trow := a.val[i*c:i*c+c], ta[i*c:i*c+c]
		switch n.op {
		case opRowSums:
			s := 0.0
			for _, v := range trow {
				s += v
			}
			d[i] = s
		case opRowNorms:
			s := 0.0
			for j, v := range row {
				s += v * trow[j]
			}
			d[i] = s
		case opColSums:
			for j, v := range trow {
				d[j] += v
			}
		case opColNorms:
			for j, v := range row {
				d[j] += v * trow[j]
			}
		}
	}
	if n.op == opRowNorms || n.op == opColNorms {
		for i, y := range n.val {
			if y > 0 {
				d[i] /= y
			} else {
				d[i] = 0
			}
		}
	}
}

func (n *Node) backTanAxis() {
	a := n.a
	gt := n.gtanIf()
	ta := tanOf(a)
	norms := n.op == opRowNorms || n.op == opColNorms
	g := n.gradIf()
	if gt == nil && !(norms && g != nil && ta != nil) {
		return
	}
	m := n.r * n.c
	if gt == nil {
		gt = n.t.zeros(m)
	}
	if g == nil {
		g = n.t.zeros(m)
	}
	cd := n.tanOrZero(n)
	if ta == nil {
		ta = n.t.zeros(a.r * a.c)
	}
	d := a.taccZero()
	y := n.val
	c := a.c
	for i := 0; i < a.r; i++ {
		row, trow, drow := a.val[i*c:i*c+c], ta[i*c:i*c+c], d[i*c:i*c+c]
		switch n.op {
		case opRowSums:
			for j := range drow {
				drow[j] += gt[i]
			}
		case opColSums:
			for j := range drow {
				drow[j] += gt[j]
			}
		case opRowNorms:
			if yi := y[i]; yi > 0 {
				f, h := gt[i]/yi-g[i]*cd[i]/(yi*yi), g[i]/yi
				for j, v := range row {
					drow[j] += f*v + h*trow[j]
				}
			}
		case opColNorms:
			for j, v := range row {
				if yj := y[j]; yj > 0 {
					drow[j] += (gt[j]/yj-g[j]*cd[j]/(yj*yj))*v + g[j]/yj*trow[j]
				}
			}
		}
	}
}

// Elementwise functions y = σ(x): ẏ = σ′(x) ẋ and
// R{∂L/∂x} = ġ σ′(x) + g σ″(x) ẋ, with σ″ = 0 for the piecewise-linear
// ReLU, LeakyReLU and Abs (off their kinks) and, for Map, the Func's D2.
func (n *Node) forwardTanUnary() {
	x, y, tx, d := n.a.val[:len(n.tan)], n.val, n.a.tan[:len(n.tan)], n.tan
	switch {
	case n.op == opMap:
		f := n.fn.D
		for i, v := range x {
			d[i] = f(v) * tx[i]
		}
	case n.k == uReLU || n.k == uLeakyReLU:
		slope := [2]float64{n.s, 1}
		if n.k == uReLU {
			slope[0] = 0
		}
		for i := reluBackVec(d, tx, x, slope[0], false); i < len(x); i++ {
			d[i] = tx[i] * slope[b2i(x[i] > 0)]
		}
	case n.k == uTanh:
		for i := tanhBackVec(d, tx, y, false); i < len(y); i++ {
			v := y[i]
			d[i] = tx[i] * (1 - v*v)
		}
	case n.k == uSigmoid:
		for i := sigmoidBackVec(d, tx, y, false); i < len(y); i++ {
			v := y[i]
			d[i] = tx[i] * v * (1 - v)
		}
	default:
		for i, v := range x {
			d1, _ := unaryD(n.k, v, y[i], n.s, n.s2)
			d[i] = d1 * tx[i]
		}
	}
}

func (n *Node) backTanUnary() {
	gt, g, tx := n.gtanIf(), n.gradIf(), tanOf(n.a)
	pwl := n.op == opUnary && (n.k == uReLU || n.k == uLeakyReLU || n.k == uAbs)
	second := g != nil && tx != nil && !pwl
	if gt == nil && !second {
		return
	}
	L := len(n.val)
	if gt == nil {
		gt = n.t.zeros(L)
	}
	x, y := n.a.val[:L], n.val
	d, first := n.a.tacc()
	if !second && n.op == opUnary && (n.k == uReLU || n.k == uLeakyReLU) { // ġ σ′(x), in place
		slope := [2]float64{n.s, 1}
		if n.k == uReLU {
			slope[0] = 0
		}
		i := reluBackVec(d, gt, x, slope[0], !first)
		if first {
			for ; i < L; i++ {
				d[i] = gt[i] * slope[b2i(x[i] > 0)]
			}
		} else {
			for ; i < L; i++ {
				d[i] += gt[i] * slope[b2i(x[i] > 0)]
			}
		}
		return
	}
	if first {
		clear(d)
	}
	if !second { // ġ σ′(x) only
		switch {
		case n.op == opMap:
			f := n.fn.D
			for i, v := range x {
				d[i] += gt[i] * f(v)
			}
		default:
			for i, v := range x {
				d1, _ := unaryD(n.k, v, y[i], n.s, n.s2)
				d[i] += gt[i] * d1
			}
		}
		return
	}
	switch {
	case n.op == opMap:
		f, f2 := n.fn.D, n.fn.D2
		if f2 == nil {
			f2 = func(x float64) float64 { return centralDiff(f, x) }
		}
		for i, v := range x {
			d[i] += gt[i]*f(v) + g[i]*f2(v)*tx[i]
		}
	case n.k == uTanh: // σ′ = 1 − y², σ″ = −2y(1 − y²)
		for i, v := range y {
			s := 1 - v*v
			d[i] += s * (gt[i] - 2*v*g[i]*tx[i])
		}
	case n.k == uSigmoid: // σ′ = y(1 − y), σ″ = y(1 − y)(1 − 2y)
		for i, v := range y {
			s := v * (1 - v)
			d[i] += s * (gt[i] + (1-2*v)*g[i]*tx[i])
		}
	default:
		for i, v := range x {
			d1, d2 := unaryD(n.k, v, y[i], n.s, n.s2)
			d[i] += gt[i]*d1 + g[i]*d2*tx[i]
		}
	}
}

// unaryD returns σ′(x) and σ″(x) of the unary function kind at x, given
// y = σ(x).
func unaryD(kind int, x, y, s, s2 float64) (d1, d2 float64) {
	switch kind {
	case uReLU:
		if x > 0 {
			return 1, 0
		}
		return 0, 0
	case uLeakyReLU:
		if x > 0 {
			return 1, 0
		}
		return s, 0
	case uTanh:
		return 1 - y*y, -2 * y * (1 - y*y)
	case uSigmoid:
		return y * (1 - y), y * (1 - y) * (1 - 2*y)
	case uSquare:
		return 2 * x, 2
	case uExp:
		return y, y
	case uLog:
		return 1 / x, -1 / (x * x)
	case uCosh:
		return math.Sinh(x), y
	case uSinh:
		return math.Cosh(x), y
	case uSoftplus: // σ′ = sg, σ″ = sg(1 − sg), sg = sigmoid(x)
		sg := sigmoid(x)
		return sg, sg * (1 - sg)
	case uSwish: // σ′ = sg + x sg(1 − sg), σ″ = sg(1 − sg)(2 + x(1 − 2sg))
		sg := sigmoid(x)
		q := sg * (1 - sg)
		return sg + x*q, q * (2 + x*(1-2*sg))
	case uPow:
		return powActDeriv(x, s, s2), powActDeriv2(x, s, s2)
	case uAbs:
		switch {
		case x > 0:
			return 1, 0
		case x < 0:
			return -1, 0
		}
		return 0, 0
	case uSqrt: // σ′ = 1/(2y), σ″ = −1/(4y³)
		return 1 / (2 * y), -1 / (4 * y * y * y)
	}
	panic(fmt.Sprintf("ad: internal error: unknown unary function %d", kind))
}

// powActDeriv2(x) = α(α−1) x^{α−2} for x > 0 and −βα(α−1)(−x)^{α−2} for
// x < 0; at 0 it is the right second derivative (0 when α = 1 or α > 2, 2
// when α = 2).
func powActDeriv2(x, alpha, beta float64) float64 {
	c := alpha * (alpha - 1)
	switch {
	case x > 0:
		return c * math.Pow(x, alpha-2)
	case x < 0:
		return -beta * c * math.Pow(-x, alpha-2)
	}
	switch {
	case alpha == 1 || alpha > 2:
		return 0
	case alpha == 2:
		return 2
	}
	return math.Inf(1)
}

// cbrtEps is ε^{1/3} for float64, the step of centralDiff.
var cbrtEps = math.Cbrt(0x1p-52)

// centralDiff returns [f(x + h) − f(x − h)] / (2h), h = ε^{1/3}·max(|x|, 1):
// the derivative of f with error O(h²f‴) + O(ε f/h), about 1e-10 relative
// for smooth f. It stands in for the second derivative of a Func without D2.
func centralDiff(f func(float64) float64, x float64) float64 {
	h := cbrtEps * math.Max(math.Abs(x), 1)
	xp, xm := x+h, x-h
	return (f(xp) - f(xm)) / (xp - xm)
}

// RadialCols and RadialRows: per sample z (a column or a row), with
// s = ‖z‖², y = z/s, g = ∂L/∂y and d = zᵀg:
//
//	ṡ = 2 zᵀż,  ẏ = ż/s − z ṡ/s²,
//	R{∂L/∂z} = ġ/s − g ṡ/s² − 2 ż d/s² − 2 z ḋ/s² + 4 z d ṡ/s³,  ḋ = żᵀg + zᵀġ.
func (n *Node) forwardTanRadial() {
	a := n.a
	r, c := a.r, a.c
	cols := n.op == opRadialCols
	s := n.aux
	ns := len(s)
	n.taux = grow(n.taux, ns)
	sd := n.taux // ṡ
	clear(sd)
	tz := a.tan
	for i := 0; i < r; i++ {
		row, trow := a.val[i*c:i*c+c], tz[i*c:i*c+c]
		for j, v := range row {
			k := i
			if cols {
				k = j
			}
			sd[k] += 2 * v * trow[j]
		}
	}
	for i := 0; i < r; i++ {
		row, trow, dst := a.val[i*c:i*c+c], tz[i*c:i*c+c], n.tan[i*c:i*c+c]
		for j, v := range row {
			k := i
			if cols {
				k = j
			}
			dst[j] = trow[j]/s[k] - v*sd[k]/(s[k]*s[k])
		}
	}
}

func (n *Node) backTanRadial() {
	a := n.a
	gt, g, tz := n.gtanIf(), n.gradIf(), tanOf(a)
	if gt == nil && (g == nil || tz == nil) {
		return
	}
	r, c := a.r, a.c
	L := r * c
	cols := n.op == opRadialCols
	s := n.aux
	ns := len(s)
	if gt == nil {
		gt = n.t.zeros(L)
	}
	if g == nil {
		g = n.t.zeros(L)
	}
	sd := n.t.zeros(ns)
	if tz == nil {
		tz = n.t.zeros(L)
	} else {
		sd = n.taux[:ns]
	}
	n.taux2 = grow(n.taux2, 2*ns)
	dd, ddot := n.taux2[:ns], n.taux2[ns:2*ns] // d = zᵀg, ḋ = żᵀg + zᵀġ
	clear(n.taux2)
	for i := 0; i < r; i++ {
		row, trow, grow, gtrow := a.val[i*c:i*c+c], tz[i*c:i*c+c], g[i*c:i*c+c], gt[i*c:i*c+c]
		for j, v := range row {
			k := i
			if cols {
				k = j
			}
			dd[k] += v * grow[j]
			ddot[k] += trow[j]*grow[j] + v*gtrow[j]
		}
	}
	d := a.taccZero()
	for i := 0; i < r; i++ {
		row, trow, grow, gtrow, dst := a.val[i*c:i*c+c], tz[i*c:i*c+c], g[i*c:i*c+c], gt[i*c:i*c+c], d[i*c:i*c+c]
		for j, v := range row {
			k := i
			if cols {
				k = j
			}
			sk := s[k]
			s2 := sk * sk
			dst[j] += gtrow[j]/sk - grow[j]*sd[k]/s2 - 2*trow[j]*dd[k]/s2 - 2*v*ddot[k]/s2 + 4*v*dd[k]*sd[k]/(s2*sk)
		}
	}
}

// SoftmaxCrossEntropy and SoftmaxCrossEntropyTo, with P = softmax(Z) by
// columns, lse_j = log Σ_i exp(Z_ij), l̇se_j = P_jᵀŻ_j, Ṗ_ij = P_ij(Ż_ij − l̇se_j),
// k samples and τ_j = Σ_i T_ij for a target distribution T:
//
//	labels y:  L̇ = (1/k) Σ_j (l̇se_j − Ż_{y_j j}),
//	           R{∂L/∂Z} = (ġ/k)(P − E_y) + (g/k) Ṗ
//	targets T: L̇ = (1/k) Σ_ij [Ṫ_ij (lse_j − Z_ij) + T_ij (l̇se_j − Ż_ij)],
//	           R{∂L/∂Z_ij} = (ġ/k)(P_ij τ_j − T_ij) + (g/k)(Ṗ_ij τ_j + P_ij τ̇_j − Ṫ_ij),
//	           R{∂L/∂T_ij} = (ġ/k)(lse_j − Z_ij) + (g/k)(l̇se_j − Ż_ij).
func (n *Node) forwardTanSoftmaxCE() {
	z := n.a
	m, k := z.r, z.c
	p, lse := n.aux, n.aux2
	n.taux = grow(n.taux, k)
	ld := n.taux // l̇se
	clear(ld)
	tz := tanOf(z)
	if tz != nil {
		for i := 0; i < m; i++ {
			for j, v := range tz[i*k : i*k+k] {
				ld[j] += p[i*k+j] * v
			}
		}
	}
	var s float64
	if n.b == nil {
		if tz != nil {
			for j, l := range n.ints {
				s += ld[j] - tz[l*k+j]
			}
		}
	} else {
		tv, zv := n.b.val[:m*k], z.val[:m*k]
		tt := tanOf(n.b)
		for i := 0; i < m; i++ {
			for j := 0; j < k; j++ {
				q := i*k + j
				if tz != nil {
					s += tv[q] * (ld[j] - tz[q])
				}
				if tt != nil {
					s += tt[q] * (lse[j] - zv[q])
				}
			}
		}
	}
	n.tan[0] = s / float64(k)
}

func (n *Node) backTanSoftmaxCE() {
	z := n.a
	m, k := z.r, z.c
	var g, gt float64
	if n.gradSet {
		g = n.grad[0] / float64(k)
	}
	if n.gtanSet {
		gt = n.gtan[0] / float64(k)
	}
	var tz, tt, ld []float64
	if n.hasTan {
		tz, tt, ld = tanOf(z), tanOf(n.b), n.taux[:k]
	}
	second := g != 0 && (tz != nil || tt != nil)
	if !n.gtanSet && !second {
		return
	}
	p := n.aux[:m*k]
	if z.needGrad {
		d := z.taccZero()
		if n.b == nil {
			for q, v := range p {
				d[q] += gt * v
			}
			for j, l := range n.ints {
				d[l*k+j] -= gt
			}
			if tz != nil && g != 0 {
				for i := 0; i < m; i++ {
					for j := 0; j < k; j++ {
						q := i*k + j
						d[q] += g * p[q] * (tz[q] - ld[j])
					}
				}
			}
		} else {
			tv := n.b.val[:m*k]
			n.taux2 = grow(n.taux2, 2*k)
			tau, taud := n.taux2[:k], n.taux2[k:2*k] // τ, τ̇
			clear(n.taux2)
			for i := 0; i < m; i++ {
				for j := 0; j < k; j++ {
					tau[j] += tv[i*k+j]
					if tt != nil {
						taud[j] += tt[i*k+j]
					}
				}
			}
			for i := 0; i < m; i++ {
				for j := 0; j < k; j++ {
					q := i*k + j
					v := gt * (p[q]*tau[j] - tv[q])
					if g != 0 {
						w := p[q] * taud[j]
						if tz != nil {
							w += p[q] * (tz[q] - ld[j]) * tau[j]
						}
						if tt != nil {
							w -= tt[q]
						}
						v += g * w
					}
					d[q] += v
				}
			}
		}
	}
	if n.b != nil && n.b.needGrad && (n.gtanSet || (g != 0 && tz != nil)) {
		d := n.b.taccZero()
		zv, lse := z.val[:m*k], n.aux2
		for i := 0; i < m; i++ {
			for j := 0; j < k; j++ {
				q := i*k + j
				v := gt * (lse[j] - zv[q])
				if tz != nil {
					v += g * (ld[j] - tz[q])
				}
				d[q] += v
			}
		}
	}
}

// Conv2D, Y = w P + b 1ᵀ with P = im2col(X):
//
//	Ẏ = ẇ P + w Ṗ + ḃ 1ᵀ,  Ṗ = im2col(Ẋ),
//	R{∂L/∂w} = Ġ Pᵀ + G Ṗᵀ,  R{∂L/∂b} = Σ Ġ,  R{∂L/∂X} = col2im(wᵀ Ġ + ẇᵀ G).
func (n *Node) forwardTanConv() {
	x, w, b := n.a, n.w, n.b
	d, k := n.dims, n.k
	ns := x.c
	hwn := d.H * d.W * ns
	ckk := d.C * k * k
	cout := w.r
	beta := 0.0
	if tw := tanOf(w); tw != nil {
		gemm(false, false, cout, hwn, ckk, 1, tw, ckk, n.aux, hwn, 0, n.tan, hwn)
		beta = 1
	}
	if tx := tanOf(x); tx != nil {
		n.taux = grow(n.taux, ckk*hwn)
		im2col(n.taux, tx, d, ns, k)
		gemm(false, false, cout, hwn, ckk, 1, w.val, ckk, n.taux, hwn, beta, n.tan, hwn)
		beta = 1
	}
	if beta == 0 {
		clear(n.tan)
	}
	if tb := tanOf(b); tb != nil {
		for o := 0; o < cout; o++ {
			row := n.tan[o*hwn : o*hwn+hwn]
			for i := range row {
				row[i] += tb[o]
			}
		}
	}
}

func (n *Node) backTanConv() {
	n.materialiseGrad()
	x, w, b := n.a, n.w, n.b
	d, k := n.dims, n.k
	ns := x.c
	hwn := d.H * d.W * ns
	ckk := d.C * k * k
	cout := w.r
	gt, g := n.gtanIf(), n.gradIf()
	tx, tw := tanOf(x), tanOf(w)
	if w.needGrad && (gt != nil || (g != nil && tx != nil)) {
		dw, first := w.tacc()
		bt := beta(first)
		if gt != nil {
			gemm(false, true, cout, ckk, hwn, 1, gt, hwn, n.aux, hwn, bt, dw, ckk)
			bt = 1
		}
		if g != nil && tx != nil {
			gemm(false, true, cout, ckk, hwn, 1, g, hwn, n.taux, hwn, bt, dw, ckk)
		}
	}
	if b != nil && b.needGrad && gt != nil {
		db := b.taccZero()
		for o := 0; o < cout; o++ {
			s := 0.0
			for _, v := range gt[o*hwn : o*hwn+hwn] {
				s += v
			}
			db[o] += s
		}
	}
	if x.needGrad && (gt != nil || (g != nil && tw != nil)) {
		n.taux2 = grow(n.taux2, ckk*hwn)
		bt := 0.0
		if gt != nil {
			gemm(true, false, ckk, hwn, cout, 1, w.val, ckk, gt, hwn, 0, n.taux2, hwn)
			bt = 1
		}
		if g != nil && tw != nil {
			gemm(true, false, ckk, hwn, cout, 1, tw, ckk, g, hwn, bt, n.taux2, hwn)
		}
		col2im(x.taccZero(), n.taux2, d, ns, k)
	}
}

// MaxPool2 is linear given the positions of the maxima: Ẏ takes Ẋ at each
// maximum and R{∂L/∂X} routes Ġ back to it.
func (n *Node) forwardTanMaxPool() {
	x := n.a
	in := n.dims
	h2, w2 := in.H/2, in.W/2
	ns := x.c
	for c := 0; c < in.C; c++ {
		for i := 0; i < h2; i++ {
			for j := 0; j < w2; j++ {
				r00 := (c*in.H+2*i)*in.W + 2*j
				o := (c*h2+i)*w2 + j
				dst := n.tan[o*ns:][:ns]
				arg := n.arg[o*ns:][:ns]
				for s, a := range arg {
					r := r00 + int(a&1) + int(a>>1)*in.W
					dst[s] = x.tan[r*ns+s]
				}
			}
		}
	}
}

func (n *Node) backTanMaxPool() {
	gt := n.gtanIf()
	if gt == nil {
		return
	}
	x := n.a
	in := n.dims
	h2, w2 := in.H/2, in.W/2
	ns := x.c
	d := x.taccZero()
	for c := 0; c < in.C; c++ {
		for i := 0; i < h2; i++ {
			for j := 0; j < w2; j++ {
				r00 := (c*in.H+2*i)*in.W + 2*j
				o := (c*h2+i)*w2 + j
				g := gt[o*ns:][:ns]
				arg := n.arg[o*ns:][:ns]
				for s, a := range arg {
					r := r00 + int(a&1) + int(a>>1)*in.W
					d[r*ns+s] += g[s]
				}
			}
		}
	}
}

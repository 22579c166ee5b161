package ad

import (
	"fmt"
	"math"
)

func sameShape(name string, a, b *Node) {
	if a.r != b.r || a.c != b.c {
		panic(fmt.Sprintf("ad: %s: shapes %d×%d and %d×%d do not match", name, a.r, a.c, b.r, b.c))
	}
}

func (t *Tape) binary(op opKind, name string, a, b *Node) *Node {
	t.own(a)
	t.own(b)
	sameShape(name, a, b)
	out := t.newNode(op, a.r, a.c)
	out.a, out.b = a, b
	t.prepare(out, a, b)
	x, y, z := a.val[:len(out.val)], b.val[:len(out.val)], out.val
	switch op {
	case opAdd:
		for i := range z {
			z[i] = x[i] + y[i]
		}
	case opSub:
		for i := range z {
			z[i] = x[i] - y[i]
		}
	case opMul:
		for i := range z {
			z[i] = x[i] * y[i]
		}
	case opDiv:
		for i := range z {
			z[i] = x[i] / y[i]
		}
	}
	return out
}

// Add records C = A + B (same shapes). ∂L/∂A = ∂L/∂B = ∂L/∂C.
func (t *Tape) Add(a, b *Node) *Node { return t.binary(opAdd, "Add", a, b) }

// Sub records C = A − B (same shapes). ∂L/∂A = ∂L/∂C, ∂L/∂B = −∂L/∂C.
func (t *Tape) Sub(a, b *Node) *Node { return t.binary(opSub, "Sub", a, b) }

// Mul records the elementwise (Hadamard) product C = A ⊙ B.
// ∂L/∂A = ∂L/∂C ⊙ B, ∂L/∂B = ∂L/∂C ⊙ A.
func (t *Tape) Mul(a, b *Node) *Node { return t.binary(opMul, "Mul", a, b) }

// Div records the elementwise quotient C = A ⊘ B.
// ∂L/∂A = ∂L/∂C ⊘ B, ∂L/∂B = −∂L/∂C ⊙ A ⊘ B².
func (t *Tape) Div(a, b *Node) *Node { return t.binary(opDiv, "Div", a, b) }

func (n *Node) backBinary() {
	g := n.grad[:n.r*n.c]
	a, b := n.a, n.b
	if n.op == opAdd || n.op == opSub { // ∂L/∂A = G, and ∂L/∂B = G for Add
		if a.needGrad {
			passGrad(a, g)
		}
		if b.needGrad && n.op == opAdd {
			passGrad(b, g)
		}
		if !b.needGrad || n.op == opAdd {
			return
		}
	} else if a.needGrad {
		ga, first := a.acc()
		ga = ga[:len(g)]
		switch n.op {
		case opMul:
			y := b.val[:len(g)]
			if first {
				for i, v := range g {
					ga[i] = v * y[i]
				}
			} else {
				for i, v := range g {
					ga[i] += v * y[i]
				}
			}
		case opDiv:
			y := b.val[:len(g)]
			if first {
				clear(ga)
			}
			for i, v := range g {
				ga[i] += v / y[i]
			}
		}
	}
	if b.needGrad {
		gb := b.accZero()[:len(g)]
		switch n.op {
		case opSub:
			for i, v := range g {
				gb[i] -= v
			}
		case opMul:
			x := a.val[:len(g)]
			for i, v := range g {
				gb[i] += v * x[i]
			}
		case opDiv:
			x, y := a.val[:len(g)], b.val[:len(g)]
			for i, v := range g {
				gb[i] -= v * x[i] / (y[i] * y[i])
			}
		}
	}
}

// Scale records C = s A. ∂L/∂A = s ∂L/∂C.
func (t *Tape) Scale(a *Node, s float64) *Node {
	t.own(a)
	out := t.newNode(opScale, a.r, a.c)
	out.a, out.s = a, s
	t.prepare(out, a)
	x := a.val[:len(out.val)]
	for i, v := range x {
		out.val[i] = s * v
	}
	return out
}

// Neg records C = −A.
func (t *Tape) Neg(a *Node) *Node { return t.Scale(a, -1) }

// AddScalar records C = A + s (s added to every entry). ∂L/∂A = ∂L/∂C.
func (t *Tape) AddScalar(a *Node, s float64) *Node {
	t.own(a)
	out := t.newNode(opAddScalar, a.r, a.c)
	out.a, out.s = a, s
	t.prepare(out, a)
	x := a.val[:len(out.val)]
	for i, v := range x {
		out.val[i] = v + s
	}
	return out
}

func (n *Node) backScale() {
	if n.op == opAddScalar {
		passGrad(n.a, n.grad[:n.r*n.c])
		return
	}
	ga, first := n.a.acc()
	ga = ga[:len(n.grad)]
	s := n.s
	if n.op == opAddScalar {
		s = 1
	}
	if first {
		for i, v := range n.grad {
			ga[i] = s * v
		}
	} else {
		for i, v := range n.grad {
			ga[i] += s * v
		}
	}
}

// AddCol records C = A + b 1ᵀ: the r×1 column vector b is added to every
// column of the r×c matrix A. With samples stored as columns this is a bias.
//
//	∂L/∂A = ∂L/∂C,  ∂L/∂b_i = Σ_j ∂L/∂C_ij.
func (t *Tape) AddCol(a, b *Node) *Node {
	t.own(a)
	t.own(b)
	if b.r != a.r || b.c != 1 {
		panic(fmt.Sprintf("ad: AddCol: shapes %d×%d and %d×%d do not match (want %d×1)", a.r, a.c, b.r, b.c, a.r))
	}
	out := t.newNode(opAddCol, a.r, a.c)
	out.a, out.b = a, b
	t.prepare(out, a, b)
	addCol(out.val, a.val, b.val, a.r, a.c)
	return out
}

// addCol sets dst = a + b 1ᵀ for r×c matrices a and dst and the column b.
func addCol(dst, a, b []float64, r, c int) {
	for i := 0; i < r; i++ {
		bi := b[i]
		src, d := a[i*c:i*c+c], dst[i*c:i*c+c]
		for j := addScalarVec(d, src, bi); j < c; j++ {
			d[j] = src[j] + bi
		}
	}
}

// AddRow records C = A + 1 b: the 1×c row vector b is added to every row of
// the r×c matrix A.
//
//	∂L/∂A = ∂L/∂C,  ∂L/∂b_j = Σ_i ∂L/∂C_ij.
func (t *Tape) AddRow(a, b *Node) *Node {
	t.own(a)
	t.own(b)
	if b.c != a.c || b.r != 1 {
		panic(fmt.Sprintf("ad: AddRow: shapes %d×%d and %d×%d do not match (want 1×%d)", a.r, a.c, b.r, b.c, a.c))
	}
	out := t.newNode(opAddRow, a.r, a.c)
	out.a, out.b = a, b
	t.prepare(out, a, b)
	c := a.c
	bv := b.val[:c]
	for i := 0; i < a.r; i++ {
		src, dst := a.val[i*c:i*c+c], out.val[i*c:i*c+c]
		for j, v := range src {
			dst[j] = v + bv[j]
		}
	}
	return out
}

func (n *Node) backBroadcast() {
	g := n.grad[:n.r*n.c]
	if n.a.needGrad {
		passGrad(n.a, g)
	}
	if n.b.needGrad {
		gb := n.b.accZero()
		c := n.c
		for i := 0; i < n.r; i++ {
			row := g[i*c : i*c+c]
			if n.op == opAddCol {
				gb[i] += sum(row)
			} else {
				for j, v := range row {
					gb[j] += v
				}
			}
		}
	}
}

// unary elementwise functions
const (
	uReLU = iota
	uLeakyReLU
	uTanh
	uSigmoid
	uSquare
	uExp
	uLog
	uCosh
	uSinh
	uSoftplus
	uSwish
	uPow
	uAbs
	uSqrt
)

var unaryName = [...]string{"ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Square", "Exp", "Log", "Cosh", "Sinh", "Softplus", "Swish", "PowAct", "Abs", "Sqrt"}

func (t *Tape) unary(kind int, a *Node, s, s2 float64) *Node {
	t.own(a)
	out := t.newNode(opUnary, a.r, a.c)
	out.a = a
	out.k = kind
	out.s, out.s2 = s, s2
	t.prepare(out, a)
	x, y := a.val[:len(out.val)], out.val
	switch kind {
	case uReLU: // branch-free: the sign of random data is unpredictable
		for i := reluVec(y, x, 0); i < len(x); i++ {
			y[i] = max(x[i], 0)
		}
	case uLeakyReLU:
		for i := reluVec(y, x, s); i < len(x); i++ {
			v := x[i]
			y[i] = max(v, 0) + s*min(v, 0)
		}
	case uTanh:
		for i := tanhVec(y, x); i < len(x); i++ {
			y[i] = math.Tanh(x[i])
		}
	case uSigmoid:
		for i := sigmoidVec(y, x); i < len(x); i++ {
			y[i] = sigmoid(x[i])
		}
	case uSquare:
		for i, v := range x {
			y[i] = v * v
		}
	case uExp:
		ExpTo(y, x)
	case uLog:
		for i, v := range x {
			y[i] = math.Log(v)
		}
	case uCosh:
		for i, v := range x {
			y[i] = math.Cosh(v)
		}
	case uSinh:
		for i, v := range x {
			y[i] = math.Sinh(v)
		}
	case uSoftplus:
		expNegAbs(y, x)
		for i, v := range x {
			y[i] = math.Max(v, 0) + math.Log1p(y[i])
		}
	case uSwish:
		expNegAbs(y, x)
		for i, v := range x {
			y[i] = v * sigmoidExp(v, y[i])
		}
	case uPow:
		for i, v := range x {
			y[i] = powAct(v, s, s2)
		}
	case uAbs:
		for i, v := range x {
			y[i] = math.Abs(v)
		}
	case uSqrt:
		for i, v := range x {
			y[i] = math.Sqrt(v)
		}
	}
	return out
}

func sigmoid(x float64) float64 { return sigmoidExp(x, math.Exp(-math.Abs(x))) }

// sigmoidExp is sigmoid(x) from e = e^{−|x|}: 1/(1 + e^{−x}) for x ≥ 0 and
// eˣ/(1 + eˣ) below, so that no exponential overflows.
func sigmoidExp(x, e float64) float64 {
	if x >= 0 {
		return 1 / (1 + e)
	}
	return e / (1 + e)
}

// expChunk is the length of the stack buffer in which the backward passes
// of softplus and swish take their exponentials a block at a time.
const expChunk = 64

// expNegAbs sets dst[i] = e^{−|x[i]|}, math.Exp's bits (ExpTo), the one
// exponential of softplus(x) = max(x, 0) + log1p(e^{−|x|}), of sigmoid and
// so of swish.
func expNegAbs(dst, x []float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = -math.Abs(v)
	}
	ExpTo(dst, dst)
}

// powAct(x) = x^α for x > 0 and −β(−x)^α for x < 0.
func powAct(x, alpha, beta float64) float64 {
	switch {
	case x > 0:
		return math.Pow(x, alpha)
	case x < 0:
		return -beta * math.Pow(-x, alpha)
	}
	return 0
}

// powActDeriv(x) = α x^{α−1} for x > 0 and αβ(−x)^{α−1} for x < 0; at 0 it is
// the right derivative (1 when α = 1, 0 when α > 1).
func powActDeriv(x, alpha, beta float64) float64 {
	switch {
	case x > 0:
		return alpha * math.Pow(x, alpha-1)
	case x < 0:
		return alpha * beta * math.Pow(-x, alpha-1)
	}
	if alpha == 1 {
		return 1
	}
	if alpha > 1 {
		return 0
	}
	return math.Inf(1)
}

// ReLU records max(A, 0) elementwise. σ′(x) = 1 for x > 0, else 0.
func (t *Tape) ReLU(a *Node) *Node { return t.unary(uReLU, a, 0, 0) }

// LeakyReLU records x for x > 0 and αx otherwise. σ′(x) = 1 or α.
func (t *Tape) LeakyReLU(a *Node, alpha float64) *Node { return t.unary(uLeakyReLU, a, alpha, 0) }

// Tanh records tanh elementwise. σ′ = 1 − σ².
func (t *Tape) Tanh(a *Node) *Node { return t.unary(uTanh, a, 0, 0) }

// Sigmoid records the logistic function 1/(1+e^{−x}) elementwise,
// computed without overflow. σ′ = σ(1 − σ).
func (t *Tape) Sigmoid(a *Node) *Node { return t.unary(uSigmoid, a, 0, 0) }

// Square records x² elementwise. σ′(x) = 2x.
func (t *Tape) Square(a *Node) *Node { return t.unary(uSquare, a, 0, 0) }

// Exp records eˣ elementwise. σ′ = σ.
func (t *Tape) Exp(a *Node) *Node { return t.unary(uExp, a, 0, 0) }

// Log records the natural logarithm elementwise. σ′(x) = 1/x.
func (t *Tape) Log(a *Node) *Node { return t.unary(uLog, a, 0, 0) }

// Cosh records cosh elementwise. σ′ = sinh.
func (t *Tape) Cosh(a *Node) *Node { return t.unary(uCosh, a, 0, 0) }

// Sinh records sinh elementwise. σ′ = cosh.
func (t *Tape) Sinh(a *Node) *Node { return t.unary(uSinh, a, 0, 0) }

// Softplus records log(1 + eˣ) elementwise, computed without overflow.
// σ′(x) = 1/(1+e^{−x}).
func (t *Tape) Softplus(a *Node) *Node { return t.unary(uSoftplus, a, 0, 0) }

// Swish records x·sigmoid(x) elementwise. σ′(x) = s + x s (1 − s) with
// s = sigmoid(x).
func (t *Tape) Swish(a *Node) *Node { return t.unary(uSwish, a, 0, 0) }

// Abs records |x| elementwise, with σ′(0) = 0.
func (t *Tape) Abs(a *Node) *Node { return t.unary(uAbs, a, 0, 0) }

// Sqrt records √x elementwise. σ′(x) = 1/(2√x).
func (t *Tape) Sqrt(a *Node) *Node { return t.unary(uSqrt, a, 0, 0) }

// PowAct records the α-homogeneous activation
//
//	σ(x) = x^α (x > 0),  σ(x) = −β (−x)^α (x < 0),  σ(0) = 0,
//
// which satisfies σ(cx) = c^α σ(x) for every c > 0. β = 0 gives ReLU^α,
// β = 1 the odd power sign(x)|x|^α, and α = 1 a leaky ReLU with slope β.
// σ′(x) = α x^{α−1} (x > 0), αβ(−x)^{α−1} (x < 0), the right derivative at 0.
func (t *Tape) PowAct(a *Node, alpha, beta float64) *Node { return t.unary(uPow, a, alpha, beta) }

func (n *Node) backUnary() {
	g := n.grad
	x, y := n.a.val[:len(g)], n.val
	ga, first := n.a.acc()
	ga = ga[:len(g)]
	s, s2 := n.s, n.s2
	// The piecewise-linear activations, the hot ones, overwrite on the first
	// contribution; the others clear first and accumulate.
	switch n.k {
	case uReLU, uLeakyReLU:
		slope := [2]float64{s, 1}
		if n.k == uReLU {
			slope[0] = 0
		}
		i := reluBackVec(ga, g, x, slope[0], !first)
		if first {
			for ; i < len(x); i++ {
				ga[i] = g[i] * slope[b2i(x[i] > 0)]
			}
		} else {
			for ; i < len(x); i++ {
				ga[i] += g[i] * slope[b2i(x[i] > 0)]
			}
		}
		return
	case uTanh:
		i := tanhBackVec(ga, g, y, !first)
		if first {
			clear(ga[i:])
		}
		for ; i < len(y); i++ {
			v := y[i]
			ga[i] += g[i] * (1 - v*v)
		}
		return
	case uSigmoid:
		i := sigmoidBackVec(ga, g, y, !first)
		if first {
			clear(ga[i:])
		}
		for ; i < len(y); i++ {
			v := y[i]
			ga[i] += g[i] * v * (1 - v)
		}
		return
	}
	if first {
		clear(ga)
	}
	switch n.k {
	case uSquare:
		for i, v := range x {
			ga[i] += 2 * v * g[i]
		}
	case uExp:
		for i, v := range y {
			ga[i] += g[i] * v
		}
	case uLog:
		for i, v := range x {
			ga[i] += g[i] / v
		}
	case uCosh:
		for i, v := range x {
			ga[i] += g[i] * math.Sinh(v)
		}
	case uSinh:
		for i, v := range x {
			ga[i] += g[i] * math.Cosh(v)
		}
	case uSoftplus, uSwish:
		var e [expChunk]float64
		for i0 := 0; i0 < len(x); i0 += expChunk {
			xs := x[i0:min(i0+expChunk, len(x))]
			expNegAbs(e[:len(xs)], xs)
			gs, as := g[i0:i0+len(xs)], ga[i0:i0+len(xs)]
			if n.k == uSoftplus {
				for i, v := range xs {
					as[i] += gs[i] * sigmoidExp(v, e[i])
				}
				continue
			}
			for i, v := range xs {
				sg := sigmoidExp(v, e[i])
				as[i] += gs[i] * (sg + v*sg*(1-sg))
			}
		}
	case uPow:
		for i, v := range x {
			ga[i] += g[i] * powActDeriv(v, s, s2)
		}
	case uAbs:
		for i, v := range x {
			switch {
			case v > 0:
				ga[i] += g[i]
			case v < 0:
				ga[i] -= g[i]
			}
		}
	case uSqrt:
		for i, v := range y {
			ga[i] += g[i] / (2 * v)
		}
	}
}

// Func is a scalar function with its derivatives, applied elementwise by Map.
type Func struct {
	Name string
	F    func(x float64) float64 // σ(x)
	D    func(x float64) float64 // σ′(x)
	// D2 is σ″(x), used only by HessVec. If it is nil, HessVec uses the
	// central difference of D with step ε^{1/3}·max(|x|, 1), accurate to
	// about 1e-10 relative for smooth σ′ instead of to rounding.
	D2 func(x float64) float64
	// Vec and DVec, if set, compute dst[i] = F(x[i]) and dst[i] = D(x[i])
	// for every i, with the same values as F and D: Map and its gradient
	// then make one call a matrix instead of one an entry, which for a
	// cheap σ is most of the cost.
	Vec, DVec func(dst, x []float64)
	// GradVec, if set, computes dst[i] = g[i]·D(x[i]), or adds that to
	// dst[i] if acc, for every i, with the values of that loop: Map's
	// gradient in one pass, without the vector of D(x[i]) of DVec.
	GradVec func(dst, g, x []float64, acc bool)
}

// Map records σ(A) elementwise for a user-supplied function with derivative.
// ∂L/∂A = ∂L/∂C ⊙ σ′(A).
func (t *Tape) Map(a *Node, f *Func) *Node {
	t.own(a)
	if f == nil || f.F == nil || f.D == nil {
		panic("ad: Map: function or derivative is nil")
	}
	out := t.newNode(opMap, a.r, a.c)
	out.a, out.fn = a, f
	t.prepare(out, a)
	x := a.val[:len(out.val)]
	if f.Vec != nil {
		f.Vec(out.val, x)
		return out
	}
	for i, v := range x {
		out.val[i] = f.F(v)
	}
	return out
}

func (n *Node) backMap() {
	g := n.grad
	x := n.a.val[:len(g)]
	ga, first := n.a.acc()
	if n.fn.GradVec != nil {
		n.fn.GradVec(ga[:len(g)], g, x, !first)
		return
	}
	if n.fn.DVec != nil {
		n.aux = grow(n.aux, len(g))
		dx := n.aux
		n.fn.DVec(dx, x)
		if first {
			for i, v := range dx {
				ga[i] = g[i] * v
			}
		} else {
			for i, v := range dx {
				ga[i] += g[i] * v
			}
		}
		return
	}
	d := n.fn.D
	if first {
		for i, v := range x {
			ga[i] = g[i] * d(v)
		}
	} else {
		for i, v := range x {
			ga[i] += g[i] * d(v)
		}
	}
}

// b2i converts a bool to 0 or 1; the compiler turns it into a flag move, so
// loops using it have no unpredictable branches.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// sum returns Σ x_i with four partial sums, so that the additions do not
// wait on one another (a single running sum is bound by the latency of one
// addition per entry).
func sum(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		v := x[i : i+4 : i+4]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

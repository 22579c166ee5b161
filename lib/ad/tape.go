package ad

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Tape records the operations of one forward pass so that Backward can
// propagate gradients through them in reverse order.
//
// A Tape is reusable: Reset rewinds it, and the next forward pass that records
// the same sequence of operations with the same shapes reuses every value,
// gradient and scratch buffer of the previous pass, so a training step
// allocates nothing after the first. Shapes may change between passes (for
// example a smaller last minibatch); a buffer is reallocated only when it is
// too small.
//
// A Tape is not safe for concurrent use. Its zero value is ready to use.
type Tape struct {
	nodes []*Node
	n     int
	back  *Node     // the loss of the last Backward since Reset, for HessVec
	zero  []float64 // zeros standing in for absent tangents; never written
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

// Reset rewinds the tape. Nodes returned before Reset must not be used
// afterwards: their storage is recycled by the next pass.
func (t *Tape) Reset() { t.n, t.back = 0, nil }

// Len returns the number of nodes recorded since the last Reset.
func (t *Tape) Len() int { return t.n }

// Node is a matrix-valued vertex of the computation graph: a leaf (a
// parameter or a constant) or the result of an operation on a Tape.
//
// Values are stored row-major and contiguously. A Node belongs to the Tape
// that created it and is valid until that Tape's next Reset.
type Node struct {
	t    *Tape
	idx  int
	op   opKind
	r, c int

	val  []float64 // value, r*c entries
	grad []float64 // gradient ∂L/∂value, r*c entries, valid when gradSet

	own  []float64 // owned value storage
	gown []float64 // owned gradient storage

	a, b, w *Node // operands

	s, s2  float64 // scalar parameters
	ta, tb bool    // transposition flags of MatMulT
	fn     *Func   // custom elementwise function
	dims   Dims    // image dimensions for Conv2D and MaxPool2
	k      int     // kernel size for Conv2D, kind of unary op

	aux  []float64 // scratch (im2col matrix, softmax probabilities, norms...)
	aux2 []float64 // second scratch buffer
	vbuf []float64 // third scratch buffer
	ints []int     // labels
	iown []int     // owned label storage
	arg  []uint8   // argmax of MaxPool2

	// A Conv2D recorded by Conv2DMaxPool2 (pooled) has no value; when
	// lazyGrad, its gradient was not written by the pool's backward, and
	// backConv expands it block by block from the pool's (next node's)
	// gradient and maxima.
	pooled, lazyGrad bool

	// ConstRows: the value is the rows rowsIdx of the matrix rowsSrc (rows
	// rowsLd apart).
	rowsSrc []float64
	rowsLd  int
	rowsIdx []int

	// leaf bindings
	userVal  *mat.Dense
	userGrad *mat.Dense
	gradCopy bool // gradient computed in gown and copied to userGrad after Backward

	// A parameter recorded by Descend: Backward moves its value by
	// −rate·∂L/∂value. stepped is set once the step is taken (inside the
	// product that computes the gradient, see backMatMul); valCopy when the
	// value is a copy in own, written back to userVal after the step.
	descend, stepped, valCopy bool
	rate                      float64

	needGrad bool  // some parameter is an ancestor
	pending  bool  // a Transpose or ConstRows whose value is not written yet
	gradSet  bool  // grad holds a contribution in the current Backward
	uses     int32 // operations recorded with this node as an operand

	// Forward-over-reverse (tangent.go): the tangent ẏ of the value along
	// the parameter directions, and the tangent ġ of the gradient.
	tan     []float64  // ẏ, r*c entries, valid when hasTan
	gtan    []float64  // ġ, r*c entries, valid when gtanSet
	town    []float64  // owned tangent storage
	gtown   []float64  // owned gradient-tangent storage
	taux    []float64  // tangent scratch
	taux2   []float64  // second tangent scratch
	userHV  *mat.Dense // parameter: destination of (∇²L v) for it
	hvCopy  bool       // ġ computed in gtown and copied to userHV
	hasTan  bool       // tan holds a nonzero tangent
	gtanSet bool       // gtan holds a contribution in the current HessVec

	vm, gm, hm *mat.Dense // lazily made views returned by Value, Grad and GradTangent
}

type opKind uint8

const (
	opConst opKind = iota
	opParam
	opMatMul
	opTranspose
	opAdd
	opSub
	opMul
	opDiv
	opScale
	opAddScalar
	opAddCol
	opAddRow
	opSum
	opMean
	opSumSq
	opNorm
	opRowNorms
	opColNorms
	opRowSums
	opColSums
	opUnary
	opMap
	opRadialCols
	opRadialRows
	opSoftmaxCE
	opConv
	opMaxPool
	opReshape
	opDot
)

// Rows returns the number of rows of n.
func (n *Node) Rows() int { return n.r }

// Cols returns the number of columns of n.
func (n *Node) Cols() int { return n.c }

// Dims returns the shape of n.
func (n *Node) Dims() (r, c int) { return n.r, n.c }

// Data returns the value of n as a row-major slice of length Rows·Cols. It
// aliases the node's storage.
func (n *Node) Data() []float64 {
	if n.pending {
		n.materialise()
	}
	return n.val[:n.r*n.c]
}

// GradData returns ∂L/∂n as a row-major slice after Backward, or nil if n
// does not depend on any parameter. It aliases the node's storage, which
// is shared with the gradient of n's consumer when that is n's only one and
// passes its gradient through unchanged (Add, AddCol, Reshape...): read it,
// do not write it.
func (n *Node) GradData() []float64 {
	if !n.needGrad {
		return nil
	}
	n.noGradKept("GradData")
	if !n.gradSet { // no contribution reached n; a set gradient may be a borrowed buffer (passGrad)
		n.ensureGrad()
		clear(n.grad)
		n.gradSet = true
	}
	return n.grad[:n.r*n.c]
}

// Scalar returns the value of a 1×1 node. It panics for any other shape.
func (n *Node) Scalar() float64 {
	if n.r != 1 || n.c != 1 {
		panic(fmt.Sprintf("ad: Scalar: shape %d×%d is not 1×1", n.r, n.c))
	}
	if n.pending {
		n.materialise()
	}
	return n.val[0]
}

// At returns the value of element (i, j).
func (n *Node) At(i, j int) float64 {
	if uint(i) >= uint(n.r) || uint(j) >= uint(n.c) {
		panic(fmt.Sprintf("ad: At: index (%d, %d) out of range for %d×%d", i, j, n.r, n.c))
	}
	if n.pending {
		n.materialise()
	}
	return n.val[i*n.c+j]
}

// Value returns the value of n as a matrix. For leaves it is the bound matrix
// itself; otherwise a view of the node's storage, valid until the tape is
// Reset and the node reused.
func (n *Node) Value() *mat.Dense {
	if n.userVal != nil {
		return n.userVal
	}
	if n.pending {
		n.materialise()
	}
	n.vm = view(n.vm, n.r, n.c, n.val)
	return n.vm
}

// Grad returns ∂L/∂n as a matrix after Backward (zeros if n does not
// influence the loss), or nil if n does not depend on any parameter. For a
// parameter bound with a gradient destination it is that destination.
func (n *Node) Grad() *mat.Dense {
	if !n.needGrad {
		return nil
	}
	n.noGradKept("Grad")
	if n.userGrad != nil {
		return n.userGrad
	}
	g := n.GradData()
	n.gm = view(n.gm, n.r, n.c, g)
	return n.gm
}

func view(m *mat.Dense, r, c int, data []float64) *mat.Dense {
	raw := blas64.General{Rows: r, Cols: c, Stride: c, Data: data[:r*c]}
	if m == nil {
		return mat.NewDense(r, c, raw.Data)
	}
	m.SetRawMatrix(raw)
	return m
}

// newNode returns the next node of the tape, recycling the one recorded at the
// same position in the previous pass, with an r×c value buffer.
func (t *Tape) newNode(op opKind, r, c int) *Node {
	var n *Node
	if t.n < len(t.nodes) {
		n = t.nodes[t.n]
	} else {
		n = &Node{t: t}
		t.nodes = append(t.nodes, n)
	}
	n.idx = t.n
	t.n++
	n.op = op
	n.r, n.c = r, c
	n.a, n.b, n.w = nil, nil, nil
	n.fn = nil
	n.userVal, n.userGrad = nil, nil
	n.gradCopy = false
	n.descend, n.stepped, n.valCopy = false, false, false
	n.needGrad = false
	n.pending = false
	n.gradSet = false
	n.uses = 0
	n.userHV = nil
	n.hvCopy, n.hasTan, n.gtanSet = false, false, false
	n.pooled, n.lazyGrad = false, false
	n.ints = nil
	n.rowsSrc, n.rowsIdx = nil, nil
	if op != opConst && op != opParam {
		n.own = grow(n.own, r*c)
		n.val = n.own
	}
	return n
}

// grow returns buf resliced to length n, reallocating only when its capacity
// is too small.
func grow(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

func (n *Node) ensureGrad() {
	if n.op == opParam && !n.descend {
		return
	}
	n.gown = grow(n.gown, n.r*n.c)
	n.grad = n.gown
}

// acc returns the gradient buffer of n for a new contribution. If it is the
// first contribution of this Backward, first is true and the buffer holds
// stale data that the caller must overwrite (or clear); it is n's own buffer
// again if n borrowed its consumer's in an earlier Backward (passGrad),
// which operations recorded since may have made one of several.
func (n *Node) acc() (g []float64, first bool) {
	if !n.gradSet {
		n.ensureGrad()
		n.gradSet = true
		return n.grad, true
	}
	return n.grad, false
}

// passGrad adds g, the gradient of a pass-through operation's output (one
// whose Jacobian in x is the identity: Add, Sub's first operand, AddCol,
// AddRow, AddScalar, Reshape), to x's gradient. When that operation is x's
// only consumer and x is not a parameter, x's gradient is exactly g, so x
// takes g's buffer instead of a copy: the operation's gradient is not
// written again in this Backward, and x's next first contribution through
// acc, in a later Backward, gives x its own buffer back.
func passGrad(x *Node, g []float64) {
	if x.uses == 1 && x.op != opParam && !x.gradSet && len(g) == x.r*x.c {
		x.grad, x.gradSet = g, true
		return
	}
	ga, first := x.acc()
	ga = ga[:len(g)]
	if first {
		copy(ga, g)
		return
	}
	for i, v := range g {
		ga[i] += v
	}
}

// accZero is acc for callers that only know how to accumulate.
func (n *Node) accZero() []float64 {
	g, first := n.acc()
	if first {
		clear(g)
	}
	return g
}

// own checks that n is a live node of t and writes its value if it is a
// pending transpose: every operation calls it on its operands.
func (t *Tape) own(n *Node) {
	t.check(n)
	if n.pending {
		n.materialise()
	}
}

// check panics unless n is a node recorded on t since its last Reset.
func (t *Tape) check(n *Node) {
	if n == nil || n.t != t || n.idx >= t.n || t.nodes[n.idx] != n {
		panic("ad: node does not belong to this tape or was recycled by Reset")
	}
}

// contiguous returns the row-major data of m if it is stored contiguously.
func contiguous(m *mat.Dense) ([]float64, bool) {
	raw := m.RawMatrix()
	if raw.Rows == 0 || raw.Cols == 0 {
		return nil, true
	}
	if raw.Stride == raw.Cols {
		return raw.Data[:raw.Rows*raw.Cols], true
	}
	return nil, false
}

func copyIn(dst []float64, m *mat.Dense) {
	raw := m.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		copy(dst[i*raw.Cols:(i+1)*raw.Cols], raw.Data[i*raw.Stride:])
	}
}

// copyOut is copyIn's inverse: it writes src, stored contiguously, into m.
func copyOut(m *mat.Dense, src []float64) {
	raw := m.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		copy(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], src[i*raw.Cols:(i+1)*raw.Cols])
	}
}

// Const records a constant leaf (data, targets): no gradient flows into it.
// The node aliases m's storage when m is contiguous, so m must not change
// before Backward; otherwise m is copied.
func (t *Tape) Const(m *mat.Dense) *Node {
	r, c := m.Dims()
	n := t.newNode(opConst, r, c)
	if d, ok := contiguous(m); ok {
		n.val = d
		n.userVal = m
	} else {
		n.own = grow(n.own, r*c)
		n.val = n.own
		copyIn(n.val, m)
	}
	return n
}

// ConstRows records a constant leaf whose value is the rows idx of x, in
// that order (repeats allowed): a minibatch of samples stored one per row.
// The rows are not copied while only products read them: a MatMul or
// MatMulT taking the node, or its Transpose, as its second operand reads
// them from x in place, in the product and in the gradient of its first
// operand, where the method of the product allows (the packed AVX-512
// kernels, which pack B one panel at a time anyway); any other use gathers
// them once. The values and gradients are those of Const on the gathered
// rows, to the bit. The node aliases x and idx, which must not change
// before Backward. An index outside [0, rows of x) panics.
func (t *Tape) ConstRows(x *mat.Dense, idx []int) *Node {
	raw := x.RawMatrix()
	for i, s := range idx {
		if s < 0 || s >= raw.Rows {
			panic(fmt.Sprintf("ad: ConstRows: index %d (entry %d) out of range for %d rows", s, i, raw.Rows))
		}
	}
	n := t.newNode(opConst, len(idx), raw.Cols)
	n.val = nil
	n.rowsSrc, n.rowsLd, n.rowsIdx = raw.Data, raw.Stride, idx
	n.pending = true
	return n
}

// ConstData records a constant r×c leaf holding the row-major data, which it
// aliases.
func (t *Tape) ConstData(r, c int, data []float64) *Node {
	if len(data) < r*c {
		panic(fmt.Sprintf("ad: ConstData: %d values for shape %d×%d", len(data), r, c))
	}
	n := t.newNode(opConst, r, c)
	n.val = data[:r*c]
	return n
}

// Param records a parameter leaf bound to the matrix value. Backward writes
// ∂L/∂value into grad, overwriting it (zeros if the loss does not depend on
// the parameter); with a nil grad the gradient is kept on the tape and read
// with the node's Grad method. The node aliases value, which must not change
// before Backward. Bind each parameter once per pass and reuse the node.
func (t *Tape) Param(value, grad *mat.Dense) *Node {
	r, c := value.Dims()
	n := t.newNode(opParam, r, c)
	n.needGrad = true
	if !n.bindValue(value) {
		n.userVal = value
	}
	if grad != nil {
		gr, gc := grad.Dims()
		if gr != r || gc != c {
			panic(fmt.Sprintf("ad: Param: gradient shape %d×%d does not match value %d×%d", gr, gc, r, c))
		}
		n.userGrad = grad
		if d, ok := contiguous(grad); ok {
			n.grad = d
		} else {
			n.gown = grow(n.gown, r*c)
			n.grad = n.gown
			n.gradCopy = true
		}
	} else {
		n.gown = grow(n.gown, r*c)
		n.grad = n.gown
	}
	return n
}

// Descend records a parameter leaf bound to the matrix value that Backward
// moves one step of gradient descent, in place:
//
//	value ← value − rate·∂L/∂value.
//
// The gradient itself is not kept. Where the parameter's only use is a
// factor of a product (MatMul, MatMulT), the step is taken inside the
// product that computes its gradient, after the other factor's gradient
// (which reads the old value): the product adds −rate times its sum to the
// value instead of writing a gradient that a separate update would read
// back. Otherwise the gradient is accumulated on the tape and the step taken
// at the end of Backward. The result is that of Param followed by
// value += (−rate)·grad, up to the rounding of the order of the additions
// (bit for bit when the product's inner dimension is one block of its
// kernel, as the 128 samples of a minibatch are; TestDescendMatchesParam).
//
// The value changes during Backward, so Backward must run once per pass, and
// the parameter keeps no gradient: Grad and GradData panic, and so do
// SetTangent and HessVec, whose second derivatives would be taken at the new
// value. A value not stored contiguously is copied in and written back after
// the step.
func (t *Tape) Descend(value *mat.Dense, rate float64) *Node {
	r, c := value.Dims()
	n := t.newNode(opParam, r, c)
	n.needGrad = true
	n.descend, n.rate = true, rate
	n.userVal = value
	n.valCopy = n.bindValue(value)
	n.grad = nil // made on the first contribution that is not a fused step
	return n
}

// bindValue makes value the value of the leaf n: aliased when it is stored
// contiguously, copied into n's own storage otherwise (copied is then true).
func (n *Node) bindValue(value *mat.Dense) (copied bool) {
	if d, ok := contiguous(value); ok {
		n.val = d
		return false
	}
	n.own = grow(n.own, n.r*n.c)
	n.val = n.own
	copyIn(n.val, value)
	return true
}

// fusedStep reports whether the descending parameter n can take its step
// inside the product that consumes it: it is that product's only use of n.
func (n *Node) fusedStep() bool { return n.descend && n.uses == 1 }

// noGradKept panics for a parameter recorded by Descend, whose gradient is
// not kept.
func (n *Node) noGradKept(method string) {
	if n.descend {
		panic(fmt.Sprintf("ad: %s: the %d×%d parameter was recorded by Descend and keeps no gradient", method, n.r, n.c))
	}
}

// Backward computes the gradient of the 1×1 node loss with respect to every
// node recorded before it, by the chain rule in reverse order of recording:
// for y = op(x), ∂L/∂x += (∂y/∂x)ᵀ ∂L/∂y. Gradients of parameters bound with
// a destination are written there; parameters recorded by Descend take their
// step instead. Backward may be called more than once on the same pass,
// each call recomputing the gradients from scratch, unless the pass has a
// parameter recorded by Descend: then a second call panics, the value having
// moved.
func (t *Tape) Backward(loss *Node) {
	t.own(loss)
	if loss.r != 1 || loss.c != 1 {
		panic(fmt.Sprintf("ad: Backward: loss has shape %d×%d, want 1×1", loss.r, loss.c))
	}
	for i := 0; i < t.n; i++ {
		n := t.nodes[i]
		if n.stepped {
			panic(fmt.Sprintf("ad: Backward: the %d×%d parameter recorded by Descend took its step in an earlier Backward of this pass", n.r, n.c))
		}
		n.gradSet = false
	}
	t.back = loss
	if !loss.needGrad {
		t.finishParams(loss.idx)
		return
	}
	loss.ensureGrad()
	loss.grad[0] = 1
	loss.gradSet = true
	for i := loss.idx; i >= 0; i-- {
		n := t.nodes[i]
		if !n.needGrad || !n.gradSet {
			continue
		}
		n.backward()
	}
	t.finishParams(loss.idx)
}

func (t *Tape) finishParams(last int) {
	for i := 0; i < t.n; i++ {
		n := t.nodes[i]
		if n.op != opParam {
			continue
		}
		if n.descend {
			n.takeStep()
			continue
		}
		if !n.gradSet {
			clear(n.grad[:n.r*n.c])
			n.gradSet = true
		}
		if n.gradCopy {
			copyOut(n.userGrad, n.grad)
		}
	}
}

// takeStep finishes Backward for a parameter recorded by Descend: unless
// its product took the step, value += (−rate)·∂L/∂value, each product
// rounded before the sum as in the product's epilogue; then a copied value
// is written back.
func (n *Node) takeStep() {
	if !n.stepped && n.gradSet {
		g, v, s := n.grad[:n.r*n.c], n.val[:n.r*n.c], -n.rate
		for i, gi := range g {
			v[i] += float64(s * gi)
		}
	}
	n.stepped, n.gradSet = true, true
	if n.valCopy {
		copyOut(n.userVal, n.val)
	}
}

// prepare marks a new operation node with its operands and allocates its
// gradient buffer when a parameter is among its ancestors.
func (t *Tape) prepare(n *Node, ops ...*Node) {
	for _, o := range ops {
		if o != nil {
			o.uses++
			if o.needGrad {
				n.needGrad = true
			}
		}
	}
	if n.needGrad {
		n.ensureGrad()
	}
}

func (n *Node) backward() {
	switch n.op {
	case opConst, opParam:
	case opMatMul:
		n.backMatMul()
	case opTranspose:
		n.backTranspose()
	case opAdd, opSub, opMul, opDiv:
		n.backBinary()
	case opScale, opAddScalar:
		n.backScale()
	case opAddCol, opAddRow:
		n.backBroadcast()
	case opSum, opMean, opSumSq, opNorm, opDot:
		n.backReduce()
	case opRowNorms, opColNorms, opRowSums, opColSums:
		n.backAxis()
	case opUnary:
		n.backUnary()
	case opMap:
		n.backMap()
	case opRadialCols, opRadialRows:
		n.backRadial()
	case opSoftmaxCE:
		n.backSoftmaxCE()
	case opConv:
		n.backConv()
	case opMaxPool:
		n.backMaxPool()
	case opReshape:
		n.backReshape()
	default:
		panic(fmt.Sprintf("ad: internal error: no backward for op %d", n.op))
	}
}

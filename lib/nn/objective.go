package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// Objective is a model, a data set and a loss seen as a function of the flat
// parameter vector θ (laid out as the model's Params):
//
//	L(θ) = loss(f_θ(X), Y),  grad = ∇_θ L.
//
// Its Func method has the signature optimisers and Hessian routines use,
// func(theta, grad []float64) float64. One tape and the parameter views are
// reused from call to call, so after the first call an evaluation allocates
// nothing. An Objective is not safe for concurrent use; make one per
// goroutine.
type Objective struct {
	model  Model
	x, y   *mat.Dense
	loss   Loss
	tape   *ad.Tape
	p, g   *Params
	w      []*ad.Node
	xb, yb *mat.Dense
	xbuf   []float64
	ybuf   []float64
	out    *ad.Node

	rows   bool       // x and y hold one sample per row
	xt, yt *mat.Dense // column copies of row-stored data, made on demand

	h *hessVec // state of HessVec, made on its first call
}

// NewObjective returns the objective of model on inputs x (n×N, one sample
// per column) with targets y (m×N, or 1×N class labels for CrossEntropy)
// under loss. x and y are referenced, not copied.
func NewObjective(model Model, x, y *mat.Dense, loss Loss) *Objective {
	_, nx := x.Dims()
	_, ny := y.Dims()
	if nx != ny {
		panic(fmt.Sprintf("nn: NewObjective: %d input samples (columns) but %d targets", nx, ny))
	}
	return newObjective(model, x, y, loss)
}

func newObjective(model Model, x, y *mat.Dense, loss Loss) *Objective {
	p := model.Params()
	return &Objective{
		model: model, x: x, y: y, loss: loss,
		tape: ad.NewTape(),
		p:    p,
		g:    p.NewLike(),
		w:    make([]*ad.Node, p.Count()),
		xb:   &mat.Dense{},
		yb:   &mat.Dense{},
	}
}

// NewObjectiveRows is NewObjective for data stored one sample per row, as
// data sets usually are: x is N×n and y is N×m (or N×1 class labels). The
// model still sees samples as columns: Batch hands it the transpose of the
// selected rows of x, an ad.Tape Transpose of an ad.Tape ConstRows, neither
// of which is written out when the model only multiplies by it (a first
// Dense layer): the products read the rows from x in place where their
// method allows, and copy them once otherwise (copying rows, contiguous, is
// much faster than gathering columns of a large matrix). The selected rows
// of y are copied. Func makes transposed copies of x and y on its first
// call.
func NewObjectiveRows(model Model, x, y *mat.Dense, loss Loss) *Objective {
	nx, _ := x.Dims()
	ny, _ := y.Dims()
	if nx != ny {
		panic(fmt.Sprintf("nn: NewObjectiveRows: %d input samples (rows) but %d targets", nx, ny))
	}
	o := newObjective(model, x, y, loss)
	o.rows = true
	return o
}

// Len returns the number of parameters, the length of θ.
func (o *Objective) Len() int { return o.p.Len() }

// Samples returns the number of samples N.
func (o *Objective) Samples() int {
	if o.rows {
		n, _ := o.x.Dims()
		return n
	}
	_, n := o.x.Dims()
	return n
}

// Params returns a zero parameter set with the objective's layout.
func (o *Objective) Params() *Params { return o.p.NewLike() }

// Func evaluates the loss on the whole data set at theta and, when grad is
// not nil, writes ∇_θ L into grad (overwriting it).
func (o *Objective) Func(theta, grad []float64) float64 {
	x, y := o.data()
	return o.eval(theta, grad, x, nil, y, false)
}

// data returns the whole data set with one sample per column.
func (o *Objective) data() (x, y *mat.Dense) {
	if o.rows {
		if o.xt == nil {
			o.xt = mat.DenseCopyOf(o.x.T())
			o.yt = mat.DenseCopyOf(o.y.T())
		}
		return o.xt, o.yt
	}
	return o.x, o.y
}

// Batch is Func on the minibatch of samples idx (columns of X and Y, in any
// order, repeats allowed): the loss is that of the minibatch alone, for
// example its mean for MSE and CrossEntropy.
func (o *Objective) Batch(theta, grad []float64, idx []int) float64 {
	x, xi := o.batch(idx)
	return o.eval(theta, grad, x, xi, o.yb, o.rows)
}

// Step takes one step of minibatch gradient descent on the samples idx, in
// place, and returns the minibatch loss before the step:
//
//	θ ← θ − rate·∇_θ L_idx(θ).
//
// It is Batch followed by θ += (−rate)·grad without the gradient vector:
// each parameter takes its step as its gradient is computed, inside the
// product that computes it where it can (ad.Tape.Descend), so the gradient
// is neither written nor read back. The result is the same up to the order
// of additions inside a product (the same bits when its inner dimension,
// the minibatch for a weight matrix, is at most 256; TestObjectiveStep).
func (o *Objective) Step(theta []float64, rate float64, idx []int) float64 {
	x, xi := o.batch(idx)
	o.bind(theta, nil, rate)
	return o.record(x, xi, o.yb, o.rows, true)
}

// batch sets yb to the targets of the samples idx and returns their inputs:
// with samples stored as rows, x itself and idx, whose rows the tape reads
// in place (ad.Tape.ConstRows; y's rows are checked and copied first); with
// samples as columns, a gathered copy and nil.
func (o *Objective) batch(idx []int) (*mat.Dense, []int) {
	if o.rows {
		o.yb, o.ybuf = gatherRows(o.yb, o.ybuf, o.y, idx)
		return o.x, idx
	}
	o.xb, o.xbuf = gatherCols(o.xb, o.xbuf, o.x, idx)
	o.yb, o.ybuf = gatherCols(o.yb, o.ybuf, o.y, idx)
	return o.xb, nil
}

// Output returns f_θ(X) at the last evaluation, a view valid until the next
// call.
func (o *Objective) Output() *mat.Dense {
	if o.out == nil {
		return nil
	}
	return o.out.Value()
}

// eval records the model on x and y, one sample per column, or per row when
// rows is set (then the model sees their transposes), and returns the loss.
// With rows and idx not nil, the samples are the rows idx of x.
func (o *Objective) eval(theta, grad []float64, x *mat.Dense, idx []int, y *mat.Dense, rows bool) float64 {
	o.bind(theta, grad, 0)
	return o.record(x, idx, y, rows, grad != nil)
}

// bind rewinds the tape and records the parameters at theta: as parameters
// whose gradient goes to grad, as constants when grad is nil and rate is 0,
// or as parameters that descend by rate (Step) when grad is nil.
func (o *Objective) bind(theta, grad []float64, rate float64) {
	if len(theta) != o.p.Len() {
		panic(fmt.Sprintf("nn: Objective: theta has length %d, want %d", len(theta), o.p.Len()))
	}
	o.p.Bind(theta)
	t := o.tape
	t.Reset()
	switch {
	case grad != nil:
		if len(grad) != len(theta) {
			panic(fmt.Sprintf("nn: Objective: grad has length %d, want %d", len(grad), len(theta)))
		}
		o.g.Bind(grad)
		for i := range o.w {
			o.w[i] = t.Param(o.p.At(i), o.g.At(i))
		}
	case rate != 0:
		for i := range o.w {
			o.w[i] = t.Descend(o.p.At(i), rate)
		}
	default:
		for i := range o.w {
			o.w[i] = t.Const(o.p.At(i))
		}
	}
}

// record runs the model on the bound parameters and x (its rows idx when
// idx is not nil) and y, one sample per column, or per row when rows is set
// (then the model sees their transposes), runs Backward when back is set,
// and returns the loss.
func (o *Objective) record(x *mat.Dense, idx []int, y *mat.Dense, rows, back bool) float64 {
	t := o.tape
	var xn *ad.Node
	if idx != nil {
		xn = t.ConstRows(x, idx)
	} else {
		xn = t.Const(x)
	}
	yn := t.Const(y)
	if rows {
		xn, yn = t.Transpose(xn), t.Transpose(yn)
	}
	o.out = o.model.Forward(t, o.w, xn)
	l := o.loss(t, o.out, yn)
	if back {
		t.Backward(l)
	}
	return l.Scalar()
}

// gatherCols sets dst to the columns idx of src, reusing buf.
func gatherCols(dst *mat.Dense, buf []float64, src *mat.Dense, idx []int) (*mat.Dense, []float64) {
	r, n := src.Dims()
	k := len(idx)
	if k == 0 {
		panic("nn: Objective.Batch: empty minibatch")
	}
	if cap(buf) < r*k {
		buf = make([]float64, r*k)
	}
	buf = buf[:r*k]
	raw := src.RawMatrix()
	for _, s := range idx {
		if s < 0 || s >= n {
			panic(fmt.Sprintf("nn: Objective.Batch: sample %d out of range [0, %d)", s, n))
		}
	}
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		out := buf[i*k : i*k+k]
		for j, s := range idx {
			out[j] = row[s]
		}
	}
	dst.SetRawMatrix(blas64.General{Rows: r, Cols: k, Stride: k, Data: buf})
	return dst, buf
}

// gatherRows sets dst to the rows idx of src, reusing buf.
func gatherRows(dst *mat.Dense, buf []float64, src *mat.Dense, idx []int) (*mat.Dense, []float64) {
	n, c := src.Dims()
	k := len(idx)
	if k == 0 {
		panic("nn: Objective.Batch: empty minibatch")
	}
	if cap(buf) < c*k {
		buf = make([]float64, c*k)
	}
	buf = buf[:c*k]
	raw := src.RawMatrix()
	for j, s := range idx {
		if s < 0 || s >= n {
			panic(fmt.Sprintf("nn: Objective.Batch: sample %d out of range [0, %d)", s, n))
		}
		copy(buf[j*c:j*c+c], raw.Data[s*raw.Stride:s*raw.Stride+c])
	}
	dst.SetRawMatrix(blas64.General{Rows: k, Cols: c, Stride: c, Data: buf})
	return dst, buf
}

// Predict returns the model's output f(X) for parameters p and inputs x (one
// sample per column).
func Predict(m Model, p *Params, x *mat.Dense) *mat.Dense {
	t := ad.NewTape()
	w := make([]*ad.Node, p.Count())
	for i := range w {
		w[i] = t.Const(p.At(i))
	}
	out := m.Forward(t, w, t.Const(x))
	return mat.DenseCopyOf(out.Value())
}

// Argmax returns, for each column of scores, the row of its largest entry
// (the predicted class).
func Argmax(scores *mat.Dense) []int {
	r, c := scores.Dims()
	pred := make([]int, c)
	for j := 0; j < c; j++ {
		best := scores.At(0, j)
		for i := 1; i < r; i++ {
			if v := scores.At(i, j); v > best {
				best, pred[j] = v, i
			}
		}
	}
	return pred
}

// Accuracy returns the fraction of columns of scores whose largest entry is
// at the row given by labels.
func Accuracy(scores *mat.Dense, labels []int) float64 {
	pred := Argmax(scores)
	if len(pred) != len(labels) {
		panic(fmt.Sprintf("nn: Accuracy: %d predictions and %d labels", len(pred), len(labels)))
	}
	if len(pred) == 0 {
		return 0
	}
	hit := 0
	for i, p := range pred {
		if p == labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred))
}

// LabelRow returns the 1×N matrix of class labels that CrossEntropy takes as
// targets.
func LabelRow(labels []int) *mat.Dense {
	v := make([]float64, len(labels))
	for i, l := range labels {
		v[i] = float64(l)
	}
	return mat.NewDense(1, len(labels), v)
}

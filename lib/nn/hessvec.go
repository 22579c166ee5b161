package nn

import (
	"fmt"
	"slices"

	"github.com/noetherlab/noether/lib/ad"
)

// hessVec is the state of Objective.HessVec: its own tape, holding the
// forward and backward pass at the point theta, and views binding the
// direction and the destination to the parameter shapes.
type hessVec struct {
	tape     *ad.Tape
	theta    []float64 // the point of the recorded pass (a private copy)
	dir      []float64 // a private copy of the direction
	p, v, hv *Params   // views of theta, dir and the caller's destination
	w        []*ad.Node
	loss     *ad.Node
	valid    bool
}

// HessVec sets hv = ∇²L(θ) v, the exact Hessian-vector product of the loss
// on the whole data set, and returns L(θ). It is the directional derivative
// of the gradient field θ ↦ ∇L(θ) along v (a Jacobian-vector product of the
// gradient), computed by forward-over-reverse differentiation (ad.Tape's
// HessVec): a tangent carried through the forward pass and the backward pass,
// exact to rounding, with the second derivative of ReLU-type kinks taken as
// zero (its value almost everywhere). vᵀ hv is the second derivative of L
// along v.
//
// The pass at θ is kept on a tape of its own: a call at the same θ (compared
// by value) costs only the two tangent sweeps, about two gradients' worth of
// work, so a Hessian routine making many products at one point (Lanczos, a
// full Hessian) records the model once. The data must not change between
// such calls, as it is referenced rather than copied. hv may be v. Calls to
// Func and Batch do not disturb the kept pass. HessVec allocates nothing
// after its first call.
//
// HessVec makes Objective a hessian.HessVecer, so hessian.New takes exact
// products from it.
func (o *Objective) HessVec(hv, theta, v []float64) float64 {
	n := o.p.Len()
	if len(theta) != n || len(v) != n || len(hv) != n {
		panic(fmt.Sprintf("nn: Objective.HessVec: lengths of hv, theta, v are %d, %d, %d, want %d", len(hv), len(theta), len(v), n))
	}
	h := o.h
	if h == nil {
		h = &hessVec{tape: ad.NewTape(), theta: make([]float64, n), dir: make([]float64, n),
			p: o.p.NewLike(), v: o.p.NewLike(), hv: o.p.NewLike(), w: make([]*ad.Node, o.p.Count())}
		h.p.Bind(h.theta)
		h.v.Bind(h.dir)
		o.h = h
	}
	t := h.tape
	if !h.valid || !slices.Equal(theta, h.theta) {
		copy(h.theta, theta)
		t.Reset()
		for i := range h.w {
			h.w[i] = t.Param(h.p.At(i), nil)
		}
		x, y := o.data()
		h.loss = o.loss(t, o.model.Forward(t, h.w, t.Const(x)), t.Const(y))
		t.Backward(h.loss)
		h.valid = true
	}
	copy(h.dir, v) // hv may alias v, which the reverse sweep still reads
	h.hv.Bind(hv)
	for i, w := range h.w {
		t.SetTangent(w, h.v.At(i), h.hv.At(i))
	}
	t.HessVec(h.loss)
	return h.loss.Scalar()
}

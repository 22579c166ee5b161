package ensemble

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// Net is a trained classifier read as features and a two-layer head,
// f(x) = U σ(V φ(x) + b) + c (see the package documentation).
type Net struct {
	Model  nn.Model
	Params *nn.Params
	// Act is σ, the activation of the group-activation layer.
	Act nn.Activation
	// V (h×n), B (h×1), U (m×h) and C (m×1) are views into Params.
	V, B, U, C *mat.Dense

	head     int // index of V in Params
	features func(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node
}

// NewNet returns the head view of a trained nn.ConvNet (fc1, fc2) or of a
// one-hidden-layer nn.MLP with biases (Sizes [n, h, m]). Other models panic.
func NewNet(model nn.Model, p *nn.Params) *Net {
	n := &Net{Model: model, Params: p}
	var v, b, u, c string
	switch m := model.(type) {
	case nn.ConvNet:
		v, b, u, c = "fc1.w", "fc1.b", "fc2.w", "fc2.b"
		n.Act = m.Act
		if n.Act.Apply == nil {
			n.Act = nn.LeakyReLU(0.01) // nn.ConvNet's default
		}
		n.features = func(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node { return m.Features(t, w, x) }
	case nn.MLP:
		if len(m.Sizes) != 3 || m.NoBias {
			panic(fmt.Sprintf("ensemble: NewNet: %v: want one hidden layer with biases", m))
		}
		v, b, u, c = "W1", "b1", "W2", "b2"
		n.Act = m.Act
	default:
		panic(fmt.Sprintf("ensemble: NewNet: %T is neither nn.ConvNet nor nn.MLP", model))
	}
	if !n.Act.Elementwise() {
		panic(fmt.Sprintf("ensemble: NewNet: activation %s is not elementwise", n.Act.Name))
	}
	n.V, n.B, n.U, n.C = p.M(v), p.M(b), p.M(u), p.M(c)
	n.head = p.Index(v)
	return n
}

// Width returns h, the number of units of the group-activation layer.
func (n *Net) Width() int { r, _ := n.V.Dims(); return r }

// Classes returns m, the number of outputs.
func (n *Net) Classes() int { r, _ := n.U.Dims(); return r }

// chunk is the number of samples evaluated at a time by Gradient.
const chunk = 500

// hiddenChunk is about the number of samples Hidden evaluates at a time: few
// enough that the convolution's output (32×784 values per image for
// nn.ConvNet) stays in the caches between the convolution and the pool, which
// makes Hidden 2–3 times faster than in chunks of 500 and keeps its tape
// small.
const hiddenChunk = 40

// hiddenParts returns the number of equal parts Hidden cuts N samples into:
// about hiddenChunk each, and never a part of 16 samples or fewer when N is
// more than 16. A product with at most 16 columns is computed by another
// method of package ad (gemmDirect, one sum over the whole inner dimension
// instead of panels of 256), whose last bits differ: with parts of 17 or
// more, every column's pre-activations are the same bits whatever N.
func hiddenParts(N int) int {
	return max(1, (N+hiddenChunk/2)/hiddenChunk)
}

// Hidden returns the pre-activations of the group-activation layer,
//
//	H = V φ(X) + b 1ᵀ   (h×N),
//
// for inputs X stored one sample per column (d×N), computed in parts of
// about hiddenChunk samples.
func (n *Net) Hidden(x *mat.Dense) *mat.Dense {
	_, N := x.Dims()
	H := mat.NewDense(n.Width(), N, nil)
	t := tapes.Get().(*ad.Tape)
	defer tapes.Put(t)
	w := make([]*ad.Node, n.Params.Count())
	xb := &mat.Dense{}
	parts := hiddenParts(N)
	for q := range parts {
		j0, j1 := q*N/parts, (q+1)*N/parts
		xb = columns(xb, x, j0, j1)
		t.Reset()
		for i := range w {
			w[i] = t.Const(n.Params.At(i))
		}
		z := n.hidden(t, w, t.Const(xb))
		H.Slice(0, n.Width(), j0, j1).(*mat.Dense).Copy(z.Value())
	}
	return H
}

// tapes keeps tapes for Hidden and MemberLogits: attacks call them on
// thousands of batches, and a new tape would allocate (and clear) its
// buffers, the convolution's among them, every time.
var tapes = sync.Pool{New: func() any { return ad.NewTape() }}

// hidden records H = V φ(X) + b 1ᵀ.
func (n *Net) hidden(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	f := x
	if n.features != nil {
		f = n.features(t, w, x)
	}
	return nn.Dense(t, w[n.head], w[n.head+1], f)
}

// columns copies the columns [j0, j1) of x into dst, contiguous.
func columns(dst, x *mat.Dense, j0, j1 int) *mat.Dense {
	d, _ := x.Dims()
	dst.Reset()
	dst.ReuseAs(d, j1-j0)
	dst.Copy(x.Slice(0, d, j0, j1))
	return dst
}

// Logits returns the base network's logits U σ(H) + c 1ᵀ on pre-activations H.
func (n *Net) Logits(H *mat.Dense) *mat.Dense {
	return headLogits(nil, n.U, n.C, n.Act.Eval(nil, mat.DenseCopyOf(H)))
}

// headLogits returns U S + c 1ᵀ into dst.
func headLogits(dst, U, c, S *mat.Dense) *mat.Dense {
	if dst == nil {
		dst = &mat.Dense{}
	}
	dst.Mul(U, S)
	m, N := dst.Dims()
	for i := 0; i < m; i++ {
		ci := c.At(i, 0)
		row := dst.RawRowView(i)
		for j := 0; j < N; j++ {
			row[j] += ci
		}
	}
	return dst
}

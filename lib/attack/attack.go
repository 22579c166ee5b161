package attack

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// Gradient is an input-gradient oracle: it returns the loss of the samples
// X (d×N, one per column) with the given labels, and writes ∂L/∂X into grad
// (d×N).
type Gradient = func(grad, x *mat.Dense, labels []int) float64

// Box is the range of valid inputs: every entry of an image lies in
// [Lo, Hi].
type Box struct{ Lo, Hi float64 }

// clip returns v clipped to the box. The built-in min and max treat NaN and
// ±0 as math.Min and math.Max do, and are inlined.
func (b Box) clip(v float64) float64 { return min(max(v, b.Lo), b.Hi) }

// Chunk is about the number of samples per call of a Gradient: few enough
// that a convolutional network's activations stay in the caches between
// the layers (a chunk of 500 images of nn.ConvNet held 100 MB per
// convolution, and a step took twice as long). See parts.
const Chunk = 40

// parts returns the number of equal parts the attacks cut N samples into:
// about Chunk each, and never a part of 16 samples or fewer when N is more
// than 16, so that the network's products keep the same method of package
// ad (with at most 16 columns a product is computed by another method, whose
// last bits differ).
func parts(N int) int { return max(1, (N+Chunk/2)/Chunk) }

// FGSM returns x′ = clip_[lo,hi](x + ε sign ∇ₓL(x, y)) into dst (d×N;
// allocated when nil). Entries with a zero gradient do not move, and
// |x′ − x| ≤ ε holds exactly in floating point (x ± ε is rounded inwards
// when rounding would overshoot, which moves an entry by at most an ulp).
func FGSM(dst, x *mat.Dense, labels []int, grad Gradient, eps float64, box Box) *mat.Dense {
	dst = prepare("FGSM", dst, x, labels, box)
	dst.Copy(x)
	if eps == 0 {
		return dst
	}
	signStep(dst, x, labels, grad, eps, eps, box)
	return dst
}

// PGD is projected gradient descent in the L∞ ball of radius Eps around
// each input, clipped to the Box.
type PGD struct {
	Eps   float64 // radius of the ball
	Step  float64 // α, the size of each signed step
	Iters int     // number of steps
	// RandomStart starts from x plus uniform noise in [−Eps, Eps]^d
	// (clipped to the box), drawn from Seed.
	RandomStart bool
	Seed        uint64
	Box         Box
}

// Attack returns the PGD adversarial examples of x into dst (allocated when
// nil). With Iters = 0 and no random start it returns x.
func (s PGD) Attack(dst, x *mat.Dense, labels []int, grad Gradient) *mat.Dense {
	dst = prepare("PGD", dst, x, labels, s.Box)
	if s.Eps < 0 || s.Step < 0 || s.Iters < 0 {
		panic(fmt.Sprintf("attack: PGD: Eps %g, Step %g, Iters %d: want ≥ 0", s.Eps, s.Step, s.Iters))
	}
	dst.Copy(x)
	if s.RandomStart {
		rng := rand.New(rand.NewPCG(s.Seed, 0x706764))
		d, N := x.Dims()
		for i := 0; i < d; i++ {
			row, x0 := dst.RawRowView(i), x.RawRowView(i)
			for j := 0; j < N; j++ {
				lo, hi := ball(x0[j], s.Eps)
				row[j] = s.Box.clip(min(max(row[j]+s.Eps*(2*rng.Float64()-1), lo), hi))
			}
		}
	}
	for range s.Iters {
		signStep(dst, x, labels, grad, s.Step, s.Eps, s.Box)
	}
	return dst
}

// signStep replaces cur by the projection of v = cur + α sign ∇L(cur) onto
// the ball of radius eps around x and the box,
//
//	clip_[lo,hi](min(max(v, x − eps), x + eps)),
//
// computing the gradient about Chunk samples at a time (the bounds x ± eps
// are rounded inwards, see ball). With eps = +Inf it is
// clip_[lo,hi](cur + α sign ∇L(cur)).
func signStep(cur, x *mat.Dense, labels []int, grad Gradient, alpha, eps float64, box Box) {
	d, N := x.Dims()
	xb, gb := &mat.Dense{}, &mat.Dense{}
	np := parts(N)
	for q := range np {
		j0, j1 := q*N/np, (q+1)*N/np
		nb := j1 - j0
		xb.Reset()
		xb.ReuseAs(d, nb)
		xb.Copy(cur.Slice(0, d, j0, j1))
		gb.Reset()
		gb.ReuseAs(d, nb)
		grad(gb, xb, labels[j0:j1])
		for i := 0; i < d; i++ {
			g, c, x0 := gb.RawRowView(i), cur.RawRowView(i)[j0:j1], x.RawRowView(i)[j0:j1]
			for j := range g {
				lo, hi := ball(x0[j], eps)
				c[j] = box.clip(min(max(c[j]+alpha*sign(g[j]), lo), hi))
			}
		}
	}
}

// ball returns the bounds of [x − ε, x + ε] in floating point, moved in by
// an ulp where rounding would put them farther than ε from x, so that every
// v in them has |v − x| ≤ ε exactly as computed.
func ball(x, eps float64) (lo, hi float64) {
	lo, hi = x-eps, x+eps
	for x-lo > eps {
		lo = math.Nextafter(lo, x)
	}
	for hi-x > eps {
		hi = math.Nextafter(hi, x)
	}
	return lo, hi
}

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func prepare(fn string, dst, x *mat.Dense, labels []int, box Box) *mat.Dense {
	d, N := x.Dims()
	if len(labels) != N {
		panic(fmt.Sprintf("attack: %s: x is %d×%d (samples as columns) with %d labels", fn, d, N, len(labels)))
	}
	if !(box.Lo < box.Hi) {
		panic(fmt.Sprintf("attack: %s: box [%g, %g] is empty", fn, box.Lo, box.Hi))
	}
	if dst == nil {
		return mat.NewDense(d, N, nil)
	}
	if r, c := dst.Dims(); r != d || c != N {
		panic(fmt.Sprintf("attack: %s: dst is %d×%d, x %d×%d", fn, r, c, d, N))
	}
	return dst
}

// ModelGradient returns the Gradient of the mean softmax cross-entropy of
// the model's logits,
//
//	L(X) = (1/N) Σ_j [log Σ_c exp f(x_j)_c − f(x_j)_{y_j}],
//
// differentiated with respect to the inputs by package ad (the input is
// bound as a parameter with a gradient destination). The model outputs
// logits: softmax is applied once, in the loss.
func ModelGradient(model nn.Model, p *nn.Params) Gradient {
	t := ad.NewTape()
	w := make([]*ad.Node, p.Count())
	xb := &mat.Dense{}
	return func(grad, x *mat.Dense, labels []int) float64 {
		d, N := x.Dims()
		if r, c := grad.Dims(); r != d || c != N {
			panic(fmt.Sprintf("attack: ModelGradient: grad is %d×%d, x %d×%d", r, c, d, N))
		}
		// The tape's input must be contiguous and must not alias grad.
		xb.Reset()
		xb.ReuseAs(d, N)
		xb.Copy(x)
		t.Reset()
		for i := range w {
			w[i] = t.Const(p.At(i))
		}
		X := t.Param(xb, grad)
		loss := t.SoftmaxCrossEntropy(model.Forward(t, w, X), labels)
		t.Backward(loss)
		return loss.Scalar()
	}
}

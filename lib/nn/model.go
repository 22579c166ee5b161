package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/ad"
	"gonum.org/v1/gonum/mat"
)

// Model is a network written as a plain function of its parameters: its
// gradient comes from package ad, nobody writes a backward pass.
//
// Inputs hold one sample per column (X ∈ R^{n×k} for k samples, as in the
// paper's f(X) = U σ(V X)), and so do outputs; weights are out×in.
type Model interface {
	// Params returns a new parameter set with the model's names and shapes,
	// all zero.
	Params() *Params
	// Init returns new parameters with every weight drawn by w and every
	// bias zero.
	Init(rng *rand.Rand, w Initializer) *Params
	// Forward records the output for the input batch x given the parameter
	// nodes w, in the order of Params().Names().
	Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node
}

// TwoLayerNet records f = U σ(V X) for U ∈ R^{m×h}, V ∈ R^{h×n} and
// X ∈ R^{n×k} (k samples as columns).
func TwoLayerNet(t *ad.Tape, u, v, x *ad.Node, act Activation) *ad.Node {
	return t.MatMul(u, act.Apply(t, t.MatMul(v, x)))
}

// Dense records the affine layer W X + b 1ᵀ (b is a column added to every
// sample; nil for no bias).
func Dense(t *ad.Tape, w, b, x *ad.Node) *ad.Node {
	z := t.MatMul(w, x)
	if b != nil {
		z = t.AddCol(z, b)
	}
	return z
}

// TwoLayer is the paper's network f(X) = U σ(V X) with parameters "U"
// (Out×Hidden) and "V" (Hidden×In), no biases. With Act = Radial it is the
// per-sample radial model σ(z) = z/‖z‖²; with Act = RadialUnits and X = I it
// is the official code's "radial" model of Fig. 7.
//
// The official code stores V transposed (In×Hidden); here V is Hidden×In as
// in the paper, so the symmetry acts as (U, V) ↦ (U g⁻¹, g V).
type TwoLayer struct {
	In, Hidden, Out int // n, h, m
	Act             Activation
}

// Params returns zero "U" (Out×Hidden) and "V" (Hidden×In).
func (n TwoLayer) Params() *Params {
	p := NewParams()
	p.Add("U", n.Out, n.Hidden)
	p.Add("V", n.Hidden, n.In)
	return p
}

// Init draws U and V with w.
func (n TwoLayer) Init(rng *rand.Rand, w Initializer) *Params {
	p := n.Params()
	w(rng, p.M("U"))
	w(rng, p.M("V"))
	return p
}

// UV returns U and V of p, a parameter vector of n, as views: writing to
// them writes to p. It is the bridge from a trained network to sym's actions
// and conserved's quantities, which take (U, V).
func (n TwoLayer) UV(p *Params) (U, V *mat.Dense) { return p.M("U"), p.M("V") }

// Forward records U σ(V X).
func (n TwoLayer) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	return TwoLayerNet(t, w[0], w[1], x, n.Act)
}

func (n TwoLayer) String() string {
	return fmt.Sprintf("TwoLayer(%d-%d-%d, %s)", n.In, n.Hidden, n.Out, n.Act.Name)
}

// MLP is a fully connected network with layer widths Sizes = [n₀, n₁, …, n_L]:
//
//	Z_1 = W_1 X + b_1 1ᵀ,  Z_{l+1} = W_{l+1} σ(Z_l) + b_{l+1} 1ᵀ,  f = Z_L,
//
// with parameters "W1", "b1", "W2", "b2", … (W_l is n_l×n_{l−1}, b_l is
// n_l×1) and no activation after the last layer. NoBias drops the biases.
type MLP struct {
	Sizes  []int
	Act    Activation
	NoBias bool
}

func (n MLP) check() {
	if len(n.Sizes) < 2 {
		panic(fmt.Sprintf("nn: MLP: need at least input and output sizes, have %v", n.Sizes))
	}
}

// Params returns zero weights and biases.
func (n MLP) Params() *Params {
	n.check()
	p := NewParams()
	for l := 1; l < len(n.Sizes); l++ {
		p.Add(fmt.Sprintf("W%d", l), n.Sizes[l], n.Sizes[l-1])
		if !n.NoBias {
			p.Add(fmt.Sprintf("b%d", l), n.Sizes[l], 1)
		}
	}
	return p
}

// Init draws every weight with w; biases are zero.
func (n MLP) Init(rng *rand.Rand, w Initializer) *Params {
	p := n.Params()
	for l := 1; l < len(n.Sizes); l++ {
		w(rng, p.M(fmt.Sprintf("W%d", l)))
	}
	return p
}

// Layers returns the weights W_1, …, W_L of p, a parameter vector of n, and
// its biases b_1, …, b_L (nil when NoBias), as views: writing to them writes
// to p. It is the bridge from an MLP to sym's and conserved's deep forms,
// which take (W, b).
func (n MLP) Layers(p *Params) (W []*mat.Dense, b []*mat.VecDense) {
	n.check()
	for l := 1; l < len(n.Sizes); l++ {
		W = append(W, p.M(fmt.Sprintf("W%d", l)))
		if !n.NoBias {
			b = append(b, p.M(fmt.Sprintf("b%d", l)).ColView(0).(*mat.VecDense))
		}
	}
	return W, b
}

// Forward records the network's output.
func (n MLP) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	step := 2
	if n.NoBias {
		step = 1
	}
	z := x
	for i := 0; i < len(w); i += step {
		if i > 0 {
			z = n.Act.Apply(t, z)
		}
		var b *ad.Node
		if !n.NoBias {
			b = w[i+1]
		}
		z = Dense(t, w[i], b, z)
	}
	return z
}

func (n MLP) String() string { return fmt.Sprintf("MLP(%v, %s)", n.Sizes, n.Act.Name) }

// ConvNet is the paper's small convolutional network (Fig. 10):
//
//	conv 3×3 same (In.C → Channels) → LeakyReLU(ConvSlope) → max-pool 2×2 →
//	flatten → Linear(Channels·H/2·W/2 → Hidden) → Act → Linear(Hidden → Classes)
//
// with parameters "conv.w" (Channels×In.C·9), "conv.b", "fc1.w", "fc1.b",
// "fc2.w", "fc2.b". Its input is a batch of images, one per column, each
// flattened in channel, row, column order (see ad.Dims); the "group
// activation" layer Act sits between fc1 and fc2, so (fc2.w, fc1.w) play the
// roles of (U, V) of the two-layer network. A zero ConvSlope means 0.01
// (PyTorch's default); a zero Act means LeakyReLU(0.01).
type ConvNet struct {
	In                        ad.Dims
	Channels, Hidden, Classes int
	ConvSlope                 float64
	Act                       Activation
}

func (n ConvNet) slope() float64 {
	if n.ConvSlope == 0 {
		return 0.01
	}
	return n.ConvSlope
}

var defaultConvAct = LeakyReLU(0.01)

func (n ConvNet) act() Activation {
	if n.Act.Apply == nil {
		return defaultConvAct
	}
	return n.Act
}

// FeatureDims returns the dimensions of the pooled feature maps.
func (n ConvNet) FeatureDims() ad.Dims {
	return ad.Dims{C: n.Channels, H: n.In.H / 2, W: n.In.W / 2}
}

// Params returns zero parameters.
func (n ConvNet) Params() *Params {
	p := NewParams()
	p.Add("conv.w", n.Channels, n.In.C*9)
	p.Add("conv.b", n.Channels, 1)
	p.Add("fc1.w", n.Hidden, n.FeatureDims().Size())
	p.Add("fc1.b", n.Hidden, 1)
	p.Add("fc2.w", n.Classes, n.Hidden)
	p.Add("fc2.b", n.Classes, 1)
	return p
}

// Init draws conv.w, fc1.w and fc2.w with w; biases are zero.
func (n ConvNet) Init(rng *rand.Rand, w Initializer) *Params {
	p := n.Params()
	for _, name := range []string{"conv.w", "fc1.w", "fc2.w"} {
		w(rng, p.M(name))
	}
	return p
}

// Features records the flattened pooled feature maps, the input of fc1.
//
// A leaky ReLU with a positive slope is increasing, so it commutes with the
// max-pool: pool(σ(z)) = σ(pool(z)), with the maximum of each window at the
// same place. With a positive ConvSlope (or the default) Features pools
// first, with the convolution (ad.Tape.Conv2DMaxPool2, which pools each
// block of the convolution's output while it is in the cache), and applies
// σ to a quarter of the entries; values and gradients are those of
// conv → σ → pool. A negative slope is applied before the pool.
func (n ConvNet) Features(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	if n.slope() > 0 {
		return t.LeakyReLU(t.Conv2DMaxPool2(x, w[0], w[1], n.In), n.slope())
	}
	z := t.Conv2D(x, w[0], w[1], n.In)
	return t.MaxPool2(t.LeakyReLU(z, n.slope()), ad.Dims{C: n.Channels, H: n.In.H, W: n.In.W})
}

// Forward records the logits, Classes×N.
func (n ConvNet) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	h := n.act().Apply(t, Dense(t, w[2], w[3], n.Features(t, w, x)))
	return Dense(t, w[4], w[5], h)
}

func (n ConvNet) String() string {
	return fmt.Sprintf("ConvNet(%v → %d ch → %d %s → %d)", n.In, n.Channels, n.Hidden, n.act().Name, n.Classes)
}

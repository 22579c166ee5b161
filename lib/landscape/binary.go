package landscape

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// BinaryMLP is a fully connected network with binary weights and binary
// activations: with latent real weights W_l (parameters "W1", "W2", …, as
// nn.MLP with NoBias) and Sizes = [n₀, …, n_L],
//
//	h_0 = x,  h_l = sign(sign(W_l) h_{l−1} / √n_{l−1})  (0 < l < L),
//	f(x) = sign(W_L) h_{L−1} / √n_{L−1},
//
// with sign(0) = +1, so every weight the network uses is ±1 and every
// hidden unit is ±1. The factor 1/√n keeps pre-activations of order one;
// it is a fixed constant, not a parameter. There are no biases.
//
// Training uses the straight-through estimator (Bengio, Léonard and
// Courville 2013; Hubara et al. 2016): the derivative of sign, zero almost
// everywhere, is replaced by that of the hard tanh, 1{|z| ≤ 1}, both for
// the activations and for the latent weights, whose values TrainBinary
// clips to [−1, 1].
//
// Its symmetries are the permutations of hidden units. Rescaling is gone
// (the weights are ±1), and the sign flips of an odd activation are not
// exact: sign(0) = +1 breaks sign(−z) = −sign(z) at z = 0, which a sum of an
// even number of ±1 terms hits often. So the canonical form of a binary net
// is its sign pattern with permutations removed by Align (MLP gives the
// layout Align and Perms take).
type BinaryMLP struct {
	Sizes []int
}

// MLP returns the nn.MLP with the same parameter layout (no biases), for
// Perms, Permute and AlignParams.
func (b BinaryMLP) MLP() nn.MLP { return nn.MLP{Sizes: b.Sizes, NoBias: true, Act: signAct} }

// Params returns zero latent weights.
func (b BinaryMLP) Params() *nn.Params { return b.MLP().Params() }

// Init draws the latent weights uniformly in [−1, 1] (rng and w are used
// as by nn.MLP.Init; w = nil means uniform).
func (b BinaryMLP) Init(rng *rand.Rand, w nn.Initializer) *nn.Params {
	if w == nil {
		w = nn.Uniform(1)
	}
	return b.MLP().Init(rng, w)
}

func (b BinaryMLP) String() string { return fmt.Sprintf("BinaryMLP(%v)", b.Sizes) }

// signSTE is sign with the straight-through derivative 1{|z| ≤ 1}. Its
// vector forms give the values of sign and steD bit for bit, a matrix a
// call (AVX kernels where the CPU has them, the scalar loops otherwise).
var signSTE = &ad.Func{
	Name:    "sign_ste",
	F:       sign,
	D:       steD,
	Vec:     signs,
	DVec:    steDs,
	GradVec: steGrad,
}

// signs writes sign(x[i]) into dst[i].
func signs(dst, x []float64) { scaledSigns(dst, x, 1) }

// scaledSigns writes sign(s·x[i]) into dst[i]. (For s = 1 that is
// sign(x[i]): 1·x = x but for a NaN's payload, and NaNs get −1.)
func scaledSigns(dst, x []float64, s float64) {
	dst = dst[:len(x)]
	for i := signVec(dst, x, s); i < len(x); i++ {
		dst[i] = sign(s * x[i])
	}
}

// scaledSign returns the function sign(s·x) for Tape.Map, without
// derivative (it panics): the hidden units of a binary net from the
// unscaled product of a layer, for a forward pass only.
func scaledSign(s float64) *ad.Func {
	return &ad.Func{
		Name: "sign_scaled",
		F:    func(x float64) float64 { return sign(s * x) },
		D:    func(float64) float64 { panic("landscape: scaledSign has no derivative") },
		Vec:  func(dst, x []float64) { scaledSigns(dst, x, s) },
	}
}

// steDs writes steD(x[i]) into dst[i].
func steDs(dst, x []float64) {
	dst = dst[:len(x)]
	for i := steDVec(dst, x); i < len(x); i++ {
		dst[i] = steD(x[i])
	}
}

// steGrad writes g[i]·steD(x[i]) into dst[i], or adds it if acc: the
// gradient of sign's Map in one pass.
func steGrad(dst, g, x []float64, acc bool) {
	dst, g = dst[:len(x)], g[:len(x)]
	i := steGradVec(dst, g, x, acc)
	if acc {
		for ; i < len(x); i++ {
			dst[i] += float64(g[i] * steD(x[i])) // never fused
		}
		return
	}
	for ; i < len(x); i++ {
		dst[i] = g[i] * steD(x[i])
	}
}

// clip sets every x[i] to max(−1, min(1, x[i])), with Go's builtins: as
// math.Max and math.Min, −0 and NaN included, but a NaN keeps its payload.
func clip(x []float64) {
	for i := clipVec(x); i < len(x); i++ {
		x[i] = max(-1, min(1, x[i]))
	}
}

// sign is +1 for x ≥ 0 and −1 otherwise (NaN included).
func sign(x float64) float64 { return 2*ind(x >= 0) - 1 }

// steD is the straight-through derivative of sign: 1 on [−1, 1], else 0.
func steD(x float64) float64 { return ind(math.Abs(x) <= 1) }

// ind is 1 if b, else 0, without a branch: sign's inputs are noise around
// zero, whose signs a branch would mispredict half the time.
func ind(b bool) float64 {
	var i int
	if b {
		i = 1
	}
	return float64(i)
}

var signAct = nn.Activation{
	Name: "sign",
	F:    signSTE.F,
	D:    signSTE.D,
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node {
		return t.Map(z, signSTE)
	},
}

// Forward records the logits of the samples in the columns of x (nn.Model).
func (b BinaryMLP) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	z := x
	for l, wl := range w {
		if l > 0 {
			z = t.Map(z, signSTE)
		}
		z = t.Scale(t.MatMul(t.Map(wl, signSTE), z), 1/math.Sqrt(float64(b.Sizes[l])))
	}
	return z
}

// Signs returns the binary weights sign(W) of latent weights theta, as a
// new vector.
func Signs(theta []float64) []float64 {
	s := make([]float64, len(theta))
	signs(s, theta)
	return s
}

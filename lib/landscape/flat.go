package landscape

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/par"
)

// Noise is how LocalEnergy perturbs the weights.
type Noise int

const (
	// Multiplicative noise w ⊙ (1 + σz), z ~ N(0, I): each weight moves in
	// proportion to its size, so the perturbed error has the same law at
	// every point of a rescaling orbit (σ(cz) = cσ(z) maps the noisy copy
	// of w to that of c·w), and local energy is a property of the function,
	// not of the parametrisation (Pittorino et al. 2022).
	Multiplicative Noise = iota
	// Additive noise w + σz: the classical perturbative sharpness, which
	// Dinh et al. (2017)'s rescalings change at will.
	Additive
	// Flip negates each weight with probability σ: the noise of binary
	// networks, whose weights are ±1 (Baldassi et al.'s local energy).
	Flip
)

func (n Noise) String() string {
	switch n {
	case Multiplicative:
		return "multiplicative"
	case Additive:
		return "additive"
	case Flip:
		return "flip"
	}
	return fmt.Sprintf("Noise(%d)", int(n))
}

// NoiseSettings are the options of LocalEnergy. The zero value is 20 draws
// of multiplicative noise.
type NoiseSettings struct {
	Noise Noise
	// Draws is the number of noise draws; 0 means 20.
	Draws int
	// Seed fixes the draws: draw i uses rand.NewPCG(Seed, i), so that the
	// same z are used at every σ and every point (common random numbers),
	// which makes differences between points far less noisy than each
	// value.
	Seed uint64
}

// Energy is a local energy: the mean rise of error and loss under noise,
// with its standard error over the draws.
type Energy struct {
	Sigma float64
	Base  Measure // at w
	// Rise is E_z[E(w + noise)] − E(w); SE its standard error over the
	// draws (sd/√draws).
	Rise, SE Measure
}

// LocalEnergy returns the local energy of theta on ev at noise level sigma,
//
//	δE(w, σ) = E_z[E(w ⊙ (1 + σz))] − E(w)
//
// for Multiplicative noise (w + σz for Additive; each weight negated with
// probability σ for Flip), estimated from s.Draws draws, evaluated together with w
// (Evaluator.EvalAll). E is the error and, separately, the loss of ev (the training
// set, for the local energy of Pittorino et al.).
//
// For Flip noise on a BinaryMLP with a hidden layer, a noisy copy's
// first-layer product with the data is w's plus ±2 times the data's
// features at the flipped weights (Evaluator.evalFlips): at σ = 0.01 a
// hundredth of the work, with EvalAll's measures bit for bit (the net
// reads those sums only through their signs, and sums within rounding of
// 0 are recomputed as the product rounds them).
func LocalEnergy(ev *Evaluator, theta []float64, sigma float64, s NoiseSettings) Energy {
	draws := s.Draws
	if draws <= 0 {
		draws = 20
	}
	if sigma < 0 || (s.Noise == Flip && sigma > 1) {
		panic(fmt.Sprintf("landscape: LocalEnergy: σ = %g for %v noise", sigma, s.Noise))
	}
	ws := par.Map(draws+1, func(i int) []float64 {
		if i == 0 {
			return theta
		}
		return Perturb(nil, theta, sigma, s.Noise, rand.New(rand.NewPCG(s.Seed, uint64(i-1))))
	})
	if s.Noise == Flip && ev.flips() {
		base, ms := ev.evalFlips(theta, ws[1:], false)
		return energy(sigma, base, ms)
	}
	all := ev.EvalAll(ws)
	return energy(sigma, all[0], all[1:])
}

// energy returns the local energy at sigma from the measures at w (base)
// and at its noisy copies (ms, one per draw).
func energy(sigma float64, base Measure, ms []Measure) Energy {
	draws := len(ms)
	var se, sl, qe, ql float64
	for _, m := range ms {
		de, dl := m.Err-base.Err, m.Loss-base.Loss
		se, sl, qe, ql = se+de, sl+dl, qe+de*de, ql+dl*dl
	}
	n := float64(draws)
	me, ml := se/n, sl/n
	sd := func(q, m float64) float64 {
		if draws < 2 {
			return math.NaN()
		}
		return math.Sqrt(math.Max(0, (q-n*m*m)/(n-1)) / n)
	}
	return Energy{Sigma: sigma, Base: base, Rise: Measure{me, ml}, SE: Measure{sd(qe, me), sd(ql, ml)}}
}

// Perturb writes into dst (allocated if nil) theta perturbed by noise of
// level sigma drawn from rng, and returns it.
func Perturb(dst, theta []float64, sigma float64, noise Noise, rng *rand.Rand) []float64 {
	if dst == nil {
		dst = make([]float64, len(theta))
	}
	for i, v := range theta {
		switch noise {
		case Multiplicative:
			dst[i] = v * (1 + sigma*rng.NormFloat64())
		case Additive:
			dst[i] = v + sigma*rng.NormFloat64()
		case Flip:
			if rng.Float64() < sigma {
				dst[i] = -v
			} else {
				dst[i] = v
			}
		}
	}
	return dst
}

// EnergyCurve returns LocalEnergy at each σ of sigmas, with the same draws
// at every σ.
//
// For multiplicative noise on an nn.MLP with a hidden layer, the first
// layer of the copy of draw i at σ is W_1 ⊙ (1 + σZ_i), whose product
// with the data is W_1 X_cᵀ + σ (W_1 ⊙ Z_i) X_cᵀ: EnergyCurve computes the
// 1 + Draws products on the right once (Evaluator.evalRays) and combines
// them for every σ, so that a curve of four levels costs little more than
// one. The measures at w are those of LocalEnergy bit for bit; those of
// the noisy copies differ from LocalEnergy's by the rounding of the first
// layer's sums (one part in 10¹⁵ of a logit).
func EnergyCurve(ev *Evaluator, theta []float64, sigmas []float64, s NoiseSettings) []Energy {
	if s.Noise == Flip && ev.flips() && len(sigmas) > 1 {
		return flipCurve(ev, theta, sigmas, s)
	}
	out := make([]Energy, len(sigmas))
	if s.Noise != Multiplicative || !ev.spans() || len(sigmas) < 2 {
		for i, sg := range sigmas {
			out[i] = LocalEnergy(ev, theta, sg, s)
		}
		return out
	}
	draws := s.Draws
	if draws <= 0 {
		draws = 20
	}
	for _, sg := range sigmas {
		if sg < 0 {
			panic(fmt.Sprintf("landscape: EnergyCurve: σ = %g for %v noise", sg, s.Noise))
		}
	}
	if len(theta) != ev.layout.Len() {
		panic(fmt.Sprintf("landscape: EnergyCurve: theta has %d parameters, the model %v has %d", len(theta), ev.model, ev.layout.Len()))
	}
	// dirs[i] = θ ⊙ Z_i, ws[k·draws + i] = θ ⊙ (1 + σ_k Z_i) as Perturb
	// writes it, from the same draws.
	dirs := make([][]float64, draws)
	ws := make([][]float64, len(sigmas)*draws)
	par.For(draws, func(i int) {
		rng := rand.New(rand.NewPCG(s.Seed, uint64(i)))
		z := make([]float64, len(theta))
		for j := range z {
			z[j] = rng.NormFloat64()
		}
		for k, sg := range sigmas {
			w := make([]float64, len(theta))
			for j, v := range theta {
				w[j] = v * (1 + sg*z[j])
			}
			ws[k*draws+i] = w
		}
		for j, v := range theta {
			z[j] *= v
		}
		dirs[i] = z
	})
	base, ms := ev.evalRays(theta, dirs, sigmas, ws)
	for k, sg := range sigmas {
		out[k] = energy(sg, base, ms[k*draws:(k+1)*draws])
	}
	return out
}

// flipCurve is EnergyCurve for Flip noise on a BinaryMLP with a hidden
// layer: LocalEnergy at every σ, the noisy copies of all levels measured
// together (Evaluator.evalFlips), so that w's first-layer product with
// the data is computed once.
func flipCurve(ev *Evaluator, theta []float64, sigmas []float64, s NoiseSettings) []Energy {
	draws := s.Draws
	if draws <= 0 {
		draws = 20
	}
	for _, sg := range sigmas {
		if sg < 0 || sg > 1 {
			panic(fmt.Sprintf("landscape: EnergyCurve: σ = %g for %v noise", sg, s.Noise))
		}
	}
	ws := make([][]float64, len(sigmas)*draws)
	par.For(len(ws), func(n int) {
		k, i := n/draws, n%draws
		ws[n] = Perturb(nil, theta, sigmas[k], s.Noise, rand.New(rand.NewPCG(s.Seed, uint64(i))))
	})
	base, ms := ev.evalFlips(theta, ws, false)
	out := make([]Energy, len(sigmas))
	for k, sg := range sigmas {
		out[k] = energy(sg, base, ms[k*draws:(k+1)*draws])
	}
	return out
}

package conserved

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// officialSpec is the official conserved form of one activation, every
// function of this file reads it: adding an activation with an official form
// is one entry of officialForms.
//
// The form is Q = a‖U‖² − Σ_{i,j} φ(V_{ij}) with "+" form a‖U‖² + Σ φ(V_{ij});
// dphi is φ′ (so ∇_V Q = −φ′(V), ∇_U Q = 2aU); ratio is F(x) = ∫₀ˣ σ/σ′, the
// paper's formula; moments gives E[φ(v)] and Var[φ(v)] for v ~ N(0, s2).
type officialSpec struct {
	a       float64
	phi     func(x float64) float64
	dphi    func(x float64) float64
	ratio   func(x float64) float64
	moments func(s2 float64) (mean, variance float64)
}

// officialForms holds the activations of the official experiments, by Name.
var officialForms = map[string]officialSpec{
	nn.Linear.Name: {
		a:       1,
		phi:     func(x float64) float64 { return x * x },
		dphi:    func(x float64) float64 { return 2 * x },
		ratio:   func(x float64) float64 { return x * x / 2 },
		moments: func(s2 float64) (float64, float64) { return s2, 2 * s2 * s2 },
	},
	nn.ReLU.Name: {
		a:       1,
		phi:     func(x float64) float64 { r := math.Max(x, 0); return r * r },
		dphi:    func(x float64) float64 { return 2 * math.Max(x, 0) },
		ratio:   func(x float64) float64 { r := math.Max(x, 0); return r * r / 2 },
		moments: func(s2 float64) (float64, float64) { return s2 / 2, 1.25 * s2 * s2 },
	},
	nn.Tanh.Name: {
		a:     1,
		phi:   func(x float64) float64 { c := math.Cosh(x); return c * c },
		dphi:  func(x float64) float64 { return math.Sinh(2 * x) },
		ratio: func(x float64) float64 { s := math.Sinh(x); return s * s / 2 },
		moments: func(s2 float64) (float64, float64) {
			em := math.Expm1(4 * s2)
			return (1 + math.Exp(2*s2)) / 2, em * em / 8
		},
	},
	nn.Sigmoid.Name: {
		a:     0.5,
		phi:   func(x float64) float64 { return x + math.Exp(x) },
		dphi:  func(x float64) float64 { return 1 + math.Exp(x) },
		ratio: func(x float64) float64 { return x + math.Expm1(x) },
		moments: func(s2 float64) (float64, float64) {
			return math.Exp(s2 / 2), s2 + math.Exp(2*s2) - math.Exp(s2) + 2*s2*math.Exp(s2/2)
		},
	},
}

// HasOfficial reports whether act has an official conserved form here
// (Official, OfficialPlus, OfficialGrad, RatioIntegral, InitMoments): the
// four activations of the official experiments, nn.Linear, nn.ReLU, nn.Tanh
// and nn.Sigmoid.
func HasOfficial(act nn.Activation) bool { _, ok := officialForms[act.Name]; return ok }

// official returns act's official form, panicking with the function's name
// if it has none.
func official(fn string, act nn.Activation) officialSpec {
	f, ok := officialForms[act.Name]
	if !ok {
		panic(fmt.Sprintf("conserved: %s: no official form for activation %q (have linear, relu, tanh, sigmoid)", fn, act.Name))
	}
	return f
}

// Official returns the scalar conserved quantity exactly as the official code
// of Zhao et al. computes it (its compute_Q), for a two-layer network with
// whitened input X = I, in this package's orientation (V is h×n; the official
// code stores Vᵀ):
//
//	linear   Q = Tr(UᵀU) − Tr(VVᵀ) = ‖U‖² − ‖V‖²
//	ReLU     Q = ‖U‖² − ‖relu(V)‖²
//	tanh     Q = ‖U‖² − Σ_{a,j} cosh²(V_{aj})
//	sigmoid  Q = ½‖U‖² − Σ_{a,j} V_{aj} − Σ_{a,j} exp(V_{aj})
//
// The first three are 2·Elementwise (tanh minus the constant hn); the sigmoid
// form is Elementwise minus hn. See the package documentation.
func Official(act nn.Activation, U, V mat.Matrix) float64 {
	u2, s := officialParts("Official", act, U, V)
	return u2 - s
}

// OfficialPlus returns the "+" form that the official Fig. 3 script uses as the
// normaliser D₀:
//
//	linear   ‖U‖² + ‖V‖²
//	ReLU     ‖U‖² + ‖relu(V)‖²
//	tanh     ‖U‖² + Σ cosh²(V_{aj})
//	sigmoid  ½‖U‖² + Σ V_{aj} + Σ exp(V_{aj})
func OfficialPlus(act nn.Activation, U, V mat.Matrix) float64 {
	u2, s := officialParts("OfficialPlus", act, U, V)
	return u2 + s
}

// officialParts returns the U term and the V sum of the official forms.
func officialParts(fn string, act nn.Activation, U, V mat.Matrix) (uTerm, vSum float64) {
	pairDims(fn, U, V)
	f := official(fn, act)
	uTerm = f.a * sumSq(U)
	r, c := V.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			vSum += f.phi(V.At(i, j))
		}
	}
	return uTerm, vSum
}

// NormalisedChange returns ΔQ̃ = |Q_t|/D₀ − |Q₀|/D₀, the normalised drift that
// the official Fig. 3 plots, with D₀ = OfficialPlus at initialisation.
func NormalisedChange(qt, q0, d0 float64) float64 {
	return (math.Abs(qt) - math.Abs(q0)) / d0
}

// RatioIntegral returns F(x) = ∫₀ˣ σ(t)/σ′(t) dt in closed form for act:
//
//	linear   x²/2          (σ/σ′ = x)
//	ReLU     relu(x)²/2    (σ/σ′ = x for x > 0; taken as 0 for x < 0)
//	tanh     sinh²(x)/2    (σ/σ′ = sinh x cosh x)
//	sigmoid  x + eˣ − 1    (σ/σ′ = 1/(1 − σ) = 1 + eˣ)
//
// Elementwise(RatioIntegral(act), U, V) is the paper's conserved quantity.
func RatioIntegral(act nn.Activation) func(float64) float64 {
	return official("RatioIntegral", act).ratio
}

// InitMoments returns the mean and variance of Official(act, U, V) when the
// entries of U (m×h) and V (h×n) are independent, U_{ij} ~ N(0, sdU²) and
// V_{ij} ~ N(0, sdV²). Write Q = a‖U‖² − Σ φ(V_{ij}) (a = 1, or ½ for sigmoid)
// and N_U = mh, N_V = hn. Then ‖U‖² = sdU²·χ²_{N_U}, so
//
//	E[Q]   = a N_U sdU² − N_V E[φ(v)],
//	Var[Q] = 2a² N_U sdU⁴ + N_V Var[φ(v)],   v ~ N(0, s²), s = sdV,
//
// with, from the Gaussian moments E[v⁴] = 3s⁴, E[cosh(cv)] = e^{c²s²/2} and
// Stein's lemma E[v eᵛ] = s² e^{s²/2},
//
//	linear   φ = v²         E = s²               Var = 2s⁴
//	ReLU     φ = relu(v)²   E = s²/2             Var = 3s⁴/2 − s⁴/4 = 5s⁴/4
//	tanh     φ = cosh² v    E = (1 + e^{2s²})/2    Var = (e^{4s²} − 1)²/8
//	sigmoid  φ = v + eᵛ     E = e^{s²/2}          Var = s² + e^{2s²} − e^{s²} + 2s² e^{s²/2}
//
// For the linear form under the initialisation the official code calls Xavier,
// sdU = 1/√h and sdV = 1/√n: E[Q] = mh/h − hn/n = m − h and
// Var[Q] = 2mh/h² + 2hn/n² = 2m/h + 2h/n. At m = h = n = 100 that is 0 ± 2,
// although Q ranges over all of R on the minimum.
func InitMoments(act nn.Activation, m, h, n int, sdU, sdV float64) (mean, variance float64) {
	if m <= 0 || h <= 0 || n <= 0 {
		panic(fmt.Sprintf("conserved: InitMoments: m, h, n = %d, %d, %d, want positive", m, h, n))
	}
	f := official("InitMoments", act)
	nu, nv := float64(m*h), float64(h*n)
	ephi, vphi := f.moments(sdV * sdV)
	u2 := sdU * sdU
	mean = f.a*nu*u2 - nv*ephi
	variance = 2*f.a*f.a*nu*u2*u2 + nv*vphi
	return mean, variance
}

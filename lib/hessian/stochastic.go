package hessian

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// TraceEstimate is a Monte Carlo estimate of a trace.
type TraceEstimate struct {
	Mean   float64 // the estimate
	StdErr float64 // its standard error: sample standard deviation / √Probes (NaN for one probe)
	Probes int
}

// Trace estimates Tr H by Hutchinson's method with Rademacher probes z
// (independent entries ±1 with probability ½, drawn from rng; nil means a
// fixed seed):
//
//	Tr H = E[zᵀ H z],  Var[zᵀHz] = 2 Σ_{i≠j} H_ij²,
//
// averaging zᵀHz over the given number of probes, one operator product
// each. The standard error is estimated from the sample.
func Trace(op Operator, probes int, rng *rand.Rand) TraceEstimate {
	if probes < 1 {
		panic(fmt.Sprintf("hessian: Trace: probes = %d, want ≥ 1", probes))
	}
	rng = defaultRand(rng)
	n := op.Dim()
	z, hz := make([]float64, n), make([]float64, n)
	// Welford's running mean and sum of squared deviations.
	var mean, m2 float64
	for p := 1; p <= probes; p++ {
		rademacher(rng, z)
		op.MulVec(hz, z)
		x := dot(z, hz)
		d := x - mean
		mean += d / float64(p)
		m2 += d * (x - mean)
	}
	se := math.NaN()
	if probes > 1 {
		se = math.Sqrt(m2 / float64(probes-1) / float64(probes))
	}
	return TraceEstimate{Mean: mean, StdErr: se, Probes: probes}
}

func rademacher(rng *rand.Rand, z []float64) {
	for i := 0; i < len(z); i += 64 {
		bits := rng.Uint64()
		for j := i; j < min(i+64, len(z)); j++ {
			z[j] = float64(int(bits&1)*2 - 1)
			bits >>= 1
		}
	}
}

// DensitySettings controls SpectralDensity. The zero value is sensible.
type DensitySettings struct {
	Probes int        // random starting vectors; 0 means 4
	Steps  int        // Lanczos steps per probe; 0 means min(n, 80)
	Rand   *rand.Rand // nil means a fixed seed
}

// Density is a discrete approximation of the spectral density of a
// symmetric n×n operator H,
//
//	ρ(λ) = (1/n) Σ_i δ(λ − λ_i) ≈ Σ_j w_j δ(λ − x_j),
//
// by stochastic Lanczos quadrature: Nodes x_j and Weights w_j ≥ 0 with
// Σ w_j = 1.
type Density struct {
	Nodes   []float64
	Weights []float64
}

// SpectralDensity estimates the spectral density of op by stochastic
// Lanczos quadrature (Golub and Meurant; Ubaru, Chen and Saad; as in
// PyHessian and Ghorbani et al.). For a unit vector v, vᵀ f(H) v =
// Σ_i (vᵀu_i)² f(λ_i) is an integral against the spectral measure of H seen
// from v, and m Lanczos steps from v give its m-point Gauss quadrature:
// nodes the eigenvalues θ_j of T_m, weights the squared first components
// s_{1j}² of its eigenvectors (exact for polynomials f of degree < 2m). For
// v = z/√n with z Rademacher, E[vᵀf(H)v] = (1/n) Tr f(H) = ∫ f dρ, so the
// average of the quadratures over probes estimates ρ. Each probe's weights
// sum to 1, and Σ_j w_j x_j = (1/P) Σ_p vₚᵀHvₚ, Hutchinson's estimate of
// Tr H / n. The Lanczos runs use full reorthogonalisation, and stop early
// when the Krylov space of a probe is invariant (its quadrature is then
// exact).
func SpectralDensity(op Operator, s DensitySettings) *Density {
	n := op.Dim()
	probes := s.Probes
	if probes <= 0 {
		probes = 4
	}
	steps := s.Steps
	if steps <= 0 {
		steps = 80
	}
	steps = min(steps, n)
	rng := defaultRand(s.Rand)
	d := &Density{}
	l := newLanczos(n, steps)
	inv := 1 / math.Sqrt(float64(n))
	var vecs mat.Dense
	for p := 0; p < probes; p++ {
		q0 := l.q(0)
		rademacher(rng, q0)
		scal(inv, q0)
		l.anorm = 0
		m := 0
		for j := 0; j < steps; j++ {
			b := l.step(op, j)
			m = j + 1
			if b <= l.breakdown() {
				break
			}
		}
		vals, _ := l.ritz(m, m, Smallest, &vecs)
		for j, x := range vals {
			s0 := vecs.At(0, j)
			d.Nodes = append(d.Nodes, x)
			d.Weights = append(d.Weights, s0*s0/float64(probes))
		}
	}
	return d
}

// Mean returns Σ w_j x_j, the estimate of Tr H / n.
func (d *Density) Mean() float64 {
	s := 0.0
	for j, x := range d.Nodes {
		s += d.Weights[j] * x
	}
	return s
}

// Eval evaluates the density broadened by a Gaussian of standard deviation
// sigma at the points x,
//
//	ρ_σ(x) = Σ_j w_j exp(−(x − x_j)²/(2σ²)) / (σ√(2π)),
//
// which integrates to 1 over the real line. The result is stored in dst
// if it is non-nil (it must then have len(x)) and returned.
func (d *Density) Eval(dst, x []float64, sigma float64) []float64 {
	if !(sigma > 0) {
		panic(fmt.Sprintf("hessian: Density.Eval: sigma = %v, want > 0", sigma))
	}
	if dst == nil {
		dst = make([]float64, len(x))
	}
	checkLen("Density.Eval", "dst", len(dst), len(x))
	c := 1 / (sigma * math.Sqrt(2*math.Pi))
	for i, xi := range x {
		s := 0.0
		for j, node := range d.Nodes {
			u := (xi - node) / sigma
			s += d.Weights[j] * math.Exp(-0.5*u*u)
		}
		dst[i] = c * s
	}
	return dst
}

package noise

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoEquilibrium is returned (wrapped) when the expected drift of the
// charge keeps one sign along the whole orbit: a class-2 symmetry without
// weight decay, or noise that has no component on one side of A's spectrum.
var ErrNoEquilibrium = errors.New("no noise equilibrium on the orbit")

// Orbit is the expected one-step drift of the charge of A along the orbit
// θ_λ = e^{λA}θ of a point θ, for the optimiser s. Every minibatch loss has
// the symmetry, ℓ_s(e^{λA}θ) = ℓ_s(θ), so differentiating gives
// e^{λA}∇ℓ_s(θ_λ) = ∇ℓ_s(θ): the gradients along the orbit are
// g_s(θ_λ) = e^{−λA} g_s(θ), and the noise moves with them,
//
//	ḡ_λ = e^{−λA} ḡ,  Σ_λ = e^{−λA} Σ e^{−λA},  Tr[Σ_λ A] = Tr[e^{−2λA} Σ A].
//
// In the eigenbasis A = Σ_i a_i q_i q_iᵀ, with p_i = (q_iᵀθ)² and
// m_i = E[(q_iᵀĝ)²] = (1 − c)(q_iᵀḡ)² + c (1/N) Σ_s (q_iᵀg_s)² the second
// moment of the minibatch gradient (c = s.Factor(N)), the charge and the
// expected drift of ExpectedStep are sums of exponentials in λ:
//
//	C(λ) = Σ_i a_i e^{2λa_i} p_i,    N(λ) = η² Σ_i a_i e^{−2λa_i} m_i,
//	D(λ) = E[C' − C | θ_λ] = N(λ) − k C(λ),   k = 1 − (1 − ηγ)² ≥ 0.
//
// NewOrbit computes a_i, p_i and m_i once, from the per-sample gradients at
// θ; then C, N and D cost O(d) at any λ, without new gradients.
type Orbit struct {
	A     *Symmetry
	SGD   SGD
	theta []float64
	a     []float64 // eigenvalues a_i ≠ 0
	p     []float64 // (q_iᵀθ)²
	m     []float64 // E[(q_iᵀĝ)²]
	k     float64
	eta2  float64
}

// NewOrbit returns the orbit of θ under A, with g the per-sample gradients
// at θ. θ is copied.
func NewOrbit(A *Symmetry, theta []float64, g *Gradients, s SGD) (*Orbit, error) {
	if err := s.check(g.N()); err != nil {
		return nil, err
	}
	if A.Dim() != g.Dim() || len(theta) != g.Dim() {
		return nil, fmt.Errorf("noise: NewOrbit: generator of dimension %d, θ of length %d, gradients of %d parameters", A.Dim(), len(theta), g.Dim())
	}
	o := &Orbit{A: A, SGD: s, theta: append([]float64(nil), theta...), k: s.Shrink(), eta2: s.LR * s.LR}
	A.eachCoord(theta, func(l, c float64) {
		o.a = append(o.a, l)
		o.p = append(o.p, c*c)
	})
	o.m = make([]float64, len(o.a))
	c := s.Factor(g.N())
	buf := make([]float64, g.Dim())
	for n := 0; n < g.N(); n++ {
		g.Sample(buf, n)
		i := 0
		A.eachCoord(buf, func(_, x float64) { o.m[i] += x * x; i++ })
	}
	i := 0
	A.eachCoord(g.Mean(), func(_, x float64) {
		o.m[i] = c*o.m[i]/float64(g.N()) + (1-c)*x*x
		i++
	})
	// Keep the nonzero eigenvalues only: the others contribute nothing.
	var big float64
	for _, l := range o.a {
		big = max(big, math.Abs(l))
	}
	j := 0
	for i, l := range o.a {
		if math.Abs(l) > 1e-12*big {
			o.a[j], o.p[j], o.m[j] = l, o.p[i], o.m[i]
			j++
		}
	}
	o.a, o.p, o.m = o.a[:j], o.p[:j], o.m[:j]
	return o, nil
}

// Charge returns C(λ) = θ_λᵀAθ_λ.
func (o *Orbit) Charge(lambda float64) float64 {
	var s float64
	for i, a := range o.a {
		s += a * math.Exp(2*lambda*a) * o.p[i]
	}
	return s
}

// Noise returns N(λ) = η² E[ĝ_λᵀAĝ_λ], the expected change of the charge
// the gradient (mean and noise) makes in one step at θ_λ.
func (o *Orbit) Noise(lambda float64) float64 {
	var s float64
	for i, a := range o.a {
		s += a * math.Exp(-2*lambda*a) * o.m[i]
	}
	return o.eta2 * s
}

// ChargeSlope returns dC/dλ = Σ_i 2a_i² e^{2λa_i} p_i ≥ 0: the charge
// grows along the orbit.
func (o *Orbit) ChargeSlope(lambda float64) float64 {
	var s float64
	for i, a := range o.a {
		s += 2 * a * a * math.Exp(2*lambda*a) * o.p[i]
	}
	return s
}

// Steps returns the expected number of SGD steps for the charge to move
// along the orbit from C(l0) to C(l1), following the mean Noether flow
// dC/dk = D(λ):
//
//	k = ∫_{l0}^{l1} C′(λ) / D(λ) dλ,
//
// by Simpson's rule on 2000 intervals. D must not vanish between l0 and l1
// (both on the same side of the equilibrium, moving towards it); otherwise
// it returns +Inf. It is a prediction for a run that stays close to the
// orbit, such as SGD near a minimum.
func (o *Orbit) Steps(l0, l1 float64) float64 {
	const n = 2000
	h := (l1 - l0) / n
	var sum float64
	for i := 0; i <= n; i++ {
		l := l0 + float64(i)*h
		d := o.Drift(l)
		if d == 0 || (d > 0) != (l1 > l0) {
			return math.Inf(1)
		}
		w := 2.0
		switch {
		case i == 0 || i == n:
			w = 1
		case i%2 == 1:
			w = 4
		}
		sum += w * o.ChargeSlope(l) / d
	}
	return sum * h / 3
}

// Lambda returns the λ at which C(λ) = c, by bisection (C is increasing),
// or NaN if c is outside the range C takes for |λ| ≤ 350/max|a_i|.
func (o *Orbit) Lambda(c float64) float64 {
	var big float64
	for _, a := range o.a {
		big = max(big, math.Abs(a))
	}
	if big == 0 {
		return math.NaN()
	}
	lo, hi := -350/big, 350/big
	if o.Charge(lo) > c || o.Charge(hi) < c {
		return math.NaN()
	}
	for i := 0; i < 200; i++ {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if o.Charge(mid) < c {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

// Drift returns D(λ) = N(λ) − k C(λ), the expected change of the charge over
// one step from θ_λ.
func (o *Orbit) Drift(lambda float64) float64 { return o.Noise(lambda) - o.k*o.Charge(lambda) }

// Point returns θ_λ = e^{λA}θ.
func (o *Orbit) Point(lambda float64) []float64 { return o.A.Exp(nil, lambda, o.theta) }

// Equilibrium is the noise equilibrium on an orbit.
type Equilibrium struct {
	Lambda float64   // λ*, where the expected drift vanishes
	Theta  []float64 // θ* = e^{λ*A}θ
	Charge float64   // C(λ*)
	Evals  int       // evaluations of D used (bracketing and bisection)
}

// Equilibrium returns the unique λ* with D(λ*) = 0 and the point θ* on the
// orbit; SGD's Noether flow is attracted to it (D > 0 below λ*, where the
// charge, increasing in λ, grows, and D < 0 above).
//
// Uniqueness and the bracket. Differentiating the sums of exponentials,
//
//	D′(λ) = −2η² Σ_i a_i² e^{−2λa_i} m_i − 2k Σ_i a_i² e^{2λa_i} p_i < 0
//
// unless every m_i and (for k > 0) every p_i vanishes: D is strictly
// decreasing, so it has at most one zero. As λ → +∞ the terms with a_i < 0
// in N and, if k > 0, those with a_i > 0 in C dominate, so D → −∞ as soon as
// one m_i with a_i < 0 or (k > 0) one p_i with a_i > 0 is positive; as
// λ → −∞, D → +∞ as soon as one m_i with a_i > 0 or (k > 0) one p_i with
// a_i < 0 is positive. Under these conditions a zero exists. Class 1 (A with
// both signs) meets them whenever the noise has a component on both sides of
// A's spectrum; class 2 (A ≥ 0) meets the first only through weight decay:
// without it N > 0 everywhere, and the charge grows for ever. Both are
// checked first, and their failure is reported as ErrNoEquilibrium.
//
// The search then steps from λ = 0 in the direction of D's sign by
// h, 2h, 4h, … with h = 1/(4 max|a_i|) until D changes sign (each step
// doubles the exponentials' arguments, so a root at |λ*| is bracketed after
// O(log(|λ*|/h)) steps; it gives up when 2|λ| max|a_i| passes 700, where
// e^{2λa} overflows), which gives lo < hi with D(lo) > 0 > D(hi). Bisection
// keeps that invariant and halves hi − lo until the midpoint equals an end
// (λ* to the last bit), at most about 60 + log₂(hi − lo) evaluations.
func (o *Orbit) Equilibrium() (Equilibrium, error) {
	if len(o.a) == 0 {
		return Equilibrium{}, fmt.Errorf("noise: Equilibrium: %s: %w (the generator is zero)", o.A.Name, ErrNoEquilibrium)
	}
	var down, up bool // D → −∞ as λ → +∞; D → +∞ as λ → −∞
	var big float64
	for i, a := range o.a {
		big = max(big, math.Abs(a))
		if a < 0 && o.m[i] > 0 || o.k > 0 && a > 0 && o.p[i] > 0 {
			down = true
		}
		if a > 0 && o.m[i] > 0 || o.k > 0 && a < 0 && o.p[i] > 0 {
			up = true
		}
	}
	if !down || !up {
		why := "no noise on the negative side of A's spectrum"
		if !up {
			why = "no noise on the positive side of A's spectrum"
		}
		if o.A.Class() == ClassTwo && o.k == 0 {
			why = "class 2 without weight decay: the charge grows without bound"
		}
		return Equilibrium{}, fmt.Errorf("noise: Equilibrium: %s: %w (%s)", o.A.Name, ErrNoEquilibrium, why)
	}
	evals := 0
	D := func(l float64) float64 { evals++; return o.Drift(l) }
	d0 := D(0)
	if d0 == 0 {
		return o.result(0, evals), nil
	}
	dir := 1.0
	if d0 < 0 {
		dir = -1
	}
	h, limit := 1/(4*big), 350/big
	lo, hi := 0.0, 0.0 // D(lo) > 0 > D(hi) once bracketed
	prev := 0.0
	found := false
	for step := h; step <= limit; step *= 2 {
		l := dir * step
		if d := D(l); math.IsNaN(d) {
			break
		} else if (d < 0) == (dir > 0) || d == 0 {
			if d == 0 {
				return o.result(l, evals), nil
			}
			found = true
			if dir > 0 {
				lo, hi = prev, l
			} else {
				lo, hi = l, prev
			}
			break
		}
		prev = l
	}
	if !found {
		return Equilibrium{}, fmt.Errorf("noise: Equilibrium: %s: %w (D keeps its sign up to |λ| = %.3g, where e^{2λa} overflows)", o.A.Name, ErrNoEquilibrium, limit)
	}
	for {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		d := D(mid)
		if d == 0 {
			lo, hi = mid, mid
			break
		}
		if d > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return o.result(lo+(hi-lo)/2, evals), nil
}

func (o *Orbit) result(l float64, evals int) Equilibrium {
	return Equilibrium{Lambda: l, Theta: o.Point(l), Charge: o.Charge(l), Evals: evals}
}

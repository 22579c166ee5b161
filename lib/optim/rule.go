package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Rule is an update rule of a discrete optimiser: given θ and the gradient
// (or a minibatch estimate of it) g at θ, Step overwrites θ with the next
// iterate. Step must not modify grad. Rules that keep state (momentum
// buffers, Adam moments) allocate it at their first Step and never again.
//
// Rate reports the current learning rate η; a run adds it to State.Time at
// every step, so for plain gradient descent State.Time = kη is the time of
// the gradient flow that the iterates approximate. An Observer may change a
// rule's LR between steps (a warm-up schedule, for instance): the run reads
// Rate after the observers have run.
type Rule interface {
	Step(theta, grad []float64)
	Rate() float64
}

// GD is gradient descent with decoupled weight decay:
//
//	θ ← (1 − ηγ) θ − η g
//
// with η = LR and γ = WeightDecay. With γ = 0 this is plain gradient
// descent; used by RunBatch on minibatch gradients ĝ it is plain SGD. For
// a quadratic charge C = θᵀAθ of an exponential symmetry (ĝᵀAθ = 0) the law
// above gives exactly C' = (1 − ηγ)² C + η² ĝᵀAĝ, the discrete Noether law of
// Ziyin et al. (for plain SGD, decoupled and coupled weight decay are the
// same update).
//
// GD keeps no state; LR must be positive.
type GD struct {
	LR          float64
	WeightDecay float64
}

// Step implements Rule.
func (r *GD) Step(theta, grad []float64) {
	if len(theta) != len(grad) {
		panic(fmt.Sprintf("optim: GD: len(theta) = %d, len(grad) = %d", len(theta), len(grad)))
	}
	eta := checkLR("GD", r.LR)
	a := 1 - eta*r.WeightDecay
	if a == 1 {
		// θ + (−η)g is θ − ηg to the bit (negation is exact), in gonum's
		// vector loop: three times faster than a Go loop on a small net.
		floats.AddScaled(theta, -eta, grad)
		return
	}
	theta = theta[:len(grad)] // no bounds checks in the loop
	for i, g := range grad {
		theta[i] = a*theta[i] - eta*g
	}
}

// Rate implements Rule.
func (r *GD) Rate() float64 { return r.LR }

// Momentum is gradient descent with heavy-ball (or Nesterov) momentum and
// decoupled weight decay, in the convention of PyTorch's SGD with
// dampening 0:
//
//	b ← μ b + g
//	θ ← (1 − ηγ) θ − η b            (heavy ball)
//	θ ← (1 − ηγ) θ − η (g + μ b)    (Nesterov)
//
// with η = LR, μ = Mu, γ = WeightDecay and b = 0 before the first step.
// The velocity b is allocated at the first Step; Reset zeroes it.
type Momentum struct {
	LR          float64
	Mu          float64 // momentum coefficient μ ∈ [0, 1); 0 means 0.9
	WeightDecay float64
	Nesterov    bool

	b []float64
}

// Step implements Rule.
func (r *Momentum) Step(theta, grad []float64) {
	if len(theta) != len(grad) {
		panic(fmt.Sprintf("optim: Momentum: len(theta) = %d, len(grad) = %d", len(theta), len(grad)))
	}
	eta := checkLR("Momentum", r.LR)
	mu := r.Mu
	if mu == 0 {
		mu = 0.9
	}
	if r.b == nil {
		r.b = make([]float64, len(theta))
	} else if len(r.b) != len(theta) {
		panic(fmt.Sprintf("optim: Momentum: len(theta) = %d, want %d as at the first step (call Reset)", len(theta), len(r.b)))
	}
	a := 1 - eta*r.WeightDecay
	b := r.b
	if r.Nesterov {
		for i, g := range grad {
			b[i] = mu*b[i] + g
			theta[i] = a*theta[i] - eta*(g+mu*b[i])
		}
		return
	}
	m := 0
	if a == 1 { // 1·θ = θ exactly: the vector loop skips the product
		m = momentumVec(theta, b, grad, mu, eta)
	}
	// The conversions round each product, as the vector loop does: without
	// them a compiler may fuse a product and a sum (Go does for GOAMD64=v3
	// and up), and entries would round differently by their position.
	for i, g := range grad[m:] {
		i += m
		b[i] = float64(mu*b[i]) + g
		theta[i] = float64(a*theta[i]) - float64(eta*b[i])
	}
}

// Rate implements Rule.
func (r *Momentum) Rate() float64 { return r.LR }

// Reset zeroes the velocity, keeping its storage.
func (r *Momentum) Reset() {
	for i := range r.b {
		r.b[i] = 0
	}
}

// Adam is the Adam optimiser of Kingma and Ba with decoupled weight decay
// (AdamW of Loshchilov and Hutter when γ > 0):
//
//	m ← β₁ m + (1 − β₁) g
//	v ← β₂ v + (1 − β₂) g²
//	m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
//	θ ← (1 − ηγ) θ − η m̂ / (√v̂ + ε)
//
// at step t = 1, 2, ... with η = LR, γ = WeightDecay. Zero fields take the
// usual defaults: LR 1e-3, Beta1 0.9, Beta2 0.999, Eps 1e-8. The moments are
// allocated at the first Step; Reset zeroes them and t.
type Adam struct {
	LR          float64
	Beta1       float64
	Beta2       float64
	Eps         float64
	WeightDecay float64

	m, v []float64
	t    int
}

// Step implements Rule.
func (r *Adam) Step(theta, grad []float64) {
	if len(theta) != len(grad) {
		panic(fmt.Sprintf("optim: Adam: len(theta) = %d, len(grad) = %d", len(theta), len(grad)))
	}
	eta := r.Rate()
	if !(eta > 0) {
		panic(fmt.Sprintf("optim: Adam: LR = %v, want > 0", r.LR))
	}
	b1, b2, eps := orDefault(r.Beta1, 0.9), orDefault(r.Beta2, 0.999), orDefault(r.Eps, 1e-8)
	if r.m == nil {
		r.m = make([]float64, len(theta))
		r.v = make([]float64, len(theta))
	} else if len(r.m) != len(theta) {
		panic(fmt.Sprintf("optim: Adam: len(theta) = %d, want %d as at the first step (call Reset)", len(theta), len(r.m)))
	}
	r.t++
	k := adamConsts{
		b1: b1, omb1: 1 - b1, b2: b2, omb2: 1 - b2,
		c1: 1 / (1 - math.Pow(b1, float64(r.t))), c2: 1 / (1 - math.Pow(b2, float64(r.t))),
		a: 1 - eta*r.WeightDecay, eta: eta, eps: eps,
	}
	n := adamVec(theta, r.m, r.v, grad, &k)
	adamScalar(theta[n:], r.m[n:], r.v[n:], grad[n:], &k)
}

// adamConsts are the constants of one Adam step, in the order adamStep
// (rule_amd64.s) reads them.
type adamConsts struct {
	b1, omb1, b2, omb2, c1, c2, a, eta, eps float64
}

// adamScalar is Adam's update, entry by entry:
//
//	m ← b1·m + (1−b1)·g,  v ← b2·v + (1−b2)·g·g,
//	θ ← a·θ − η·(m·c1) / (√(v·c2) + ε),
//
// each product rounded before the sum, as adamStep rounds it (the
// conversions keep a compiler from fusing them, as Go does for GOAMD64=v3
// and up).
func adamScalar(theta, m, v, grad []float64, k *adamConsts) {
	theta, m, v = theta[:len(grad)], m[:len(grad)], v[:len(grad)]
	for i, g := range grad {
		m[i] = float64(k.b1*m[i]) + float64(k.omb1*g)
		v[i] = float64(k.b2*v[i]) + float64(k.omb2*g*g)
		theta[i] = float64(k.a*theta[i]) - k.eta*(m[i]*k.c1)/(math.Sqrt(v[i]*k.c2)+k.eps)
	}
}

// Rate implements Rule; it is LR, or 1e-3 if LR is zero.
func (r *Adam) Rate() float64 { return orDefault(r.LR, 1e-3) }

// Reset zeroes the moments and the step counter, keeping their storage.
func (r *Adam) Reset() {
	for i := range r.m {
		r.m[i], r.v[i] = 0, 0
	}
	r.t = 0
}

func orDefault(x, def float64) float64 {
	if x == 0 {
		return def
	}
	return x
}

func checkLR(name string, lr float64) float64 {
	if !(lr > 0) {
		panic(fmt.Sprintf("optim: %s: LR = %v, want > 0", name, lr))
	}
	return lr
}

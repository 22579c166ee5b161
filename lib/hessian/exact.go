package hessian

// Objective is a loss with its gradient, such as *nn.Objective: the form in
// which New takes an objective, so that it can ask whether exact products
// are available.
type Objective interface {
	// Func returns L(θ) and, when grad is not nil, writes ∇L(θ) into it.
	Func(theta, grad []float64) float64
}

// HessVecer is implemented by objectives that compute exact Hessian-vector
// products themselves; *nn.Objective does, by forward-over-reverse automatic
// differentiation (package ad).
type HessVecer interface {
	// HessVec sets hv = ∇²L(θ) v and returns L(θ). hv may be v.
	HessVec(hv, theta, v []float64) float64
}

// New returns the Hessian of obj at theta (copied) as an Operator: exact
// products (NewExact) when obj implements HessVecer, as the library's
// objectives (*nn.Objective) do, and otherwise finite differences of
// obj.Func (NewHVP). It is the constructor to use for an objective of the
// library; NewHVP stays for plain Go functions, and as a cross-check of the
// exact products.
func New(obj Objective, theta []float64) Operator {
	if h, ok := obj.(HessVecer); ok {
		return NewExact(h, theta)
	}
	return NewHVP(obj.Func, theta)
}

// Exact is the Hessian of an objective that computes exact Hessian-vector
// products (a HessVecer) at a point θ. Each product is exact to rounding and
// costs what the objective's HessVec costs: for *nn.Objective about two
// gradients, against four (and a kink check) for a finite-difference HVP.
type Exact struct {
	f        HessVecer
	theta    []float64
	products int
}

// NewExact returns the Hessian of f at theta (copied) as an Operator.
func NewExact(f HessVecer, theta []float64) *Exact {
	if len(theta) == 0 {
		panic("hessian: NewExact: len(theta) = 0")
	}
	return &Exact{f: f, theta: append([]float64(nil), theta...)}
}

// SetPoint moves the operator to the point theta (copied).
func (e *Exact) SetPoint(theta []float64) {
	checkLen("Exact.SetPoint", "theta", len(theta), len(e.theta))
	copy(e.theta, theta)
}

// Point returns the point θ at which the Hessian is taken (not a copy).
func (e *Exact) Point() []float64 { return e.theta }

// Dim implements Operator.
func (e *Exact) Dim() int { return len(e.theta) }

// Products returns the number of products so far.
func (e *Exact) Products() int { return e.products }

// MulVec implements Operator: dst = ∇²L(θ) v. dst may be v.
func (e *Exact) MulVec(dst, v []float64) {
	n := len(e.theta)
	checkLen("Exact.MulVec", "v", len(v), n)
	checkLen("Exact.MulVec", "dst", len(dst), n)
	e.f.HessVec(dst, e.theta, v)
	e.products++
}

package hessian

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Func is an objective: it returns the loss L(θ) and writes ∇L(θ) into grad.
// It is an alias so that optim.Func, functions from package nn and plain
// closures of this shape are all accepted without conversion.
type Func = func(theta, grad []float64) float64

// Operator is a symmetric linear operator on R^n, typically a Hessian
// available only through its products with vectors.
type Operator interface {
	// Dim returns n.
	Dim() int
	// MulVec sets dst = H v. Both have length n; dst may be v.
	MulVec(dst, v []float64)
}

// MulFunc adapts a function computing dst = H v (an exact Hessian-vector
// product from automatic differentiation, say) to the Operator interface.
type MulFunc struct {
	N   int
	Mul func(dst, v []float64)
}

// Dim implements Operator.
func (m MulFunc) Dim() int { return m.N }

// MulVec implements Operator.
func (m MulFunc) MulVec(dst, v []float64) { m.Mul(dst, v) }

// Matrix returns the Operator v ↦ A v of a symmetric matrix.
func Matrix(a mat.Symmetric) Operator {
	n := a.SymmetricDim()
	return &matOp{a: a, n: n, tmp: make([]float64, n)}
}

type matOp struct {
	a      mat.Symmetric
	n      int
	tmp    []float64
	vv, vd mat.VecDense
}

func (m *matOp) Dim() int { return m.n }

func (m *matOp) MulVec(dst, v []float64) {
	checkLen("Matrix.MulVec", "v", len(v), m.n)
	checkLen("Matrix.MulVec", "dst", len(dst), m.n)
	copy(m.tmp, v)
	m.vv.SetRawVector(blas64.Vector{N: m.n, Inc: 1, Data: m.tmp})
	m.vd.SetRawVector(blas64.Vector{N: m.n, Inc: 1, Data: dst})
	m.vd.MulVec(m.a, &m.vv)
}

// eps15 is ε^{1/5} for float64, ε = 2⁻⁵²: about 7.4e-4.
var eps15 = math.Pow(0x1p-52, 0.2)

// HVP is the Hessian of a Func at a point θ, applied to vectors by finite
// differences of the exact gradient g = ∇L along v with the fourth-order
// central stencil
//
//	H v ≈ D₄ = [−g(θ + 2hv) + 8 g(θ + hv) − 8 g(θ − hv) + g(θ − 2hv)] / (12h),
//
// four gradient evaluations per product.
//
// Choice of step. Along the line φ(s) = g(θ + s v), dφ/ds(0) = H v, and the
// stencil's truncation error is −h⁴ φ⁽⁵⁾(ξ)/30: O(h⁴). Each gradient carries
// a rounding error of about ε·G (G the size of the terms summed in the
// gradient), and the stencil's weights sum in absolute value to 18/12, so
// rounding contributes about 1.5 ε G / h: O(ε/h). The sum h⁴M/30 + 1.5εG/h is
// smallest at h ∝ ε^{1/5}, where both terms are of order ε^{4/5} ≈ 3e-13 in
// relative terms. The constant is a length in parameter space, the scale
// on which the gradient varies; it is taken to be the root-mean-square
// parameter s = ‖θ‖/√n (1 if θ = 0). So by default the displacement is
//
//	‖h v‖ = ε^{1/5} · s,  that is  h = ε^{1/5} · s / ‖v‖,
//
// which moves a single coordinate (v = e_j, as for a full Hessian) by
// 7.4e-4 of a typical parameter, and every coordinate of a dense v by less.
// The per-coordinate scale s rather than ‖θ‖ is used because ‖θ‖ grows as
// √n: for n = 1500, ε^{1/5}‖θ‖ would move one coordinate by 3% of ‖θ‖,
// and the consistency check below would reject most products. For
// homogeneous models (linear, ReLU) s is also the typical distance to a
// kink. The stencil is exact for gradients that are polynomials of degree
// ≤ 4 (linear networks of up to three layers): there only rounding
// matters. Set Step to override the displacement.
//
// Kinks. Piecewise-smooth losses (ReLU and leaky ReLU networks) have
// gradients that jump where a pre-activation changes sign, and a jump
// inside [θ − 2hv, θ + 2hv] corrupts D₄ by O(jump/h). The same four
// gradients also give the second-order differences D₂(h) = [g(θ+hv) −
// g(θ−hv)]/(2h) and D₂(2h); for a smooth gradient they differ by
// h²·(d³φ/ds³)/2, and for a single jump anywhere in the stencil the error of
// D₄ is at most 7/3 of their difference. So MulVec checks
//
//	‖D₂(h) − D₂(2h)‖ ≤ Tol · (‖D₄‖ + ‖v‖·Ĥ),
//
// with Ĥ the largest ‖D₄‖/‖v‖ seen so far (a lower estimate of ‖H‖, so
// that products near the null space are judged on the Hessian's scale),
// and if it fails repeats the product with h/100, and once more with
// h/10⁴ (where rounding, about 1e-9 relative, dominates). A failure costs
// four more evaluations, and the smaller step is kept for the following
// products (until SetPoint): a ReLU network on many samples, where kinks
// are everywhere, then costs four evaluations per product again, and a
// smooth loss at the default step fails rarely or never. Retries counts
// the repeated products.
type HVP struct {
	// Step is the displacement ‖h v‖; 0 means ε^{1/5}·‖θ‖/√n as above.
	Step float64

	// Tol is the consistency tolerance of the kink check; 0 means 1e-6,
	// a negative value switches the check off.
	Tol float64

	f       Func
	theta   []float64
	x, g    []float64
	d4, d2  []float64 // accumulators: 12h·D₄ and 4h·(D₂(h) − D₂(2h))
	scale   float64
	hmax    float64
	level   int // the step is divided by 100^level; raised by failed checks
	evals   int
	retries int
}

// NewHVP returns the Hessian of f at theta (copied) as an Operator.
func NewHVP(f Func, theta []float64) *HVP {
	n := len(theta)
	if n == 0 {
		panic("hessian: NewHVP: len(theta) = 0")
	}
	h := &HVP{f: f, theta: make([]float64, n), x: make([]float64, n), g: make([]float64, n),
		d4: make([]float64, n), d2: make([]float64, n)}
	h.SetPoint(theta)
	return h
}

// SetPoint moves the operator to the point theta (copied), keeping its
// buffers, and forgets its estimate of ‖H‖.
func (h *HVP) SetPoint(theta []float64) {
	checkLen("HVP.SetPoint", "theta", len(theta), len(h.theta))
	copy(h.theta, theta)
	h.scale = norm(theta) / math.Sqrt(float64(len(theta)))
	if h.scale == 0 {
		h.scale = 1
	}
	h.hmax, h.level = 0, 0
}

// Point returns the point θ at which the Hessian is taken (not a copy).
func (h *HVP) Point() []float64 { return h.theta }

// Dim implements Operator.
func (h *HVP) Dim() int { return len(h.theta) }

// Evals returns the number of gradient evaluations so far.
func (h *HVP) Evals() int { return h.evals }

// Retries returns the number of products repeated with a smaller step
// because the kink check failed.
func (h *HVP) Retries() int { return h.retries }

// MulVec implements Operator: dst = H v by the stencil above. dst may be v.
func (h *HVP) MulVec(dst, v []float64) {
	n := len(h.theta)
	checkLen("HVP.MulVec", "v", len(v), n)
	checkLen("HVP.MulVec", "dst", len(dst), n)
	nv := norm(v)
	if nv == 0 {
		clear(dst)
		return
	}
	disp := h.Step
	if disp == 0 {
		disp = eps15 * h.scale
	}
	tol := h.Tol
	if tol == 0 {
		tol = 1e-6
	}
	step := disp / nv
	for range h.level {
		step /= 100
	}
	for !h.stencil(step, v, tol, nv) && tol > 0 && h.level < 2 {
		h.retries++
		h.level++
		step /= 100
	}
	inv := 1 / (12 * step)
	for i := range dst {
		dst[i] = h.d4[i] * inv
	}
}

// stencil evaluates the four gradients at θ ± hv, θ ± 2hv, accumulating
// 12h·D₄ in h.d4 and 4h·(D₂(h) − D₂(2h)) in h.d2, and reports whether the
// two second-order differences agree to tol.
func (h *HVP) stencil(step float64, v []float64, tol, nv float64) bool {
	clear(h.d4)
	clear(h.d2)
	// 12h·D₄ = −g₂ + 8g₁ − 8g₋₁ + g₋₂;  4h·(D₂(h) − D₂(2h)) = 2(g₁ − g₋₁) − (g₂ − g₋₂).
	for _, c := range [4]struct{ s, w4, w2 float64 }{{2, -1, -1}, {1, 8, 2}, {-1, -8, -2}, {-2, 1, 1}} {
		for i := range h.x {
			h.x[i] = h.theta[i] + c.s*step*v[i]
		}
		h.f(h.x, h.g)
		h.evals++
		for i, gi := range h.g {
			h.d4[i] += c.w4 * gi
			h.d2[i] += c.w2 * gi
		}
	}
	d4 := norm(h.d4) / (12 * step)
	d2 := norm(h.d2) / (4 * step)
	h.hmax = math.Max(h.hmax, d4/nv)
	return d2 <= tol*(d4+nv*h.hmax)
}

func norm(v []float64) float64 {
	// Scaled two-norm, safe for very large or small entries.
	var scale, ssq float64 = 0, 1
	for _, x := range v {
		if x == 0 {
			continue
		}
		a := math.Abs(x)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

func checkLen(fn, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("hessian: %s: len(%s) = %d, want %d", fn, name, got, want))
	}
}

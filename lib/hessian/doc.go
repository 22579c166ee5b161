// Package hessian computes with the Hessian ∇²L of a loss through
// Hessian-vector products: full Hessians of small models and their
// eigenvalues, extreme eigenpairs by Lanczos (and, for comparison with
// PyHessian, by power iteration), Hutchinson's trace estimate and the
// spectral density by stochastic Lanczos quadrature.
//
// # Operators
//
// Everything here takes an Operator: a symmetric linear map v ↦ Hv on R^n
// (Dim and MulVec). New makes one from an objective: for the library's
// objectives (*nn.Objective, or anything implementing HessVecer) it is
// Exact, whose products are exact to rounding (forward-over-reverse automatic
// differentiation, package ad) and cost about two gradients each; for any
// other objective it is the finite-difference HVP. NewHVP makes that one
// from a gradient Func, a plain Go function, by fourth-order central
// differences of the exact gradient, accurate to about 1e-12 relative for
// smooth losses at four gradients a product (see HVP for the step choice,
// and for the check that catches the kinks of ReLU networks): it serves plain
// functions and cross-checks the exact products. MulFunc wraps any other
// Hessian-vector product; Matrix wraps a mat.Symmetric; TwoLayerLinear is
// the closed-form Hessian of the two-layer linear network ‖Y − UVX‖²_F,
// for checking the others.
//
//	New(obj, θ):     exact products when obj has HessVec (nn.Objective), else NewHVP(obj.Func, θ)
//	NewExact(f, θ):  exact products of a HessVecer
//	NewHVP(f, θ):    finite differences of the gradient of a plain Func
//
// # What is computed
//
//	Full:            H_{ij} = ∂²L/∂θ_i∂θ_j from n products, symmetrised, into a *mat.SymDense
//	Eigenvalues:     all eigenvalues of Full by mat.EigenSym, O(n³): up to a few thousand parameters
//	Rank:            how many eigenvalues exceed a relative tolerance
//	Lanczos:         k extreme eigenpairs from ~20–50 products, any n
//	PowerIteration:  the eigenvalue of largest magnitude, as PyHessian computes it
//	Trace:           Tr H = E[zᵀHz], z Rademacher, with its standard error
//	SpectralDensity: ρ(λ) = (1/n) Σ δ(λ − λ_i) as nodes and weights; Density.Eval broadens it
//
// # Example: sharpness and the conserved quantity
//
// For L(u, v) = (y − uv)², with the conserved quantity Q = u² − v² of
// gradient flow, the Hessian at a minimum uv = y has the eigenvalues
// {0, 2√(Q² + 4y²)}: the flat direction is the symmetry orbit, and the
// sharpness grows with |Q| (Zhao et al. 2023). At a zero-loss minimum of
// the two-layer linear network L = ‖Y − UVX‖²_F with X = I the Hessian has
// exactly m·n nonzero eigenvalues out of mh + hn.
package hessian

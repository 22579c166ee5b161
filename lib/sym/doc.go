// Package sym implements group actions on the parameters of neural networks:
// the continuous and discrete parameter-space symmetries that leave a network's
// function, and so its loss, unchanged.
//
// # Two-layer networks
//
// A two-layer network is a pair of matrices (U, V), U ∈ R^{m×h}, V ∈ R^{h×n},
// computing
//
//	f(X) = U σ(V X),   X ∈ R^{n×k} (samples are columns).
//
// If the activation is equivariant, σ(g z) = π(g) σ(z) for every z, then
//
//	g·(U, V) = (U π(g)⁻¹, g V)
//
// leaves U σ(V X) unchanged for every X. The actions implemented here are
//
//	GL(g, U, V)               (U g⁻¹, g V)                 σ = identity, g ∈ GL(h)
//	Rescale(c, U, V)          (U diag(c)⁻¹, diag(c) V)     σ 1-homogeneous (ReLU, LeakyReLU), c > 0
//	RescaleAlpha(α, c, U, V)  (U diag(c)^{−α}, diag(c) V)  σ(cx) = c^α σ(x), c > 0
//	Permute(perm, U, V)       (U Pᵀ, P V)                  any elementwise σ
//	SignFlip(s, U, V)         (U diag(s), diag(s) V)       odd σ (tanh, linear), s ∈ {±1}^h
//	Orthogonal(g, U, V)       (U gᵀ, g V)                  radial σ(z) = f(‖z‖) z, g ∈ O(h)
//	JointScale(c, U, V)       (c U, c V)                   σ(z) = z/‖z‖², since σ(c z) = σ(z)/c
//	UnitScale(c, U, V)        (U diag(c), diag(c) V)       the official code's "radial" model
//
// The last needs a word. The official code of Zhao et al. (ICLR 2023) calls its
// model with σ(z) = z/‖z‖² "radial", but it normalises each hidden unit's weight
// row, V_j ↦ V_j/‖V_j‖², with X = I; that equals normalising each row of V X over
// the batch, not each sample's hidden vector. That model is invariant under the
// per-unit scaling (U diag(c), diag(c) V), which contains the joint scale, but
// not under O(h). The per-sample radial model σ(z) = z/‖z‖² applied to each
// column z of V X is invariant under O(h) and the joint scale, but not under
// per-unit scaling. Both facts are tests in this package.
//
// Every action returns new matrices and leaves its arguments unchanged, so that
// a point and its image can be compared; the cost of the copy is negligible
// next to a forward pass.
//
// # Deep networks
//
// A deep network is a slice of weights W[0..L−1], W[i] ∈ R^{h_{i+1}×h_i}, and
// optionally biases b[0..L−1], b[i] ∈ R^{h_{i+1}}, computing
//
//	f(x) = W[L−1] σ(… σ(W[0] x + b[0]) …) + b[L−1].
//
// Hidden layer i (0 ≤ i < L−1) is the output of W[i]. A symmetry acts on one
// hidden layer at a time, between W[i] and W[i+1]:
//
//	W[i] → g W[i],   b[i] → g b[i],   W[i+1] → W[i+1] π(g)⁻¹,
//
// so the functions DeepGL, DeepRescale, DeepPermute and DeepSignFlip take the
// layer index. Symmetries of different layers commute and can be composed.
//
// # Exponential symmetries
//
// A loss ℓ(θ) of a flat parameter vector θ has an exponential symmetry with
// symmetric generator A if ℓ(e^{λA} θ) = ℓ(θ) for all λ (Ziyin et al.). The
// type Generator computes e^{λA} through the eigendecomposition A = Q Λ Qᵀ,
// e^{λA} = Q e^{λΛ} Qᵀ, done once per generator and block by block over the
// independent blocks of A, so the sparse standard generators stay cheap for
// large networks. The standard generators are
//
//	RescaleGen(d, up, down)     A = diag(+1 on up, −1 on down): C = ‖θ_up‖² − ‖θ_down‖²
//	ScaleGen(d)                 A = I: C = ‖θ‖² (BatchNorm-like scale invariance)
//	DoubleRotationGen(B, m, n)  U → U e^{λB}, W → e^{−λB} W: C = Tr[U B Uᵀ] − Tr[Wᵀ B W]
//	NeuronGen(m, h, n, j)       DoubleRotationGen with B = e_j e_jᵀ: C = Q_j
//
// Flat vectors use the row-major layout of Flatten: θ = (vec U, vec V) with the
// entries of each matrix row by row.
//
// # Infinitesimal generators
//
// The tangent of an orbit is the derivative of the action at the identity:
// GLTangent gives d/dε (U e^{−εT}, e^{εT} V) at ε = 0, which is (−U T, T V), and
// Generator.Tangent gives A θ. A loss with the symmetry has ⟨∇L, tangent⟩ = 0.
//
// # Orbits and equivariance
//
// GLBasis, DiagBasis, SkewBasis and SymBasis list bases of gl(h), of the
// rescalings, of o(h) and of Sym(h). OrbitTangents stacks the tangents of a
// basis; their rank, OrbitDim, is the orbit's dimension dim G − dim
// stabiliser, to compare with the number of zero Hessian eigenvalues at a
// minimum. Equivariance measures σ(g z) = π σ(z) on samples, and FitPi asks
// whether any linear π exists for a given g (least squares over many z).
//
// # Sampling
//
// SampleGL draws g = exp(εT) with T = randn(h,h)/√h as the official notebooks
// do; SamplePositive, SamplePerm, SampleSigns and SampleOrthogonal (Haar) draw
// from the other groups. All take a *rand.Rand from math/rand/v2, so results
// are reproducible from a seed.
//
// # The nonlinear action
//
// For a generic elementwise σ (tanh, sigmoid) no linear π satisfies
// σ(g z) = π σ(z) for all z, but on one batch X of k ≤ h inputs one does
// (Zhao et al. Sec. 4):
//
//	NonlinearPi(σ, g, V, X)   π(g, V, X) = σ(VX) σ(gVX)⁺
//	NonlinearAct(π, g, U, V)  (U π, g V)
//
// leaves U σ(V X) exactly unchanged on the batch and changes the output on
// other inputs by O(ε) for g = e^{εT}. For k = h it is a left action of GL(h):
// π(e) = I and π(g₂g₁, V) = π(g₁, V) π(g₂, g₁V). ExactPi is the exact
// single-sample form, π = R(σ(Vx)) R(σ(gVx))⁻¹ with SphericalFrame R(z), the
// frame of z's spherical coordinates (R e₁ = z, R Rᵀ = ‖z‖² I).
package sym

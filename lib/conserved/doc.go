// Package conserved computes the conserved quantities of gradient flow that
// parameter-space symmetries imply, their Noether charges, and the exact laws
// by which discrete gradient descent breaks them.
//
// Notation follows package sym: a two-layer network f(X) = U σ(V X) with
// U ∈ R^{m×h}, V ∈ R^{h×n} (samples are the columns of X), a deep network
// W[0..L−1] with biases b[0..L−1], and flat parameter vectors θ.
//
// # Why these are conserved
//
// Under gradient flow θ̇ = −∇L, a quantity Q changes at the rate
// dQ/dt = −⟨∇Q, ∇L⟩. A symmetry of L with infinitesimal generator M(θ) gives
// ⟨∇L, M(θ)⟩ = 0; where M = ∇Q (up to a constant factor), Q is conserved. For
// the linear action (U g⁻¹, g V) and a symmetric generator A, M = (−U A, A V)
// = −½∇⟨A, UᵀU − VVᵀ⟩: every entry of the matrix Q = UᵀU − VVᵀ is conserved.
//
// # Two-layer networks
//
//	Matrix(U, V)          Q = UᵀU − VVᵀ (h×h)                          linear σ, any X
//	Neurons(α, U, V, b)   Q_j = α‖U_{:,j}‖² − ‖V_{j,:}‖² − b_j²        α-homogeneous σ (ReLU: α = 1), any X
//	Elementwise(F, U, V)  Q = ½Tr[UᵀU] − Σ_{a,j} F(V_{aj}), F′ = σ/σ′  any elementwise σ, X = I
//	Radial(U, V)          Q = ‖U‖² + ‖V‖²                              σ(z) = z/‖z‖², either variant
//	RadialNeurons(U, V)   Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖²                the official row-normalised model
//
// The bias b_j of hidden unit j moves with its incoming weights (b → g b), so it
// counts with V. The elementwise law needs whitened input X = I: then unit j's
// pre-activation on sample a is V_{ja} alone, and with R the residual
// d/dt Σ F(V_{ja}) = −Σ σ(V_{ja}) (UᵀR)_{ja} = −⟨U, R σ(V)ᵀ⟩ = d/dt ½‖U‖².
//
// # The official code's forms, and the factor of two
//
// The official code of Zhao et al. (ICLR 2023) tracks scalar forms, with V
// stored transposed (n×h) and X = I. In this package's orientation, and with
// the paper's formula P = ½Tr[UᵀU] − Σ F(V_{aj}), F(x) = ∫₀ˣ σ/σ′:
//
//	σ        F(x) = ∫₀ˣ σ/σ′  Official(σ, U, V)                relation
//	linear   x²/2             ‖U‖² − ‖V‖²                      = 2P
//	ReLU     relu(x)²/2       ‖U‖² − ‖relu(V)‖²                = 2P
//	tanh     sinh²(x)/2       ‖U‖² − Σ cosh²(V_{aj})           = 2P − hn
//	sigmoid  x + eˣ − 1       ½‖U‖² − Σ V_{aj} − Σ e^{V_{aj}}  = P − hn
//
// So the official linear, ReLU and tanh forms are twice the paper's formula
// (and tanh and sigmoid carry a constant −hn from the lower limit); the sigmoid
// form is the formula itself. Constants and factors do not affect conservation,
// but they set the numbers in Figs. 3–5. OfficialPlus gives the "+" forms the
// official scripts use as the normaliser D₀ of Fig. 3's ΔQ̃ = (|Q_t| − |Q₀|)/D₀.
// For ReLU, σ/σ′ is 0/0 for x < 0; with X = I weights V_{ja} < 0 have zero
// gradient and never move, so F(x) = 0 there is the natural choice.
//
// # Deep networks
//
//	DeepMatrix(W, b)      Q_i = W[i+1]ᵀW[i+1] − W[i]W[i]ᵀ − b[i]b[i]ᵀ           linear
//	DeepNeurons(α, W, b)  Q_{i,j} = α‖W[i+1]_{:,j}‖² − ‖W[i]_{j,:}‖² − b[i]_j²  α-homogeneous
//
// # Noether charges and discrete drift
//
// For an exponential symmetry ℓ(e^{λA}θ) = ℓ(θ) with A symmetric, the charge
// C = θᵀAθ is conserved by gradient flow, since ⟨∇ℓ, Aθ⟩ = 0. One step of SGD
// with weight decay, θ' = (1 − ηγ)θ − ηĝ with ĝ the minibatch gradient (which
// has the same symmetry, so ĝᵀAθ = 0), changes it exactly by
//
//	C' = (1 − ηγ)² C + η² ĝᵀAĝ,
//
// with no first-order term: NextCharge. For the linear two-layer net the same
// computation gives the matrix law Q_{t+1} − Q_t = η²(G_UᵀG_U − G_V G_Vᵀ):
// MatrixStep. The drift of Q over a fixed training time T = tη is therefore
// O(η): gradient descent conserves Q only in the limit η → 0.
//
// # Q as a coordinate of the minimum
//
// Q changes along the orbit, so it labels the points of a flat valley:
// OrbitDerivative gives its rate along a generator, dQ = −(AP + PA) for
// symmetric A with P = UᵀU + VVᵀ; MoveToQ moves a linear network along its
// orbit to any prescribed Q (h(h+1)/2 of the orbit's h² coordinates), and
// ScaleForQ rescales a ReLU unit to any Q_j (a full coordinate of the
// rescaling orbit). Gradient flow keeps Q, so its end point in the valley is
// set by Q(θ₀).
//
// # Q at initialisation
//
// InitMoments gives the mean and variance of the official scalar Q under
// Gaussian initialisation; under U ~ N(0, 1/h), V ~ N(0, 1/n) the linear form
// has E[Q] = m − h and Var[Q] = 2m/h + 2h/n, a narrow band although the minimum
// contains points with every Q ∈ R.
package conserved

// Package noise computes the gradient noise of SGD and what it does to the
// conserved quantities of parameter-space symmetries: the Noether flow and
// the noise equilibria of Ziyin, Wang, Li and Wu, "Parameter Symmetry and
// Noise Equilibrium of Stochastic Gradient Descent" (NeurIPS 2024,
// arXiv:2402.07193).
//
// # Gradient noise
//
// For a loss that is a mean over N samples, L = (1/N) Σ_s ℓ_s, the noise of
// one sample's gradient has covariance Σ = E[∇ℓ∇ℓᵀ] − ∇L∇Lᵀ, and a minibatch
// of S samples has covariance cΣ with c = 1/S drawn with replacement and
// c = (N − S)/(S(N − 1)) without (SGD.Factor). PerSample computes the
// per-sample gradients of an nn.TwoLayer or nn.MLP in one batched forward
// and backward pass on an ad tape and keeps them factored (g_s[W] = δ_s a_sᵀ);
// Gradients gives Σ for small models (Cov) and Tr Σ, Tr[ΣA], Σv and Σ's top
// eigenpairs without forming it for large ones.
//
// # Exponential symmetries
//
// A loss has the exponential symmetry A (symmetric) if ℓ(e^{λA}θ) = ℓ(θ) for
// all λ; its charge C = θᵀAθ is conserved by gradient flow. Symmetry stores A
// by its blocks: Rescaling (A = diag(I, −I): a unit or a layer of a ReLU or
// linear net), Scaling (A = I on a normalised layer), DoubleRotation
// (U → U e^{λB}, W → e^{−λB} W for symmetric B), Attention (W_Q W_Kᵀ). Its
// Class is 1 when A has eigenvalues of both signs (a unique finite noise
// equilibrium on every orbit) and 2 when A is semidefinite (the norm
// diverges under SGD unless weight decay stops it).
//
// # The Noether flow, exactly
//
// One step θ' = (1 − ηγ)θ − ηĝ of SGD with weight decay changes the charge
// by exactly
//
//	C' = (1 − ηγ)² C + η² ĝᵀAĝ          (NextCharge; ΔC = η²ĝᵀAĝ for γ = 0)
//
// since ĝᵀAθ = 0 for every minibatch; its expectation is
//
//	E[C' − C] = −kC + η² (ḡᵀAḡ + c Tr[ΣA]),   k = 1 − (1 − ηγ)²  (ExpectedStep).
//
// Gradient descent (c = 0) moves C by η²ḡᵀAḡ, which vanishes with the
// gradient at a minimum; SGD keeps moving it by η²c Tr[ΣA]. The paper writes
// the continuous-time limit Ċ = −4γC + σ²Tr[ΣA] with σ² = η/(2S) and other
// constants elsewhere; they are not consistent across its equations, so this
// package uses the discrete law, which holds to rounding (Tracker checks it
// along a run), and reads the paper's constants off its leading order.
//
// # Noise equilibria
//
// Along the orbit θ_λ = e^{λA}θ the gradients transform as e^{−λA}g, so the
// expected drift D(λ) is a sum of exponentials in λ, strictly decreasing
// (Orbit): it has a unique zero λ*, the noise equilibrium, where the noise
// (and weight decay) balance, found by bracketing and bisection with the
// proof in Orbit.Equilibrium's comment. For the two-layer linear network all
// double rotations at once give the matrix condition
// V(Γ_V + κI)Vᵀ = Uᵀ(Γ_U + κI)U (LinearBalance, the paper's
// W Γ_W Wᵀ = Uᵀ Γ_U U), solved on the orbit in closed form
// (Balance.Equilibrate).
//
// # Sharpness
//
// LinearSharpness is S = Tr ∇²L of the two-layer linear network in closed
// form; Hutchinson estimates it for any objective.
package noise

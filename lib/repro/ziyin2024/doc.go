// Package ziyin2024 reproduces Ziyin, Wang, Li and Wu, "Parameter Symmetry
// and Noise Equilibrium of Stochastic Gradient Descent" (NeurIPS 2024,
// arXiv:2402.07193; v1 "The Implicit Bias of Gradient Noise: A Symmetry
// Perspective"): one function per figure or claim, each with a Settings
// struct whose zero value is the paper's setting (or, where the paper does
// not print it, the setting documented on the struct), a fast preset for the
// tests, and a typed result (see package repro for the shape). The
// mathematics lives in package noise.
//
// The paper has no public code, and its constants differ between its
// equations (the noise scale σ² = η/(2S) against the decay 4γC, for
// instance). Every prediction here is derived from the exact discrete law of
// one SGD step, C' = (1 − ηγ)²C + η²ĝᵀAĝ (noise.NextCharge), and its
// expectation, not from the paper's continuous-time constants.
//
// Orientation: the two-layer network is f(x) = U V x with U m×h and V h×n
// (nn.TwoLayer, samples as columns); the paper's W is V.
//
// The files follow the notebooks:
//
//	linear.go        the two-layer linear problem y = x + ε shared by 14–16
//	flow.go          14  the Noether flow: the exact law, GD against SGD, the drift rate, Fig. 1
//	equilibria.go    15  noise equilibria: Figs. 2–3, the 30-40-30 net, time to equilibrium
//	warmup.go        16  Fig. 4, warm-up and sharpness
//	classtwo.go      17  Figs. 5–6, scale invariance and representation alignment
package ziyin2024

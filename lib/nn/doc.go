// Package nn holds the networks of the paper as plain Go functions of their
// parameters, with the parameters, initialisations and losses they need and
// the glue that turns them into the flat objective func(theta, grad []float64)
// float64 used by optimisers and Hessian routines.
//
// # Conventions
//
// Samples are columns, as in the paper: the two-layer network is
//
//	f(X) = U σ(V X),  U ∈ R^{m×h},  V ∈ R^{h×n},  X ∈ R^{n×k},  f(X) ∈ R^{m×k},
//
// so a weight is out×in and a bias is a column added to every sample. (The
// official code stores V transposed; the paper's orientation is used here so
// that symmetries read g·(U, V) = (U g⁻¹, g V).) A batch of images is a
// (C·H·W)×N matrix, one flattened image per column (see ad.Dims).
//
// # Parameters
//
// Params is an ordered set of named matrices that are views into one vector:
// p.M("U") is a matrix, p.Vec() is θ with no copy, and writing either changes
// both. Gradients use a second Params of the same layout (p.NewLike()).
//
// # Objectives
//
// NewObjective(model, X, Y, loss).Func is L(θ) with its gradient:
//
//	L(θ) = loss(f_θ(X), Y),  grad ← ∇_θ L(θ),
//
// computed by reverse-mode differentiation (package ad) on one reused tape,
// without allocating after the first call; Batch does the same on a
// minibatch of sample indices, for SGD. Step takes a whole plain SGD step,
// θ ← θ − rate·∇L_batch(θ), without a gradient vector: each weight matrix
// takes its step inside the product that computes its gradient
// (ad.Tape.Descend), which saves writing the gradient and reading it back.
//
// Losses: MSE (mean over all entries, as PyTorch's MSELoss and the official
// code), Frobenius ‖Y − F‖_F, SquaredError ‖Y − F‖²_F, HalfSquaredError
// ½‖Y − F‖²_F/k, and CrossEntropy (softmax, labels or target distributions).
//
// Parameters are saved and loaded as NumPy .npy files, one per matrix.
package nn

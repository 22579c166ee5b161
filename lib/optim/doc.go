// Package optim trains models and integrates their gradient flow: the
// discrete optimisers (gradient descent, SGD with momentum and weight decay,
// Adam), gradient flow as an ordinary differential equation solved with
// controlled error, and observers that record quantities along a run.
//
// # Objectives
//
// An objective is a Func, func(theta, grad []float64) float64, returning
// L(θ) and writing ∇L(θ) into grad; a BatchFunc adds the indices of a
// minibatch. Both are type aliases, so functions from package nn or any
// closure of that shape can be passed directly. θ is a caller-owned
// []float64, updated in place; no run allocates per step after its first.
//
// # Discrete optimisers
//
// A Rule maps (θ, g) to the next iterate. With learning rate η and weight
// decay γ (decoupled: the decay multiplies θ, it is not added to g):
//
//	GD:        θ ← (1 − ηγ) θ − η g
//	Momentum:  b ← μ b + g;  θ ← (1 − ηγ) θ − η b
//	Adam:      θ ← (1 − ηγ) θ − η m̂ / (√v̂ + ε)
//
// Run applies a rule to the full-batch gradient for a number of steps;
// RunBatch applies it to minibatch gradients over shuffled epochs, so that
// RunBatch with a *GD is stochastic gradient descent.
//
// Gradient descent is the explicit Euler method for gradient flow and so
// breaks the flow's conservation laws at second order. For the two-layer
// linear network L(U, V) = ½‖UVX − Y‖²_F, whose flow conserves
// Q = UᵀU − VVᵀ, one GD step changes Q by exactly
//
//	Q_{k+1} − Q_k = η² (G_UᵀG_U − G_V G_Vᵀ)
//
// (G the gradients), and with decoupled weight decay
// Q_{k+1} = (1 − ηγ)² Q_k + η² (G_UᵀG_U − G_V G_Vᵀ), for full batches and
// minibatches alike. The drift of Q up to a fixed time t = kη is therefore
// O(η).
//
// # Gradient flow
//
// Flow integrates dθ/dt = −∇L(θ) with the Dormand–Prince 5(4) pair and
// adaptive steps whose local error is kept below RTol (1e-10 by default),
// so a conservation law of the flow is seen to hold to about 1e-10, not
// broken at O(η) as by gradient descent.
//
// # Observers
//
// Every run shows its states (step, time, loss, gradient, θ) to a list of
// Observers before each update and once at the end. A Recorder keeps named
// series every k steps for plotting; between records it costs one counter
// increment. A loss or gradient that is NaN or infinite stops a run with a
// *NonFiniteError naming the step and the culprit.
package optim

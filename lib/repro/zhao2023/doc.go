// Package zhao2023 reproduces Zhao, Ganev, Walters, Yu and Dehmamy,
// "Symmetries, Flat Minima, and the Conserved Quantities of Gradient Flow"
// (ICLR 2023, arXiv:2210.17216): one function per figure or claim, each with
// a Settings struct whose zero value is the paper's setting, a fast preset
// for tests where the paper's setting is too slow for them, and a typed
// result (see package repro for the shape).
//
// Orientation: as in the paper, a two-layer network is f(X) = U σ(V X) with
// U m×h, V h×n and samples as the columns of X (the official code stores V
// transposed). Activations are nn's (nn.Linear, nn.ReLU, nn.Tanh,
// nn.Sigmoid, …); conserved.Official knows the official conserved form of
// the four the official experiments use.
//
// The files follow the notebooks:
//
//	symmetries.go    01  activation equivariances, the actions' invariance, Fig. 1's flat orbit
//	conserved.go     02  Q from the symmetry, conserved by the flow, Fig. 3's GD drift ∝ η
//	qcoords.go       03  Q as coordinates on the minimum
//	initq.go         04  Figs. 4–5, Q at initialisation
//	convergence.go   05  Figs. 6–7, Q and the convergence rate
//	sharpness.go     06  Fig. 9, Q and the Hessian spectrum
//	fixq.go          05, 06  Q at a fixed function: Figs. 6 and 9 along one network's orbit
//	nonlinear.go     07  the nonlinear, data-dependent action
//	ensembles.go     08  Fig. 10, ensembles from the nonlinear action
//	adversarial.go   09  Fig. 11, robustness of the group ensemble
//	runs.go          08  Fig. 10 over five trained networks × five draws, with intervals
//	adversarial_runs.go  09  Fig. 11 over five networks, and its controls
package zhao2023

import "github.com/noetherlab/noether/lib/nn"

// OfficialActs are the activations of the official experiments (Figs. 3–6
// and 9), in the paper's order; conserved.Official has a form for each. The
// figures take their activations from here: adding an activation to them is
// adding it here and, for its conserved quantity, to conserved's table of
// official forms.
var OfficialActs = []nn.Activation{nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid}

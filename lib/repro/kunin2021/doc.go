// Package kunin2021 reproduces Kunin, Sagastuy-Brena, Ganguli, Yamins and
// Tanaka, "Neural Mechanics: Symmetry and Broken Conservation Laws in Deep
// Learning Dynamics" (ICLR 2021): the rescale quantity of a ReLU unit,
// conserved by gradient flow, is broken by weight decay (exponential decay),
// by momentum (a damped, driven oscillator) and by a finite learning rate
// (a drift of order η), each in closed form; predicted beside measured on an
// MLP on Fashion-MNIST (see package repro for the shape).
//
// Every prediction is checked twice: against the paper's continuous-time
// form, which is right to O(η), and against the exact law of the discrete
// update this package runs, which holds to rounding.
//
//	mechanics.go   20  broken conservation: weight decay, finite learning rate, momentum
package kunin2021

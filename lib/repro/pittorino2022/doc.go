// Package pittorino2022 reproduces Pittorino, Ferraro, Perugini, Feinauer,
// Baldassi and Zecchina, "Deep Networks on Toroids: Removing Symmetries
// Reveals the Structure of Flat Regions in the Landscape Geometry" (ICML
// 2022, arXiv:2202.03038) on Fashion-MNIST with the MLP 784-64-64-10 (ReLU):
// one function per claim, each with a Settings struct whose zero value is
// the notebook's setting, a fast preset for tests, and a typed result (see
// package repro for the shape). The methods are package landscape's.
//
// The paper's code is not public and its settings are not all known here,
// so every experiment states the set-up it adopts; values compared with
// the paper are labelled "derived" (notebooks/REFERENCES.md says how they
// were obtained).
//
// The files follow the notebooks:
//
//	minima.go    shared: the architecture, the samplers' minima, intervals
//	symmetry.go  10  canonical form, planted copies, the torus of a toy net
//	flatness.go  11  local energy against test error; Dinh et al.'s rescaling
//	barriers.go  12  barriers along five kinds of path; zero-error bent paths
//	binary.go    13  the same for binary networks
package pittorino2022

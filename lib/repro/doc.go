// Package repro is the home of the experiments: one subpackage per paper,
// one exported function per figure or claim.
//
//	zhao2023        Zhao, Ganev, Walters, Yu, Dehmamy, "Symmetries, Flat Minima, and the
//	                Conserved Quantities of Gradient Flow", ICLR 2023 (notebooks 01–09)
//	pittorino2022   Pittorino, Ferraro, Perugini, Feinauer, Baldassi, Zecchina, "Deep
//	                Networks on Toroids", ICML 2022 (notebooks 10–13)
//	ziyin2024       Ziyin, Wang, Li, Wu, "Parameter Symmetry and Noise Equilibrium of
//	                Stochastic Gradient Descent", NeurIPS 2024 (notebooks 14–17)
//	marcotte2023    Marcotte, Gribonval, Peyré, "Abide by the Law and Follow the Flow:
//	                Conservation Laws for Gradient Flows", NeurIPS 2023 (notebook 18)
//	zhao2022        Zhao, Dehmamy, Walters, Yu, "Symmetry Teleportation for Accelerated
//	                Optimization", NeurIPS 2022, and its ICLR 2024 follow-up (notebook 19)
//	kunin2021       Kunin, Sagastuy-Brena, Ganguli, Yamins, Tanaka, "Neural Mechanics",
//	                ICLR 2021 (notebook 20)
//	kunin2024       Kunin, Raventós, Dominé, Chen, Klindt, Saxe, Ganguli, "Get rich quick",
//	                NeurIPS 2024 (notebook 21)
//
// Every experiment follows one shape, so that a notebook, a test and a
// program reuse the same set-up instead of copying it:
//
//   - A function Name(s NameSettings) (*NameResult, error). Its doc comment
//     states the set-up (model, data, initialisation, optimiser, steps) and
//     cites the paper's figure or equation.
//   - NameSettings: the zero value is the paper's setting (zero fields take
//     the paper's values); a documented fast preset (NameSettings.Fast or a
//     FastName variable) is what the tests run.
//   - NameResult: typed curves, table rows and measured numbers. Tests assert
//     on these fields; notebooks draw them, often through small Plot and
//     Table methods on the result, and cache them by content with
//     cache.Call(repro.Name, s).
//
// Where a number is compared with the paper, the result carries both the
// measured value and the reference, labelled "paper" when the paper prints
// it and "derived" when it was derived (notebooks/REFERENCES.md says how).
package repro

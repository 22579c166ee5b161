// Package landscape studies the error landscape of multilayer perceptrons
// with their parameter-space symmetries removed, after Pittorino, Ferraro,
// Perugini, Feinauer, Baldassi and Zecchina, "Deep Networks on Toroids:
// Removing Symmetries Reveals the Structure of Flat Regions in the
// Landscape Geometry" (ICML 2022): canonical forms, permutation alignment,
// paths and barriers between minima, flatness, samplers of minima of
// different flatness, and binary networks.
//
// The paper's own code is not public; each definition below is the one
// this package adopts, stated where it is implemented.
//
// # Canonical form
//
// An nn.MLP with a positively homogeneous activation (ReLU: σ(cz) = cσ(z),
// c > 0) computes the same function after any hidden unit's incoming
// weights and bias are multiplied by c > 0 and its outgoing weights by
// 1/c. Canonicalize removes that freedom unit by unit from the input,
// giving each unit's (w_j, b_j) unit norm and pushing the factor into the
// next layer, and divides the last layer by its Frobenius norm ρ (which
// scales the logits, so the loss, but not the predicted class). The result
// is a point of a product of spheres, one per hidden unit and one for the
// last layer (Canonical, Spheres): for units with one input and a bias each
// factor is a circle and the product a torus. For odd activations (tanh)
// each unit's sign is fixed instead. The remaining symmetry, the
// permutation of hidden units, is removed by aligning to a reference net:
//
//	Assign          exact linear assignment (Hungarian method), min Σ_i C[i, π(i)]
//	Perms, Align    layer-by-layer cosine matching, or Git Re-Basin's weight matching
//	Permute         apply the permutations (the function is unchanged)
//	Distance        geodesic distance on the product of spheres
//
// # Paths and barriers
//
// A Path is a curve w(t), t ∈ [0, 1]. Line is the chord in any coordinates
// (raw, aligned, canonical); Sphered is the chord or, with Slerp, the
// geodesic of the product of spheres (per-unit great circles); Chain is the
// polygonal path with one bend, whose bend TrainBend trains by SGD on the
// loss averaged along it; Hamming is a geodesic of the hypercube between two
// binary networks. Along evaluates error and loss at equally spaced points
// and Profile.Barrier returns
//
//	B = max_t E(w(t)) − ½ (E(w(0)) + E(w(1))).
//
// An Evaluator computes error and mean cross-entropy on a data set stored
// one sample per row, without transposing it.
//
// # Flatness
//
// LocalEnergy is the mean rise of the training error under noise,
//
//	δE(w, σ) = E_z[E_train(w ⊙ (1 + σz))] − E_train(w),  z ~ N(0, I),
//
// with multiplicative noise, which moves every weight in proportion to its
// size and so has the same value at every point of a rescaling orbit; with
// Additive noise (w + σz) it is the classical perturbative sharpness, which
// Dinh et al. (2017)'s α-rescaling changes at will; Flip noise negates
// weights of binary networks. Package hessian gives the curvature measures.
//
// # Samplers and binary networks
//
// A Sampler is a recipe for a minimum: SGD at a batch size and learning
// rate, Adam, or replicated SGD (Pittorino et al. 2021), which seeks wide
// flat minima. BinaryMLP has ±1 weights and activations, trained with the
// straight-through estimator; its only symmetry is the permutation of
// hidden units.
//
// # Errors
//
// Nets of different shapes, and a rescaling asked of an activation that is
// not positively homogeneous, return an error naming the layer and the
// shapes, for example
//
//	landscape: Align: layer 2: W2 is 64×64 in the first net and W2 is 32×64 in the second
package landscape

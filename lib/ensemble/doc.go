// Package ensemble builds ensembles of networks transformed by the
// nonlinear, data-dependent group action of Zhao et al. (ICLR 2023, Sec. 4
// and Fig. 10–11), with the baselines of the paper's experiments, and
// evaluates them by majority vote and by mean softmax.
//
// # The network and its head
//
// A classifier is read as features followed by a two-layer head around its
// "group-activation layer" σ:
//
//	f(x) = U σ(V φ(x) + b) + c,
//
// with φ the convolutional features of nn.ConvNet (fc1 = (V, b), fc2 = (U, c))
// or the identity for a one-hidden-layer nn.MLP (W1, b1, W2, b2). Net holds
// the trained model and views of V, b, U, c; Net.Hidden computes the
// pre-activations H = V φ(X) + b 1ᵀ (h×N, one sample per column).
//
// # Members
//
// A Member is the network with fc1 and fc2 replaced by
//
//	(V, b) → (G V, G b),   U → U′,   c unchanged,
//
// so that it computes U′ σ(G H) + c on pre-activations H (Member.Logits),
// and its full parameters are Net.Apply(member). The kinds of ensemble
// differ in how G and U′ are chosen; G = e^{εT_i} with T_i = randn(h,h)/√h
// (sym.SampleGL) is drawn from (Seed, i), so that member i has the same T_i
// in every kind and at every ε:
//
//   - Group: U′ = U π_i with π_i = σ(H_i) σ(G H_i)⁺ (sym.NonlinearPi) fitted on
//     member i's own batch of h samples, pre-activations H_i: the nonlinear
//     action (sym.NonlinearAct on (U, [V b])). Member i computes exactly the
//     base network's output on its batch, and approximately elsewhere.
//   - Random: U′ = U (I + ε R), R_jk ~ U[0, 1): an arbitrary matrix of the
//     same scale in place of π (the official "random").
//   - Shuffled: U′ = U P π_i Q with random permutation matrices P, Q: π_i
//     with its rows and columns shuffled (the official "random_permute").
//   - Inverse: U′ = U G⁻¹, the linear action (sym.GL), a symmetry only for
//     a linear σ; for a nonlinear σ it changes the function (the official
//     "random_g").
//   - Interpolated: G = (I + ½ε(I + P))/(1 + ε) for a random permutation
//     matrix P, U′ = U G⁻¹: a path from the identity (ε = 0) towards the
//     permutation average ½(I + P) (the official "random_inter").
//
// The official notebooks (ensemble_CIFAR.ipynb, adversarial_CIFAR.ipynb)
// add noise of 1e-4 to the stored pre-activations before fitting π; here π
// is fitted on the exact pre-activations by a pseudo-inverse.
//
// # Prediction
//
// For K members with logits Z_1, …, Z_K the ensemble predicts
//
//	vote:          ŷ = the most frequent of argmax Z_i (ties: the smallest class, as torch.mode),
//	mean softmax:  ŷ = argmax (1/K) Σ_i softmax(Z_i).
//
// Vote and Average combine given logits; Ensemble.Accuracy evaluates every
// prefix of the members at once (the ensembles of sizes 10, 20, … of one
// draw), so one trained network and one set of members serve a whole grid
// of sizes. (The official notebook trained a new network for every cell of
// its grid.)
//
// # Attacks
//
// Ensemble.Gradient is the gradient, with respect to the inputs, of the
// ensemble's mean-softmax loss
//
//	L(X) = −(1/N) Σ_j log( (1/K) Σ_i softmax(Z_i(x_j))_{y_j} ),
//
// computed through the features by reverse-mode differentiation (package
// ad) with the logarithm of the sum taken stably over members: the
// white-box attack on the ensemble itself, as opposed to attacks crafted on
// the base network and transferred (package attack). Ensemble.MemberGradient
// follows the members' mean cross-entropy instead.
package ensemble

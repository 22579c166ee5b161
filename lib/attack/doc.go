// Package attack crafts adversarial examples: the fast gradient sign method
// (FGSM, Goodfellow et al. 2015), projected gradient descent (PGD, Madry et
// al. 2018) and the gradient-free SPSA (Uesato et al. 2018) in the L∞ ball,
// always clipped to the true range of the data.
//
// An attack needs only an input-gradient oracle, a Gradient: for inputs X
// (d×N, one sample per column) and labels y it returns a loss L(X, y) and
// ∂L/∂X. ModelGradient is the mean softmax cross-entropy of an nn.Model's
// logits (softmax applied once, inside the loss); ensemble.Ensemble.Gradient
// is that of an ensemble's averaged probabilities. An attack crafted with one
// model's gradient and evaluated on another is a transfer attack; crafted
// with the gradient of the model it is evaluated on, a white-box attack.
//
// # FGSM
//
//	x′ = clip_[lo, hi](x + ε sign ∇ₓL(x, y))
//
// # PGD
//
// From x⁰ = x, or a random start x⁰ = clip_[lo,hi](x + u) with u uniform in
// [−ε, ε]^d, each iteration takes a signed gradient step of size α and
// projects back onto the ball and the box:
//
//	x^{t+1} = clip_{[max(lo, x − ε), min(hi, x + ε)]}(x^t + α sign ∇ₓL(x^t, y)).
//
// This is advertorch's LinfPGDAttack (used by the official adversarial
// notebook of Zhao et al.), whose defaults are ε = 0.3, α = 0.01 and a random
// start, with its clip range [lo, hi] set to the data's.
//
// # SPSA
//
// SPSA needs no gradient, only a Loss per sample: it estimates the gradient
// from the loss at x ± δv for random sign vectors v and takes PGD's signed
// steps. A model that resists gradient attacks only because its gradient is
// uninformative (gradient masking) does not resist it.
//
// # The data's range
//
// The official notebook centres CIFAR-10 to [−½, ½] but clips adversarial
// images to advertorch's default [0, 1]: every negative pixel becomes 0,
// half the image is erased whatever ε, and the accuracies it reports measure
// that, not the attack. Box holds the range to clip to; use the data's
// (classify.Data.Lo, Hi).
//
// The loss of all samples is a mean, so the gradient of one sample depends
// on the others only through the factor 1/N, which the sign ignores: the
// attacks call the oracle on parts of about Chunk samples, which keeps the
// memory of a convolutional network small and its activations in the
// caches. Another N scales the gradient, so its last bits may differ, but
// not its signs (unless an entry is zero up to rounding): the adversarial
// images are the same.
package attack

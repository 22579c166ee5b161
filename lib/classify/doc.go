// Package classify trains and evaluates the image classifiers of the
// ensemble and adversarial notebooks: it loads a classification problem
// (Fashion-MNIST, CIFAR-10 when its files are present, or a synthetic
// stand-in when neither is), trains a model by minibatch Adam on the mean
// softmax cross-entropy, and predicts in chunks so that a whole test set fits
// in memory.
//
// # Data
//
// Load picks, in order,
//
//  1. CIFAR-10, when $NOETHER_CIFAR10 names a directory holding its binary
//     files (data.CIFAR10);
//  2. Fashion-MNIST, from the Debian package dataset-fashion-mnist or
//     $NOETHER_FASHION_MNIST, else downloaded into the user's cache the
//     first time unless NOETHER_OFFLINE=1 (data.FashionMNIST);
//  3. otherwise a Gaussian mixture of ten classes shaped as 1×28×28 images
//     (data.Mixture), so that a notebook still runs; Data.Note says so, and
//     no number measured on it should be compared with a paper's.
//
// Pixels are scaled as LoadSettings.Scale says; the official notebooks of
// Zhao et al. centre them, x = p/255 − ½ ∈ [−½, ½] (data.Centered).
// Data.Lo and Data.Hi are the bounds every input lies in: an adversarial
// perturbation must be clipped to them, not to [0, 1], or it changes what the
// images are (one of the flaws of the official adversarial notebook).
//
// # Training
//
// Train minimises
//
//	L(θ) = (1/|B|) Σ_{i∈B} [log Σ_c exp f_θ(x_i)_c − f_θ(x_i)_{y_i}]
//
// over minibatches B of a new random permutation every epoch, with Adam
// (learning rate 1e-3 and batch 32 by default, the official settings):
// softmax is applied once, inside the loss, and the model outputs logits.
// Logits and Accuracy evaluate a trained model on a whole set, Chunk samples
// at a time.
package classify

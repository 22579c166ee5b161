package ensemble_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
)

// benchEnsemble is notebook 08's set-up at its sizes: a group ensemble of
// size members of a 20-16-10 net with activation act (h = 16 hidden units,
// 10 classes), the hidden features of 10 000 random samples and their
// random labels.
func benchEnsemble(act nn.Activation, size int) (e *ensemble.Ensemble, H *mat.Dense, labels []int) {
	rng := rand.New(rand.NewPCG(1, 2))
	mlp := nn.MLP{Sizes: []int{20, 16, 10}, Act: act}
	net := ensemble.NewNet(mlp, mlp.Init(rng, nn.KaimingUniform))
	const n = 10000
	H = net.Hidden(randn(rng, 20, n))
	fit := net.Hidden(randn(rng, 20, size*16))
	labels = make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	e = ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: 0.1, Size: size, Seed: 7, Fit: fit})
	return e, H, labels
}

// BenchmarkVoteAccuracy is notebook 08's inner loop at its sizes: 60
// members (relu²) voting on 10 000 samples.
func BenchmarkVoteAccuracy(b *testing.B) {
	const size = 60
	e, H, labels := benchEnsemble(nn.ReLU2, size)
	b.ResetTimer()
	for range b.N {
		e.VoteAccuracy(H, labels, []int{10, size})
	}
}

// BenchmarkAccuracy is notebook 08's Fig. 10 loop at its sizes: 120
// members (leaky ReLU) voting and averaging their softmaxes on 10 000
// samples.
func BenchmarkAccuracy(b *testing.B) {
	const size = 120
	e, H, labels := benchEnsemble(nn.LeakyReLU(0.1), size)
	for b.Loop() {
		e.Accuracy(H, labels, []int{10, 60, size})
	}
}

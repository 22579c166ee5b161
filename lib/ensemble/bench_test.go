package ensemble_test

import (
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
)

// BenchmarkVoteAccuracy is notebook 08's inner loop at its sizes: 60
// members of a group ensemble (h = 16 hidden units, 10 classes, relu²) voting
// on 10 000 samples.
func BenchmarkVoteAccuracy(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	mlp := nn.MLP{Sizes: []int{20, 16, 10}, Act: nn.ReLU2}
	net := ensemble.NewNet(mlp, mlp.Init(rng, nn.KaimingUniform))
	const n, size = 10000, 60
	H := net.Hidden(randn(rng, 20, n))
	fit := net.Hidden(randn(rng, 20, size*16))
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: 0.1, Size: size, Seed: 7, Fit: fit})
	b.ResetTimer()
	for range b.N {
		e.VoteAccuracy(H, labels, []int{10, size})
	}
}

// BenchmarkAccuracy is notebook 08's Fig. 10 loop at its sizes: 120
// members of a group ensemble voting and averaging their softmaxes on
// 10 000 samples.
func BenchmarkAccuracy(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	mlp := nn.MLP{Sizes: []int{20, 16, 10}, Act: nn.LeakyReLU(0.1)}
	net := ensemble.NewNet(mlp, mlp.Init(rng, nn.KaimingUniform))
	const n, size = 10000, 120
	H := net.Hidden(randn(rng, 20, n))
	fit := net.Hidden(randn(rng, 20, size*16))
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: 0.1, Size: size, Seed: 7, Fit: fit})
	for b.Loop() {
		e.Accuracy(H, labels, []int{10, 60, size})
	}
}

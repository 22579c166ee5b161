package attack_test

import (
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/attack"
	"github.com/noetherlab/noether/lib/nn"
)

// BenchmarkFGSM times one FGSM step on 1000 images through the notebooks'
// conv net (1×28×28 images, 32 channels, 16 hidden units, 10 classes, random
// weights): a forward and a backward pass to the input. Notebook 09 makes
// about 60 such steps.
func BenchmarkFGSM(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	model := nn.ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 32, Hidden: 16, Classes: 10, Act: nn.LeakyReLU(0.1)}
	p := model.Init(rng, nn.KaimingUniform)
	const N = 1000
	x := images(rng, 784, N, -0.5, 0.5)
	y := make([]int, N)
	for j := range y {
		y[j] = rng.IntN(10)
	}
	grad, box := attack.ModelGradient(model, p), attack.Box{Lo: -0.5, Hi: 0.5}
	dst := attack.FGSM(nil, x, y, grad, 0.01, box)
	for b.Loop() {
		attack.FGSM(dst, x, y, grad, 0.01, box)
	}
}

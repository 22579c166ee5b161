package attack_test

import (
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/attack"
)

// BenchmarkFGSM times one FGSM step on 1000 images through the notebooks'
// conv net (1×28×28 images, 32 channels, 16 hidden units, 10 classes, random
// weights): a forward and a backward pass to the input. Notebook 09 makes
// about 60 such steps.
func BenchmarkFGSM(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	model, p, x, y := convNetProblem(rng, 1000)
	grad, box := attack.ModelGradient(model, p), attack.Box{Lo: -0.5, Hi: 0.5}
	dst := attack.FGSM(nil, x, y, grad, 0.01, box)
	for b.Loop() {
		attack.FGSM(dst, x, y, grad, 0.01, box)
	}
}

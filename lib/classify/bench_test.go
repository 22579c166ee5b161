package classify_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// The paper's conv net (32 channels, 16 hidden units) on one Adam minibatch
// of 32 images: the forward pass alone (loss, no gradient) and forward plus
// backward (loss and gradient), for Fashion-MNIST's 1×28×28 and CIFAR-10's
// 3×32×32 images.
func BenchmarkConvNet(b *testing.B) {
	for _, c := range []struct {
		name string
		in   ad.Dims
	}{{"fashion", ad.Dims{C: 1, H: 28, W: 28}}, {"cifar", ad.Dims{C: 3, H: 32, W: 32}}} {
		rng := rand.New(rand.NewPCG(1, 2))
		model := nn.ConvNet{In: c.in, Channels: 32, Hidden: 16, Classes: 10, Act: nn.LeakyReLU(0.1)}
		p := model.Init(rng, nn.KaimingUniform)
		const batch = 32
		x := data.Normal(rng, batch, c.in.Size(), 0.3)
		y := mat.NewDense(batch, 1, nil) // labels, one per row
		for i := 0; i < batch; i++ {
			y.Set(i, 0, float64(rng.IntN(10)))
		}
		obj := nn.NewObjectiveRows(model, x, y, nn.CrossEntropy)
		idx := make([]int, batch)
		for i := range idx {
			idx[i] = i
		}
		grad := make([]float64, p.Len())
		b.Run(c.name+"/forward", func(b *testing.B) {
			for b.Loop() {
				obj.Batch(p.Vec(), nil, idx)
			}
		})
		b.Run(c.name+"/forward+backward", func(b *testing.B) {
			for b.Loop() {
				obj.Batch(p.Vec(), grad, idx)
			}
		})
	}
}

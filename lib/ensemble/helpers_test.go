package ensemble_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/classify"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
)

// A trained base network for the claim tests of notebooks 08 and 09, on
// Fashion-MNIST centred to [−½, ½] (the tests skip without it: CI installs
// it). The MLP is the Fashion-MNIST stand-in for the paper's CIFAR-10 network, 784 → 16 →
// LeakyReLU(0.1) → 10, Adam (lr 1e-3, batch 32) for 2 epochs on all 60000
// images; the conv net is the notebooks' network (nn.ConvNet, 32 channels,
// 16 hidden units, LeakyReLU(0.1)) for 1 epoch on the first 10000 images
// (the notebooks use all 60000: a faster, slightly weaker network here).
type trained struct {
	net   *ensemble.Net
	data  *classify.Data
	train *data.Set // the images it was trained on
}

var (
	trainedOnce sync.Map // "mlp", "conv" → func() *trained
)

func fashion(t *testing.T, kind string) *trained {
	f, _ := trainedOnce.LoadOrStore(kind, sync.OnceValue(func() *trained { return train(kind) }))
	tr := f.(func() *trained)()
	if tr.data.Synthetic() {
		t.Skip("Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist)")
	}
	return tr
}

func train(kind string) *trained {
	d, err := classify.Load(classify.LoadSettings{Scale: data.Centered})
	if err != nil {
		panic(err)
	}
	if d.Synthetic() {
		return &trained{data: d}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	act := nn.LeakyReLU(0.1)
	var model nn.Model = nn.MLP{Sizes: []int{784, 16, 10}, Act: act}
	set, s := d.Train, classify.Settings{Epochs: 2}
	if kind == "conv" {
		model = nn.ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 32, Hidden: 16, Classes: 10, Act: act}
		set = &data.Set{X: d.Train.X.Slice(0, 10000, 0, 784).(*mat.Dense), Labels: d.Train.Labels[:10000], Classes: d.Train.Classes, Shape: d.Train.Shape}
		s.Epochs = 1
	}
	p := model.Init(rng, nn.KaimingUniform)
	if _, err := classify.Train(model, p, set, s); err != nil {
		panic(err)
	}
	return &trained{net: ensemble.NewNet(model, p), data: d, train: set}
}

// fitHidden returns the pre-activations of the last size·h training images,
// the batches the members' π are fitted on.
func (tr *trained) fitHidden(size int) *mat.Dense {
	n := tr.train.Len()
	k := size * tr.net.Width()
	return tr.net.Hidden(mat.DenseCopyOf(tr.train.X.Slice(n-k, n, 0, 784).T()))
}

// test returns the first n test images as columns and their labels.
func (tr *trained) test(n int) (*mat.Dense, []int) {
	return mat.DenseCopyOf(tr.data.Test.X.Slice(0, n, 0, 784).T()), tr.data.Test.Labels[:n]
}

package ensemble

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// convNet returns the notebooks' conv net (1×28×28 images, 32 channels, 16
// hidden units, 10 classes) with random weights, and n random images.
func convNet(n int) (*Net, *mat.Dense) {
	rng := rand.New(rand.NewPCG(1, 2))
	model := nn.ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 32, Hidden: 16, Classes: 10, Act: nn.LeakyReLU(0.1)}
	x := mat.NewDense(784, n, nil)
	for i, d := 0, x.RawMatrix().Data; i < len(d); i++ {
		d[i] = rng.Float64() - 0.5
	}
	return NewNet(model, model.Init(rng, nn.KaimingUniform)), x
}

// Hidden in parts gives the same bits as one pass over all the samples,
// whatever their number (parts of more than 16 samples; see hiddenParts).
func TestHiddenPartsSameBits(t *testing.T) {
	net, x := convNet(1000)
	for _, N := range []int{1, 16, 17, 59, 60, 61, 130, 1000} {
		xs := mat.DenseCopyOf(x.Slice(0, 784, 0, N))
		tp := ad.NewTape()
		w := make([]*ad.Node, net.Params.Count())
		for i := range w {
			w[i] = tp.Const(net.Params.At(i))
		}
		want := net.hidden(tp, w, tp.Const(xs)).Value()
		if got := net.Hidden(xs); !mat.Equal(got, want) {
			t.Errorf("%d samples in %d parts: pre-activations differ from one pass by up to %g",
				N, hiddenParts(N), maxAbsDiff(got, want))
		}
	}
}

func maxAbsDiff(a, b *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1))
}

// BenchmarkHidden times the pre-activations of 1000 images through the
// notebooks' conv net (notebook 09 computes them about 300 times).
func BenchmarkHidden(b *testing.B) {
	net, x := convNet(1000)
	for b.Loop() {
		net.Hidden(x)
	}
}

package classify

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
)

// Data is a classification problem: a training and a test set of images,
// one per row, and the interval every input lies in.
type Data struct {
	// Name says what was loaded: "Fashion-MNIST", "CIFAR-10" or
	// "synthetic mixture".
	Name string
	// Note is empty for real data; for the synthetic stand-in it says why
	// it was used and that its numbers are not the paper's.
	Note        string
	Train, Test *data.Set
	// Lo and Hi bound every input: x ∈ [Lo, Hi]^d.
	Lo, Hi float64
}

// Synthetic reports whether the data are the synthetic stand-in.
func (d *Data) Synthetic() bool { return d.Note != "" }

// Shape returns the shape of one image.
func (d *Data) Shape() data.Shape { return d.Train.Shape }

func (d *Data) String() string {
	s := fmt.Sprintf("%s: %d training and %d test images of %v, %d classes, inputs in [%g, %g]",
		d.Name, d.Train.Len(), d.Test.Len(), d.Train.Shape, len(d.Train.Classes), d.Lo, d.Hi)
	if d.Note != "" {
		s += "\n" + d.Note
	}
	return s
}

// LoadSettings are the options of Load. The zero value loads every image
// with pixels in [0, 1].
type LoadSettings struct {
	// Train and Test, if positive, keep only the first Train training and
	// Test test images.
	Train, Test int
	// Scale maps pixel bytes to inputs (data.Centered for the paper's
	// [−½, ½]).
	Scale data.Scaling
	// Seed draws the synthetic stand-in.
	Seed uint64
}

// Load returns CIFAR-10 if $NOETHER_CIFAR10 names its files, else
// Fashion-MNIST (installed, or downloaded unless downloads are off), else a
// synthetic mixture (see the package documentation). Only a missing data
// set, or one whose download failed, moves on to the next; a malformed file
// is an error.
func Load(s LoadSettings) (*Data, error) {
	if os.Getenv(data.CIFAR10Env) != "" {
		d, err := load("CIFAR-10", data.CIFAR10, s)
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return d, err
		}
	}
	d, err := load("Fashion-MNIST", data.FashionMNIST, s)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return d, err
	}
	train, test := Mixture(s.Seed, s.Train, s.Test)
	lo, hi := bounds(train.X, test.X)
	return &Data{
		Name: "synthetic mixture",
		Note: "Fashion-MNIST is not installed (sudo apt-get install dataset-fashion-mnist) and was not downloaded: " +
			"this is a synthetic stand-in (data.Mixture, 10 Gaussian classes in 784 dimensions), " +
			"which keeps the notebook running; its numbers are not comparable with the paper's.",
		Train: train, Test: test, Lo: lo, Hi: hi,
	}, nil
}

func load(name string, f func(data.Split, *data.Settings) (*data.Set, error), s LoadSettings) (*Data, error) {
	train, err := f(data.Train, &data.Settings{Limit: s.Train, Scale: s.Scale})
	if err != nil {
		return nil, err
	}
	test, err := f(data.Test, &data.Settings{Limit: s.Test, Scale: s.Scale})
	if err != nil {
		return nil, err
	}
	lo, hi := s.Scale.Range()
	return &Data{Name: name, Train: train, Test: test, Lo: lo, Hi: hi}, nil
}

// Mixture returns the synthetic stand-in for Fashion-MNIST: ten Gaussian
// classes in 784 dimensions (data.NewMixture with separation 6: means about
// 8.5 noise standard deviations apart), shaped as
// 1×28×28 images, with nTrain and nTest samples (6000 and 1000 when zero).
func Mixture(seed uint64, nTrain, nTest int) (train, test *data.Set) {
	if nTrain <= 0 {
		nTrain = 6000
	}
	if nTest <= 0 {
		nTest = 1000
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6978))
	m := data.NewMixture(rng, 10, 784, 6)
	train, test = m.Sample(rng, nTrain), m.Sample(rng, nTest)
	train.Shape = data.Shape{C: 1, H: 28, W: 28}
	test.Shape = train.Shape
	return train, test
}

// bounds returns the smallest and largest entries of the matrices.
func bounds(ms ...*mat.Dense) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, m := range ms {
		lo, hi = math.Min(lo, mat.Min(m)), math.Max(hi, mat.Max(m))
	}
	return lo, hi
}

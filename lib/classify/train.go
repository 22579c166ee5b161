package classify

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
)

// Settings are the options of Train. The zero value is the official
// notebooks' Adam with learning rate 1e-3, batch 32, for one epoch.
type Settings struct {
	Epochs    int     // passes over the data; 0 means 1
	BatchSize int     // samples per minibatch; 0 means 32
	LR        float64 // Adam's learning rate; 0 means 1e-3
	Seed      uint64  // the order of the samples in each epoch
	// Observers see every step (optim.Recorder records the loss).
	Observers []optim.Observer
}

// Train minimises the mean softmax cross-entropy of model on set by Adam
// over minibatches, updating p in place, and returns the run's summary.
// The model must output one logit per class.
func Train(model nn.Model, p *nn.Params, set *data.Set, s Settings) (optim.Result, error) {
	if s.Epochs <= 0 {
		s.Epochs = 1
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 32
	}
	if s.BatchSize > set.Len() {
		s.BatchSize = set.Len()
	}
	obj := nn.NewObjectiveRows(model, set.X, labelColumn(set.Labels), nn.CrossEntropy)
	if obj.Len() != p.Len() {
		panic(fmt.Sprintf("classify: Train: %d parameters, the model has %d", p.Len(), obj.Len()))
	}
	return optim.RunBatch(obj.Batch, set.Len(), p.Vec(), &optim.Adam{LR: s.LR}, optim.BatchSettings{
		BatchSize: s.BatchSize,
		Epochs:    s.Epochs,
		Rand:      rand.New(rand.NewPCG(s.Seed, 0x747261696e)),
		Observers: s.Observers,
	})
}

// labelColumn returns the N×1 matrix of class labels.
func labelColumn(labels []int) *mat.Dense {
	y := mat.NewDense(len(labels), 1, nil)
	for i, l := range labels {
		y.Set(i, 0, float64(l))
	}
	return y
}

// Chunk is the number of samples Logits evaluates at a time.
const Chunk = 1000

// Logits returns the model's outputs on the samples of x, stored one per ROW
// as in a data.Set (N×d): an m×N matrix, one column per sample, computed
// Chunk samples at a time. It returns nil for an empty x.
func Logits(model nn.Model, p *nn.Params, x *mat.Dense) *mat.Dense {
	if x.IsEmpty() {
		return nil
	}
	n, d := x.Dims()
	var out *mat.Dense
	t := ad.NewTape()
	w := make([]*ad.Node, p.Count())
	xb := mat.NewDense(d, min(Chunk, n), nil)
	for j0 := 0; j0 < n; j0 += Chunk {
		j1 := min(j0+Chunk, n)
		xb.Reset()
		xb.ReuseAs(d, j1-j0)
		xb.Copy(x.Slice(j0, j1, 0, d).T())
		t.Reset()
		for i := range w {
			w[i] = t.Const(p.At(i))
		}
		z := model.Forward(t, w, t.Const(xb)).Value()
		if out == nil {
			out = mat.NewDense(z.RawMatrix().Rows, n, nil)
		}
		out.Slice(0, z.RawMatrix().Rows, j0, j1).(*mat.Dense).Copy(z)
	}
	return out
}

// Accuracy returns the fraction of the samples of set that model classifies
// correctly.
func Accuracy(model nn.Model, p *nn.Params, set *data.Set) float64 {
	return nn.Accuracy(Logits(model, p, set.X), set.Labels)
}

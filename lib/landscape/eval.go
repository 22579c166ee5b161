package landscape

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// Measure is a network's classification error and mean softmax
// cross-entropy on a data set.
type Measure struct {
	Err, Loss float64
}

// Evaluator measures parameter vectors of one model on one data set. It
// evaluates the samples where they are stored, one per row (no transposed
// copy of the data): for an nn.MLP the layers are Z_l = σ(Z_{l−1}) W_lᵀ +
// 1 b_lᵀ, the transpose of nn.MLP's column form, with the same products
// done by package ad's GEMM, in chunks of Chunk samples. It is safe for
// concurrent use: each call takes its own tape from a pool.
type Evaluator struct {
	model  nn.Model
	set    *data.Set
	n      int
	layout *nn.Params
	tapes  sync.Pool
}

// Chunk is the number of samples an Evaluator computes at a time.
const Chunk = 2000

// NewEvaluator returns an evaluator of m (an nn.MLP or a BinaryMLP) on the
// samples of set. It returns an error for another kind of model or a set
// whose samples do not fit the model's input.
func NewEvaluator(m nn.Model, set *data.Set) (*Evaluator, error) {
	var in int
	switch m := m.(type) {
	case nn.MLP:
		if len(m.Sizes) < 2 {
			return nil, fmt.Errorf("landscape: NewEvaluator: MLP sizes %v, want at least input and output", m.Sizes)
		}
		in = m.Sizes[0]
	case BinaryMLP:
		if len(m.Sizes) < 2 {
			return nil, fmt.Errorf("landscape: NewEvaluator: BinaryMLP sizes %v, want at least input and output", m.Sizes)
		}
		in = m.Sizes[0]
	default:
		return nil, fmt.Errorf("landscape: NewEvaluator: model %v (%T): want an nn.MLP or a BinaryMLP", m, m)
	}
	if set == nil || set.Len() == 0 {
		return nil, fmt.Errorf("landscape: NewEvaluator: empty data set")
	}
	if _, d := set.X.Dims(); d != in {
		return nil, fmt.Errorf("landscape: NewEvaluator: samples have %d features, the model's input layer %d", d, in)
	}
	e := &Evaluator{model: m, set: set, n: set.Len(), layout: m.Params()}
	e.tapes.New = func() any { return ad.NewTape() }
	return e, nil
}

// Len returns the number of samples.
func (e *Evaluator) Len() int { return e.n }

// Model returns the model evaluated.
func (e *Evaluator) Model() nn.Model { return e.model }

// Eval returns the error and loss of the parameter vector theta (laid out
// as the model's Params). A theta of the wrong length panics.
func (e *Evaluator) Eval(theta []float64) Measure {
	if len(theta) != e.layout.Len() {
		panic(fmt.Sprintf("landscape: Evaluator.Eval: %d parameters, the model %v has %d", len(theta), e.model, e.layout.Len()))
	}
	t := e.tapes.Get().(*ad.Tape)
	defer e.tapes.Put(t)
	p := e.layout.NewLike()
	p.Bind(theta)
	X := e.set.X.RawMatrix()
	var wrong int
	var loss float64
	for j0 := 0; j0 < e.n; j0 += Chunk {
		j1 := min(j0+Chunk, e.n)
		t.Reset()
		x := t.ConstData(j1-j0, X.Cols, X.Data[j0*X.Stride:])
		if X.Stride != X.Cols {
			x = t.Const(mat.DenseCopyOf(e.set.X.Slice(j0, j1, 0, X.Cols)))
		}
		z := rowForward(t, e.model, p, x).Value().RawMatrix()
		for i := 0; i < j1-j0; i++ {
			row := z.Data[i*z.Stride : i*z.Stride+z.Cols]
			y := e.set.Labels[j0+i]
			best, mx := 0, row[0]
			for k, v := range row {
				if v > mx {
					best, mx = k, v
				}
			}
			if best != y {
				wrong++
			}
			var s float64
			for _, v := range row {
				s += math.Exp(v - mx)
			}
			loss += mx + math.Log(s) - row[y]
		}
	}
	return Measure{Err: float64(wrong) / float64(e.n), Loss: loss / float64(e.n)}
}

// rowForward records the logits of the samples in the rows of x.
func rowForward(t *ad.Tape, m nn.Model, p *nn.Params, x *ad.Node) *ad.Node {
	switch m := m.(type) {
	case nn.MLP:
		W, b := m.Layers(p)
		z := x
		for l := range W {
			if l > 0 {
				z = m.Act.Apply(t, z)
			}
			z = t.MatMulT(z, t.Const(W[l]), false, true)
			if b != nil {
				z = t.AddRow(z, t.ConstData(1, b[l].Len(), b[l].RawVector().Data))
			}
		}
		return z
	case BinaryMLP:
		return m.rowForward(t, p, x)
	}
	panic(fmt.Sprintf("landscape: rowForward: model %T", m))
}

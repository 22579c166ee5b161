package nn

import (
	"github.com/noetherlab/noether/lib/ad"
)

// Loss compares a model output F (m×k, one sample per column) with the
// targets Y and records a 1×1 loss.
type Loss func(t *ad.Tape, f, y *ad.Node) *ad.Node

// MSE is the mean squared error over all entries, (1/mk) ‖Y − F‖²_F, as
// PyTorch's MSELoss with mean reduction (the official code's loss).
func MSE(t *ad.Tape, f, y *ad.Node) *ad.Node {
	r, c := f.Dims()
	return t.Scale(t.SumSq(t.Sub(f, y)), 1/float64(r*c))
}

// The squared losses record the residual as F − Y: it is −(Y − F) exactly,
// so the loss and its gradient have the bits they would have from Y − F
// (but for which NaN comes out where F and Y both hold NaNs; see
// TestSquaredLossesResidualSign), while the residual's derivative in F is
// the identity, which the gradient and the tangent sweeps pass through
// without a pass over the entries.

// Frobenius is ‖Y − F‖_F, the quantity the paper's figures plot.
func Frobenius(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.Norm(t.Sub(f, y)) }

// SquaredError is ‖Y − F‖²_F.
func SquaredError(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.SumSq(t.Sub(f, y)) }

// HalfSquaredError is ½‖Y − F‖²_F / k for k samples (columns).
func HalfSquaredError(t *ad.Tape, f, y *ad.Node) *ad.Node {
	return t.Scale(t.SumSq(t.Sub(f, y)), 0.5/float64(f.Cols()))
}

// CrossEntropy is the mean softmax cross-entropy of the logits F. Y is either
// 1×k with the class index of each sample (see LabelRow) or m×k with a target
// distribution per column (see OneHot).
func CrossEntropy(t *ad.Tape, f, y *ad.Node) *ad.Node { return t.SoftmaxCrossEntropyTo(f, y) }

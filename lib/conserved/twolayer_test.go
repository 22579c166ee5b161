package conserved

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// A zero-value dst is sized, as gonum's receivers are.
func TestMatrixEmptyDst(t *testing.T) {
	U := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	V := mat.NewDense(3, 1, []float64{1, 0, 2})
	var dst mat.SymDense
	got := Matrix(&dst, U, V)
	if got != &dst || dst.SymmetricDim() != 3 || !mat.EqualApprox(&dst, Matrix(nil, U, V), 0) {
		t.Fatalf("Matrix into an empty dst: %v", mat.Formatted(&dst))
	}
}

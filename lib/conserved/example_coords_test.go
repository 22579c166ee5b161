package conserved_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
)

// A linear network moved along its GL(2) orbit to the balanced point Q = 0:
// the function UV stays, the conserved matrix takes the prescribed value.
func ExampleMoveToQ() {
	U := mat.NewDense(3, 2, []float64{2, 0, 1, 1, 0, 3})
	V := mat.NewDense(2, 2, []float64{0.5, 1, -1, 0.2})
	gU, gV, err := conserved.MoveToQ(mat.NewSymDense(2, nil), U, V)
	if err != nil {
		panic(err)
	}
	var before, after mat.Dense
	before.Mul(U, V)
	after.Mul(gU, gV)
	fmt.Printf("Q before:\n%.3f\n", mat.Formatted(conserved.Matrix(nil, U, V)))
	fmt.Println("Q after = 0 to 1e-12:", mat.Norm(conserved.Matrix(nil, gU, gV), 2) < 1e-12)
	fmt.Println("UV unchanged:", mat.EqualApprox(&before, &after, 1e-12))
	// Output:
	// Q before:
	// ⎡3.750  1.300⎤
	// ⎣1.300  8.960⎦
	// Q after = 0 to 1e-12: true
	// UV unchanged: true
}

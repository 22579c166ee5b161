package attack_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/attack"
)

// FGSM on a linear loss L(x) = −x₁ + 2x₂ (gradient (−1, 2, 0)), for one
// image in [−½, ½]: the first pixel goes down by ε, the second up but
// clipped to the top of the range, the third (zero gradient) stays.
func ExampleFGSM() {
	grad := func(g, x *mat.Dense, labels []int) float64 {
		g.Copy(mat.NewDense(3, 1, []float64{-1, 2, 0}))
		return -x.At(0, 0) + 2*x.At(1, 0)
	}
	x := mat.NewDense(3, 1, []float64{0.1, 0.48, -0.2})
	xa := attack.FGSM(nil, x, []int{0}, grad, 0.05, attack.Box{Lo: -0.5, Hi: 0.5})
	fmt.Printf("%.2f %.2f %.2f\n", xa.At(0, 0), xa.At(1, 0), xa.At(2, 0))
	// Output: 0.05 0.50 -0.20
}

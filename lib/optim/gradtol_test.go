package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Run stops at GradTol exactly when the norm summed in order does, although
// it sums the squares faster in another order: gradients whose two norms
// differ in the last bit, with GradTol set to the in-order norm (stop at
// step 0) or just below it (no stop, however the other sum rounds).
func TestRunGradTolAsInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	found := [2]bool{}
	for try := 0; try < 2000 && !(found[0] && found[1]); try++ {
		g := randVec(rng, 750, 1)
		var ss float64
		for _, v := range g {
			ss += v * v
		}
		inOrder, fast := math.Sqrt(ss), math.Sqrt(sumSquares(g))
		if inOrder == fast {
			continue
		}
		f := func(theta, grad []float64) float64 { copy(grad, g); return 1 }
		theta := make([]float64, len(g))
		if fast > inOrder {
			// The fast norm alone would not stop here.
			found[0] = true
			res, err := Run(f, theta, &GD{LR: 1e-3}, Settings{Steps: 2, GradTol: inOrder})
			if err != nil || res.Status != GradConverged || res.Steps != 0 {
				t.Fatalf("GradTol = in-order norm %v (fast %v): status %v at step %d, err %v, want GradConverged at 0", inOrder, fast, res.Status, res.Steps, err)
			}
		} else {
			// The fast norm alone would stop here.
			found[1] = true
			tol := math.Nextafter(inOrder, 0)
			res, err := Run(f, theta, &GD{LR: 1e-3}, Settings{Steps: 2, GradTol: tol})
			if err != nil || res.Status != StepLimit {
				t.Fatalf("GradTol just below the in-order norm %v (fast %v): status %v at step %d, err %v, want StepLimit", inOrder, fast, res.Status, res.Steps, err)
			}
		}
	}
	if !found[0] || !found[1] {
		t.Fatalf("no gradient with the two norms in each order: %v", found)
	}
}

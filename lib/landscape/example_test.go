package landscape_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// Assign solves a 3×3 assignment exactly.
func ExampleAssign() {
	C := mat.NewDense(3, 3, []float64{
		4, 1, 3,
		2, 0, 5,
		3, 2, 2,
	})
	perm, cost := landscape.Assign(C)
	fmt.Println(perm, cost)
	// Output: [1 0 2] 5
}

// A rescaled and permuted copy of a ReLU net has the same canonical form
// once aligned: the symmetries are gone.
func ExampleCanonicalize() {
	m := nn.MLP{Sizes: []int{5, 4, 3}, Act: nn.ReLU}
	p := m.Init(rand.New(rand.NewPCG(1, 2)), nn.KaimingNormal)

	// The copy: hidden units rescaled by 2, 1/3, 5, 1/2, then reversed.
	W, b := m.Layers(p)
	W, b = sym.DeepRescale(0, 1, []float64{2, 1.0 / 3, 5, 0.5}, W, b)
	W, b = sym.DeepPermute(0, []int{3, 2, 1, 0}, W, b)
	q := m.Params()
	Wq, bq := m.Layers(q)
	for l := range W {
		Wq[l].Copy(W[l])
		bq[l].CopyVec(b[l])
	}

	cp, _ := landscape.Canonicalize(m, p)
	cq, _ := landscape.Canonicalize(m, q)
	aligned, perms, _ := landscape.Align(cp, cq, landscape.AlignSettings{})
	before, _ := landscape.Distance(cp, cq)
	after, _ := landscape.Distance(cp, aligned)
	fmt.Printf("%d spheres; distance %.2f before alignment, %.0f after; permutation %v\n",
		len(cp.Spheres()), before, after, perms[0])
	// Output: 5 spheres; distance 3.66 before alignment, 0 after; permutation [3 2 1 0]
}

package attack_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/attack"
)

// The attacks cut the samples into parts of about Chunk: the gradient of
// each part's mean loss is the whole batch's times a positive factor, up to
// rounding, so FGSM's images equal those of one signed step on the gradient
// of all the samples at once, on the notebooks' conv net (the package doc's
// claim). Exact equality: a sign that rounding flipped would show.
func TestFGSMPartsSameImages(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const N = 130 // three parts of 43–44
	model, p, x, y := convNetProblem(rng, N)
	box := attack.Box{Lo: -0.5, Hi: 0.5}
	grad := attack.ModelGradient(model, p)
	g := mat.NewDense(784, N, nil)
	grad(g, x, y)
	off := 0 // the parts come in column order
	whole := func(gw, _ *mat.Dense, _ []int) float64 {
		_, nb := gw.Dims()
		gw.Copy(g.Slice(0, 784, off, off+nb))
		off += nb
		return 0
	}
	for _, eps := range []float64{0.01, 0.1} {
		off = 0
		got, want := attack.FGSM(nil, x, y, grad, eps, box), attack.FGSM(nil, x, y, whole, eps, box)
		if !mat.Equal(got, want) {
			n := 0
			for i := range 784 {
				for j := range N {
					if got.At(i, j) != want.At(i, j) {
						n++
					}
				}
			}
			t.Errorf("ε = %g: %d of %d entries differ from one step on the whole batch's gradient", eps, n, 784*N)
		}
	}
}

package ensemble

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// The logits of every block of hits are those of the whole batch, bit for
// bit, also for a hidden layer wider than 256 (whose products over the
// whole batch are packed) on a batch just over a block.
func TestHitsBlocksSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ hidden, n int }{{16, 1300}, {300, 517}, {300, 1025}} {
		mlp := nn.MLP{Sizes: []int{20, c.hidden, 10}, Act: nn.LeakyReLU(0.1)}
		net := NewNet(mlp, mlp.Init(rng, nn.KaimingUniform))
		x := mat.NewDense(20, c.n, nil)
		nn.Normal(1)(rng, x)
		H := net.Hidden(x)
		e := New(net, Settings{Kind: Random, Eps: 0.1, Size: 1, Seed: 7})
		whole := net.MemberLogits(nil, e.Members[0], H)
		s := scratch{tape: ad.NewTape()}
		var hb mat.Dense
		covered := 0
		for b, nb := 0, (c.n+hitsBlock-1)/hitsBlock; b < nb; b++ {
			j0, j1 := hitsSpan(b, nb, c.n)
			if j0 != covered || j1-j0 > hitsBlock {
				t.Fatalf("%v: block %d is [%d, %d) after %d samples", c, b, j0, j1, covered)
			}
			covered = j1
			z := net.memberLogitsOnTape(&s, e.Members[0], columns(&hb, H, j0, j1))
			for i := range net.Classes() {
				for j := j0; j < j1; j++ {
					if got, want := z.At(i, j-j0), whole.At(i, j); math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("%v: logit (%d, %d) is %v in block [%d, %d), %v in the whole", c, i, j, got, j0, j1, want)
					}
				}
			}
		}
		if covered != c.n {
			t.Errorf("%v: blocks cover %d samples", c, covered)
		}
	}
}

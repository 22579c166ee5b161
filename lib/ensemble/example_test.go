package ensemble_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// A group ensemble of a (here untrained) MLP with 8 hidden units: each
// member is the network moved by the nonlinear action with its own g and
// its own fitted batch of h = 8 inputs, on which it computes exactly what
// the base network computes; elsewhere it differs a little for small ε.
func ExampleNew() {
	rng := rand.New(rand.NewPCG(1, 2))
	model := nn.MLP{Sizes: []int{20, 8, 3}, Act: nn.Tanh}
	net := ensemble.NewNet(model, model.Init(rng, nn.XavierNormal))
	fit := randn(rng, 20, 5*8) // five batches of eight inputs, as columns
	e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: 0.01, Size: 5, Seed: 1, Fit: net.Hidden(fit)})

	batch := mat.DenseCopyOf(fit.Slice(0, 20, 8, 16)) // member 1's batch
	q := net.Apply(e.Members[1])
	onBatch := sym.RelDiff(nn.Predict(model, q, batch), nn.Predict(model, net.Params, batch))
	fresh := randn(rng, 20, 100)
	offBatch := sym.RelDiff(nn.Predict(model, q, fresh), nn.Predict(model, net.Params, fresh))
	fmt.Println("exact on its batch:", onBatch < 1e-12)
	fmt.Println("off it, changed by less than 10%:", offBatch > 0 && offBatch < 0.1)
	// Output:
	// exact on its batch: true
	// off it, changed by less than 10%: true
}

package classify_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/classify"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// Train the notebooks' MLP, 784 → 16 → LeakyReLU → 10, on the synthetic
// stand-in for Fashion-MNIST, and measure its test accuracy.
func ExampleTrain() {
	train, test := classify.Mixture(1, 3000, 1000)
	model := nn.MLP{Sizes: []int{784, 16, 10}, Act: nn.LeakyReLU(0.1)}
	p := model.Init(rand.New(rand.NewPCG(1, 2)), nn.KaimingUniform)
	if _, err := classify.Train(model, p, train, classify.Settings{Epochs: 2}); err != nil {
		panic(err)
	}
	fmt.Println("test accuracy above 90%:", classify.Accuracy(model, p, test) > 0.9)
	// Output: test accuracy above 90%: true
}

// Load the data of the notebooks: Fashion-MNIST centred to [−½, ½] when it is
// installed, a synthetic stand-in otherwise (Note says which).
func ExampleLoad() {
	d, err := classify.Load(classify.LoadSettings{Train: 1000, Test: 100, Scale: data.Centered})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Train.Len(), d.Test.Len(), d.Shape(), d.Synthetic() == (d.Note != ""))
	// Output: 1000 100 1×28×28 true
}

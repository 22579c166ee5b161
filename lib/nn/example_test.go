package nn_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// Gradient descent on the paper's Fig. 3 network through the flat objective.
// Gradient flow conserves Q = Tr(UᵀU − VVᵀ) for the linear network; gradient
// descent (lr 0.1) drifts from it only at second order in the step while the
// loss falls by thirteen orders of magnitude.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	const m, n, h = 5, 10, 50
	x := mat.NewDiagDense(n, nil)
	for i := 0; i < n; i++ {
		x.SetDiag(i, 1)
	}
	y := mat.NewDense(m, n, nil)
	nn.Normal(1)(rng, y)

	net := nn.TwoLayer{In: n, Hidden: h, Out: m, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(0.1))
	obj := nn.NewObjective(net, mat.DenseCopyOf(x), y, nn.MSE)

	q := func() float64 {
		u, v := p.M("U").RawMatrix().Data, p.M("V").RawMatrix().Data
		return floats.Dot(u, u) - floats.Dot(v, v)
	}
	theta, grad := p.Vec(), make([]float64, obj.Len())
	q0 := q()
	var loss0, loss float64
	for step := 0; step < 2000; step++ {
		loss = obj.Func(theta, grad)
		if step == 0 {
			loss0 = loss
		}
		floats.AddScaled(theta, -0.1, grad) // θ ← θ − η ∇L
	}
	fmt.Printf("%d parameters\n", obj.Len())
	fmt.Printf("loss %.2f → below 1e-10: %v\n", loss0, loss < 1e-10)
	fmt.Printf("Q %.3f → %.3f\n", q0, q())
	// Output:
	// 750 parameters
	// loss 1.03 → below 1e-10: true
	// Q -3.331 → -3.325
}

// Params are named matrices over one flat vector.
func ExampleParams() {
	p := nn.NewParams()
	u := p.Add("U", 1, 2)
	v := p.Add("V", 2, 1)
	copy(p.Vec(), []float64{1, 2, 3, 4})
	fmt.Println(p)
	fmt.Println(mat.Formatted(u), mat.Formatted(v.T()))
	v.Set(1, 0, 40)
	fmt.Println(p.Vec())
	// Output:
	// Params{U 1×2, V 2×1; 4 values}
	// [1  2] [3  4]
	// [1 2 3 40]
}

// A minibatch objective for SGD on a classifier.
func ExampleObjective_Batch() {
	rng := rand.New(rand.NewPCG(3, 4))
	x := mat.NewDense(2, 200, nil)
	labels := make([]int, 200)
	for j := range labels {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.Set(0, j, a)
		x.Set(1, j, b)
		if a*b > 0 { // XOR-like quadrants
			labels[j] = 1
		}
	}
	net := nn.MLP{Sizes: []int{2, 16, 2}, Act: nn.Tanh}
	p := net.Init(rng, nn.XavierNormal)
	obj := nn.NewObjective(net, x, nn.LabelRow(labels), nn.CrossEntropy)
	theta, grad := p.Vec(), make([]float64, obj.Len())
	idx := make([]int, 20)
	for epoch := 0; epoch < 300; epoch++ {
		perm := rng.Perm(200)
		for b := 0; b < 200; b += 20 {
			copy(idx, perm[b:b+20])
			obj.Batch(theta, grad, idx)
			floats.AddScaled(theta, -0.5, grad)
		}
	}
	acc := nn.Accuracy(nn.Predict(net, p, x), labels)
	fmt.Println("training accuracy above 95%:", acc > 0.95)
	// Output:
	// training accuracy above 95%: true
}

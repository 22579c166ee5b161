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

// Exact second derivatives for the flatness of a symmetry: at a minimum of
// the two-layer linear network (U V = Y, X = I) every direction (−U T, T V)
// of the GL(h) orbit is flat, H v = 0, and HessVec shows it to rounding; a
// generic direction has curvature vᵀHv > 0.
func ExampleObjective_HessVec() {
	rng := rand.New(rand.NewPCG(3, 1))
	net := nn.TwoLayer{In: 4, Hidden: 3, Out: 2, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(1))
	U, V := net.UV(p)
	var Y mat.Dense
	Y.Mul(U, V) // targets the network fits exactly: a minimum
	X := mat.NewDense(4, 4, nil)
	for i := range 4 {
		X.Set(i, i, 1)
	}
	obj := nn.NewObjective(net, X, &Y, nn.SquaredError)

	T := mat.NewDense(3, 3, nil)
	nn.Normal(1)(rng, T)
	orbit := p.NewLike() // (−U T, T V)
	orbit.M("U").Mul(U, T)
	orbit.M("U").Scale(-1, orbit.M("U"))
	orbit.M("V").Mul(T, V)
	generic := p.NewLike()
	nn.Normal(1)(rng, generic.M("U"))
	nn.Normal(1)(rng, generic.M("V"))

	hv := make([]float64, p.Len())
	for _, d := range []struct {
		name string
		v    []float64
	}{{"orbit", orbit.Vec()}, {"generic", generic.Vec()}} {
		obj.HessVec(hv, p.Vec(), d.v)
		nv := floats.Norm(d.v, 2)
		fmt.Printf("%-8s ‖H v‖/‖v‖ < 1e-12: %-5v  vᵀHv/‖v‖² = %.4f\n", d.name, floats.Norm(hv, 2)/nv < 1e-12, max(0, floats.Dot(d.v, hv)/(nv*nv)))
	}
	// Output:
	// orbit    ‖H v‖/‖v‖ < 1e-12: true   vᵀHv/‖v‖² = 0.0000
	// generic  ‖H v‖/‖v‖ < 1e-12: false  vᵀHv/‖v‖² = 2.4200
}

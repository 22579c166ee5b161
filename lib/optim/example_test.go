package optim_test

import (
	"fmt"
	"math"

	"github.com/noetherlab/noether/lib/optim"
)

// The scalar two-layer linear "network" L(u, v) = ½(y − uv)² has the
// rescaling symmetry (u, v) → (u/c, cv), and gradient flow conserves
// Q = u² − v². Gradient descent changes Q by exactly η²(g_u² − g_v²) per
// step, so at a fixed time its drift is proportional to η.
func Example() {
	const y = 2.0
	f := func(theta, grad []float64) float64 {
		u, v := theta[0], theta[1]
		r := u*v - y
		grad[0], grad[1] = r*v, r*u
		return 0.5 * r * r
	}
	Q := func(theta []float64) float64 { return theta[0]*theta[0] - theta[1]*theta[1] }

	theta := []float64{0.5, 0.1}
	q0 := Q(theta)
	res, err := optim.Flow(f, theta, optim.FlowSettings{T: 10})
	if err != nil {
		panic(err)
	}
	fmt.Printf("flow: uv = %.6f, |ΔQ| < 1e-9: %v\n", theta[0]*theta[1], math.Abs(Q(theta)-q0) < 1e-9)
	fmt.Println("status:", res.Status)

	for _, eta := range []float64{0.01, 0.001} {
		theta := []float64{0.5, 0.1}
		optim.Run(f, theta, &optim.GD{LR: eta}, optim.Settings{Steps: int(10 / eta)})
		fmt.Printf("GD η = %g: ΔQ = %.1e\n", eta, Q(theta)-q0)
	}
	// Output:
	// flow: uv = 2.000000, |ΔQ| < 1e-9: true
	// status: time reached
	// GD η = 0.01: ΔQ = -5.2e-03
	// GD η = 0.001: ΔQ = -5.2e-04
}

// A Recorder collects named series every k steps (and at the end), for
// plotting the loss or a conserved quantity against time.
func ExampleRecorder() {
	f := func(theta, grad []float64) float64 { // L = ½‖θ‖²
		l := 0.0
		for i, x := range theta {
			grad[i] = x
			l += 0.5 * x * x
		}
		return l
	}
	rec := optim.NewRecorder(5).
		Add("loss", optim.Loss).
		Add("θ₀", func(s *optim.State) float64 { return s.Theta[0] })
	theta := []float64{1, -1}
	optim.Run(f, theta, &optim.GD{LR: 0.1}, optim.Settings{Steps: 12, Observers: []optim.Observer{rec}})
	for i := range rec.Len() {
		fmt.Printf("step %2d  t = %.1f  loss %.4f  θ₀ %.4f\n", rec.Step[i], rec.Time[i], rec.Series("loss")[i], rec.Series("θ₀")[i])
	}
	// Output:
	// step  0  t = 0.0  loss 1.0000  θ₀ 1.0000
	// step  5  t = 0.5  loss 0.3487  θ₀ 0.5905
	// step 10  t = 1.0  loss 0.1216  θ₀ 0.3487
	// step 12  t = 1.2  loss 0.0798  θ₀ 0.2824
}

// Decoupled weight decay shrinks θ by (1 − ηγ) before the gradient step.
func ExampleGD_weightDecay() {
	zero := func(theta, grad []float64) float64 { // L = 0: only the decay acts
		clear(grad)
		return 0
	}
	theta := []float64{1}
	optim.Run(zero, theta, &optim.GD{LR: 0.1, WeightDecay: 0.5}, optim.Settings{Steps: 10})
	fmt.Printf("θ = %.6f = 0.95¹⁰ = %.6f\n", theta[0], math.Pow(0.95, 10))
	// Output:
	// θ = 0.598737 = 0.95¹⁰ = 0.598737
}

package teleport

import (
	"testing"

	"github.com/noetherlab/noether/lib/nn"
)

// BenchmarkTeleportGradNorm times one teleport of notebook 19's kind (8
// ascent steps on ‖∇L‖² in GL(h)) on the 5-6-7-3 test network with 20
// samples: 9 gradients, 9 Hessian-vector products and 16 matrix
// exponentials.
func BenchmarkTeleportGradNorm(b *testing.B) {
	net, obj, theta0 := problem(nn.Linear, false)
	theta := make([]float64, len(theta0))
	for b.Loop() {
		copy(theta, theta0)
		if _, err := Teleport(obj, net, theta, Settings{Steps: 8, StepSize: 0.2}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTeleportSharpness times a teleport lowering λ_max by 5 ascent
// steps in the rescalings, Lanczos with 20 products per estimate.
func BenchmarkTeleportSharpness(b *testing.B) {
	net, obj, theta0 := problem(nn.LeakyReLU(0.1), true)
	theta := make([]float64, len(theta0))
	for b.Loop() {
		copy(theta, theta0)
		if _, err := Teleport(obj, net, theta, Settings{Group: Rescale, Target: SharpnessDown, Steps: 5}); err != nil {
			b.Fatal(err)
		}
	}
}

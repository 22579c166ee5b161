package exercise

import (
	"math"
	"testing"
)

// Exercise 21.1 accepts c², computed independently here as
// the positive root of ‖w‖²z² + δz − a² = 0, rejects the root of the
// equation with the sign of δ flipped, and leaves NaN open.
func TestImbalanceScale(t *testing.T) {
	a2, w2, d := 0.25, 0.25, 1.0
	right := (-d + math.Sqrt(d*d+4*a2*w2)) / (2 * w2)
	flipped := (d + math.Sqrt(d*d+4*a2*w2)) / (2 * w2)
	if v := ImbalanceScale(right); !v.Right() {
		t.Errorf("%g: %v", right, v)
	}
	if v := ImbalanceScale(flipped); v.Status != Wrong || revealsNumber19(v.Message, right) {
		t.Errorf("%g: %v", flipped, v)
	}
	if v := ImbalanceScale(math.NaN()); v.Status != Unanswered {
		t.Errorf("NaN: %v", v)
	}
}

// Exercise 21.2 accepts (wᵀx)(wᵀx') + a² xᵀx' = 2 + 9·4 = 38, rejects the
// first term alone (2) and a in place of a² (14).
func TestNeuronKernel(t *testing.T) {
	if v := NeuronKernel(38); !v.Right() {
		t.Errorf("38: %v", v)
	}
	for _, wrong := range []float64{2, 14} {
		if v := NeuronKernel(wrong); v.Status != Wrong {
			t.Errorf("%g: %v", wrong, v)
		}
	}
	if v := NeuronKernel(math.NaN()); v.Status != Unanswered {
		t.Errorf("NaN: %v", v)
	}
}

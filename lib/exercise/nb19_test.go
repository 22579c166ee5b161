package exercise

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// Exercise 19.1 accepts the derivative, as a student's central difference
// at ε = 10⁻³ computes it, rejects the derivative of ‖∇L‖ instead of
// ‖∇L‖² (off by 2‖∇L‖) and the opposite direction, and leaves NaN open;
// no message contains the answer.
func TestOrbitDerivative(t *testing.T) {
	want := orbitDerivative()
	if v := OrbitDerivative(want * (1 + 2e-6)); !v.Right() {
		t.Errorf("right answer: %v", v)
	}
	for _, wrong := range []float64{-want, want / 1000, 2 * want} {
		v := OrbitDerivative(wrong)
		if v.Status != Wrong {
			t.Errorf("%g: %v", wrong, v)
		}
		if revealsNumber19(v.Message, want) {
			t.Errorf("message gives the answer: %s", v.Message)
		}
	}
	if v := OrbitDerivative(math.NaN()); v.Status != Unanswered {
		t.Errorf("NaN: %v", v)
	}
}

// Exercise 19.2 accepts 27 (9 evaluations of a gradient and a product),
// rejects 24 (the first evaluation forgotten) and 9 (products not counted).
func TestTeleportCost(t *testing.T) {
	if v := TeleportCost(27); !v.Right() {
		t.Errorf("27: %v", v)
	}
	for _, wrong := range []float64{24, 9, 18} {
		if v := TeleportCost(wrong); v.Status != Wrong {
			t.Errorf("%g: %v", wrong, v)
		}
	}
	if v := TeleportCost(math.NaN()); v.Status != Unanswered {
		t.Errorf("NaN: %v", v)
	}
}

// revealsNumber19 reports whether msg prints x to three or more significant
// digits.
func revealsNumber19(msg string, x float64) bool {
	for _, f := range []string{"%.3g", "%.4g", "%.6g", "%g"} {
		if strings.Contains(msg, fmt.Sprintf(f, x)) {
			return true
		}
	}
	return false
}

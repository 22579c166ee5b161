package exercise

import (
	"math"
	"testing"
)

func TestHalfLossCurvature(t *testing.T) {
	expect(t, HalfLossCurvature(nil), Unanswered, "not answered")
	// On uv = y, (u² + v²)² = Q² + 4y²; the Hessian of ½(y − uv)² there is
	// [[v², y], [y, u²]], eigenvalues 0 and u² + v².
	expect(t, HalfLossCurvature(func(Q, y float64) float64 { return math.Sqrt(Q*Q + 4*y*y) }), Right, "")
	// Wrong: the notebook's λ for (y − uv)², and a slip in the root.
	expect(t, HalfLossCurvature(func(Q, y float64) float64 { return 2 * math.Sqrt(Q*Q+4*y*y) }), Wrong, "½")
	expect(t, HalfLossCurvature(func(Q, y float64) float64 { return math.Sqrt(Q*Q + y*y) }), Wrong, "u² + v²")
}

func TestScalarFactor(t *testing.T) {
	expect(t, ScalarFactor(math.NaN()), Unanswered, "not answered")
	lambda := 2 * math.Sqrt(3*3+4) // λ(Q₀) = 2√(Q₀² + 4y²), y = 1
	expect(t, ScalarFactor(1-0.05*lambda), Right, "")
	// Wrong: the halved loss's λ, and the notebook's η = 0.1.
	expect(t, ScalarFactor(1-0.05*lambda/2), Wrong, "too large")
	expect(t, ScalarFactor(1-0.1*lambda), Wrong, "too small")
}

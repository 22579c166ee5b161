package exercise

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// verdictIs fails t unless v has status want.
func verdictIs(t *testing.T, v Verdict, want Status) {
	t.Helper()
	if v.Status != want {
		t.Errorf("%v, want %v", v, want)
	}
}

func TestSharpnessDoubling(t *testing.T) {
	// 2√(Q² + 4y²) = 2 · 2√(4y²) gives Q² = 12y².
	right := math.Sqrt(12) * DoublingY
	verdictIs(t, SharpnessDoubling(right), Right)
	verdictIs(t, SharpnessDoubling(5.196), Right) // four significant digits
	verdictIs(t, SharpnessDoubling(-right), Wrong)
	verdictIs(t, SharpnessDoubling(math.Sqrt(12)), Wrong)          // y = 1, the notebook's valley
	verdictIs(t, SharpnessDoubling(math.Sqrt(3)*DoublingY), Wrong) // Q² = 3y²: solved with y² in place of 4y²
	verdictIs(t, SharpnessDoubling(math.NaN()), Unanswered)
}

func TestLinearSharpness(t *testing.T) {
	spectral := func(A *mat.Dense) float64 { // ‖A‖₂, the largest singular value
		var svd mat.SVD
		svd.Factorize(A, mat.SVDNone)
		return svd.Values(nil)[0]
	}
	verdictIs(t, LinearSharpness(func(U, V *mat.Dense) float64 {
		return 2 * (math.Pow(spectral(U), 2) + math.Pow(spectral(V), 2))
	}), Right)
	v := LinearSharpness(func(U, V *mat.Dense) float64 { // Frobenius norms: gonum's mat.Norm(A, 2)
		return 2 * (math.Pow(mat.Norm(U, 2), 2) + math.Pow(mat.Norm(V, 2), 2))
	})
	verdictIs(t, v, Wrong)
	verdictIs(t, LinearSharpness(func(U, V *mat.Dense) float64 { // the factor 2 forgotten
		return math.Pow(spectral(U), 2) + math.Pow(spectral(V), 2)
	}), Wrong)
	verdictIs(t, LinearSharpness(func(U, V *mat.Dense) float64 { // the product, not the sum
		return 2 * math.Pow(spectral(U)*spectral(V), 2)
	}), Wrong)
	verdictIs(t, LinearSharpness(func(U, V *mat.Dense) float64 { panic("oops") }), Wrong)
	verdictIs(t, LinearSharpness(nil), Unanswered)
}

func TestFlattestRescaling(t *testing.T) {
	U, V := SharpMinimum()
	spectral := func(A *mat.Dense) float64 {
		var svd mat.SVD
		svd.Factorize(A, mat.SVDNone)
		return svd.Values(nil)[0]
	}
	// 2(‖U‖₂²/c² + c²‖V‖₂²) is least at c⁴ = ‖U‖₂²/‖V‖₂².
	right := math.Sqrt(spectral(U) / spectral(V))
	verdictIs(t, FlattestRescaling(right), Right)
	verdictIs(t, FlattestRescaling(math.Round(right*1e4)/1e4), Right) // four decimals
	balanced := math.Sqrt(mat.Norm(U, 2) / mat.Norm(V, 2))            // Q = 0: equal Frobenius norms
	if math.Abs(balanced/right-1) < 0.01 {
		t.Fatalf("SharpMinimum does not separate the two answers: %g and %g", right, balanced)
	}
	v := FlattestRescaling(balanced)
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "Frobenius") {
		t.Errorf("the balanced point gets another hint: %s", v.Message)
	}
	verdictIs(t, FlattestRescaling(right*right), Wrong) // c² for c
	verdictIs(t, FlattestRescaling(-right), Wrong)
	verdictIs(t, FlattestRescaling(math.NaN()), Unanswered)
}

// The numerical checks of notebook 06 never print the answer, nor the
// sharpness it leads to.
func TestNotebook06VerdictsHideTheAnswer(t *testing.T) {
	U, V := SharpMinimum()
	spectral := func(A *mat.Dense) float64 {
		var svd mat.SVD
		svd.Factorize(A, mat.SVDNone)
		return svd.Values(nil)[0]
	}
	answers := []string{
		fmt.Sprintf("%.3f", math.Sqrt(12)*DoublingY),
		fmt.Sprintf("%.3f", math.Sqrt(spectral(U)/spectral(V))),
	}
	for _, got := range []float64{-1, 0.1, 0.5, 1, 2, 3, 5, 10} {
		for _, v := range []Verdict{SharpnessDoubling(got), FlattestRescaling(got)} {
			for _, a := range answers {
				if strings.Contains(v.String(), a) || strings.Contains(v.HTML(), a) {
					t.Errorf("verdict on %v reveals %s: %s", got, a, v)
				}
			}
		}
	}
}

package sym

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// Equivariance returns the relative failure of σ(g z) = π σ(z) on the
// columns z of Z,
//
//	‖σ(g Z) − π σ(Z)‖_F / ‖σ(g Z)‖_F,
//
// rounding error (≈1e-16) when g and π are a matching pair of an equivariant
// activation, and of order one otherwise. It panics if g or π is not h×h for
// Z h×k.
func Equivariance(sigma nn.Activation, g, pi, Z mat.Matrix) float64 {
	h, _ := Z.Dims()
	checkSquare("Equivariance", "g", g, h)
	checkSquare("Equivariance", "π", pi, h)
	var gz mat.Dense
	gz.Mul(g, Z)
	lhs := sigma.Eval(nil, &gz)
	var pz mat.Dense
	pz.Mul(pi, sigma.Eval(nil, mat.DenseCopyOf(Z)))
	return RelDiff(lhs, &pz)
}

// FitPi answers whether any linear π makes σ(g z) = π σ(z) hold for a given
// g: it returns the least-squares
//
//	π = σ(g Z) σ(Z)⁺
//
// over the columns of Z, and its relative residual Equivariance(σ, g, π, Z).
// With many more samples than units (k ≫ h, random Z) a residual at rounding
// level means a π exists; a residual of order one means none does, so g is
// not a symmetry of any network U σ(V X) through the action (U π⁻¹, g V).
// It panics if g is not h×h or if σ(Z) does not have full row rank h (then
// π is not determined by the samples).
func FitPi(sigma nn.Activation, g, Z mat.Matrix) (pi *mat.Dense, residual float64) {
	h, k := Z.Dims()
	checkSquare("FitPi", "g", g, h)
	S := sigma.Eval(nil, mat.DenseCopyOf(Z))
	var gz mat.Dense
	gz.Mul(g, Z)
	T := sigma.Eval(nil, &gz)
	if k < h || NumRank(S, 1e-12) < h {
		panic(fmt.Sprintf("sym: FitPi: σ(Z) (%d×%d) does not have full row rank: π is not determined", h, k))
	}
	// π S = T in the least-squares sense: Sᵀ πᵀ = Tᵀ, by QR of Sᵀ (k×h).
	var qr mat.QR
	qr.Factorize(S.T())
	var pit mat.Dense
	if err := qr.SolveTo(&pit, false, T.T()); err != nil {
		panic(fmt.Sprintf("sym: FitPi: least squares failed: %v", err))
	}
	pi = mat.DenseCopyOf(pit.T())
	var pz mat.Dense
	pz.Mul(pi, S)
	return pi, RelDiff(T, &pz)
}

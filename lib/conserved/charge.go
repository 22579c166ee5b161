package conserved

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// quadForm returns xᵀAy.
func quadForm(fn string, A mat.Symmetric, x, y []float64) float64 {
	d := A.SymmetricDim()
	if len(x) != d || len(y) != d {
		panic(fmt.Sprintf("conserved: %s: A is %d×%d, vectors have lengths %d and %d", fn, d, d, len(x), len(y)))
	}
	var ay mat.VecDense
	ay.MulVec(A, mat.NewVecDense(d, y))
	return mat.Dot(mat.NewVecDense(d, x), &ay)
}

// Charge returns the Noether charge of the exponential symmetry with symmetric
// generator A at θ,
//
//	C = θᵀAθ,
//
// conserved by gradient flow on any loss with ℓ(e^{λA}θ) = ℓ(θ): its rate is
// −2⟨∇ℓ, Aθ⟩ = 0. Rescaling A = diag(I, −I) gives C = ‖a‖² − ‖b‖²; A = I gives
// ‖θ‖²; the double rotation gives Tr[UBUᵀ] − Tr[WᵀBW] (package sym builds them).
func Charge(A mat.Symmetric, theta []float64) float64 {
	return quadForm("Charge", A, theta, theta)
}

// ChargeStep returns the exact change of the charge over one SGD step
// θ' = θ − ηĝ without weight decay,
//
//	ΔC = (θ − ηĝ)ᵀA(θ − ηĝ) − θᵀAθ = η² ĝᵀAĝ,
//
// valid when ĝ is the gradient of a loss with the symmetry (any minibatch
// loss of a network with the symmetry), so that ĝᵀAθ = 0 and the first-order
// term −2η ĝᵀAθ vanishes.
func ChargeStep(A mat.Symmetric, g []float64, eta float64) float64 {
	return eta * eta * quadForm("ChargeStep", A, g, g)
}

// NextCharge predicts the charge after one step of SGD with weight decay γ
// applied as θ' = (1 − ηγ)θ − ηĝ, from the charge C before it:
//
//	C' = (1 − ηγ)² C − 2η(1 − ηγ) ĝᵀAθ + η² ĝᵀAĝ = (1 − ηγ)² C + η² ĝᵀAĝ,
//
// under the same condition ĝᵀAθ = 0 as ChargeStep. Decay shrinks the charge
// geometrically while gradient noise feeds it at second order: their balance
// is the noise equilibrium of Ziyin et al.
func NextCharge(C float64, A mat.Symmetric, g []float64, eta, gamma float64) float64 {
	k := 1 - eta*gamma
	return k*k*C + eta*eta*quadForm("NextCharge", A, g, g)
}

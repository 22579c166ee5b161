package conserved

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// OfficialGrad returns the gradient of Official(act, U, V) with respect to U
// and V, in this package's orientation (V is h×n):
//
//	linear   ∇_U Q = 2U   ∇_V Q = −2V
//	ReLU     ∇_U Q = 2U   ∇_V Q = −2 relu(V)
//	tanh     ∇_U Q = 2U   ∇_V Q = −2 sinh(V) cosh(V) = −sinh(2V)
//	sigmoid  ∇_U Q = U    ∇_V Q = −(1 + exp(V))
//
// (functions of V entrywise). Up to the factor of the official forms this is
// (U, −(σ/σ′)(V)), the infinitesimal symmetry M(θ) of a two-layer network
// with whitened input X = I: with residual R = Y − Uσ(V) and a loss ℓ(Uσ(V))
// its gradient is (−Rσ(V)ᵀ, −(UᵀR) ⊙ σ′(V)) times a constant, so
//
//	⟨∇L, M⟩ ∝ −⟨R σ(V)ᵀ, U⟩ + ⟨UᵀR ⊙ σ′(V), σ(V)/σ′(V)⟩ = −⟨R, Uσ(V)⟩ + ⟨R, Uσ(V)⟩ = 0,
//
// and Q̇ = −⟨∇Q, ∇L⟩ = 0 along gradient flow. For ReLU, σ/σ′ is taken as 0
// where V ≤ 0 (those weights get no gradient when X = I).
//
// If dstU or dstV is non-nil it must have the shape of U or V (or be empty)
// and receives the result.
func OfficialGrad(dstU, dstV *mat.Dense, act nn.Activation, U, V mat.Matrix) (gU, gV *mat.Dense) {
	const fn = "OfficialGrad"
	m, h, n := pairDims(fn, U, V)
	gU = useDense(fn, "dstU", dstU, m, h)
	gV = useDense(fn, "dstV", dstV, h, n)
	f := official(fn, act)
	phi := f.dphi // ∇_V Q = −φ′(V)
	a := 2 * f.a
	gU.Scale(a, U)
	for i := 0; i < h; i++ {
		for j := 0; j < n; j++ {
			gV.Set(i, j, -phi(V.At(i, j)))
		}
	}
	return gU, gV
}

// useDense returns dst, or a new r×c matrix if dst is nil; an empty dst is
// sized to r×c. It panics, naming fn and the argument, if a non-empty dst has
// the wrong shape.
func useDense(fn, arg string, dst *mat.Dense, r, c int) *mat.Dense {
	if dst == nil {
		return mat.NewDense(r, c, nil)
	}
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
		return dst
	}
	if dr, dc := dst.Dims(); dr != r || dc != c {
		panic(fmt.Sprintf("conserved: %s: %s is %d×%d, want %d×%d", fn, arg, dr, dc, r, c))
	}
	return dst
}

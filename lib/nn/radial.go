package nn

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// RadialUnits is the activation of the official code's "radial" model
// (TwoLayerRadial in model.py of Zhao et al., used by Q_convergence_radial.py
// for the paper's Fig. 7): σ(z) = z/‖z‖² applied to each ROW of the
// pre-activations Z = V X, that is to each hidden unit's values over the
// batch,
//
//	σ(Z)_{j,:} = Z_{j,:} / ‖Z_{j,:}‖²,   f(X) = U σ(V X).
//
// The official forward pass ignores its input and computes U N(V) with
// N(V)_{j,:} = V_{j,:}/‖V_{j,:}‖², each hidden unit's weight row divided by its
// squared norm; with X = I, as in its scripts, that is this model exactly.
// For other X the output of one sample depends on the whole batch (as with
// batch normalisation), so this is a model of a fixed data set, not a
// function of single inputs.
//
// It is not the per-sample radial activation Radial, and its symmetries
// differ:
//
//   - per-unit scaling: σ(D Z) = D⁻¹ σ(Z) for every invertible diagonal D,
//     so (U, V) ↦ (U D, D V) leaves f unchanged (sym.UnitScale); gradient
//     flow therefore conserves Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖² for every
//     hidden unit j (conserved.RadialNeurons), and their sum ‖U‖² + ‖V‖²,
//     the Q of the paper's Fig. 7 (conserved.Radial);
//   - permutations of the hidden units;
//   - O(h) is NOT a symmetry: rotating V mixes rows of different norms.
//
// Its homogeneity degree is −1 (σ(cZ) = σ(Z)/c). A zero row gives Inf/NaN,
// as the formula does.
var RadialUnits = Activation{
	Name: "radial_units", Degree: -1,
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.RadialRows(z) },
}

// SVDAligned returns two-layer parameters aligned with the singular vectors
// of the targets Y = Φ S Ψᵀ (m×n, singular values s₁ ≥ s₂ ≥ … in decreasing
// order): with h = len(du) = len(dv) ≤ min(m, n),
//
//	U = Φ_h diag(du)  (m×h),   V = diag(dv) Ψ_hᵀ  (h×n),
//
// where Φ_h and Ψ_h hold the first h left and right singular vectors φ_j, ψ_j.
// Hidden unit j then sees only the j-th singular direction: U_{:,j} = du_j φ_j
// and V_{j,:} = dv_j ψ_jᵀ. This is the initialisation of the official
// Q_convergence_radial.py (Fig. 7): it draws an m×h matrix Ū and an n×h matrix
// V̄, zeroes all but their diagonals du and dv, and sets U = Φ Ū, Vᵀ = Ψ V̄.
//
// With X = I the linear network computes U V = Σ_j du_j dv_j φ_j ψ_jᵀ, and the
// RadialUnits network U N(V) = Σ_j (du_j/dv_j) φ_j ψ_jᵀ: scaling du and dv
// together by any c ≠ 0 gives the same function with Q = ‖U‖² + ‖V‖² =
// c²(‖du‖² + ‖dv‖²). Gradient descent keeps the alignment (the gradient lies in
// the aligned subspace), so the dynamics split into h problems of two scalars
// (a, b) = (du_j, dv_j) with residual s_j − a/b (RadialUnits) or s_j − ab
// (linear).
//
// SVDAligned panics if du and dv differ in length, or h is zero or larger
// than min(m, n).
func SVDAligned(y mat.Matrix, du, dv []float64) *Params {
	m, n := y.Dims()
	h := len(du)
	if len(dv) != h || h == 0 || h > min(m, n) {
		panic(fmt.Sprintf("nn: SVDAligned: diagonals of length %d and %d for Y %d×%d, want equal lengths in [1, %d]", len(du), len(dv), m, n, min(m, n)))
	}
	var svd mat.SVD
	if !svd.Factorize(y, mat.SVDThin) {
		panic("nn: SVDAligned: SVD of Y failed")
	}
	var phi, psi mat.Dense
	svd.UTo(&phi) // m×min(m,n)
	svd.VTo(&psi) // n×min(m,n)
	p := TwoLayer{In: n, Hidden: h, Out: m}.Params()
	u, v := p.M("U"), p.M("V")
	for j := 0; j < h; j++ {
		for i := 0; i < m; i++ {
			u.Set(i, j, du[j]*phi.At(i, j))
		}
		for a := 0; a < n; a++ {
			v.Set(j, a, dv[j]*psi.At(a, j))
		}
	}
	return p
}

package noise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// lossScale returns α for the losses that are α‖F − Y‖² per sample (m
// outputs), or an error.
func lossScale(fn string, loss nn.Loss, m int) (float64, error) {
	switch {
	case sameFunc(loss, nn.MSE):
		return 1 / float64(m), nil
	case sameFunc(loss, nn.HalfSquaredError):
		return 0.5, nil
	}
	return 0, fmt.Errorf("noise: %s: the loss must be nn.MSE or nn.HalfSquaredError", fn)
}

// Balance is the noise balance of a two-layer linear network
// f(x) = U V x (U m×h, V h×n; the paper's W is V) under SGD, from the
// double rotations (U, V) → (U e^{λB}, e^{−λB} V), whose charges
// C_B = ⟨B, UᵀU − VVᵀ⟩ are all the entries of Q = UᵀU − VVᵀ.
//
// With the per-sample loss ℓ = α‖r‖², r = UVx − y, the gradients are
// g_U = 2α r (Vx)ᵀ and g_V = 2α Uᵀ r xᵀ, and the expected one-step change
// of every charge at once (ExpectedStep for all B) is the matrix
//
//	E[Q' − Q] = 4α²η² (V (Γ_V + κI) Vᵀ − Uᵀ (Γ_U + κI) U),
//	Γ_V = c E[‖r‖² x xᵀ] + (1 − c) R̄ᵀR̄,   Γ_U = c E[‖x‖² r rᵀ] + (1 − c) R̄R̄ᵀ,
//	R̄ = E[r xᵀ],   κ = k / (4α²η²),  k = 1 − (1 − ηγ)²,
//
// expectations over the N samples, c = SGD.Factor(N). (R̄ is zero at a
// minimum, and for γ = 0, c = 1 this is the condition W Γ_W Wᵀ = Uᵀ Γ_U U of
// Ziyin et al. with Γ_W = E[‖r‖²xxᵀ], Γ_U = E[‖x‖²rrᵀ]; their +2γI follows
// their continuous-time constants, κ ≈ γ/(2α²η) here follows the exact
// discrete law.) The noise equilibrium is Left = Right.
type Balance struct {
	GammaV, GammaU *mat.SymDense // Γ_V + κI (n×n) and Γ_U + κI (m×m)
	Left, Right    *mat.SymDense // V(Γ_V + κI)Vᵀ and Uᵀ(Γ_U + κI)U (h×h)
	// Residual is 2‖Left − Right‖_F / (‖Left‖_F + ‖Right‖_F): 0 at the
	// equilibrium, at most 2.
	Residual float64
	Scale    float64 // 4α²η²: E[Q' − Q] = Scale·(Left − Right)
}

// LinearBalance returns the balance of (U, V) on the data x (n×N) and y
// (m×N, samples as columns) under s, for loss nn.MSE (α = 1/m) or
// nn.HalfSquaredError (α = ½).
func LinearBalance(U, V, x, y *mat.Dense, loss nn.Loss, s SGD) (*Balance, error) {
	m, h := U.Dims()
	hv, n := V.Dims()
	xn, N := x.Dims()
	ym, yN := y.Dims()
	if hv != h || xn != n || ym != m || yN != N {
		return nil, fmt.Errorf("noise: LinearBalance: U %d×%d, V %d×%d, x %d×%d, y %d×%d do not fit", m, h, hv, n, xn, N, ym, yN)
	}
	if err := s.check(N); err != nil {
		return nil, err
	}
	alpha, err := lossScale("LinearBalance", loss, m)
	if err != nil {
		return nil, err
	}
	var M, R mat.Dense
	M.Mul(U, V)
	R.Mul(&M, x)
	R.Sub(&R, y) // residuals, m×N
	c := s.Factor(N)
	// Weighted second moments: E[‖r‖²xxᵀ] = X diag(‖r_s‖²) Xᵀ / N, and so on.
	rn := make([]float64, N)
	xnrm := make([]float64, N)
	for j := 0; j < N; j++ {
		rn[j] = sqColNorm(&R, j)
		xnrm[j] = sqColNorm(x, j)
	}
	gv := weightedGram(x, rn, c/float64(N))
	gu := weightedGram(&R, xnrm, c/float64(N))
	var Rbar mat.Dense
	Rbar.Mul(&R, x.T())
	Rbar.Scale(1/float64(N), &Rbar) // m×n
	if c != 1 {
		gv.SymRankK(gv, 1-c, Rbar.T())
		gu.SymRankK(gu, 1-c, &Rbar)
	}
	scale := 4 * alpha * alpha * s.LR * s.LR
	kappa := s.Shrink() / scale
	for i := 0; i < n; i++ {
		gv.SetSym(i, i, gv.At(i, i)+kappa)
	}
	for i := 0; i < m; i++ {
		gu.SetSym(i, i, gu.At(i, i)+kappa)
	}
	b := &Balance{GammaV: gv, GammaU: gu, Scale: scale}
	b.Left = sandwich(V, gv, false)
	b.Right = sandwich(U, gu, true)
	var diff mat.Dense
	diff.Sub(b.Left, b.Right)
	b.Residual = 2 * mat.Norm(&diff, 2) / (mat.Norm(b.Left, 2) + mat.Norm(b.Right, 2))
	return b, nil
}

func sqColNorm(a *mat.Dense, j int) float64 {
	r, _ := a.Dims()
	var s float64
	for i := 0; i < r; i++ {
		v := a.At(i, j)
		s += v * v
	}
	return s
}

// weightedGram returns f · A diag(w) Aᵀ.
func weightedGram(a *mat.Dense, w []float64, f float64) *mat.SymDense {
	r, N := a.Dims()
	var aw mat.Dense
	aw.CloneFrom(a)
	for j := 0; j < N; j++ {
		sw := math.Sqrt(w[j] * f)
		for i := 0; i < r; i++ {
			aw.Set(i, j, aw.At(i, j)*sw)
		}
	}
	G := mat.NewSymDense(r, nil)
	G.SymOuterK(1, &aw)
	return G
}

// sandwich returns V G Vᵀ, or Uᵀ G U when trans.
func sandwich(a *mat.Dense, G *mat.SymDense, trans bool) *mat.SymDense {
	var t, out mat.Dense
	if trans {
		t.Mul(a.T(), G)
		out.Mul(&t, a)
	} else {
		t.Mul(a, G)
		out.Mul(&t, a.T())
	}
	r, _ := out.Dims()
	S := mat.NewSymDense(r, nil)
	for i := 0; i < r; i++ {
		for j := i; j < r; j++ {
			S.SetSym(i, j, (out.At(i, j)+out.At(j, i))/2)
		}
	}
	return S
}

// Equilibrate returns the point of the GL(h) orbit of (U, V) (which keeps
// the product M = UV) where the balance b holds, Left = Right. Along the
// orbit the residuals, and so Γ_V and Γ_U, do not change; with
// G = gᵀg for (U g⁻¹, g V) the condition reads G P G = P' for
// P = VΓ_VVᵀ, P' = UᵀΓ_UU. It is solved in closed form: with the singular
// value decomposition Γ_U^{1/2} M Γ_V^{1/2} = P S Qᵀ,
//
//	V* = S^{1/2} Qᵀ Γ_V^{−1/2},   U* = Γ_U^{−1/2} P S^{1/2},
//
// which gives U*V* = M and V*Γ_VV*ᵀ = S = U*ᵀΓ_UU*. For h larger than
// rank M the remaining rows of V* and columns of U* are zero (a unit that
// contributes nothing to M is balanced only at zero), and the point is
// unique up to rotations that commute with S. It returns an error if Γ_V or
// Γ_U is not positive definite (fewer samples than inputs, or no noise).
func (b *Balance) Equilibrate(U, V *mat.Dense) (Ustar, Vstar *mat.Dense, err error) {
	m, h := U.Dims()
	_, n := V.Dims()
	gvh, gvih, err := sqrtInv(b.GammaV)
	if err != nil {
		return nil, nil, fmt.Errorf("noise: Balance.Equilibrate: Γ_V: %w", err)
	}
	guh, guih, err := sqrtInv(b.GammaU)
	if err != nil {
		return nil, nil, fmt.Errorf("noise: Balance.Equilibrate: Γ_U: %w", err)
	}
	var M, T mat.Dense
	M.Mul(U, V)
	T.Mul(guh, &M)
	T.Mul(&T, gvh)
	var svd mat.SVD
	if !svd.Factorize(&T, mat.SVDThin) {
		return nil, nil, fmt.Errorf("noise: Balance.Equilibrate: SVD of the %d×%d product failed", m, n)
	}
	sv := svd.Values(nil)
	var P, Q mat.Dense
	svd.UTo(&P)
	svd.VTo(&Q)
	r := min(len(sv), h)
	Ustar = mat.NewDense(m, h, nil)
	Vstar = mat.NewDense(h, n, nil)
	var pu, qt mat.Dense
	pu.Mul(guih, &P)    // m×k
	qt.Mul(Q.T(), gvih) // k×n
	for j := 0; j < r; j++ {
		s := math.Sqrt(sv[j])
		for i := 0; i < m; i++ {
			Ustar.Set(i, j, pu.At(i, j)*s)
		}
		for k := 0; k < n; k++ {
			Vstar.Set(j, k, qt.At(j, k)*s)
		}
	}
	return Ustar, Vstar, nil
}

// sqrtInv returns G^{1/2} and G^{−1/2} of a symmetric positive definite G.
func sqrtInv(G *mat.SymDense) (*mat.Dense, *mat.Dense, error) {
	var eig mat.EigenSym
	if !eig.Factorize(G, true) {
		return nil, nil, fmt.Errorf("eigendecomposition failed")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	n := len(vals)
	top := vals[n-1]
	if !(vals[0] > 1e-13*top) {
		return nil, nil, fmt.Errorf("not positive definite (eigenvalues %.3g to %.3g)", vals[0], top)
	}
	h, hi := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var a, b float64
			for k, v := range vals {
				q := vecs.At(i, k) * vecs.At(j, k)
				a += q * math.Sqrt(v)
				b += q / math.Sqrt(v)
			}
			h.Set(i, j, a)
			hi.Set(i, j, b)
		}
	}
	return h, hi, nil
}

// LinearSharpness returns S = Tr ∇²L of the two-layer linear network's
// loss L = (1/N) Σ_s α‖UVx_s − y_s‖² (α = 1/m for nn.MSE, ½ for
// nn.HalfSquaredError), in closed form: L is quadratic in each of U and V,
// and the diagonal second derivatives are ∂²L/∂U_ij² = 2α E[(Vx)_j²] and
// ∂²L/∂V_jk² = 2α ‖U_{:,j}‖² E[x_k²], so
//
//	S = 2α (m Tr[V Σ̂ₓ Vᵀ] + ‖U‖²_F Tr Σ̂ₓ),   Σ̂ₓ = (1/N) X Xᵀ,
//
// whatever the targets (Ziyin et al.'s d_y‖WΣₓ^{1/2}‖² + ‖U‖² TrΣₓ up to the
// factor 2α of the loss's normalisation).
func LinearSharpness(U, V, x *mat.Dense, loss nn.Loss) (float64, error) {
	m, h := U.Dims()
	hv, n := V.Dims()
	xn, N := x.Dims()
	if hv != h || xn != n {
		return 0, fmt.Errorf("noise: LinearSharpness: U %d×%d, V %d×%d, x %d×%d do not fit", m, h, hv, n, xn, N)
	}
	alpha, err := lossScale("LinearSharpness", loss, m)
	if err != nil {
		return 0, err
	}
	var vx mat.Dense
	vx.Mul(V, x)
	vxx := mat.Norm(&vx, 2)
	xx := mat.Norm(x, 2)
	u := mat.Norm(U, 2)
	return 2 * alpha * (float64(m)*vxx*vxx + u*u*xx*xx) / float64(N), nil
}

// Hutchinson estimates S = Tr ∇²L(θ) of any objective by Hutchinson's
// method (hessian.Trace) with the given number of Rademacher probes on
// hessian.New's Hessian-vector products (exact for the library's
// objectives, finite differences for a plain function), with its standard
// error.
func Hutchinson(obj hessian.Objective, theta []float64, probes int, rng *rand.Rand) hessian.TraceEstimate {
	return hessian.Trace(hessian.New(obj, theta), probes, rng)
}

package conserved

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// MoveToQ returns a point of the GL(h) orbit of a linear two-layer network
// at which the conserved matrix takes a prescribed value,
//
//	(U', V') = (U g⁻¹, g V),   Q(U', V') = U'ᵀU' − V'V'ᵀ = target,
//
// with g = e^{A_k}⋯e^{A_1} a product of exponentials of symmetric generators.
// U'V' = UV, so the network's function and loss are unchanged; only the
// point along the valley moves. Each A is a Newton step: along a symmetric
// generator A the quantity changes at the rate dQ = −(AP + PA) with
// P = UᵀU + VVᵀ (OrbitDerivative), a Lyapunov equation that
//
//	A P + P A = Q − target
//
// solves in the eigenbasis of P = W Λ Wᵀ as (WᵀAW)_{ij} = (Wᵀ(Q − target)W)_{ij}/(λ_i + λ_j).
// Steps are halved until ‖Q − target‖_F falls. The iteration stops when
// ‖Q − target‖_F ≤ 1e-12·max(1, ‖target‖_F, ‖P‖_F).
//
// P ≻ 0 whenever no x ≠ 0 has U x = 0 and Vᵀx = 0 (for instance U of full
// column rank); MoveToQ returns an error if P is singular there or if
// Newton's method does not converge in 100 steps. The symmetric generators
// reach every target (Q is a coordinate on the orbit, h(h+1)/2 of its h²
// dimensions; the other h(h−1)/2 directions leave Q unchanged), so a failure
// means a degenerate point. MoveToQ panics if target is not h×h.
func MoveToQ(target mat.Symmetric, U, V mat.Matrix) (gU, gV *mat.Dense, err error) {
	_, h, _ := pairDims("MoveToQ", U, V)
	if d := target.SymmetricDim(); d != h {
		panic(fmt.Sprintf("conserved: MoveToQ: target is %d×%d, want %d×%d", d, d, h, h))
	}
	gU, gV = mat.DenseCopyOf(U), mat.DenseCopyOf(V)
	var R mat.Dense
	residual := func(U, V *mat.Dense) float64 {
		R.Sub(Matrix(nil, U, V), target)
		return mat.Norm(&R, 2)
	}
	r := residual(gU, gV)
	for it := 0; ; it++ {
		P := mat.NewSymDense(h, nil)
		P.SymOuterK(1, gU.T())
		P.SymRankK(P, 1, gV)
		if r <= 1e-12*math.Max(1, math.Max(mat.Norm(target, 2), mat.Norm(P, 2))) {
			return gU, gV, nil
		}
		if it == 100 {
			return nil, nil, fmt.Errorf("conserved: MoveToQ: no convergence in 100 Newton steps: ‖Q − target‖_F = %.3g", r)
		}
		A, err := lyapunov(P, &R)
		if err != nil {
			return nil, nil, fmt.Errorf("conserved: MoveToQ: step %d: %w", it, err)
		}
		improved := false
		for t := 1.0; t > 1e-6 && !improved; t /= 2 {
			ginv, ok1 := symExp(-t, A) // g⁻¹ = e^{−tA}
			g, ok2 := symExp(t, A)
			if !ok1 || !ok2 {
				continue
			}
			var nU, nV mat.Dense
			nU.Mul(gU, ginv)
			nV.Mul(g, gV)
			if nr := residual(&nU, &nV); nr < r {
				gU, gV, r = &nU, &nV, nr
				improved = true
			}
		}
		if !improved {
			return nil, nil, fmt.Errorf("conserved: MoveToQ: stalled at step %d: ‖Q − target‖_F = %.3g", it, r)
		}
	}
}

// lyapunov solves A P + P A = R for symmetric A, given P ≻ 0 and symmetric R.
func lyapunov(P mat.Symmetric, R mat.Matrix) (*mat.SymDense, error) {
	h := P.SymmetricDim()
	var es mat.EigenSym
	if !es.Factorize(P, true) {
		return nil, fmt.Errorf("eigendecomposition of P failed")
	}
	lam := es.Values(nil)
	if !(lam[0] > 1e-14*lam[h-1]) {
		return nil, fmt.Errorf("P = UᵀU + VVᵀ is singular (eigenvalues %.3g … %.3g)", lam[0], lam[h-1])
	}
	var W, t, a mat.Dense
	es.VectorsTo(&W)
	t.Mul(W.T(), R)
	t.Mul(&t, &W)
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			t.Set(i, j, t.At(i, j)/(lam[i]+lam[j]))
		}
	}
	a.Mul(&W, &t)
	a.Mul(&a, W.T())
	A := mat.NewSymDense(h, nil)
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			A.SetSym(i, j, (a.At(i, j)+a.At(j, i))/2)
		}
	}
	return A, nil
}

// symExp returns e^{tA} for symmetric A through its eigendecomposition, and
// false if it overflows.
func symExp(t float64, A mat.Symmetric) (*mat.Dense, bool) {
	h := A.SymmetricDim()
	var es mat.EigenSym
	if !es.Factorize(A, true) {
		return nil, false
	}
	lam := es.Values(nil)
	var W mat.Dense
	es.VectorsTo(&W)
	var e mat.Dense
	e.Scale(1, &W)
	for j := 0; j < h; j++ {
		x := math.Exp(t * lam[j])
		if math.IsInf(x, 0) || x == 0 {
			return nil, false
		}
		for i := 0; i < h; i++ {
			e.Set(i, j, e.At(i, j)*x)
		}
	}
	var out mat.Dense
	out.Mul(&e, W.T())
	return &out, true
}

package hessian

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// TwoLayerLinear returns the exact Hessian of the two-layer linear network's
// sum of squares
//
//	L(U, V) = ‖Y − U V X‖²_F,  U ∈ R^{m×h}, V ∈ R^{h×n}, X ∈ R^{n×k}, Y ∈ R^{m×k},
//
// as an Operator on θ = (vec U, vec V), each matrix row by row (the layout of
// nn.TwoLayer's parameters). With the residual R = Y − U V X and a direction
// (δU, δV), let D = δU V X + U δV X, the change of the output. Then
//
//	L(θ + δ) = L(θ) − 2⟨R, D⟩ + ‖D‖² − 2⟨R, δU δV X⟩ + O(δ³),
//	δᵀ H δ = 2‖D‖² − 4⟨R, δU δV X⟩,
//	H δ = ( 2 D (V X)ᵀ − 2 R (δV X)ᵀ,   2 Uᵀ D Xᵀ − 2 δUᵀ R Xᵀ ).
//
// At a zero-loss minimum (R = 0) H = 2JᵀJ, with J the Jacobian of θ ↦ U V X;
// for X = I its nonzero eigenvalues are 2(α_i + β_j), α_i the eigenvalues of
// U Uᵀ and β_j those of VᵀV: m·n of them, the largest 2(‖U‖₂² + ‖V‖₂²).
//
// The matrices are copied. It panics if the shapes do not match.
func TwoLayerLinear(U, V, X, Y mat.Matrix) MulFunc {
	m, h := U.Dims()
	hv, n := V.Dims()
	nx, k := X.Dims()
	my, ky := Y.Dims()
	if hv != h || nx != n || my != m || ky != k {
		panic(fmt.Sprintf("hessian: TwoLayerLinear: U %d×%d, V %d×%d, X %d×%d, Y %d×%d do not match", m, h, hv, n, nx, k, my, ky))
	}
	u, v, x := mat.DenseCopyOf(U), mat.DenseCopyOf(V), mat.DenseCopyOf(X)
	var vx, r mat.Dense
	vx.Mul(v, x)
	r.Mul(u, &vx)
	r.Sub(Y, &r)
	nu := m * h
	// Work matrices, one per shape, reused from call to call.
	var d, mk mat.Dense        // m×k
	var dvx, hk, hk2 mat.Dense // h×k
	var gu, mh mat.Dense       // m×h
	var gv mat.Dense           // h×n
	return MulFunc{N: nu + h*n, Mul: func(dst, vec []float64) {
		du := mat.NewDense(m, h, append([]float64(nil), vec[:nu]...))
		dv := mat.NewDense(h, n, append([]float64(nil), vec[nu:]...))
		dvx.Mul(dv, x) // δV X
		d.Mul(du, &vx) // D = δU V X + U δV X
		mk.Mul(u, &dvx)
		d.Add(&d, &mk)
		// U part: 2 D (VX)ᵀ − 2 R (δV X)ᵀ.
		gu.Mul(&d, vx.T())
		mh.Mul(&r, dvx.T())
		gu.Sub(&gu, &mh)
		gu.Scale(2, &gu)
		copy(dst[:nu], gu.RawMatrix().Data)
		// V part: 2 (Uᵀ D − δUᵀ R) Xᵀ.
		hk.Mul(u.T(), &d)
		hk2.Mul(du.T(), &r)
		hk.Sub(&hk, &hk2)
		gv.Mul(&hk, x.T())
		gv.Scale(2, &gv)
		copy(dst[nu:], gv.RawMatrix().Data)
	}}
}

package hessian

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Full computes the n×n matrix of op column by column, H_{:,j} = H e_j
// (n products; 4n gradient evaluations for an *HVP), and symmetrises it:
//
//	H_{ij} = ½ (H e_j)_i + ½ (H e_i)_j,   H_{i,j} = ∂²L/∂θ_i∂θ_j.
//
// The result is stored in dst if it is non-nil (dst must be empty or n×n)
// and returned. It needs no storage beyond dst: each column is written
// into a row of dst's backing array before the two triangles are averaged.
// Meant for models up to a few thousand parameters (n² storage, and
// eigenvalues by mat.EigenSym in O(n³)).
func Full(dst *mat.SymDense, op Operator) *mat.SymDense {
	n := op.Dim()
	if dst == nil {
		dst = mat.NewSymDense(n, nil)
	} else if dst.IsEmpty() {
		dst.ReuseAsSym(n)
	} else if d := dst.SymmetricDim(); d != n {
		panic(fmt.Sprintf("hessian: Full: dst is %d×%d, want %d×%d", d, d, n, n))
	}
	raw := dst.RawSymmetric()
	e := make([]float64, n)
	for j := 0; j < n; j++ {
		e[j] = 1
		op.MulVec(raw.Data[j*raw.Stride:j*raw.Stride+n], e)
		e[j] = 0
	}
	// Row j of the backing array now holds H e_j; its upper-triangle entry
	// (i, j), i < j, holds (H e_i)_j and the lower one (j, i) holds (H e_j)_i.
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			a := 0.5 * (raw.Data[i*raw.Stride+j] + raw.Data[j*raw.Stride+i])
			raw.Data[i*raw.Stride+j], raw.Data[j*raw.Stride+i] = a, a
		}
	}
	return dst
}

// Eigenvalues returns the eigenvalues of op's full matrix (see Full) in
// ascending order, computed by mat.EigenSym.
func Eigenvalues(op Operator) ([]float64, error) {
	return SymEigenvalues(Full(nil, op))
}

// SymEigenvalues returns the eigenvalues of the symmetric matrix h (a
// Hessian from Full, say) in ascending order, computed by mat.EigenSym:
// Eigenvalues for a matrix already built.
func SymEigenvalues(h mat.Symmetric) ([]float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(h, false) {
		return nil, errors.New("hessian: Eigenvalues: eigendecomposition did not converge")
	}
	return eig.Values(nil), nil
}

// Rank returns the number of values with |λ| > rtol · max|λ|: the
// numerical rank of a matrix given its eigenvalues, that is the number of
// nonzero Hessian eigenvalues at a tolerance.
func Rank(vals []float64, rtol float64) int {
	big := 0.0
	for _, v := range vals {
		big = math.Max(big, math.Abs(v))
	}
	r := 0
	for _, v := range vals {
		if math.Abs(v) > rtol*big {
			r++
		}
	}
	return r
}

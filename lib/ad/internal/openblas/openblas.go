//go:build openblas

// Package openblas links OpenBLAS (Debian's libopenblas-dev) into builds
// with the openblas tag and exposes its dgemm, through gonum's netlib
// binding, to package ad. It is separate from ad because a package that
// uses cgo cannot also hold Go assembly.
package openblas

// #cgo LDFLAGS: -lopenblas
// char *openblas_get_corename(void);
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/netlib/blas/netlib"
)

var impl netlib.Implementation

// Dgemm computes C = alpha op(A) op(B) + beta C for row-major matrices, op
// the transpose when ta or tb is set.
func Dgemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	impl.Dgemm(trans(ta), trans(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// CoreName returns the name of the CPU whose kernels OpenBLAS chose for this
// machine ("SkylakeX", "Haswell", …), spelt as OpenBLAS reports it, not
// in one case (Debian's build reports "Haswell"): compare it without
// regard to case.
func CoreName() string { return C.GoString(C.openblas_get_corename()) }

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

//go:build openblas

package ad

import "github.com/noetherlab/noether/lib/ad/internal/openblas"

// HasOpenBLAS reports whether the package was built with the openblas tag:
// then products of more than blasMACs multiply-adds go to OpenBLAS where it
// is the faster (preferBLAS).
const HasOpenBLAS = true

// openblasGemm computes the product with OpenBLAS's dgemm.
func openblasGemm(g *gemmArgs) {
	openblas.Dgemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc)
}

//go:build openblas

package ad

import (
	"strings"

	"github.com/noetherlab/noether/lib/ad/internal/openblas"
)

// HasOpenBLAS reports whether the package was built with the openblas tag:
// then products of more than blasMACs multiply-adds go to OpenBLAS where it
// is the faster (preferBLAS).
const HasOpenBLAS = true

// openblasGemm computes the product with OpenBLAS's dgemm.
func openblasGemm(g *gemmArgs) {
	openblas.Dgemm(g.ta, g.tb, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc)
}

// blasAVX512 reports whether OpenBLAS runs its AVX-512 kernels here. An
// OpenBLAS older than the CPU takes it for an older one: Debian's 0.3.21
// runs its Haswell (AVX2) kernels on AMD Zen 5, where they are 2–4× slower
// than ours on every shape of BenchmarkGemmBackends.
var blasAVX512 = avx512Core(openblas.CoreName())

// avx512Core reports whether OpenBLAS's core name is one of its targets
// with AVX-512 kernels.
func avx512Core(name string) bool {
	switch strings.ToLower(name) {
	case "skylakex", "cooperlake", "sapphirerapids":
		return true
	}
	return false
}

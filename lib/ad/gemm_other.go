//go:build !amd64

package ad

// hasAVX2FMA and hasAVX512 are false: there are no assembly kernels on this
// architecture.
var hasAVX2FMA, hasAVX512 = false, false

func packWidth() int { return nr }

func directWidth() int { return nr }

func kernelWide(kc int, a, b []float64, ab []float64) { panic("ad: internal error: no wide kernel") }

func kernelWideC(kc int, a, b, c []float64, ldc int, alpha, beta float64) {
	panic("ad: internal error: no wide kernel")
}

func hasDirectKernel() bool { return false }

func kernel(kc int, a, b []float64, ab *[mr * nr]float64) { kernelGo(kc, a, b, ab) }

func kernelC(kc int, a, b, c []float64, ldc int, alpha, beta float64) bool { return false }

func kernelPanel(k int, a []float64, rs, cs, m int, b []float64, ldb int, c []float64, ldc, cols int, alpha, beta float64) bool {
	return false
}

func kernelDot(k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc, rows, cols int, alpha, beta float64) bool {
	return false
}

func packRows6(panel []float64, a []float64, base, lda, kc int) bool { return false }

func packPanel16(panel, b []float64, base, ldb, kc int, tb bool) bool { return false }

func gemmDotChunked(g *gemmArgs, i0, i1, j0, j1 int) bool { return false }

// dotBlocks has no kernel on this architecture: dotBlocksOK is false.
type dotBlocks struct{}

func dotBlocksOK(m, n, k, block int) bool { return false }

func newDotBlocks(m, n int) dotBlocks { return dotBlocks{} }

func (d *dotBlocks) add(L int, a []float64, lda int, b []float64, ldb int) {
	panic("ad: internal error: no dot kernel")
}

func (d *dotBlocks) finish(L int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, beta float64) {
	panic("ad: internal error: no dot kernel")
}

func kernelWideA(kc int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	panic("ad: internal error: no wide kernel")
}

func kernelWideA2(kc, kt int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	panic("ad: internal error: no wide kernel")
}

func packRows16T(panel, b []float64, rows []int, ldb, pc, kc int) bool { return false }

func packRows16N(panel, b []float64, rows []int, ldb, jc int) bool { return false }

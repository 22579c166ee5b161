//go:build !amd64

package landscape

// No vector forms here: the scalar loops do every entry.

func signVec(dst, x []float64, s float64) int        { return 0 }
func steDVec(dst, x []float64) int                   { return 0 }
func clipVec(x []float64) int                        { return 0 }
func centreVec(dst []float64, ws [][]float64) int    { return 0 }
func coupleVec(g, w, c []float64, gamma float64) int { return 0 }
func steGradVec(dst, g, x []float64, acc bool) int   { return 0 }

// hasAVX is false here; the benchmarks read it.
var hasAVX = false

// vecLen is 0 here: no kernels.
func vecLen(n int) int { return 0 }

//go:build !amd64

package landscape

// No vector forms here: the scalar loops do every entry.

func signVec(dst, x []float64, s float64) int { return 0 }
func steDVec(dst, x []float64) int            { return 0 }
func clipVec(x []float64) int                 { return 0 }

//go:build !amd64

package ad

// Without the vector kernels every lane is left to the scalar code.

func maxPoolVec(y []float64, arg []uint8, top, bot []float64, nw, n int) int     { return 0 }
func maxPoolBackVec(g []float64, arg []uint8, top, bot []float64, nw, n int) int { return 0 }

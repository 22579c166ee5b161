//go:build !amd64

package ad

// Without the vector kernels every entry is left to the scalar code.

func sigmoidVec(dst, x []float64) int                          { return 0 }
func tanhVec(dst, x []float64) int                             { return 0 }
func reluVec(dst, x []float64, s float64) int                  { return 0 }
func addScalarVec(dst, x []float64, s float64) int             { return 0 }
func reluBackVec(dst, g, x []float64, s float64, acc bool) int { return 0 }
func tanhBackVec(dst, g, y []float64, acc bool) int            { return 0 }
func sigmoidBackVec(dst, g, y []float64, acc bool) int         { return 0 }

func vsum16(x *float64, n int) float64    { panic("ad: internal error: no vsum16") }
func vdot16(x, y *float64, n int) float64 { panic("ad: internal error: no vdot16") }

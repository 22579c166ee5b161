package ad

import "math"

// The elementwise kernels of elem_amd64.s, on n (a multiple of 4) entries.

//go:noescape
func vsigmoid(dst, x *float64, n int) (clamped int)

//go:noescape
func vtanh(dst, x *float64, n int)

// vsigmoid512 and vtanh512 are vsigmoid and vtanh on eight lanes (AVX-512),
// n a multiple of 8.
//
//go:noescape
func vsigmoid512(dst, x *float64, n int)

//go:noescape
func vtanh512(dst, x *float64, n int)

//go:noescape
func vrelu(dst, x *float64, n int, s float64)

//go:noescape
func vaddScalar(dst, x *float64, n int, s float64)

//go:noescape
func vreluBack(dst, gr, x *float64, n, acc int, s float64)

//go:noescape
func vtanhBack(dst, gr, x *float64, n, acc int)

//go:noescape
func vsigmoidBack(dst, gr, x *float64, n, acc int)

// vecLen returns how many leading entries of slices of length n the vector
// kernels handle: n rounded down to a multiple of 4, or 0 without AVX2/FMA.
func vecLen(n int) int {
	if !hasAVX2FMA {
		return 0
	}
	return n &^ 3
}

func b2acc(acc bool) int {
	if acc {
		return 1
	}
	return 0
}

// The functions below process the first vecLen(len(x)) entries and return
// that count; the callers finish the rest with scalar code.

func sigmoidVec(dst, x []float64) int {
	if m := len(x) &^ 7; hasAVX512 && m > 0 {
		_ = dst[m-1]
		vsigmoid512(&dst[0], &x[0], m)
		return m
	}
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	if vsigmoid(&dst[0], &x[0], m) != 0 {
		for i, v := range x[:m] {
			if math.Abs(v) > 700 {
				dst[i] = sigmoid(v)
			}
		}
	}
	return m
}

func tanhVec(dst, x []float64) int {
	if m := len(x) &^ 7; hasAVX512 && m > 0 {
		_ = dst[m-1]
		vtanh512(&dst[0], &x[0], m)
		return m
	}
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	vtanh(&dst[0], &x[0], m)
	return m
}

// addScalarVec sets dst[i] = x[i] + s on the first vecLen(len(x)) entries:
// one rounded sum each, as the scalar loop computes it.
func addScalarVec(dst, x []float64, s float64) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	vaddScalar(&dst[0], &x[0], m, s)
	return m
}

func reluVec(dst, x []float64, s float64) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	vrelu(&dst[0], &x[0], m, s)
	return m
}

func reluBackVec(dst, g, x []float64, s float64, acc bool) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_, _ = dst[m-1], g[m-1]
	vreluBack(&dst[0], &g[0], &x[0], m, b2acc(acc), s)
	return m
}

func tanhBackVec(dst, g, y []float64, acc bool) int {
	m := vecLen(len(y))
	if m == 0 {
		return 0
	}
	_, _ = dst[m-1], g[m-1]
	vtanhBack(&dst[0], &g[0], &y[0], m, b2acc(acc))
	return m
}

func sigmoidBackVec(dst, g, y []float64, acc bool) int {
	m := vecLen(len(y))
	if m == 0 {
		return 0
	}
	_, _ = dst[m-1], g[m-1]
	vsigmoidBack(&dst[0], &g[0], &y[0], m, b2acc(acc))
	return m
}

// vsum16 and vdot16 are fastSum's and fastDot's partial sums (sum16Go and
// dot16Go) with AVX2, n a multiple of 16.
//
//go:noescape
func vsum16(x *float64, n int) float64

//go:noescape
func vdot16(x, y *float64, n int) float64

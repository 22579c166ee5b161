package landscape

import "golang.org/x/sys/cpu"

// The elementwise kernels of sign_amd64.s, on n (a multiple of 4) entries,
// with the values of the scalar forms bit for bit.

//go:noescape
func vsign(dst, x *float64, n int, s float64)

//go:noescape
func vsteD(dst, x *float64, n int)

//go:noescape
func vclip(x *float64, n int)

var hasAVX = cpu.X86.HasAVX

// vecLen returns how many leading entries of a slice of length n the
// kernels handle: n rounded down to a multiple of 4, or 0 without AVX.
func vecLen(n int) int {
	if !hasAVX {
		return 0
	}
	return n &^ 3
}

// The functions below process the first vecLen(len(x)) entries and return
// that count; the callers finish the rest with the scalar code.

func signVec(dst, x []float64, s float64) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	vsign(&dst[0], &x[0], m, s)
	return m
}

func steDVec(dst, x []float64) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_ = dst[m-1]
	vsteD(&dst[0], &x[0], m)
	return m
}

func clipVec(x []float64) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	vclip(&x[0], m)
	return m
}

package landscape

import "golang.org/x/sys/cpu"

// The elementwise kernels of kernels_amd64.s, on n (a multiple of 4) entries,
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

//go:noescape
func vcentre(dst *float64, ws *[]float64, nw, n int, y float64)

//go:noescape
func vcouple(grad, w, c *float64, n int, gamma float64)

// centreVec is centre on the first vecLen(len(dst)) entries; every ws[k]
// must be as long as dst.
func centreVec(dst []float64, ws [][]float64) int {
	m := vecLen(len(dst))
	if m == 0 || len(ws) == 0 {
		return 0
	}
	for _, w := range ws {
		if len(w) < m {
			panic("landscape: centre: vectors of unequal lengths")
		}
	}
	vcentre(&dst[0], &ws[0], len(ws), m, float64(len(ws)))
	return m
}

// coupleVec does g[i] += γ·(w[i] − c[i]) on the first vecLen(len(g))
// entries.
func coupleVec(g, w, c []float64, gamma float64) int {
	m := vecLen(len(g))
	if m == 0 {
		return 0
	}
	_, _ = w[m-1], c[m-1]
	vcouple(&g[0], &w[0], &c[0], m, gamma)
	return m
}

//go:noescape
func vsteGrad(dst, grad, x *float64, n, acc int)

// steGradVec is steGrad on the first vecLen(len(x)) entries.
func steGradVec(dst, g, x []float64, acc bool) int {
	m := vecLen(len(x))
	if m == 0 {
		return 0
	}
	_, _ = dst[m-1], g[m-1]
	a := 0
	if acc {
		a = 1
	}
	vsteGrad(&dst[0], &g[0], &x[0], m, a)
	return m
}

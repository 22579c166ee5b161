package ad

// The max-pooling kernels of pool_amd64.s.

//go:noescape
func maxPool512(top, bot, y *float64, arg *uint8, nw, n, m int)

//go:noescape
func maxPoolBack512(gr *float64, arg *uint8, top, bot *float64, nw, n, m int)

// maxPoolVec pools one row of nw windows, as maxPoolRow with s0 = 0, in the
// lanes s < m of every window, and returns m: n rounded down to a multiple
// of 8, or 0 without AVX-512.
func maxPoolVec(y []float64, arg []uint8, top, bot []float64, nw, n int) int {
	m := n &^ 7
	if !hasAVX512 || m == 0 || nw == 0 {
		return 0
	}
	_, _, _ = y[nw*n-1], top[2*nw*n-1], bot[2*nw*n-1]
	var pa *uint8
	if arg != nil {
		_ = arg[nw*n-1]
		pa = &arg[0]
	}
	maxPool512(&top[0], &bot[0], &y[0], pa, nw, n, m)
	return m
}

// maxPoolBackVec is maxPoolBackRow with s0 = 0 in the lanes s < m of every
// window; it returns m as maxPoolVec does.
func maxPoolBackVec(g []float64, arg []uint8, top, bot []float64, nw, n int) int {
	m := n &^ 7
	if !hasAVX512 || m == 0 || nw == 0 {
		return 0
	}
	_, _, _, _ = g[nw*n-1], arg[nw*n-1], top[2*nw*n-1], bot[2*nw*n-1]
	maxPoolBack512(&g[0], &arg[0], &top[0], &bot[0], nw, n, m)
	return m
}

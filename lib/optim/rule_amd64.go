package optim

import (
	"math"

	"golang.org/x/sys/cpu"
)

// momentumStep is the heavy-ball update without weight decay in AVX
// assembly, on n (a multiple of 8) entries.
//
//go:noescape
func momentumStep(theta, b, grad *float64, n int, mu, eta float64)

// adamStep is Adam's update in AVX assembly, on n (a multiple of 4)
// entries; k holds the step's constants.
//
//go:noescape
func adamStep(theta, m, v, grad *float64, n int, k *adamConsts)

var hasAVX = cpu.X86.HasAVX

// momentumVec does b ← μb + g, θ ← θ − ηb on the first len(g) rounded down
// to a multiple of 8 entries, with the roundings of the scalar loop, and
// returns that count (0 without AVX).
func momentumVec(theta, b, g []float64, mu, eta float64) int {
	m := len(g) &^ 7
	if !hasAVX || m == 0 {
		return 0
	}
	_, _ = theta[m-1], b[m-1]
	momentumStep(&theta[0], &b[0], &g[0], m, mu, eta)
	return m
}

// adamVec does Adam's update (see adamScalar) on the first len(g) rounded
// down to a multiple of 4 entries, with the roundings of the scalar loop,
// and returns that count (0 without AVX).
func adamVec(theta, m, v, g []float64, k *adamConsts) int {
	n := len(g) &^ 3
	if !hasAVX || n == 0 {
		return 0
	}
	_, _, _ = theta[n-1], m[n-1], v[n-1]
	adamStep(&theta[0], &m[0], &v[0], &g[0], n, k)
	return n
}

//go:noescape
func allFinite(x *float64, n int, inf float64) bool

// finiteVec reports whether the first len(x) rounded down to a multiple of
// 8 entries are all finite, and returns that count (0 without AVX).
func finiteVec(x []float64) (int, bool) {
	m := len(x) &^ 7
	if !hasAVX || m == 0 {
		return 0, true
	}
	return m, allFinite(&x[0], m, math.Inf(1))
}

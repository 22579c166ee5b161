package ad

import "math"

// vexp512 is in exp_amd64.s.
//
//go:noescape
func vexp512(dst, x *float64, n int) (done int)

// vexpMatches reports whether math.Exp takes the path vexp512 reproduces,
// its fused multiply-adds, which GODEBUG=cpu.fma=off or cpu.avx=off turns
// off: checked on eight arguments whose exponentials the two paths round
// differently.
var vexpMatches = hasAVX512 && func() bool {
	x := [8]float64{-40.52379608154297, 64.1498794555664, 59.9539794921875, 38.483131408691406,
		-10.968205451965332, 14.929451942443848, -24.382171630859375, 60.17621612548828}
	var y [8]float64
	vexp512(&y[0], &x[0], len(x))
	for i, v := range x {
		if y[i] != math.Exp(v) {
			return false
		}
	}
	return true
}()

// expVec sets dst[i] = math.Exp(x[i]) for the leading entries it can do
// with the vector kernel, and returns their number.
func expVec(dst, x []float64) int {
	m := len(x) &^ 7
	if !hasAVX512 || !vexpMatches || m == 0 {
		return 0
	}
	_ = dst[m-1]
	return vexp512(&dst[0], &x[0], m)
}

package ad

// vexp512 is in exp_amd64.s.
//
//go:noescape
func vexp512(dst, x *float64, n int) (done int)

// expVec sets dst[i] = math.Exp(x[i]) for the leading entries it can do
// with the vector kernel, and returns their number.
func expVec(dst, x []float64) int {
	m := len(x) &^ 7
	if !hasAVX512 || m == 0 {
		return 0
	}
	_ = dst[m-1]
	return vexp512(&dst[0], &x[0], m)
}

//go:build !amd64

package ad

func kernel(kc int, a, b []float64, ab *[mr * nr]float64) { kernelGo(kc, a, b, ab) }

func kernelC(kc int, a, b, c []float64, ldc int, alpha, beta float64) bool { return false }

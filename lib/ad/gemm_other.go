//go:build !amd64

package ad

func kernel(kc int, a, b []float64, ab *[mr * nr]float64) { kernelGo(kc, a, b, ab) }

package exercise

import (
	"math"
	"testing"
)

func TestLinearBand(t *testing.T) {
	expect(t, LinearBand(nil), Unanswered, "not answered")
	// ‖U‖² = sdU²·χ²_{mh}, ‖V‖² = sdV²·χ²_{hn}, independent; χ²_k has mean k
	// and variance 2k. two is the factor of the variance.
	band := func(two float64) func(m, h, n int, sdU, sdV float64) (float64, float64) {
		return func(m, h, n int, sdU, sdV float64) (float64, float64) {
			nu, nv := float64(m*h), float64(h*n)
			return nu*sdU*sdU - nv*sdV*sdV, two * (nu*math.Pow(sdU, 4) + nv*math.Pow(sdV, 4))
		}
	}
	expect(t, LinearBand(band(2)), Right, "")
	expect(t, LinearBand(band(1)), Wrong, "factor 2")
	expect(t, LinearBand(func(m, h, n int, sdU, sdV float64) (float64, float64) {
		return float64(m - h), 2*float64(m)/float64(h) + 2*float64(h)/float64(n) // the Xavier case only
	}), Wrong, "mean")
}

func TestHeReLUSpread(t *testing.T) {
	expect(t, HeReLUSpread(math.NaN()), Unanswered, "not answered")
	const m, h, n = 100, 100, 100
	sdU, sdV := 1/math.Sqrt(h), math.Sqrt(2.0/n)
	// Var ‖U‖² = 2mh sdU⁴; relu(v)² has E = s²/2 and E[relu(v)⁴] = 3s⁴/2, so
	// variance 5s⁴/4 per entry of V.
	right := math.Sqrt(2*m*h*math.Pow(sdU, 4) + 5.0/4*h*n*math.Pow(sdV, 4))
	expect(t, HeReLUSpread(right), Right, "")
	// Wrong: the linear form's variance, and a sampled estimate 2% off.
	expect(t, HeReLUSpread(math.Sqrt(2*m*h*math.Pow(sdU, 4)+2*h*n*math.Pow(sdV, 4))), Wrong, "too large")
	expect(t, HeReLUSpread(1.02*right), Wrong, "closed form")
}

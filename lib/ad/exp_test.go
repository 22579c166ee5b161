package ad

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ExpTo claims math.Exp's bits: checked exactly on a million arguments over
// the vector kernel's range and beyond it, on the edges of the range, and on
// vectors mixing NaN, infinities, zeros, subnormal results and overflow with
// ordinary lanes (which then take the scalar path), with and without the
// vector kernel.
func TestExpToExactly(t *testing.T) {
	t.Run("native", testExpTo)
	t.Run("portable", func(t *testing.T) { withoutAssembly(func() { testExpTo(t) }) })
}

func testExpTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 1<<20)
	for i := range x {
		switch i % 4 {
		case 0:
			x[i] = -710 * rng.Float64() // softmax arguments, x − max ≤ 0
		case 1:
			x[i] = 1420*rng.Float64() - 710
		case 2:
			x[i] = rng.NormFloat64()
		default:
			x[i] = -rng.ExpFloat64() * 1e-3
		}
	}
	special := []float64{0, math.Copysign(0, -1), -708, 709, math.Nextafter(-708, -1000), math.Nextafter(709, 1000),
		-745.2, -1000, 710, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, -1e-300, 0.5 * math.Ln2, -0.5 * math.Ln2}
	for k, v := range special {
		x[8*k+3] = v // one odd lane in a vector of ordinary ones
	}
	x = append(x, special...)
	got := make([]float64, len(x))
	for _, n := range []int{len(x), len(x) - 3, 5} {
		clear(got)
		ExpTo(got[:n], x[:n])
		for i, v := range x[:n] {
			if w := math.Exp(v); math.Float64bits(got[i]) != math.Float64bits(w) {
				t.Fatalf("n %d: exp(%v) = %v, math.Exp %v", n, v, got[i], w)
			}
		}
	}
	in := append([]float64(nil), x...)
	ExpTo(in, in) // in place
	for i, v := range x {
		if math.Float64bits(in[i]) != math.Float64bits(math.Exp(v)) {
			t.Fatalf("in place: exp(%v) = %v, math.Exp %v", v, in[i], math.Exp(v))
		}
	}
}

// BenchmarkExpTo takes the exponential of 10 000 softmax arguments (≤ 0),
// with ExpTo and with math.Exp in a loop.
func BenchmarkExpTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, y := make([]float64, 10000), make([]float64, 10000)
	for i := range x {
		x[i] = -20 * rng.Float64()
	}
	b.Run("ExpTo", func(b *testing.B) {
		for b.Loop() {
			ExpTo(y, x)
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = math.Exp(v)
			}
		}
	})
}

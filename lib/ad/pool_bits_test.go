package ad

import (
	"math"
	"math/rand/v2"
	"testing"
)

// poolInputs draws entries from a small set so that windows hold ties, ±0,
// infinities and NaNs of different payloads and signs (which NaN a maximum
// returns is visible in its bits), mixed with normal numbers.
func poolInputs(rng *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 2, math.Inf(1), math.Inf(-1),
		math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0x7ff8000000000002),
		math.Float64frombits(0xfff8000000000003), math.Float64frombits(0x7ff0000000000004)}
	v := make([]float64, n)
	for i := range v {
		if rng.IntN(4) == 0 {
			v[i] = rng.NormFloat64()
		} else {
			v[i] = special[rng.IntN(len(special))]
		}
	}
	return v
}

var poolCases = []struct {
	in Dims
	n  int
}{{Dims{2, 4, 4}, 8}, {Dims{3, 6, 6}, 32}, {Dims{2, 5, 7}, 16}, {Dims{2, 4, 6}, 13}, {Dims{1, 4, 4}, 3}, {Dims{4, 28, 28}, 40}}

// The vector max-pool must give exactly the bits of the scalar code (Go's
// max, which prefers the later NaN, +0 over −0 and the first of ties):
// values, positions of the maxima, and the gradient routed back to them.
func TestMaxPoolVectorBitIdentical(t *testing.T) {
	if !hasAVX512 {
		t.Log("no AVX-512: only the scalar code runs")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range poolCases {
		for rep := 0; rep < 20; rep++ {
			x := poolInputs(rng, c.in.Size()*c.n)
			size := c.in.C * (c.in.H / 2) * (c.in.W / 2) * c.n
			y, arg := make([]float64, size), make([]uint8, size)
			wantY, wantArg := make([]float64, size), make([]uint8, size)
			maxPool(y, arg, x, c.in, c.n)
			maxPoolScalar(wantY, wantArg, x, c.in, c.n)
			for i := range y {
				if math.Float64bits(y[i]) != math.Float64bits(wantY[i]) || arg[i] != wantArg[i] {
					t.Fatalf("%v×%d: entry %d is %v (%#x) at %d, want %v (%#x) at %d", c.in, c.n, i,
						y[i], math.Float64bits(y[i]), arg[i], wantY[i], math.Float64bits(wantY[i]), wantArg[i])
				}
			}
			y2 := make([]float64, size)
			maxPool(y2, nil, x, c.in, c.n)
			for i := range y2 {
				if math.Float64bits(y2[i]) != math.Float64bits(wantY[i]) {
					t.Fatalf("%v×%d without positions: entry %d is %v, want %v", c.in, c.n, i, y2[i], wantY[i])
				}
			}

			// Backward: rows of windows, into buffers filled with junk so
			// that every written entry is checked.
			g := poolInputs(rng, size)
			gx, wantGx := poolInputs(rng, len(x)), make([]float64, len(x))
			copy(wantGx, gx)
			h2, w2, n := c.in.H/2, c.in.W/2, c.n
			for ch := 0; ch < c.in.C; ch++ {
				for i := 0; i < h2; i++ {
					r := (ch*c.in.H + 2*i) * c.in.W * n
					o := (ch*h2 + i) * w2 * n
					gr, ar := g[o:o+w2*n], arg[o:o+w2*n]
					top, bot := gx[r:], gx[r+c.in.W*n:]
					if m := maxPoolBackVec(gr, ar, top, bot, w2, n); m < n {
						maxPoolBackRow(gr, ar, top, bot, w2, n, m)
					}
					maxPoolBackRow(gr, ar, wantGx[r:], wantGx[r+c.in.W*n:], w2, n, 0)
				}
			}
			for i := range gx {
				if math.Float64bits(gx[i]) != math.Float64bits(wantGx[i]) {
					t.Fatalf("%v×%d: gradient entry %d is %v, want %v", c.in, c.n, i, gx[i], wantGx[i])
				}
			}
		}
	}
}

// BenchmarkMaxPool2 pools the output of the first layer of notebook 08's
// conv net (32 channels of 28×28, batch 32) and routes a gradient back,
// with the vector kernels and with the scalar code alone.
func BenchmarkMaxPool2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	in, n := Dims{32, 28, 28}, 32
	x := make([]float64, in.Size()*n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	size := in.C * 14 * 14 * n
	y, arg, g, gx := make([]float64, size), make([]uint8, size), make([]float64, size), make([]float64, len(x))
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			maxPool(y, arg, x, in, n)
		}
	})
	b.Run("forward scalar", func(b *testing.B) {
		for b.Loop() {
			maxPoolScalar(y, arg, x, in, n)
		}
	})
	b.Run("backward scalar", func(b *testing.B) {
		for b.Loop() {
			for ch := 0; ch < in.C; ch++ {
				for i := 0; i < 14; i++ {
					r := (ch*28 + 2*i) * 28 * n
					o := (ch*14 + i) * 14 * n
					maxPoolBackRow(g[o:o+14*n], arg[o:o+14*n], gx[r:], gx[r+28*n:], 14, n, 0)
				}
			}
		}
	})
	b.Run("backward", func(b *testing.B) {
		for b.Loop() {
			for ch := 0; ch < in.C; ch++ {
				for i := 0; i < 14; i++ {
					r := (ch*28 + 2*i) * 28 * n
					o := (ch*14 + i) * 14 * n
					top, bot := gx[r:], gx[r+28*n:]
					if m := maxPoolBackVec(g[o:o+14*n], arg[o:o+14*n], top, bot, 14, n); m < n {
						maxPoolBackRow(g[o:o+14*n], arg[o:o+14*n], top, bot, 14, n, m)
					}
				}
			}
		}
	})
}

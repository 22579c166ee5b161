package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gemmDotChunked keeps every tile's accumulators between chunks of terms,
// so it must give exactly the bits of one pass of the dot kernel per tile
// (gemmDot's tiles through kernelDot): exact equality, the claim being that
// the floating-point operations are the same.
func TestGemmDotChunkedBitIdentical(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: gemmDotChunked does not run")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		m, n, k     int
		alpha, beta float64
	}{{32, 9, 25088, 1, 0}, {32, 9, 25088 + 5, 1, 1}, {7, 5, 1025, 0.5, -2}, {3, 4, 2048, 1, 0},
		{40, 30, 1500, 1, 0.25}, {1, 1, 3000, 2, 0}, {5, 6, 1024 * 3, 1, 1},
		{10, 50, 1000, 1, 0}, {50, 20, 1000, 1, 1}, {4, 5, 513, 1, 0}, {2, 3, 1032, -1, 0}} {
		a, b := make([]float64, c.m*c.k), make([]float64, c.n*c.k)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		c0 := make([]float64, c.m*c.n)
		for i := range c0 {
			c0[i] = rng.NormFloat64()
		}
		got, want := append([]float64(nil), c0...), append([]float64(nil), c0...)
		g := gemmArgs{tb: true, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a, lda: c.k, b: b, ldb: c.k, beta: c.beta, c: got, ldc: c.n}
		if !gemmDotChunked(&g, 0, c.m, 0, c.n) {
			t.Fatalf("%d×%d×%d: not chunked", c.m, c.n, c.k)
		}
		for i := 0; i < c.m; i += 3 {
			for j := 0; j < c.n; j += 4 {
				kernelDot(c.k, a[i*c.k:], c.k, b[j*c.k:], c.k, want[i*c.n+j:], c.n, min(3, c.m-i), min(4, c.n-j), c.alpha, c.beta)
			}
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%d×%d×%d: entry %d is %v, want %v", c.m, c.n, c.k, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkGemmDotWeightGrad is the weight gradient G Pᵀ of notebook 08's
// first conv layer: 32 filters, 3×3 taps, 28×28 images, batch 32.
func BenchmarkGemmDotWeightGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, n, k := 32, 9, 28*28*32
	a, bb, c := randSlice(rng, m*k), randSlice(rng, n*k), make([]float64, m*n)
	b.ReportAllocs()
	for b.Loop() {
		gemm(false, true, m, n, k, 1, a, k, bb, k, 0, c, n)
	}
}

// BenchmarkGemmDotShapes: the weight gradients of the power-iteration
// benchmark's network (hessian.BenchmarkPower50TorchWorkload, 20-50-10 on
// 1000 samples) and their transposes, C = A Bᵀ over the samples.
func BenchmarkGemmDotShapes(b *testing.B) {
	for _, s := range [][3]int{{10, 50, 1000}, {50, 20, 1000}, {50, 10, 1000}, {20, 50, 1000}} {
		m, n, k := s[0], s[1], s[2]
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			a, bb, c := randSlice(rng, m*k), randSlice(rng, n*k), make([]float64, m*n)
			b.ReportAllocs()
			for b.Loop() {
				gemm(false, true, m, n, k, 1, a, k, bb, k, 0, c, n)
			}
			b.ReportMetric(float64(2*m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

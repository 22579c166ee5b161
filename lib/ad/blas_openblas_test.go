//go:build openblas

package ad

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/ad/internal/openblas"
)

// BenchmarkGemmBackends compares our GEMM (gemmSerial: the direct, dot or
// packed method the shape selects, and the packed one where it selects
// another) with OpenBLAS's dgemm on the shapes of
// the project's workloads: the Fig. 3 step, the MLP 784-256-10 at batch 128
// (with the batch as columns X, and as the rows Xr it is gathered in), the
// Hessian products of the MLP 20-50-10 on 1000 samples, the conv net's layer,
// and square matrices. Run with OPENBLAS_NUM_THREADS=1 and
// GOMAXPROCS=1 for one core each. blasMACs is set from it.
func BenchmarkGemmBackends(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct {
		name    string
		ta, tb  bool
		m, n, k int
	}{
		{"fig3/VX", false, false, 50, 10, 10},
		{"fig3/UH", false, false, 5, 10, 50},
		{"fig3/GHt", false, true, 5, 50, 10},
		{"fig3/UtG", true, false, 50, 10, 5},
		{"mlp/W1X", false, false, 256, 128, 784},
		{"mlp/W2H", false, false, 10, 128, 256},
		{"mlp/GHt", false, true, 10, 256, 128},
		{"mlp/W2tG", true, false, 256, 128, 10},
		{"mlp/GXt", false, true, 256, 784, 128},
		{"mlp/W1Xrt", false, true, 256, 128, 784},
		{"mlp/GXr", false, false, 256, 784, 128},
		{"hvp/W1X", false, false, 50, 1000, 20},
		{"hvp/W2A", false, false, 10, 1000, 50},
		{"hvp/GAt", false, true, 10, 50, 1000},
		{"hvp/W2tG", true, false, 50, 1000, 10},
		{"hvp/GXt", false, true, 50, 20, 1000},
		{"conv/wP", false, false, 32, 25088, 9},
		{"conv/GPt", false, true, 32, 9, 25088},
		{"square/64", false, false, 64, 64, 64},
		{"square/256", false, false, 256, 256, 256},
		{"square/1024", false, false, 1024, 1024, 1024},
	} {
		a, bb, c := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), make([]float64, s.m*s.n)
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		g := gemmArgs{s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n, nil}
		flops := 2 * float64(s.m*s.n*s.k)
		b.Run(fmt.Sprintf("%s/%dx%dx%d/go", s.name, s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				gemmSerial(&g, &serialBuf)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		if methodOf(&g) != methodBlock {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/go-packed", s.name, s.m, s.n, s.k), func(b *testing.B) {
				for b.Loop() {
					gemmBlock(&g, 0, s.m, 0, s.n, &serialBuf)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		b.Run(fmt.Sprintf("%s/%dx%dx%d/openblas", s.name, s.m, s.n, s.k), func(b *testing.B) {
			for b.Loop() {
				openblasGemm(&g)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// OpenBLAS's AVX-512 targets are told from its others, and when its kernels
// are not AVX-512 ones on a CPU where ours are, no product goes to it.
func TestPreferBLASCore(t *testing.T) {
	for name, want := range map[string]bool{
		"SkylakeX": true, "cooperlake": true, "SAPPHIRERAPIDS": true,
		"Haswell": false, "Zen": false, "Prescott": false, "": false,
	} {
		if got := avx512Core(name); got != want {
			t.Errorf("avx512Core(%q) = %v, want %v", name, got, want)
		}
	}
	t.Logf("OpenBLAS core: %s (AVX-512 kernels: %v; ours: %v)", openblas.CoreName(), blasAVX512, hasAVX512)
	if hasAVX512 && !blasAVX512 {
		for _, s := range [][3]int{{10, 128, 256}, {1024, 1024, 1024}, {2048, 2048, 2048}} {
			g := gemmArgs{m: s[0], n: s[1], k: s[2]}
			if preferBLAS(&g) {
				t.Errorf("%d×%d×%d goes to OpenBLAS's non-AVX-512 kernels", s[0], s[1], s[2])
			}
		}
	}
}

package ad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func naiveGemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				var av, bv float64
				if ta {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tb {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = beta*c[i*ldc+j] + alpha*s
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

// withoutAssembly runs f with the portable kernels in place of the
// assembly ones.
func withoutAssembly(f func()) {
	defer func(v, w bool) { hasAVX2FMA, hasAVX512 = v, w }(hasAVX2FMA, hasAVX512)
	hasAVX2FMA, hasAVX512 = false, false
	f()
}

// withoutAVX512 runs f with the AVX2 kernels in place of the AVX-512 ones.
func withoutAVX512(f func()) {
	defer func(w bool) { hasAVX512 = w }(hasAVX512)
	hasAVX512 = false
	f()
}

// The AVX2 kernels on a machine with AVX-512.
func TestGemmAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: TestGemm covers the AVX2 kernels")
	}
	withoutAVX512(func() { TestGemm(t) })
}

// The portable kernels give the same products.
func TestGemmPortable(t *testing.T) { withoutAssembly(func() { TestGemm(t) }) }

func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	sizes := [][3]int{{1, 1, 1}, {5, 7, 3}, {6, 8, 256}, {5, 10, 50}, {50, 10, 10}, {13, 17, 300}, {97, 65, 257}, {200, 130, 70}, {7, 3100, 20}, {130, 9, 600}, {10, 50, 1001}, {11, 23, 1003}}
	for _, sz := range sizes {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2, 0.25}} {
					alpha, beta := ab[0], ab[1]
					lda, ldb, ldc := k+3, n+1, n+2
					if ta {
						lda = m + 2
					}
					if tb {
						ldb = k + 1
					}
					a := randSlice(rng, max(m, k)*lda)
					b := randSlice(rng, max(k, n)*ldb)
					c := randSlice(rng, m*ldc)
					if beta == 0 {
						for i := range c {
							c[i] = math.NaN() // C must not be read
						}
					}
					want := append([]float64(nil), c...)
					naiveGemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
					c0 := append([]float64(nil), c...)
					for path := range 4 {
						if path == 3 && (ta || !tb) {
							continue
						}
						copy(c, c0)
						switch path {
						case 0: // the dispatcher
							gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
						case 1:
							gemmBlock(&gemmArgs{ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}, 0, m, 0, n, new(packBuf))
						case 2:
							gemmDirect(&gemmArgs{ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}, 0, m, 0, n, new(packBuf))
						case 3:
							gemmDot(&gemmArgs{ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}, 0, m, 0, n)
						}
						for i := 0; i < m; i++ {
							for j := 0; j < ldc; j++ {
								got, w := c[i*ldc+j], want[i*ldc+j]
								if j >= n {
									if !(math.IsNaN(got) && math.IsNaN(w)) && got != w {
										t.Fatalf("%v ta=%v tb=%v: wrote outside C at (%d,%d)", sz, ta, tb, i, j)
									}
									continue
								}
								if math.Abs(got-w) > 1e-12*math.Max(1, math.Abs(w))*float64(k) {
									t.Fatalf("path %d, %v ta=%v tb=%v α=%v β=%v: C[%d,%d] = %v, want %v", path, sz, ta, tb, alpha, beta, i, j, got, w)
								}
							}
						}
					}
				}
			}
		}
	}
}

// A product shared with the workers (parallelGemm called directly, with at
// least two Ps), cut along rows and along columns, equals the serial one
// bit for bit: each part is the same computation on a block of C.
func TestGemmParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	if min(runtime.NumCPU(), 8) < 2 {
		t.Skip("one CPU: no workers")
	}
	rng := rand.New(rand.NewPCG(4, 5))
	for _, sz := range [][3]int{{300, 70, 200}, {60, 500, 150}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tb := range []bool{false, true} {
			a, b := randSlice(rng, m*k), randSlice(rng, k*n)
			ldb := n
			if tb {
				ldb = k
			}
			c, want := randSlice(rng, m*n), make([]float64, m*n)
			copy(want, c)
			gemmSerial(&gemmArgs{false, tb, m, n, k, 0.5, a, k, b, ldb, 2, want, n, nil}, new(packBuf))
			if !parallelGemm(&gemmArgs{false, tb, m, n, k, 0.5, a, k, b, ldb, 2, c, n, nil}) {
				t.Fatalf("%v: parallelGemm declined", sz)
			}
			for i := range c {
				if c[i] != want[i] {
					t.Fatalf("%v tb=%v: C[%d] = %v, serial %v", sz, tb, i, c[i], want[i])
				}
			}
		}
	}
}

func TestKernelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 5))
	for _, kc := range []int{1, 2, 7, 256} {
		a, b := randSlice(rng, kc*mr), randSlice(rng, kc*nr)
		var x, y [mr * nr]float64
		kernel(kc, a, b, &x)
		kernelGo(kc, a, b, &y)
		for i := range x {
			if math.Abs(x[i]-y[i]) > 1e-12*float64(kc) {
				t.Fatalf("kc=%d: kernels differ at %d: %v vs %v", kc, i, x[i], y[i])
			}
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][3]int{{256, 128, 784}, {256, 784, 128}, {1024, 1024, 1024}, {50, 1000, 20}} {
		m, n, k := sz[0], sz[1], sz[2]
		a, bb, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float64, m*n)
		b.Run(fmt.Sprintf("%dx%dx%d", m, n, k), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gemm(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
			}
			b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// Products on several goroutines at once (each with its own tape) share the
// worker pool and the packing buffers safely.
func TestGemmConcurrent(t *testing.T) {
	done := make(chan error)
	for w := 0; w < 4; w++ {
		go func(seed uint64) {
			rng := rand.New(rand.NewPCG(seed, 1))
			for it := 0; it < 5; it++ {
				m, n, k := 1+rng.IntN(150), 1+rng.IntN(150), 1+rng.IntN(150)
				a, b := randSlice(rng, m*k), randSlice(rng, k*n)
				c, want := make([]float64, m*n), make([]float64, m*n)
				gemm(false, true, m, n, k, 1, a, k, b, k, 0, c, n)
				naiveGemm(false, true, m, n, k, 1, a, k, b, k, 0, want, n)
				for i := range c {
					if math.Abs(c[i]-want[i]) > 1e-12*float64(k) {
						done <- fmt.Errorf("%d×%d×%d: C[%d] = %v, want %v", m, n, k, i, c[i], want[i])
						return
					}
				}
			}
			done <- nil
		}(uint64(w))
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// packRows6 (assembly where the CPU has AVX2) writes the panel packA's Go
// loop writes, for every remainder of kc modulo its four-column step.
func TestPackRows6(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 6))
	for kc := 1; kc <= 13; kc++ {
		lda := kc + 3
		a := randSlice(rng, 2+6*lda)
		got, want := make([]float64, mr*kc), make([]float64, mr*kc)
		if !packRows6(got, a, 2, lda, kc) {
			if kc >= 4 && hasAVX2FMA {
				t.Fatalf("kc=%d: no assembly on an AVX2 CPU", kc)
			}
			continue
		}
		for p := range kc {
			for r := range mr {
				want[p*mr+r] = a[2+r*lda+p]
			}
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("kc=%d: panel[%d] = %v, want %v", kc, i, got[i], want[i])
			}
		}
	}
}

// gemmPanels, with A packed and with A read in place, gives gemmGoto's bits
// on shapes with partial tiles and panels, a last block of a few terms,
// either operand transposed, and alpha and beta that round.
func TestGemmPanels(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: gemmPanels is not used")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][3]int{{256, 128, 784}, {256, 784, 128}, {97, 65, 257}, {13, 17, 300}, {7, 33, 530}, {250, 40, 16}, {5, 100, 20}, {6, 16, 1}, {11, 16, 40}, {8, 20, 300}, {9, 31, 600}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2, 0.25}, {1, 1}, {0.3, 0.7}} {
					lda, ldb, ldc := k+3, n+1, n+2
					if ta {
						lda = m + 2
					}
					if tb {
						ldb = k + 1
					}
					a := randSlice(rng, max(m, k)*lda)
					b := randSlice(rng, max(k, n)*ldb)
					c0 := randSlice(rng, m*ldc)
					want := append([]float64(nil), c0...)
					gemmGoto(&gemmArgs{ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc, nil}, 0, m, 0, n, new(packBuf))
					for _, inPlace := range []bool{false, true} {
						if inPlace && (ta || m < mr) {
							continue
						}
						c := append([]float64(nil), c0...)
						gemmPanels(&gemmArgs{ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc, nil}, 0, m, 0, n, inPlace, new(packBuf))
						for i := range c {
							if math.Float64bits(c[i]) != math.Float64bits(want[i]) {
								t.Fatalf("%v ta=%v tb=%v α, β = %v, in place %v: C[%d] = %v, gemmGoto %v", sz, ta, tb, ab, inPlace, i, c[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// kernelWideA and kernelWideA2 (assembly) compute, bit for bit, their
// model in Go: for each entry and block of terms one chain of fused
// multiply-adds over the terms in order, then alpha times the sum, plus
// beta C in one fused multiply-add (beta 1 for the second block of
// kernelWideA2), for numbers of terms around their steps of eight.
func TestKernelWideA(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	const w = 2 * nr
	for _, kc := range []int{1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 256} {
		for _, kt := range []int{0, 1, 7, 8, 9, 16, 17, 32} {
			for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {0.3, 0.7}} {
				alpha, beta := ab[0], ab[1]
				lda, ldb, ldc := kc+kt+5, w+3, w+1
				a := randSlice(rng, mr*lda)
				b := randSlice(rng, (kc+kt)*ldb)
				c := randSlice(rng, mr*ldc)
				if beta == 0 {
					for i := range c {
						c[i] = math.NaN() // C must not be read
					}
				}
				want := append([]float64(nil), c...)
				for r := range mr {
					for j := range w {
						s := 0.0
						for p := range kc {
							s = math.FMA(a[r*lda+p], b[p*ldb+j], s)
						}
						if beta == 0 {
							want[r*ldc+j] = alpha * s
						} else {
							want[r*ldc+j] = math.FMA(beta, want[r*ldc+j], alpha*s)
						}
						if kt > 0 {
							s = 0
							for p := kc; p < kc+kt; p++ {
								s = math.FMA(a[r*lda+p], b[p*ldb+j], s)
							}
							want[r*ldc+j] = math.FMA(1, want[r*ldc+j], alpha*s)
						}
					}
				}
				if kt > 0 {
					kernelWideA2(kc, kt, a, lda, b, ldb, c, ldc, alpha, beta)
				} else {
					kernelWideA(kc, a, lda, b, ldb, c, ldc, alpha, beta)
				}
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(want[i]) && !(math.IsNaN(c[i]) && math.IsNaN(want[i])) {
						t.Fatalf("kc=%d kt=%d α, β = %v: C[%d] = %v, want %v", kc, kt, ab, i, c[i], want[i])
					}
				}
			}
		}
	}
}

// packPanel16 (assembly where the CPU has AVX-512) writes the panels
// packB's Go loops write, B transposed or not, for every remainder of kc
// modulo the eight columns a step of the transposing copy.
func TestPackPanel16(t *testing.T) {
	const w = 2 * nr
	rng := rand.New(rand.NewPCG(3, 7))
	for kc := 1; kc <= 25; kc++ {
		for _, tb := range []bool{false, true} {
			ldb := w + 5
			if tb {
				ldb = kc + 3
			}
			b := randSlice(rng, 2+max(w, kc)*ldb)
			got := make([]float64, w*kc)
			if !packPanel16(got, b, 2, ldb, kc, tb) {
				if hasAVX512 {
					t.Fatalf("kc=%d: no assembly on an AVX-512 CPU", kc)
				}
				continue
			}
			for p := range kc {
				for j := range w {
					want := b[2+p*ldb+j]
					if tb {
						want = b[2+j*ldb+p]
					}
					if got[p*w+j] != want {
						t.Fatalf("kc=%d tb=%v: panel[%d] = %v, want %v", kc, tb, p*w+j, got[p*w+j], want)
					}
				}
			}
		}
	}
}

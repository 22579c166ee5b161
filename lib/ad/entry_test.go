package ad

import (
	"math/rand/v2"
	"testing"
)

// EntryABt gives the entries of MatMulT(A, B, false, true) bit for bit,
// for the products of the packed method, with every kernel the CPU has
// (the portable one as compiled: its additions fused or not); and declines
// the others, and, with the openblas tag, those that go to OpenBLAS.
func TestEntryABt(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for _, sh := range [][3]int{{64, 1000, 784}, {9, 700, 15}, {6, 900, 300}, {100, 50, 513}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, b := make([]float64, m*k), make([]float64, n*k)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range b {
			b[i] = rng.Float64()
		}
		for _, kern := range []string{"wide", "avx2", "go"} {
			func() {
				defer func(v, w bool) { hasAVX2FMA, hasAVX512 = v, w }(hasAVX2FMA, hasAVX512)
				switch kern {
				case "avx2":
					hasAVX512 = false
				case "go":
					hasAVX2FMA, hasAVX512 = false, false
				}
				tp := NewTape()
				c := tp.MatMulT(tp.ConstData(m, k, a), tp.ConstData(n, k, b), false, true).Value().RawMatrix().Data
				toBLAS := HasOpenBLAS && m*n*k > blasMACs && preferBLAS(&gemmArgs{tb: true, m: m, n: n, k: k, alpha: 1})
				for _, ij := range [][2]int{{0, 0}, {m - 1, n - 1}, {m / 2, n / 3}, {m - 1, 0}} {
					i, j := ij[0], ij[1]
					got, ok := EntryABt(m, n, k, a[i*k:(i+1)*k], b[j*k:(j+1)*k])
					if toBLAS {
						// OpenBLAS computes the product: its bits are not ours.
						if ok {
							t.Fatalf("%s %v: computed an entry of a product that goes to OpenBLAS", kern, sh)
						}
						continue
					}
					if kern == "go" && goKernelFMA == goMixed {
						// The compiler fused some of kernelGo's additions
						// and not others (GOAMD64=v3, say).
						if ok {
							t.Fatalf("%v: computed an entry of a kernel that fuses some additions", sh)
						}
						continue
					}
					if !ok {
						t.Fatalf("%s %v: declined a packed product", kern, sh)
					}
					if want := c[i*n+j]; got != want {
						t.Errorf("%s %v: entry (%d, %d) = %.17g, MatMulT %.17g", kern, sh, i, j, got, want)
					}
				}
			}()
		}
	}
	if _, ok := EntryABt(1, 1000, 784, make([]float64, 784), make([]float64, 784)); ok {
		t.Error("computed an entry of a product of dot products")
	}
}

package ad

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// sameBits reports whether x and y are the same float64, bit for bit.
func sameBits(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }

// gemmBlock (which takes gemmPanels for at most 256 rows on AVX-512, A
// packed or read in place) gives gemmGoto's bits, C around the product
// untouched, on shapes at and around the edges of the blocking: k at
// multiples of kcBlock ± 1 and at the short last block's bound (kcBlock/8
// terms, and one more), n around the 16-column panels and 256, m
// around the 6-row tiles and panelRows; with both operands transposed or not,
// leading dimensions wider than the rows, operands that are views into
// larger slices, beta 0 and −0 over a C full of NaN (which must not be
// read), and in a third of the products infinities, signed zeros and NaNs
// of two payloads among the entries of A, B and C (the NaN a sum ends with
// depends on the order of the operands of each operation).
func TestGemmPanelsEdges(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512: gemmPanels is not used")
	}
	rng := rand.New(rand.NewPCG(22, 1))
	ms := []int{1, 5, 6, 7, 11, 12, 13, 95, 96, 97, 251, 252, 255, 256}
	ns := []int{1, 15, 16, 17, 31, 32, 33, 240, 255, 256, 257, 272}
	ks := []int{1, 8, 9, 255, 256, 257, 287, 288, 289, 511, 512, 513, 544, 545, 784}
	abs := [][2]float64{{1, 0}, {1, 1}, {-0.5, 0.25}, {0.3, 0}, {1.7, -1}, {1, math.Copysign(0, -1)}}
	special := []float64{math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff8000000000abc),
		math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0}
	n := 300
	if testing.Short() {
		n = 120
	}
	for it := 0; it < n; it++ {
		m, nn, k := ms[rng.IntN(len(ms))], ns[rng.IntN(len(ns))], ks[rng.IntN(len(ks))]
		if it < 2*len(ks) { // every k, with a partial tile in each direction
			m, nn, k = []int{13, 251}[it%2], []int{33, 257}[it%2], ks[it/2]
		}
		ta, tb := rng.IntN(2) == 1, rng.IntN(2) == 1
		ab := abs[rng.IntN(len(abs))]
		ra, ca := m, k
		if ta {
			ra, ca = k, m
		}
		rb, cb := k, nn
		if tb {
			rb, cb = nn, k
		}
		lda, ldb, ldc := ca+rng.IntN(3), cb+rng.IntN(3), nn+rng.IntN(3)
		oa, ob, oc := rng.IntN(5), rng.IntN(5), rng.IntN(5)
		// Views: each operand starts oa, ob, oc entries into its slice and
		// its slice ends at its last entry.
		a := randSlice(rng, oa+(ra-1)*lda+ca)[oa:]
		b := randSlice(rng, ob+(rb-1)*ldb+cb)[ob:]
		c0 := randSlice(rng, oc+m*ldc)[oc:]
		specials := it%3 == 2
		if specials {
			for _, x := range [][]float64{a, b, c0} {
				for i := range x {
					if rng.IntN(40) == 0 {
						x[i] = special[rng.IntN(len(special))]
					}
				}
			}
		}
		if ab[1] == 0 {
			for i := range c0 {
				c0[i] = math.NaN()
			}
		}
		want := append([]float64(nil), c0...)
		g := gemmArgs{ta, tb, m, nn, k, ab[0], a, lda, b, ldb, ab[1], want, ldc, nil}
		gemmGoto(&g, 0, m, 0, nn, new(packBuf))
		for path := range 3 {
			inPlace := path == 2
			if inPlace && (ta || m < mr) {
				continue
			}
			c := append([]float64(nil), c0...)
			g.c = c
			if path == 0 {
				gemmBlock(&g, 0, m, 0, nn, new(packBuf))
			} else {
				gemmPanels(&g, 0, m, 0, nn, inPlace, new(packBuf))
			}
			for i := range c {
				if ab[1] == 0 && !specials && i%ldc < nn && math.IsNaN(c[i]) {
					t.Fatalf("%d×%d×%d β = %v, path %d: C[%d,%d] is NaN: C was read", m, nn, k, ab[1], path, i/ldc, i%ldc)
				}
				if !sameBits(c[i], want[i]) {
					t.Fatalf("%d×%d×%d ta=%v tb=%v lda, ldb, ldc = %d, %d, %d α, β = %v, path %d: C[%d,%d] = %v (%#x), gemmGoto %v (%#x)",
						m, nn, k, ta, tb, lda, ldb, ldc, ab, path, i/ldc, i%ldc, c[i], math.Float64bits(c[i]), want[i], math.Float64bits(want[i]))
				}
			}
		}
	}
}

// A product shared with the workers equals the serial one bit for bit where
// the parts take another path than the whole (parts of at most 256 rows
// through gemmPanels, A read in place, where the whole of more rows goes
// through gemmGoto; a last part of fewer than six rows with A packed), with
// a short last block of terms (k = 784, 289, 545) and either operand
// transposed.
func TestGemmParallelPanels(t *testing.T) {
	if min(runtime.NumCPU(), 8) < 2 {
		t.Skip("one CPU: no workers")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(4, 9))
	for _, sz := range [][3]int{{256, 128, 784}, {300, 70, 800}, {60, 500, 545}, {255, 300, 289}, {257, 40, 600}, {40, 257, 600}, {128, 784, 256}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				lda, ldb := k, n
				if ta {
					lda = m
				}
				if tb {
					ldb = k
				}
				a, b := randSlice(rng, m*k), randSlice(rng, k*n)
				c, want := randSlice(rng, m*n), make([]float64, m*n)
				copy(want, c)
				g := gemmArgs{ta, tb, m, n, k, 0.5, a, lda, b, ldb, 2, want, n, nil}
				gemmSerial(&g, new(packBuf))
				g.c = c
				if !parallelGemm(&g) {
					t.Fatalf("%v: parallelGemm declined", sz)
				}
				for i := range c {
					if !sameBits(c[i], want[i]) {
						t.Fatalf("%v ta=%v tb=%v: C[%d] = %v, serial %v", sz, ta, tb, i, c[i], want[i])
					}
				}
			}
		}
	}
}

package ad

import (
	"fmt"
	"math"
)

// EntryABt returns the entry of C = A Bᵀ, A m×k and B n×k, of row a of A
// and row b of B, rounded as MatMulT(A, B, false, true) rounds it, and
// true; or false for a product whose method does not let one entry be
// computed alone (anything but the packed, blocked method, or a product
// that goes to OpenBLAS). The packed method sums each entry in depth
// blocks of 256, each block a chain of multiply-adds in order from zero
// (fused where the kernels fuse them), and adds the blocks to the entry in
// order, whatever m and n and however the product is shared between
// goroutines: so one entry costs k multiply-adds instead of the product.
// It panics if a or b is not of length k.
func EntryABt(m, n, k int, a, b []float64) (float64, bool) {
	if len(a) != k || len(b) != k {
		panic(fmt.Sprintf("ad: EntryABt: rows of length %d and %d, want k = %d", len(a), len(b), k))
	}
	g := gemmArgs{tb: true, m: m, n: n, k: k, alpha: 1}
	if m == 0 || n == 0 || k == 0 || methodOf(&g) != methodBlock || (HasOpenBLAS && m*n*k > blasMACs && preferBLAS(&g)) {
		return 0, false
	}
	fused := hasAVX2FMA || hasAVX512
	if !fused {
		switch goKernelFMA {
		case goFused:
			fused = true
		case goMixed:
			return 0, false
		}
	}
	var c float64
	for pc := 0; pc < k; pc += kcBlock {
		ap, bp := a[pc:min(pc+kcBlock, k)], b[pc:min(pc+kcBlock, k)]
		bp = bp[:len(ap)]
		var s float64
		if fused {
			for p, v := range ap {
				s = math.FMA(v, bp[p], s)
			}
		} else {
			for p, v := range ap {
				s += float64(v * bp[p]) // rounded, then added
			}
		}
		if pc == 0 {
			c = s
		} else {
			c += s
		}
	}
	return c, true
}

// How the compiled kernelGo adds its products: the compiler may fuse
// c += a·b into a multiply-add (it does on arm64, and on amd64 with
// GOAMD64=v3), which rounds once instead of twice.
const (
	goUnfused = iota
	goFused
	goMixed // fused at some positions of the tile and not at others
)

// goKernelFMA is how kernelGo adds its products, found by running it on
// two terms whose sum is exactly −2⁻⁶⁰ and whose rounded product makes it 0.
var goKernelFMA = func() int {
	const e = 0x1p-30
	a, b := make([]float64, 2*mr), make([]float64, 2*nr)
	for r := range mr {
		a[r], a[mr+r] = 1, 1+e
	}
	for j := range nr {
		b[j], b[nr+j] = -1, 1-e
	}
	var ab [mr * nr]float64
	kernelGo(2, a, b, &ab)
	fused, unfused := 0, 0
	for _, v := range ab {
		switch v {
		case -0x1p-60:
			fused++
		case 0:
			unfused++
		}
	}
	switch {
	case unfused == len(ab):
		return goUnfused
	case fused == len(ab):
		return goFused
	}
	return goMixed
}()

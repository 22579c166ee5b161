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
	if m == 0 || n == 0 || k == 0 || methodOf(&g) != methodBlock || (HasOpenBLAS && m*n*k > blasMACs) {
		return 0, false
	}
	fused := hasAVX2FMA || hasAVX512
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
				s += v * bp[p] // as kernelGo writes it
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

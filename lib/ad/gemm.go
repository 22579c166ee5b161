package ad

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// This file holds the matrix multiplication every op uses: a packed, blocked
// GEMM in the style of Goto and van de Geijn, with a 6×8 register-tile
// microkernel (AVX2/FMA assembly on amd64 when the CPU has it, a 6×16 one in
// AVX-512 where that is available, plain Go otherwise); small products skip
// the packing (gemmDirect, gemmDot), and large ones are shared with worker
// goroutines. It allocates nothing after warm-up,
// which gonum's parallel Dgemm does, and is several times faster than it for
// the shapes of small neural networks.

const (
	mr      = 6    // rows of the register tile
	nr      = 8    // columns of the register tile
	kcBlock = 256  // depth of a packed panel (B micro-panel kc×nr stays in L1; kc×2nr for AVX-512)
	mcBlock = 96   // rows of a packed block of A (mc×kc stays in L2)
	ncBlock = 3072 // columns of a packed block of B

	// parMACs is the number of multiply-adds above which a product is split
	// between goroutines: about 10 µs of one core, well above the cost of
	// waking a worker.
	parMACs = 1 << 22

	// directMACs is the number of multiply-adds up to which any product
	// skips packing (gemmDirect), directA the size of op(A) up to which a
	// product with an untransposed B does, and dotOut the size of C up to
	// which A Bᵀ is computed as dot products (gemmDot). The unpacked kernel
	// reads op(A) again for every panel of B: measured on one core with
	// n = 784 and k = 128 (BenchmarkGemmBackends), it is 1.1–1.3× faster than
	// packing up to 64×128 and 1.06–1.12× slower from 128×128 on (the
	// MLP's weight gradient G·X with the batch stored as rows).
	directMACs = 1 << 15
	directA    = 1 << 13
	dotOut     = 64 * 64

	// blasMACs is the number of multiply-adds above which a product may go
	// to OpenBLAS in builds with the openblas tag (see preferBLAS). Measured
	// on one core of an AVX-512 Xeon (BenchmarkGemmBackends): below it the
	// cgo call and OpenBLAS's set-up weigh as much as the product; above it
	// OpenBLAS's AVX-512 kernels beat our AVX2 kernels by 1.2–1.5× and the
	// largest squares by about 1.3×, while below 2²⁷ multiply-adds our
	// AVX-512 packed kernels beat it by 1.2× (G·Xr, G·Xᵀ) to 1.4× (W1·Xrᵀ,
	// W1·X) on the MLP's two large products and our dot kernel by 1.9× on weight gradients like 10×256
	// over 128 samples. Our AVX-512 direct kernel beats it by 1.4× on the
	// conv layer's w·P alone, but a step of the linear net 20-50-10 on 1000
	// samples, whose three direct products are within 5% of OpenBLAS's
	// alone, ran 4% slower with them in Go: direct products stay with
	// OpenBLAS.
	blasMACs = 1 << 16
)

type gemmArgs struct {
	ta, tb  bool
	m, n, k int
	alpha   float64
	a       []float64
	lda     int
	b       []float64
	ldb     int
	beta    float64
	c       []float64
	ldc     int

	// brows, when not nil, lists the rows of the stored B (n×k if tb,
	// k×n otherwise) by their place in b: its row i is
	// b[brows[i]·ldb:]. Only packB reads B through it, so only a packed
	// product (gemmPanels, gemmGoto) may carry it (see gemmRows).
	brows []int
}

type packBuf struct {
	a, b []float64
	edge []float64            // the last, partial panel of B for the direct path
	ab   [mr * 2 * nr]float64 // a partial tile, up to mr×16
}

// Packing buffers for serial products: one kept for good (so that a
// single-threaded training loop never allocates, even after a GC empties the
// pool) and a pool for concurrent callers.
var (
	serialMu  sync.Mutex
	serialBuf packBuf
	bufPool   = sync.Pool{New: func() any { return new(packBuf) }}
)

// gemm computes C = alpha op(A) op(B) + beta C for row-major matrices, with
// op(A) m×k and op(B) k×n and leading dimensions lda, ldb, ldc. When beta is
// 0, C is not read.
func gemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if n == 1 && ta && ldc == 1 && (tb || ldb == 1) && k <= kcBlock && m*k <= blasMACs {
		// A transposed matrix times a vector, Aᵀb, as the row bᵀA: the
		// panel kernels compute six rows of C at a time and 8 or 16
		// columns, so one column of m rows costs about m/6 panels, one row
		// of m columns m/16. Every entry is the same chain of fused
		// multiply-adds over p in order (fma(x, y, s) = fma(y, x, s)), and
		// both shapes take the direct method, so the result is the same to
		// the bit (TestGemvAsRow).
		m, n, ta, tb = 1, m, false, false
		a, lda, b, ldb = b, k, a, lda
		ldc = n
	}
	g := gemmArgs{ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	gemmRun(&g)
}

// gemmRun computes the product g by the method that suits its shape.
func gemmRun(g *gemmArgs) {
	m, n, k := g.m, g.n, g.k
	if HasOpenBLAS && m*n*k > blasMACs && preferBLAS(g) {
		openblasGemm(g)
		return
	}
	if m*n*k >= parMACs && parallelGemm(g) {
		return
	}
	if !g.tb && hasDirectKernel() && methodOf(g) == methodDirect {
		// The assembly kernel reads both operands in place: no packing
		// buffer, hence no lock, which goroutines running small products
		// side by side would otherwise pass between cores at every call.
		// A nil buffer: should the kernel ever need one here, the nil
		// dereference says so at once instead of racing on a shared one.
		gemmDirect(g, 0, m, 0, n, nil)
		return
	}
	if serialMu.TryLock() {
		gemmSerial(g, &serialBuf)
		serialMu.Unlock()
		return
	}
	buf := bufPool.Get().(*packBuf)
	gemmSerial(g, buf)
	bufPool.Put(buf)
}

// gemmRows is gemm with the rows of the stored B (n×k if tb, k×n otherwise)
// taken from anywhere in b: its row i is b[brows[i]·ldb:], so that a
// product by rows picked out of a larger matrix (a minibatch of samples)
// needs no copy of them. The packed kernels read B one panel at a time
// and pack each panel from the rows as listed; the other methods, and
// OpenBLAS, read B in place. gemmRows computes the product and reports
// true when it goes to gemmPanels (AVX-512, a packed product of at most
// panelRows rows of C, ours rather than OpenBLAS's); otherwise it does
// nothing and reports false, and the caller gathers the rows and calls
// gemm. Both give the same bits: the same kernel calls on the same
// numbers.
func gemmRows(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, brows []int, beta float64, c []float64, ldc int) bool {
	if m == 0 || n == 0 {
		return true
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return true
	}
	g := gemmArgs{ta: ta, tb: tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, brows: brows}
	if !hasAVX512 || methodOf(&g) != methodBlock || m > panelRows ||
		HasOpenBLAS && m*n*k > blasMACs && preferBLAS(&g) {
		return false
	}
	// The assembly packing reads the listed rows without bounds checks:
	// each must lie within b.
	rows, cols := k, n
	if tb {
		rows, cols = n, k
	}
	if len(brows) != rows {
		panic(fmt.Sprintf("ad: internal error: gemmRows: %d rows listed for a stored B of %d×%d", len(brows), rows, cols))
	}
	for i, r := range brows {
		if r < 0 || r*ldb+cols > len(b) {
			panic(fmt.Sprintf("ad: internal error: gemmRows: row %d (entry %d) of %d columns, %d apart, is outside the %d values of b", r, i, cols, ldb, len(b)))
		}
	}
	// Every part of a parallel product has at most m rows, so it goes to
	// gemmPanels too.
	gemmRun(&g)
	return true
}

// gemmSerial computes the whole product on the calling goroutine.
func gemmSerial(g *gemmArgs, buf *packBuf) { gemmSerialPart(g, 0, g.m, 0, g.n, buf) }

// gemmSerialPart computes rows [i0, i1) and columns [j0, j1) of C on the
// calling goroutine, by the method that suits the shape of the whole product
// (so that a product shared between goroutines gives the same bits):
//
//   - gemmDot for A Bᵀ with a long inner dimension and a small C (a
//     weight gradient G Xᵀ summed over many samples): dot products of rows,
//     nothing packed;
//   - gemmDirect when B is not transposed and op(A) and B's panels stay in
//     cache (k ≤ 256, op(A) at most 8k entries), and for any small
//     product: nothing packed, or only a transposed B;
//   - gemmBlock, packed and blocked for the caches, otherwise.
func gemmSerialPart(g *gemmArgs, i0, i1, j0, j1 int, buf *packBuf) {
	switch methodOf(g) {
	case methodDot:
		gemmDot(g, i0, i1, j0, j1)
	case methodDirect:
		gemmDirect(g, i0, i1, j0, j1, buf)
	default:
		gemmBlock(g, i0, i1, j0, j1, buf)
	}
}

const (
	methodBlock = iota
	methodDirect
	methodDot
)

// methodOf returns the method gemmSerialPart uses for the product g.
func methodOf(g *gemmArgs) int {
	m, n, k := g.m, g.n, g.k
	switch {
	case g.tb && !g.ta && k >= 16 && m*n <= dotOut:
		return methodDot
	case !g.tb && k <= kcBlock && m*k <= directA, m*n*k <= directMACs, n <= 2*nr:
		return methodDirect
	}
	return methodBlock
}

// preferBLAS reports whether a product above blasMACs goes to OpenBLAS in a
// build with the openblas tag: where our method is the direct one, and
// packed products unless our AVX-512 kernel runs them (below 2²⁷
// multiply-adds, where its blocking keeps up with OpenBLAS's). Dot products
// stay ours, and so does every product when our kernels are AVX-512 ones
// and OpenBLAS's are not (blasAVX512).
func preferBLAS(g *gemmArgs) bool {
	if hasAVX512 && !blasAVX512 {
		return false
	}
	switch methodOf(g) {
	case methodDot:
		return false
	case methodDirect:
		return true
	}
	return !hasAVX512 || g.m*g.n*g.k >= 1<<27
}

// gemmDot computes rows [i0, i1) and columns [j0, j1) of C = alpha A Bᵀ +
// beta C (g.ta false, g.tb true) as dot products of rows of A with rows of
// B, in tiles of 3×4, reading both in place.
func gemmDot(g *gemmArgs, i0, i1, j0, j1 int) {
	if gemmDotChunked(g, i0, i1, j0, j1) {
		return
	}
	k := g.k
	for i := i0; i < i1; i += 3 {
		rows := min(3, i1-i)
		for j := j0; j < j1; j += 4 {
			cols := min(4, j1-j)
			a, b, c := g.a[i*g.lda:], g.b[j*g.ldb:], g.c[i*g.ldc+j:]
			if kernelDot(k, a, g.lda, b, g.ldb, c, g.ldc, rows, cols, g.alpha, g.beta) {
				continue
			}
			for r := 0; r < rows; r++ {
				ar := a[r*g.lda:][:k]
				for jj := 0; jj < cols; jj++ {
					br := b[jj*g.ldb:][:k]
					s := 0.0
					for p, v := range ar {
						s += v * br[p]
					}
					if g.beta == 0 {
						c[r*g.ldc+jj] = g.alpha * s
					} else {
						c[r*g.ldc+jj] = g.beta*c[r*g.ldc+jj] + g.alpha*s
					}
				}
			}
		}
	}
}

// gemmDirect computes rows [i0, i1) and columns [j0, j1) of C like
// gemmBlock, without packing A: the microkernel reads six rows of op(A) in
// place (strides cs along k and rs between rows), and the rows of B in place
// too when B is not transposed. A transposed B is packed into panels as
// gemmBlock does (its rows are then 8 apart). The assembly kernel reads a
// last panel narrower than 8 columns under a mask and stores partial tiles
// under masks; without it, that panel is copied, zero-padded, and partial
// tiles go through buf.ab. Rows of op(A) beyond its last are read from the
// last one.
func gemmDirect(g *gemmArgs, i0, i1, j0, j1 int, buf *packBuf) {
	k := g.k
	rs, cs := g.lda, 1
	if g.ta {
		rs, cs = 1, g.lda
	}
	w := directWidth()
	if g.tb {
		buf.b = grow(buf.b, k*((j1-j0+w-1)/w)*w)
		packB(buf.b, g, 0, k, j0, j1-j0, w)
	}
	var aoff [mr]int
	for jr := j0; jr < j1; jr += w {
		cols := min(w, j1-jr)
		var bp []float64
		ldb := w
		switch {
		case g.tb:
			bp = buf.b[(jr-j0)*k:]
		case cols < nr && !hasDirectKernel():
			buf.edge = grow(buf.edge, k*nr)
			bp = buf.edge
			for p := 0; p < k; p++ {
				d := bp[p*nr : p*nr+nr : p*nr+nr]
				src := g.b[p*g.ldb+jr:][:cols]
				for j := range d {
					if j < cols {
						d[j] = src[j]
					} else {
						d[j] = 0
					}
				}
			}
		default:
			bp, ldb = g.b[jr:], g.ldb
		}
		if kernelPanel(k, g.a[i0*rs:], rs, cs, i1-i0, bp, ldb, g.c[i0*g.ldc+jr:], g.ldc, cols, g.alpha, g.beta) {
			continue
		}
		for ir := i0; ir < i1; ir += mr {
			rows := min(mr, i1-ir)
			for r := range aoff {
				aoff[r] = (ir + min(r, rows-1)) * rs
			}
			ab := (*[mr * nr]float64)(buf.ab[:mr*nr])
			kernelDirectGo(k, g.a, &aoff, cs, bp, ldb, ab)
			storeTile(g.c[ir*g.ldc+jr:], g.ldc, rows, cols, g.alpha, g.beta, ab[:], nr)
		}
	}
}

// storeTile sets the rows×cols corner of C (rows ldc apart) to
// alpha·ab + beta·C, not reading C when beta is 0; the rows of ab are w
// apart.
func storeTile(c []float64, ldc, rows, cols int, alpha, beta float64, ab []float64, w int) {
	for r := 0; r < rows; r++ {
		crow := c[r*ldc:][:cols]
		t := ab[r*w : r*w+cols]
		switch beta {
		case 0:
			for j, v := range t {
				crow[j] = alpha * v
			}
		case 1:
			for j, v := range t {
				crow[j] += alpha * v
			}
		default:
			for j, v := range t {
				crow[j] = beta*crow[j] + alpha*v
			}
		}
	}
}

// kernelDirectGo is the portable form of kernelDirect: ab (mr×nr, row-major)
// = Σ_{p<k} a[aoff[r] + p·cs] b[p·ldb + j].
func kernelDirectGo(k int, a []float64, aoff *[mr]int, cs int, b []float64, ldb int, ab *[mr * nr]float64) {
	var c [mr * nr]float64
	for p := 0; p < k; p++ {
		bp := b[p*ldb : p*ldb+nr : p*ldb+nr]
		for r, o := range aoff {
			av := a[o+p*cs]
			cr := c[r*nr : r*nr+nr : r*nr+nr]
			for j, bv := range bp {
				cr[j] += av * bv
			}
		}
	}
	*ab = c
}

func scaleC(m, n int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// gemmBlock computes rows [i0, i1) and columns [j0, j1) of C: by
// gemmPanels with the AVX-512 kernels when there are at most panelRows rows,
// reading A in place when op(A) = A and there are at least mr rows, else by
// gemmGoto.
//
// Reading A in place rather than packing it is the faster of the two at
// every width of B measured, from 8 to 196 panels of 16 columns, although
// its kernel reads six rows of A lda apart: both read A's block of terms
// from the level-2 cache once per panel of B, and packing adds a copy of
// it. Measured on one core (BenchmarkGemmBackends): mlp/W1Xrt (8 panels)
// 0.59 → 0.52 ms in place; mlp/GXr and mlp/GXt (49 panels) 0.53 → 0.505
// and 0.53 → 0.51 ms; and, timed on its own, 256×3136×128 (196 panels)
// 2.19 → 2.15 ms.
func gemmBlock(g *gemmArgs, i0, i1, j0, j1 int, buf *packBuf) {
	if hasAVX512 && i1-i0 <= panelRows {
		gemmPanels(g, i0, i1, j0, j1, !g.ta && i1-i0 >= mr, buf)
		return
	}
	gemmGoto(g, i0, i1, j0, j1, buf)
}

// gemmGoto computes rows [i0, i1) and columns [j0, j1) of C in the loop
// order of Goto and van de Geijn: for each block of kcBlock terms, B packed
// whole (up to ncBlock columns), then A one block of mcBlock rows at a time,
// swept by the kernel across every panel of B.
func gemmGoto(g *gemmArgs, i0, i1, j0, j1 int, buf *packBuf) {
	for jc := j0; jc < j1; jc += ncBlock {
		nc := min(ncBlock, j1-jc)
		for pc := 0; pc < g.k; pc += kcBlock {
			kc := min(kcBlock, g.k-pc)
			w := packWidth()
			buf.b = grow(buf.b, kc*((nc+w-1)/w)*w)
			packB(buf.b, g, pc, kc, jc, nc, w)
			beta := 1.0
			if pc == 0 {
				beta = g.beta
			}
			for ic := i0; ic < i1; ic += mcBlock {
				mc := min(mcBlock, i1-ic)
				buf.a = grow(buf.a, kc*((mc+mr-1)/mr)*mr)
				packA(buf.a, g, ic, mc, pc, kc)
				macroKernel(g, buf, ic, mc, jc, nc, kc, beta)
			}
		}
	}
}

const (
	// panelRows bounds the rows of C that gemmPanels computes: A's block
	// of panelRows×kcBlock terms, 512 KiB, stays in the level-2 cache.
	panelRows = 256

	// tailTerms bounds the terms of a last block that gemmPanels, reading
	// A in place, computes in the same sweep as the block before it
	// (kernelWideA2): a product over 784 terms is three blocks of 256 and
	// one of 16, and a sweep of its own over those 16 would load and store
	// all of C, call the kernel once per tile, and pack B, for 2 % of the
	// work. The panel of B for both blocks, (256 + 32)·16 float64, still
	// fits the level-1 cache with room for the rows of A.
	tailTerms = kcBlock / 8
)

// gemmPanels computes rows [i0, i1) and columns [j0, j1) of C, with at most
// panelRows rows, by the AVX-512 kernels: for each block of kcBlock terms, A
// is packed whole (or read in place when inPlace is set, which needs op(A)
// = A and at least mr rows), and B one panel of 16 columns at a time just before the kernel
// sweeps it down the rows, so that the panel is in the level-1 cache and the
// packed B never leaves it. Every tile gets the same kernel calls over the
// same blocks of terms in the same order as in gemmGoto, whose loops it
// reorders: the same bits (TestGemmPanels).
func gemmPanels(g *gemmArgs, i0, i1, j0, j1 int, inPlace bool, buf *packBuf) {
	m := i1 - i0
	const w = 2 * nr
	buf.b = grow(buf.b, min(kcBlock+tailTerms, g.k)*w)
	for pc := 0; pc < g.k; {
		kc := min(kcBlock, g.k-pc)
		kt := 0 // the terms of a short last block, computed with this one
		if rest := g.k - pc - kc; inPlace && rest <= tailTerms {
			kt = rest
		}
		beta := 1.0
		if pc == 0 {
			beta = g.beta
		}
		if !inPlace {
			buf.a = grow(buf.a, kc*((m+mr-1)/mr)*mr)
			packA(buf.a, g, i0, m, pc, kc)
		}
		bp := buf.b[:(kc+kt)*w]
		for jr := j0; jr < j1; jr += w {
			cols := min(w, j1-jr)
			packB(bp, g, pc, kc+kt, jr, cols, w)
			if inPlace {
				panelInPlace(g, i0, i1, pc, kc, kt, bp, jr, cols, beta, buf)
			} else {
				// The one packed panel at the start of buf.b, swept down
				// the packed A as in gemmGoto.
				macroKernel(g, buf, i0, m, jr, cols, kc, beta)
			}
		}
		pc += kc + kt
	}
}

// panelInPlace computes rows [i0, i1) (at least mr of them) of the column
// panel jr (cols wide) of C for the terms [pc, pc+kc), and then
// [pc+kc, pc+kc+kt) if kt > 0, reading A (not transposed) in place and B
// from the packed panel bp (the rows of both blocks): full tiles by
// kernelWideA or kernelWideA2, whose epilogues are kernelWideC's; partial
// ones by kernelWideA on the tile's last six rows of A (alpha 1 and beta 0
// leave its sums as they are) into buf.ab, each block through storeTile, as
// gemmGoto computes them block by block.
func panelInPlace(g *gemmArgs, i0, i1, pc, kc, kt int, bp []float64, jr, cols int, beta float64, buf *packBuf) {
	const w = 2 * nr
	for ir := i0; ir < i1; ir += mr {
		rows := min(mr, i1-ir)
		c := g.c[ir*g.ldc+jr:]
		if rows == mr && cols == w {
			a := g.a[ir*g.lda+pc:]
			if kt > 0 {
				kernelWideA2(kc, kt, a, g.lda, bp, w, c, g.ldc, g.alpha, beta)
			} else {
				kernelWideA(kc, a, g.lda, bp, w, c, g.ldc, g.alpha, beta)
			}
			continue
		}
		r0 := min(ir, i1-mr) // the kernel reads six rows: the tile's, and those before it
		a, ab := g.a[r0*g.lda+pc:], buf.ab[(ir-r0)*w:]
		kernelWideA(kc, a, g.lda, bp, w, buf.ab[:], w, 1, 0)
		storeTile(c, g.ldc, rows, cols, g.alpha, beta, ab, w)
		if kt > 0 {
			kernelWideA(kt, a[kc:], g.lda, bp[kc*w:], w, buf.ab[:], w, 1, 0)
			storeTile(c, g.ldc, rows, cols, g.alpha, 1, ab, w)
		}
	}
}

// packA copies op(A)[ic:ic+mc, pc:pc+kc] into panels of mr rows, each stored
// column by column (mr consecutive values per k), zero-padded to mr rows.
func packA(dst []float64, g *gemmArgs, ic, mc, pc, kc int) {
	a, lda := g.a, g.lda
	for ip := 0; ip < mc; ip += mr {
		rows := min(mr, mc-ip)
		panel := dst[ip*kc : ip*kc+mr*kc]
		if g.ta { // op(A)[i,p] = A[p,i]
			for p := 0; p < kc; p++ {
				src := a[(pc+p)*lda+ic+ip:]
				d := panel[p*mr : p*mr+mr]
				copy(d[:rows], src[:rows])
				clear(d[rows:])
			}
			continue
		}
		if rows == mr { // six rows at a time, writing the panel in order
			base := (ic+ip)*lda + pc
			if packRows6(panel, a, base, lda, kc) {
				continue
			}
			r0, r1, r2 := a[base:][:kc], a[base+lda:][:kc], a[base+2*lda:][:kc]
			r3, r4, r5 := a[base+3*lda:][:kc], a[base+4*lda:][:kc], a[base+5*lda:][:kc]
			for p := range kc {
				d := panel[p*mr : p*mr+mr : p*mr+mr]
				d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
			}
			continue
		}
		for r := 0; r < rows; r++ {
			src := a[(ic+ip+r)*lda+pc:][:kc]
			for p, v := range src {
				panel[p*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := 0; p < kc; p++ {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into panels of w columns (8 or
// 16), each stored row by row (w consecutive values per k), zero-padded to w
// columns.
func packB(dst []float64, g *gemmArgs, pc, kc, jc, nc, w int) {
	if g.brows != nil {
		packBRows(dst, g, pc, kc, jc, nc, w)
		return
	}
	b, ldb := g.b, g.ldb
	for jp := 0; jp < nc; jp += w {
		cols := min(w, nc-jp)
		panel := dst[jp*kc : jp*kc+w*kc]
		if cols == 2*nr && w == cols {
			base := pc*ldb + jc + jp
			if g.tb {
				base = (jc+jp)*ldb + pc
			}
			if packPanel16(panel, b, base, ldb, kc, g.tb) {
				continue
			}
		}
		if !g.tb { // op(B)[p,j] = B[p,j]
			switch { // whole panels as array copies, which compile to moves rather than memmove calls
			case cols == 2*nr:
				for p := 0; p < kc; p++ {
					*(*[2 * nr]float64)(panel[p*w:]) = *(*[2 * nr]float64)(b[(pc+p)*ldb+jc+jp:])
				}
			case cols == nr && w == nr:
				for p := 0; p < kc; p++ {
					*(*[nr]float64)(panel[p*w:]) = *(*[nr]float64)(b[(pc+p)*ldb+jc+jp:])
				}
			default:
				for p := 0; p < kc; p++ {
					src := b[(pc+p)*ldb+jc+jp:]
					d := panel[p*w : p*w+w]
					copy(d[:cols], src[:cols])
					clear(d[cols:])
				}
			}
			continue
		}
		if w == nr && cols == nr { // eight rows of B at a time, writing the panel in order
			base := (jc+jp)*ldb + pc
			r0, r1, r2, r3 := b[base:][:kc], b[base+ldb:][:kc], b[base+2*ldb:][:kc], b[base+3*ldb:][:kc]
			r4, r5, r6, r7 := b[base+4*ldb:][:kc], b[base+5*ldb:][:kc], b[base+6*ldb:][:kc], b[base+7*ldb:][:kc]
			for p := range kc {
				d := panel[p*nr : p*nr+nr : p*nr+nr]
				d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]
			}
			continue
		}
		if w == 2*nr && cols == w { // sixteen rows of B, as two interleaved groups of eight
			for h := 0; h < w; h += nr {
				base := (jc+jp+h)*ldb + pc
				r0, r1, r2, r3 := b[base:][:kc], b[base+ldb:][:kc], b[base+2*ldb:][:kc], b[base+3*ldb:][:kc]
				r4, r5, r6, r7 := b[base+4*ldb:][:kc], b[base+5*ldb:][:kc], b[base+6*ldb:][:kc], b[base+7*ldb:][:kc]
				for p := range kc {
					d := panel[p*w+h : p*w+h+nr : p*w+h+nr]
					d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p], r6[p], r7[p]
				}
			}
			continue
		}
		// A partial panel: its padding cleared row by row (a short clear
		// per row of the panel, not a strided pass per padding column),
		// then its columns copied in.
		for p := 0; p < kc; p++ {
			clear(panel[p*w+cols : p*w+w])
		}
		for c := 0; c < cols; c++ {
			src := b[(jc+jp+c)*ldb+pc:][:kc]
			for p, v := range src {
				panel[p*w+c] = v
			}
		}
	}
}

// packBRows is packB for a B whose rows are listed in g.brows: the same
// panels, read from the listed rows.
func packBRows(dst []float64, g *gemmArgs, pc, kc, jc, nc, w int) {
	b, ldb, rows := g.b, g.ldb, g.brows
	for jp := 0; jp < nc; jp += w {
		cols := min(w, nc-jp)
		panel := dst[jp*kc : jp*kc+w*kc]
		if cols == 2*nr && w == cols {
			if g.tb && packRows16T(panel, b, rows[jc+jp:jc+jp+w], ldb, pc, kc) ||
				!g.tb && packRows16N(panel, b, rows[pc:pc+kc], ldb, jc+jp) {
				continue
			}
		}
		for p := 0; p < kc; p++ {
			d := panel[p*w : p*w+w]
			if g.tb { // op(B)[pc+p, jc+jp+j] is column pc+p of the stored row jc+jp+j
				for j := range cols {
					d[j] = b[rows[jc+jp+j]*ldb+pc+p]
				}
			} else {
				copy(d[:cols], b[rows[pc+p]*ldb+jc+jp:][:cols])
			}
			clear(d[cols:])
		}
	}
}

func macroKernel(g *gemmArgs, buf *packBuf, ic, mc, jc, nc, kc int, beta float64) {
	alpha, c, ldc := g.alpha, g.c, g.ldc
	w := packWidth()
	for jr := 0; jr < nc; jr += w {
		bp := buf.b[jr*kc : jr*kc+w*kc]
		cols := min(w, nc-jr)
		for ir := 0; ir < mc; ir += mr {
			ap := buf.a[ir*kc : ir*kc+mr*kc]
			rows := min(mr, mc-ir)
			ct := c[(ic+ir)*ldc+jc+jr:]
			if w > nr {
				if rows == mr && cols == w {
					kernelWideC(kc, ap, bp, ct, ldc, alpha, beta)
				} else {
					kernelWide(kc, ap, bp, buf.ab[:])
					storeTile(ct, ldc, rows, cols, alpha, beta, buf.ab[:], w)
				}
				continue
			}
			if rows == mr && cols == nr && kernelC(kc, ap, bp, ct, ldc, alpha, beta) {
				continue
			}
			ab := (*[mr * nr]float64)(buf.ab[:mr*nr])
			kernel(kc, ap, bp, ab)
			storeTile(ct, ldc, rows, cols, alpha, beta, ab[:], nr)
		}
	}
}

// kernelGo is the portable microkernel: ab (mr×nr, row-major) = Σ_p a_p b_pᵀ
// over the packed panels a (kc×mr) and b (kc×nr).
func kernelGo(kc int, a, b []float64, ab *[mr * nr]float64) {
	var c [mr * nr]float64
	a = a[:kc*mr]
	b = b[:kc*nr]
	for p := 0; p < kc; p++ {
		bp := b[p*nr : p*nr+nr : p*nr+nr]
		ap := a[p*mr : p*mr+mr : p*mr+mr]
		for r, av := range ap {
			cr := c[r*nr : r*nr+nr : r*nr+nr]
			cr[0] += av * bp[0]
			cr[1] += av * bp[1]
			cr[2] += av * bp[2]
			cr[3] += av * bp[3]
			cr[4] += av * bp[4]
			cr[5] += av * bp[5]
			cr[6] += av * bp[6]
			cr[7] += av * bp[7]
		}
	}
	*ab = c
}

// Parallel products. A product is cut into parTasks parts along the larger
// of m and n; the caller and persistent worker goroutines claim parts one by
// one (the caller from the first, the workers from the last) with a
// compare-and-swap, so a part is computed exactly once, by whoever gets to it
// first. The caller never waits for a worker that has not started: if the
// workers are slow to wake (the other cores busy), it computes every part
// itself and the product costs what a serial one does, plus the wake-up; it
// waits only for parts a worker has claimed and is computing. One parallel
// product runs at a time; a caller that finds another one running computes
// serially.
var (
	parMu   sync.Mutex
	parOnce sync.Once
	parWake chan struct{}
	parJob  struct {
		args    gemmArgs
		rows    bool // parts split the rows (m), else the columns (n)
		parts   [parTasks + 1]int
		np      int
		state   [parTasks]atomic.Int32 // 0 unclaimed, 1 claimed
		pending atomic.Int32           // parts claimed by workers and not finished
	}
	parBuf    packBuf
	parNumber int
)

// parTasks is the number of parts a parallel product is cut into.
const parTasks = 8

// startWorkers starts one worker per CPU beyond the caller's (at most 8 in
// all); each product wakes as many as GOMAXPROCS allows at the time, so that
// `go test -cpu 1,2` measures what it says.
func startWorkers() {
	parNumber = min(runtime.NumCPU(), 8)
	parWake = make(chan struct{}, parNumber)
	for t := range parTasks {
		parJob.state[t].Store(1) // nothing to claim until a product starts
	}
	for w := 1; w < parNumber; w++ {
		go func() {
			buf := new(packBuf)
			for range parWake {
				parWork(buf, false, parTasks)
			}
		}()
	}
}

// parWork claims and computes parts of the current parallel product until
// none is left: the caller its np parts from the first, a worker any of the
// parTasks from the last. A part's fields are read only after claiming it:
// the caller wrote them before making the part claimable, so a worker that
// wakes late touches nothing of a finished product, and claims parts of the
// next one only once they are ready. A worker counts itself in pending
// before it tries to claim, so that the caller, once every part is claimed,
// can wait for pending to reach zero.
func parWork(buf *packBuf, caller bool, np int) {
	j := &parJob
	for t := range np {
		if !caller {
			t = np - 1 - t
			j.pending.Add(1)
		}
		if j.state[t].CompareAndSwap(0, 1) {
			a, b := j.parts[t], j.parts[t+1]
			if j.rows {
				gemmSerialPart(&j.args, a, b, 0, j.args.n, buf)
			} else {
				gemmSerialPart(&j.args, 0, j.args.m, a, b, buf)
			}
		}
		if !caller {
			j.pending.Add(-1)
		}
	}
}

func parallelGemm(g *gemmArgs) bool {
	parOnce.Do(startWorkers)
	p := min(parNumber, runtime.GOMAXPROCS(0))
	if p < 2 || !parMu.TryLock() {
		return false
	}
	defer parMu.Unlock()
	j := &parJob
	j.args = *g
	// Cut the larger of m and n into parts aligned to the register tile.
	size, align := g.n, 2*nr
	j.rows = g.m > g.n
	if j.rows {
		size, align = g.m, mr
	}
	chunk := ((size+parTasks-1)/parTasks + align - 1) / align * align
	j.np = 0
	for s := 0; s < size; s += chunk {
		j.parts[j.np] = s
		j.np++
	}
	j.parts[j.np] = size
	if j.np < 2 {
		return false
	}
	for t := range j.np {
		j.state[t].Store(0)
	}
	for range p - 1 {
		select {
		case parWake <- struct{}{}:
		default:
		}
	}
	parWork(&parBuf, true, j.np)
	for j.pending.Load() != 0 {
		runtime.Gosched()
	}
	j.args = gemmArgs{} // every part is claimed and done: drop the caller's matrices
	return true
}

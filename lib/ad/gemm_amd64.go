package ad

// kern6x8 is kernelGo in AVX2/FMA assembly.
//
//go:noescape
func kern6x8(kc int, a, b, ab *float64)

// kern6x8c is kern6x8 followed by C = alpha·ab + beta·C on a full 6×8 tile
// of C with row stride ldc; C is not read when beta is 0.
//
//go:noescape
func kern6x8c(kc int, a, b, c *float64, ldc int, alpha, beta float64)

// kdirPanel is kernelPanel in AVX2/FMA assembly.
//
//go:noescape
func kdirPanel(k int, a *float64, rs, cs, m int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, mask *[nr]int64)

// kdirPanel16 is kernelPanel in AVX-512 on panels of 16 columns, those with
// bit j of cmask set.
//
//go:noescape
func kdirPanel16(k int, a *float64, rs, cs, m int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, cmask int)

// kdot3x4 is kernelDot in AVX2/FMA assembly.
//
//go:noescape
func kdot3x4(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, rows, cols int, kmask, cmask *[4]int64)

// kern6x16 and kern6x16c are kern6x8 and kern6x8c in AVX-512 on panels of
// 16 columns.
//
//go:noescape
func kern6x16(kc int, a, b, ab *float64)

//go:noescape
func kern6x16c(kc int, a, b, c *float64, ldc int, alpha, beta float64)

// kern6x16a is kern6x16c with A read in place, its six rows lda apart.
//
//go:noescape
func kern6x16a(kc int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

// kern6x16a2 is kern6x16a over two blocks of kc and kt terms, the sums of
// the second added to C after those of the first.
//
//go:noescape
func kern6x16a2(kc, kt int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)

// kdot3x4z is kdot3x4 in AVX-512, the tail under the opmask kmask.
//
//go:noescape
func kdot3x4z(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, rows, cols int, kmask int, cmask *[4]int64, acc *float64)

// kdot3x4zpart runs the main loop of kdot3x4z over k (a multiple of 8)
// terms, from zero accumulators if first is 1, else from acc, and leaves them
// in acc (96 float64).
//
//go:noescape
func kdot3x4zpart(k int, a *float64, lda int, b *float64, ldb int, rows, cols int, acc *float64, first int)

// pack6x4 copies six rows of A (lda apart), n groups of four columns, into
// packA's interleaved layout (see the assembly).
//
//go:noescape
func pack6x4(n int, a *float64, lda int, dst *float64)

// packT16 copies sixteen rows of B (ldb apart), n groups of eight columns,
// into the rows of a packed panel of 16 (see the assembly).
//
//go:noescape
func packT16(n int, b *float64, ldb int, dst *float64)

// packN16 copies n rows of sixteen columns of B (ldb apart) into a packed
// panel of 16.
//
//go:noescape
func packN16(n int, b *float64, ldb int, dst *float64)

// packPanel16 writes the packed panel of 16 columns of op(B) over kc terms,
// from B[base:] with rows ldb apart: panel[p·16 + j] = B[base + j·ldb + p]
// if tb, else B[base + p·ldb + j]. It reports false if there is no
// assembly for it.
func packPanel16(panel, b []float64, base, ldb, kc int, tb bool) bool {
	const w = 2 * nr
	if !hasAVX512 {
		return false
	}
	_ = panel[w*kc-1]
	if !tb {
		_ = b[base+(kc-1)*ldb+w-1]
		packN16(kc, &b[base], ldb, &panel[0])
		return true
	}
	_ = b[base+(w-1)*ldb+kc-1]
	q := kc / 8
	if q > 0 {
		packT16(q, &b[base], ldb, &panel[0])
	}
	for p := 8 * q; p < kc; p++ {
		d := panel[p*w : p*w+w : p*w+w]
		for j := range d {
			d[j] = b[base+j*ldb+p]
		}
	}
	return true
}

// packRows6 writes the panel of the six rows r0…r5 (each of length kc) of
// op(A) = A: panel[p·6 + r] = r_r[p]. It reports false if there is no
// assembly for it.
func packRows6(panel []float64, a []float64, base, lda, kc int) bool {
	if !hasAVX2FMA || kc < 4 {
		return false
	}
	q := kc / 4
	_ = a[base+5*lda+kc-1]
	_ = panel[mr*kc-1]
	pack6x4(q, &a[base], lda, &panel[0])
	for p := 4 * q; p < kc; p++ {
		d := panel[p*mr : p*mr+mr : p*mr+mr]
		d[0], d[1], d[2], d[3], d[4], d[5] = a[base+p], a[base+lda+p], a[base+2*lda+p], a[base+3*lda+p], a[base+4*lda+p], a[base+5*lda+p]
	}
	return true
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

var hasAVX2FMA = func() bool {
	max, _, _, _ := cpuid(0, 0)
	if max < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&fma == 0 || c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0
}()

// hasAVX512 reports AVX-512F and AVX-512DQ (the kernels use its KORTESTB
// and its VANDPD and VXORPD on ZMM registers) with the operating system
// saving the opmask and all 32 ZMM registers (XCR0 bits 5–7), on top of
// AVX2/FMA.
var hasAVX512 = func() bool {
	if !hasAVX2FMA {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	const avx512f, avx512dq = 1 << 16, 1 << 17
	if b7&avx512f == 0 || b7&avx512dq == 0 {
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&0xe6 == 0xe6
}()

// packWidth returns the width of the packed panels of B: 16 columns for the
// AVX-512 microkernel, 8 otherwise.
func packWidth() int {
	if hasAVX512 {
		return 2 * nr
	}
	return nr
}

// directWidth returns the width of the panels of gemmDirect: 16 columns for
// the AVX-512 kernel, 8 otherwise.
func directWidth() int { return packWidth() }

// kernelWide is kernel on panels of 16 columns, into ab (6×16, row-major).
func kernelWide(kc int, a, b []float64, ab []float64) {
	_ = a[kc*mr-1]
	_ = b[kc*2*nr-1]
	_ = ab[mr*2*nr-1]
	kern6x16(kc, &a[0], &b[0], &ab[0])
}

// kernelWideC is kernelC on panels of 16 columns.
func kernelWideC(kc int, a, b, c []float64, ldc int, alpha, beta float64) {
	_ = a[kc*mr-1]
	_ = b[kc*2*nr-1]
	_ = c[(mr-1)*ldc+2*nr-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	kern6x16c(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

// kernelWideA is kernelWideC with the six rows of A read in place, lda
// apart, kc values each.
func kernelWideA(kc int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	_ = a[(mr-1)*lda+kc-1]
	_ = b[(kc-1)*ldb+2*nr-1]
	_ = c[(mr-1)*ldc+2*nr-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	kern6x16a(kc, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// kernelWideA2 is kernelWideA over the kc terms of one block and the kt of
// the next, with beta 1 for the second: C = alpha·s₂ + (alpha·s₁ + beta·C),
// rounded as two calls of kernelWideA round it.
func kernelWideA2(kc, kt int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	_ = a[(mr-1)*lda+kc+kt-1]
	_ = b[(kc+kt-1)*ldb+2*nr-1]
	_ = c[(mr-1)*ldc+2*nr-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	kern6x16a2(kc, kt, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta)
}

// hasDirectKernel reports whether kernelPanel has an assembly form.
func hasDirectKernel() bool { return hasAVX2FMA }

func kernel(kc int, a, b []float64, ab *[mr * nr]float64) {
	if !hasAVX2FMA || kc == 0 {
		kernelGo(kc, a, b, ab)
		return
	}
	_ = a[kc*mr-1]
	_ = b[kc*nr-1]
	kern6x8(kc, &a[0], &b[0], &ab[0])
}

// kernelC computes a full mr×nr tile of C = alpha·a bᵀ + beta·C in place and
// reports whether it could.
func kernelC(kc int, a, b, c []float64, ldc int, alpha, beta float64) bool {
	if !hasAVX2FMA {
		return false
	}
	_ = a[kc*mr-1]
	_ = b[kc*nr-1]
	_ = c[(mr-1)*ldc+nr-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	kern6x8c(kc, &a[0], &b[0], &c[0], ldc, alpha, beta)
	return true
}

// colMasks[c] selects the first c of nr columns for kdir6x8.
var colMasks = func() (m [nr + 1][nr]int64) {
	for c := range m {
		for j := 0; j < c; j++ {
			m[c][j] = -1
		}
	}
	return m
}()

// kernelPanel computes one column panel of C = alpha op(A) B + beta C, of
// m rows (rows ldc apart) and cols ≤ directWidth() columns, from unpacked operands:
// op(A)[i, p] = a[i·rs + p·cs] and B[p, j] = b[p·ldb + j], reading only the
// first cols columns of b and not reading C when beta is 0. It reports false
// if there is no assembly kernel, and then does nothing.
func kernelPanel(k int, a []float64, rs, cs, m int, b []float64, ldb int, c []float64, ldc, cols int, alpha, beta float64) bool {
	if !hasAVX2FMA {
		return false
	}
	_ = a[(m-1)*rs+(k-1)*cs]
	_ = b[(k-1)*ldb+cols-1]
	_ = c[(m-1)*ldc+cols-1]
	if hasAVX512 { // panels of up to 16 columns
		if beta == 0 {
			beta = 0
		}
		kdirPanel16(k, &a[0], rs, cs, m, &b[0], ldb, &c[0], ldc, alpha, beta, 1<<cols-1)
		return true
	}
	var mask *[nr]int64
	if cols < nr {
		mask = &colMasks[cols]
	} else {
		_ = c[(m-1)*ldc+nr-1]
	}
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	kdirPanel(k, &a[0], rs, cs, m, &b[0], ldb, &c[0], ldc, alpha, beta, mask)
	return true
}

// laneMasks[c] selects the first c of 4 lanes for kdot3x4.
var laneMasks = func() (m [5][4]int64) {
	for c := range m {
		for j := 0; j < c; j++ {
			m[c][j] = -1
		}
	}
	return m
}()

// kernelDot sets the rows×cols corner (rows ≤ 3, cols ≤ 4) of C, rows ldc
// apart, to alpha T + beta C (not reading C when beta is 0), with
// T[r][j] = Σ_{p<k} a[r·lda + p]·b[j·ldb + p]. It reports false if there is
// no assembly kernel, and then does nothing.
func kernelDot(k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc, rows, cols int, alpha, beta float64) bool {
	if !hasAVX2FMA {
		return false
	}
	_ = a[(rows-1)*lda+k-1]
	_ = b[(cols-1)*ldb+k-1]
	_ = c[(rows-1)*ldc+cols-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	if hasAVX512 {
		kdot3x4z(k, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows, cols, 1<<(k%8)-1, &laneMasks[cols], nil)
		return true
	}
	kdot3x4(k, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows, cols, &laneMasks[k%4], &laneMasks[cols])
	return true
}

// dotChunk is the number of terms (a multiple of 8) that gemmDotChunked
// sums for every tile before it moves on. The tiles are taken a column at a
// time (the row tiles under one 4-row tile of B), so that a chunk of those
// 4 rows of B (16 KiB) stays in the level-1 cache while each 3-row tile of A
// passes over it. Measured on one core of a Zen 5 (BenchmarkGemmDotShapes,
// against 1024 terms with the tiles a row at a time): the products of the
// power-iteration benchmark's weight gradients, 10×50 and 50×20 over 1000
// samples, went from 24.6 to 19.5 µs and from 43 to 29.5 µs, and notebook
// 08's conv weight gradient (BenchmarkGemmDotWeightGrad) from 361 to 315 µs;
// 256 terms and 768 were slower.
const dotChunk = 512

// dotTiles bounds the tiles whose accumulators gemmDotChunked keeps at once
// (96 float64 each, on the stack).
const dotTiles = 64

// gemmDotChunked computes rows [i0, i1) and columns [j0, j1) of C as gemmDot
// does with the AVX-512 kernel, but over chunks of dotChunk terms for all
// tiles in turn, so that each chunk of A and B is read from memory once
// rather than once per tile. The twelve accumulators of every tile are kept
// between chunks, so every entry gets the same additions in the same order
// as from one call of kdot3x4z: the same bits. It reports false, doing
// nothing, without AVX-512 or when k fits in one chunk.
func gemmDotChunked(g *gemmArgs, i0, i1, j0, j1 int) bool {
	k := g.k
	if !hasAVX512 || k <= dotChunk {
		return false
	}
	beta := g.beta
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	ks := (k - 1) / dotChunk * dotChunk // the last chunk [ks, k) ends with the tail
	var acc [dotTiles * 96]float64
	type tile struct{ i, j, rows, cols int }
	var tiles [dotTiles]tile
	nt := 0
	flush := func() {
		for p := 0; p < ks; p += dotChunk {
			first := b2acc(p == 0)
			for t, tl := range tiles[:nt] {
				a := g.a[tl.i*g.lda+p:]
				b := g.b[tl.j*g.ldb+p:]
				_ = a[(tl.rows-1)*g.lda+dotChunk-1]
				_ = b[(tl.cols-1)*g.ldb+dotChunk-1]
				kdot3x4zpart(dotChunk, &a[0], g.lda, &b[0], g.ldb, tl.rows, tl.cols, &acc[t*96], first)
			}
		}
		for t, tl := range tiles[:nt] {
			a := g.a[tl.i*g.lda+ks:]
			b := g.b[tl.j*g.ldb+ks:]
			c := g.c[tl.i*g.ldc+tl.j:]
			_ = a[(tl.rows-1)*g.lda+k-ks-1]
			_ = b[(tl.cols-1)*g.ldb+k-ks-1]
			_ = c[(tl.rows-1)*g.ldc+tl.cols-1]
			kdot3x4z(k-ks, &a[0], g.lda, &b[0], g.ldb, &c[0], g.ldc, g.alpha, beta, tl.rows, tl.cols, 1<<(k%8)-1, &laneMasks[tl.cols], &acc[t*96])
		}
		nt = 0
	}
	for j := j0; j < j1; j += 4 {
		for i := i0; i < i1; i += 3 {
			tiles[nt] = tile{i, j, min(3, i1-i), min(4, j1-j)}
			if nt++; nt == dotTiles {
				flush()
			}
		}
	}
	flush()
	return true
}

// dotBlocks computes C = A Bᵀ (m×n) over an inner dimension given in blocks,
// one at a time, for a caller that makes each block of A just before it is
// used: with the bits of gemm(false, true, m, n, k, 1, …) on the whole (the
// twelve accumulators of every 3×4 tile are kept between blocks, as in
// gemmDotChunked, so every entry gets the same additions in the same order).
// dotBlocksOK says when it may be used.
type dotBlocks struct {
	m, n  int
	first bool
	acc   [dotTiles * 96]float64
}

// dotBlocksOK reports whether gemm computes the m×n product A Bᵀ over k
// terms by gemmDotChunked, which dotBlocks then reproduces in blocks of
// block terms (a multiple of 8 that divides k).
func dotBlocksOK(m, n, k, block int) bool {
	return hasAVX512 && !HasOpenBLAS && k > dotChunk && k >= 16 && m*n <= dotOut &&
		(m+2)/3*((n+3)/4) <= dotTiles && block > 0 && block%8 == 0 && k%block == 0
}

func newDotBlocks(m, n int) dotBlocks { return dotBlocks{m: m, n: n, first: true} }

// add accumulates a block of L terms: rows of A are lda apart in a, rows of
// B ldb apart in b, each from the block's first term.
func (d *dotBlocks) add(L int, a []float64, lda int, b []float64, ldb int) {
	_ = a[(d.m-1)*lda+L-1]
	_ = b[(d.n-1)*ldb+L-1]
	t := 0
	for i := 0; i < d.m; i += 3 {
		for j := 0; j < d.n; j += 4 {
			kdot3x4zpart(L, &a[i*lda], lda, &b[j*ldb], ldb, min(3, d.m-i), min(4, d.n-j), &d.acc[t*96], b2acc(d.first))
			t++
		}
	}
	d.first = false
}

// finish adds the last block of L terms and writes C = A Bᵀ + beta C into c
// (rows ldc apart), not reading C when beta is 0.
func (d *dotBlocks) finish(L int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int, beta float64) {
	_ = a[(d.m-1)*lda+L-1]
	_ = b[(d.n-1)*ldb+L-1]
	_ = c[(d.m-1)*ldc+d.n-1]
	if beta == 0 {
		beta = 0 // normalise −0 so that C is not read
	}
	t := 0
	for i := 0; i < d.m; i += 3 {
		for j := 0; j < d.n; j += 4 {
			if d.first {
				clear(d.acc[t*96 : t*96+96])
			}
			cols := min(4, d.n-j)
			kdot3x4z(L, &a[i*lda], lda, &b[j*ldb], ldb, &c[i*ldc+j], ldc, 1, beta, min(3, d.m-i), cols, 1<<(L%8)-1, &laneMasks[cols], &d.acc[t*96])
			t++
		}
	}
}

// packT16x is packT16 on sixteen rows at b + off[j] (offsets in float64),
// each anywhere: dst[128q + 16i + j] = b[off[j] + 8q + i].
//
//go:noescape
func packT16x(n int, b *float64, off *[16]int, dst *float64)

// packN16x is packN16 on the rows rows[p] of B (ldb apart):
// dst[16p + j] = b[rows[p]·ldb + j].
//
//go:noescape
func packN16x(n int, b *float64, rows *int, ldb int, dst *float64)

// packRows16T writes the packed panel of 16 columns of op(B) = Bᵀ over kc
// terms from pc on, column j of the panel being the stored row rows[j] (of
// B, ldb apart): panel[p·16 + j] = b[rows[j]·ldb + pc + p]. It reports false
// if there is no assembly for it. The rows must lie within b.
func packRows16T(panel, b []float64, rows []int, ldb, pc, kc int) bool {
	const w = 2 * nr
	if !hasAVX512 {
		return false
	}
	_ = panel[w*kc-1]
	var off [w]int
	for j := range off {
		off[j] = rows[j]*ldb + pc
	}
	q := kc / 8
	if q > 0 {
		packT16x(q, &b[0], &off, &panel[0])
	}
	for p := 8 * q; p < kc; p++ {
		d := panel[p*w : p*w+w : p*w+w]
		for j, o := range off {
			d[j] = b[o+p]
		}
	}
	return true
}

// packRows16N writes the packed panel of 16 columns, from column jc on, of
// op(B) = B over the len(rows) terms whose rows of B (ldb apart) are listed
// in rows: panel[p·16 + j] = b[rows[p]·ldb + jc + j]. It reports false if
// there is no assembly for it. The rows must lie within b.
func packRows16N(panel, b []float64, rows []int, ldb, jc int) bool {
	const w = 2 * nr
	if !hasAVX512 || len(rows) == 0 {
		return false
	}
	_ = panel[w*len(rows)-1]
	_ = b[jc+w-1]
	packN16x(len(rows), &b[jc], &rows[0], ldb, &panel[0])
	return true
}

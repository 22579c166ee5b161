package ad

import (
	"fmt"
	"math"
)

// Dims are the dimensions of a batch of images stored as a matrix with one
// sample per column: entry ((c·H + y)·W + x, s) is channel c, row y, column x
// of sample s. Each column is the sample's image flattened in C, H, W order
// (as PyTorch flattens NCHW), so the matrix is a CHWN tensor and a Flatten
// layer is the identity.
type Dims struct {
	C, H, W int
}

// Size returns C·H·W, the number of rows of a batch with these dimensions.
func (d Dims) Size() int { return d.C * d.H * d.W }

func (d Dims) String() string { return fmt.Sprintf("%d×%d×%d", d.C, d.H, d.W) }

// Conv2D records a stride-1 'same' 2-D convolution (cross-correlation, as in
// deep-learning libraries) of the image batch x with dimensions in, one sample
// per column, by the filters w, plus an optional per-channel bias b:
//
//	Y[(o,y,x), s] = b_o + Σ_{c,u,v} w[o, (c,u,v)] X[(c, y+u−p, x+v−p), s],
//
// with X zero outside the image and p = (K−1)/2. w is Cout×(C·K·K), each row
// one filter flattened in (c, u, v) order (PyTorch's weight reshaped to
// Cout×C·K·K); K is odd and inferred from w. b is Cout×1 or nil. The result
// is (Cout·H·W)×N with dimensions {Cout, H, W}.
//
// It is computed as one matrix product Y = w P, where P = im2col(X) is
// (C·K·K)×(H·W·N); in this layout every row of P is a shifted copy of rows of
// X. The gradients are
//
//	∂L/∂w = G Pᵀ,  ∂L/∂b_o = Σ_{y,x,s} G[(o,y,x), s],  ∂L/∂X = col2im(wᵀ G),
//
// with G = ∂L/∂Y viewed as Cout×(H·W·N).
func (t *Tape) Conv2D(x, w, b *Node, in Dims) *Node {
	out, pr := t.conv2D(x, w, b, in)
	pr.product(out.val, 0, pr.hwn)
	return out
}

// convProduct is the matrix product of a recorded Conv2D, Y = A P (plus the
// bias rows when they are not folded into A and P): A is cout×kk with
// leading dimension lda, P the kk×hwn matrix in the node's aux.
type convProduct struct {
	a         []float64
	lda, kk   int
	cout, hwn int
	p         []float64
	bias      []float64 // the bias to start each row from, or nil
}

// product writes the columns [j0, j1) of Y into y, a cout×(j1−j0) matrix.
// Each of gemm's methods sums the terms of one entry in an order that does
// not depend on the columns, so Y computed in blocks of columns that take
// the method of the whole (sameMethod) has the bits of Y computed at once.
func (pr *convProduct) product(y []float64, j0, j1 int) {
	nc := j1 - j0
	beta := 0.0
	if pr.bias != nil {
		// Start from the bias and let the product add to it: one pass over
		// the output instead of two.
		for o, bo := range pr.bias {
			row := y[o*nc : o*nc+nc]
			for i := range row {
				row[i] = bo
			}
		}
		beta = 1
	}
	gemm(false, false, pr.cout, nc, pr.kk, 1, pr.a, pr.lda, pr.p[j0:], pr.hwn, beta, y, nc)
}

// sameMethod reports whether gemm computes a block of nc columns of Y by
// the method of the whole product (a small block may fall to the direct
// method, whose sums over more than 256 terms round otherwise than the
// packed one's).
func (pr *convProduct) sameMethod(nc int) bool {
	return methodOf(&gemmArgs{m: pr.cout, n: nc, k: pr.kk}) == methodOf(&gemmArgs{m: pr.cout, n: pr.hwn, k: pr.kk})
}

// conv2D records a Conv2D node and fills its im2col matrix, and returns the
// product that computes its value, which it does not compute.
func (t *Tape) conv2D(x, w, b *Node, in Dims) (*Node, convProduct) {
	t.own(x)
	t.own(w)
	if b != nil {
		t.own(b)
	}
	if in.C <= 0 || in.H <= 0 || in.W <= 0 || x.r != in.Size() {
		panic(fmt.Sprintf("ad: Conv2D: input %d×%d does not hold images %v", x.r, x.c, in))
	}
	kk := 0
	if w.c%in.C == 0 {
		kk = w.c / in.C
	}
	k := 1
	for k*k < kk {
		k += 2
	}
	if kk == 0 || k*k != kk {
		panic(fmt.Sprintf("ad: Conv2D: filters %d×%d do not match %d input channels with an odd square kernel", w.r, w.c, in.C))
	}
	cout := w.r
	if b != nil && (b.r != cout || b.c != 1) {
		panic(fmt.Sprintf("ad: Conv2D: bias %d×%d does not match %d filters (want %d×1)", b.r, b.c, cout, cout))
	}
	n := x.c
	hwn := in.H * in.W * n
	out := t.newNode(opConv, cout*in.H*in.W, n)
	out.a, out.w, out.b = x, w, b
	out.dims = in
	out.k = k
	t.prepare(out, x, w, b)
	ckk := in.C * k * k
	if b != nil && biasInProduct(cout, ckk) {
		// The bias as one more term of the product: P gets a row of ones and
		// w a column b, [w b] [P; 1ᵀ]. The kernel accumulates Σ_p w_op P_p
		// and then adds b_o·1, exactly as it would add a C preset to b
		// (beta = 1): the same bits, without writing the whole output twice
		// and reading it once.
		out.aux = grow(out.aux, (ckk+1)*hwn+cout*(ckk+1))
		im2col(out.aux, x.val, in, n, k)
		ones := out.aux[ckk*hwn : (ckk+1)*hwn]
		for i := range ones {
			ones[i] = 1
		}
		wb := out.aux[(ckk+1)*hwn:]
		for o := 0; o < cout; o++ {
			row := wb[o*(ckk+1) : (o+1)*(ckk+1)]
			copy(row, w.val[o*w.c:o*w.c+ckk])
			row[ckk] = b.val[o]
		}
		return out, convProduct{a: wb, lda: ckk + 1, kk: ckk + 1, cout: cout, hwn: hwn, p: out.aux}
	}
	out.aux = grow(out.aux, ckk*hwn)
	im2col(out.aux, x.val, in, n, k)
	pr := convProduct{a: w.val, lda: w.c, kk: ckk, cout: cout, hwn: hwn, p: out.aux}
	if b != nil {
		pr.bias = b.val[:cout]
	}
	return out, pr
}

// Conv2DMaxPool2 records MaxPool2(Conv2D(x, w, b, in), {Cout, H, W}): the
// same two operations, with the same values, gradients and tangents to the
// bit, but the convolution's output is computed a few image rows at a
// time and pooled at once, while it is still in the cache, instead of
// being written whole and read back. The convolution's own value is not
// kept (nothing needs it: its gradients use the im2col matrix, the pool's
// use the positions of the maxima).
func (t *Tape) Conv2DMaxPool2(x, w, b *Node, in Dims) *Node {
	if HasOpenBLAS || in.H < 2 || in.W < 2 {
		// OpenBLAS's products are not the same bits in blocks of columns.
		return t.MaxPool2(t.Conv2D(x, w, b, in), Dims{C: w.r, H: in.H, W: in.W})
	}
	conv, pr := t.conv2D(x, w, b, in)
	conv.pooled = true
	d := Dims{C: pr.cout, H: in.H, W: in.W}
	out, arg := t.maxPoolNode(conv, d)
	n := x.c
	wn := d.W * n
	h2, w2 := d.H/2, d.W/2
	// Blocks of whole pooled rows, about fusedCols columns of Y each.
	rows := max(1, fusedCols/(2*wn))
	if last := h2 - (h2-1)/rows*rows; !pr.sameMethod(2*min(rows, h2)*wn) || !pr.sameMethod(2*last*wn) {
		// Y whole, as Conv2D computes it, then pooled.
		out.aux = grow(out.aux, pr.cout*pr.hwn)
		pr.product(out.aux, 0, pr.hwn)
		maxPool(out.val, arg, out.aux, d, n)
		return out
	}
	out.aux = grow(out.aux, pr.cout*2*wn*min(rows, h2))
	for i0 := 0; i0 < h2; i0 += rows {
		i1 := min(i0+rows, h2)
		j0, j1 := 2*i0*wn, 2*i1*wn
		nc := j1 - j0
		y := out.aux[:pr.cout*nc]
		pr.product(y, j0, j1)
		for c := 0; c < d.C; c++ {
			for i := i0; i < i1; i++ {
				top := y[c*nc+2*(i-i0)*wn:]
				o := (c*h2 + i) * w2 * n
				poolRow(out.val, arg, o, top, top[wn:], w2, n)
			}
		}
	}
	return out
}

// fusedCols is about the number of columns of the convolution's output that
// Conv2DMaxPool2 computes at a time: 32 channels of them fill about 1 MB,
// half the L2 cache of a recent x86 core.
const fusedCols = 4096

// biasInProduct reports whether Conv2D may fold the bias of cout filters
// of ckk weights into its product: when gemm computes both the product with
// ckk and with ckk+1 terms by the direct method in our own kernels, which
// add C (beta = 1) to the accumulated sum exactly as they add a last term
// b·1.
func biasInProduct(cout, ckk int) bool {
	return !HasOpenBLAS && ckk+1 <= kcBlock && cout*(ckk+1) <= directA
}

// im2col fills the (C·K·K)×(H·W·N) matrix p from the CHWN batch x.
func im2col(p, x []float64, d Dims, n, k int) {
	pad := k / 2
	wn := d.W * n
	hwn := d.H * wn
	for c := 0; c < d.C; c++ {
		for u := 0; u < k; u++ {
			for v := 0; v < k; v++ {
				row := p[((c*k+u)*k+v)*hwn:][:hwn]
				x0, x1 := max(0, pad-v), min(d.W, d.W+pad-v)
				for y := 0; y < d.H; y++ {
					dst := row[y*wn : y*wn+wn]
					yy := y + u - pad
					if yy < 0 || yy >= d.H || x0 >= x1 {
						clear(dst)
						continue
					}
					clear(dst[:x0*n])
					clear(dst[x1*n:])
					src := x[((c*d.H+yy)*d.W+x0+v-pad)*n:]
					copy(dst[x0*n:x1*n], src[:(x1-x0)*n])
				}
			}
		}
	}
}

// col2im adds the (C·K·K)×(H·W·N) matrix p back into the CHWN batch gx: the
// adjoint of im2col.
func col2im(gx, p []float64, d Dims, n, k int) {
	pad := k / 2
	wn := d.W * n
	hwn := d.H * wn
	for c := 0; c < d.C; c++ {
		for u := 0; u < k; u++ {
			for v := 0; v < k; v++ {
				row := p[((c*k+u)*k+v)*hwn:][:hwn]
				x0, x1 := max(0, pad-v), min(d.W, d.W+pad-v)
				if x0 >= x1 {
					continue
				}
				for y := 0; y < d.H; y++ {
					yy := y + u - pad
					if yy < 0 || yy >= d.H {
						continue
					}
					src := row[y*wn+x0*n : y*wn+x1*n]
					dst := gx[((c*d.H+yy)*d.W+x0+v-pad)*n:][:len(src)]
					for i, s := range src {
						dst[i] += s
					}
				}
			}
		}
	}
}

func (n *Node) backConv() {
	if n.lazyGrad {
		n.backConvPooled()
		return
	}
	x, w, b := n.a, n.w, n.b
	d, k := n.dims, n.k
	ns := x.c
	hwn := d.H * d.W * ns
	ckk := d.C * k * k
	cout := w.r
	g := n.grad
	if w.needGrad {
		gw, first := w.acc()
		gemm(false, true, cout, ckk, hwn, 1, g, hwn, n.aux, hwn, beta(first), gw, ckk)
	}
	if b != nil && b.needGrad {
		biasGrad(b.accZero(), g, cout, hwn)
	}
	if x.needGrad {
		n.aux2 = grow(n.aux2, ckk*hwn)
		gemm(true, false, ckk, hwn, cout, 1, w.val, ckk, g, hwn, 0, n.aux2, hwn)
		gx := x.accZero()
		col2im(gx, n.aux2, d, ns, k)
	}
}

// biasGrad adds to gb[o] the sum of row o of the cout×hwn matrix g, each
// row summed left to right. Four rows are summed at a time: the same
// additions in the same order, four independent chains instead of one, so
// that the adder's latency does not bound the loop.
func biasGrad(gb, g []float64, cout, hwn int) {
	o := 0
	for ; o+4 <= cout; o += 4 {
		g0 := g[o*hwn : o*hwn+hwn]
		g1 := g[(o+1)*hwn:][:len(g0)]
		g2 := g[(o+2)*hwn:][:len(g0)]
		g3 := g[(o+3)*hwn:][:len(g0)]
		var s0, s1, s2, s3 float64
		for i, v := range g0 {
			s0 += v
			s1 += g1[i]
			s2 += g2[i]
			s3 += g3[i]
		}
		gb[o] += s0
		gb[o+1] += s1
		gb[o+2] += s2
		gb[o+3] += s3
	}
	for ; o < cout; o++ {
		s := 0.0
		for _, v := range g[o*hwn : o*hwn+hwn] {
			s += v
		}
		gb[o] += s
	}
}

// MaxPool2 records 2×2 max-pooling with stride 2 of the image batch x with
// dimensions in (one sample per column). The result has dimensions
// {C, H/2, W/2} (odd trailing rows and columns are dropped, as PyTorch does):
//
//	Y[(c,i,j), s] = max_{u,v∈{0,1}} X[(c, 2i+u, 2j+v), s],
//
// and ∂L/∂X routes each ∂L/∂Y entry to the position of its maximum (the first
// one on ties).
func (t *Tape) MaxPool2(x *Node, in Dims) *Node {
	out, arg := t.maxPoolNode(x, in)
	maxPool(out.val, arg, x.val, in, x.c)
	return out
}

// maxPoolNode records a MaxPool2 node of x and returns it with the buffer
// for the positions of its maxima (nil when nothing differentiates through
// it), without computing its value.
func (t *Tape) maxPoolNode(x *Node, in Dims) (*Node, []uint8) {
	t.own(x)
	if in.C <= 0 || in.H < 2 || in.W < 2 || x.r != in.Size() {
		panic(fmt.Sprintf("ad: MaxPool2: input %d×%d does not hold images %v of at least 2×2", x.r, x.c, in))
	}
	h2, w2 := in.H/2, in.W/2
	n := x.c
	out := t.newNode(opMaxPool, in.C*h2*w2, n)
	out.a = x
	out.dims = in
	t.prepare(out, x)
	var arg []uint8
	if out.needGrad {
		if cap(out.arg) < len(out.val) {
			out.arg = make([]uint8, len(out.val))
		}
		out.arg = out.arg[:len(out.val)]
		arg = out.arg
	}
	// Without a gradient (nor a tangent: only parameters carry one) nothing
	// differentiates through it, and arg is nil: the maxima alone.
	return out, arg
}

// maxPool writes the 2×2 maxima of the CHWN batch x into y and, unless arg
// is nil, the positions of the maxima into arg.
func maxPool(y []float64, arg []uint8, x []float64, in Dims, n int) {
	h2, w2 := in.H/2, in.W/2
	for c := 0; c < in.C; c++ {
		for i := 0; i < h2; i++ {
			top := x[(c*in.H+2*i)*in.W*n:]
			poolRow(y, arg, (c*h2+i)*w2*n, top, top[in.W*n:], w2, n)
		}
	}
}

// poolRow pools one row of nw windows from the image rows top and bot into
// y and arg (unless nil) from offset o, with the vector kernel where there
// is one and maxPoolRow in the other lanes.
func poolRow(y []float64, arg []uint8, o int, top, bot []float64, nw, n int) {
	yr := y[o : o+nw*n]
	var ar []uint8
	if arg != nil {
		ar = arg[o : o+nw*n]
	}
	if m := maxPoolVec(yr, ar, top, bot, nw, n); m < n {
		maxPoolRow(yr, ar, top, bot, nw, n, m)
	}
}

// maxPoolScalar is maxPool without the vector kernel: the reference that
// the kernel must match bit for bit.
func maxPoolScalar(y []float64, arg []uint8, x []float64, in Dims, n int) {
	h2, w2 := in.H/2, in.W/2
	for c := 0; c < in.C; c++ {
		for i := 0; i < h2; i++ {
			top := x[(c*in.H+2*i)*in.W*n:]
			o := (c*h2 + i) * w2 * n
			var ar []uint8
			if arg != nil {
				ar = arg[o : o+w2*n]
			}
			maxPoolRow(y[o:o+w2*n], ar, top, top[in.W*n:], w2, n, 0)
		}
	}
}

// maxPoolRow pools the lanes s0 ≤ s < n of a row of nw windows: window j
// takes a, b from rows 2j, 2j+1 of top (n entries each) and c, d from the
// same rows of bot, and writes max(max(a, b), max(c, d)) into row j of y
// and, unless arg is nil, the index of the first of a, b, c, d equal to it
// (3 when it is NaN) into row j of arg.
func maxPoolRow(y []float64, arg []uint8, top, bot []float64, nw, n, s0 int) {
	for j := 0; j < nw; j++ {
		x00 := top[2*j*n:][:n]
		x01 := top[(2*j+1)*n:][:n]
		x10 := bot[2*j*n:][:n]
		x11 := bot[(2*j+1)*n:][:n]
		yo := y[j*n:][:n]
		if arg == nil {
			for s := s0; s < n; s++ {
				yo[s] = max(max(x00[s], x01[s]), max(x10[s], x11[s]))
			}
			continue
		}
		ao := arg[j*n:][:n]
		for s := s0; s < n; s++ {
			// branch-free: index of the first maximum is
			// n₀(1 + n₁(1 + n₂)) with nᵢ = [xᵢ ≠ max].
			a, b, cc, d := x00[s], x01[s], x10[s], x11[s]
			m := max(max(a, b), max(cc, d))
			n0, n1, n2 := b2i(a != m), b2i(b != m), b2i(cc != m)
			yo[s], ao[s] = m, uint8(n0*(1+n1*(1+n2)))
		}
	}
}

// maxPoolBackRow writes, for the lanes s0 ≤ s < n of a row of nw windows
// laid out as in maxPoolRow, row j of g into the one of the window's four
// entries of top and bot that arg names and zero into the other three.
func maxPoolBackRow(g []float64, arg []uint8, top, bot []float64, nw, n, s0 int) {
	for j := 0; j < nw; j++ {
		gj := g[j*n:][:n]
		aj := arg[j*n:][:n]
		g00 := top[2*j*n:][:n]
		g01 := top[(2*j+1)*n:][:n]
		g10 := bot[2*j*n:][:n]
		g11 := bot[(2*j+1)*n:][:n]
		for s := s0; s < n; s++ {
			// branch-free: the bits of ∂L/∂Y masked by [a = k].
			a := aj[s]
			v := math.Float64bits(gj[s])
			g00[s] = math.Float64frombits(v & -uint64(b2i(a == 0)))
			g01[s] = math.Float64frombits(v & -uint64(b2i(a == 1)))
			g10[s] = math.Float64frombits(v & -uint64(b2i(a == 2)))
			g11[s] = math.Float64frombits(v & -uint64(b2i(a == 3)))
		}
	}
}

func (n *Node) backMaxPool() {
	x := n.a
	in := n.dims
	h2, w2 := in.H/2, in.W/2
	ns := x.c
	x.lazyGrad = false
	if x.pooled && !x.gradSet && x.uses == 1 && n.convPoolBackOK() {
		// The convolution's gradient is this one routed to the maxima:
		// backConv, next, expands it a block at a time instead.
		x.gradSet, x.lazyGrad = true, true
		return
	}
	gx, first := x.acc()
	if first && in.H == 2*h2 && in.W == 2*w2 {
		// Every entry of ∂L/∂X lies in exactly one window: write each window's
		// four entries (∂L/∂Y at the maximum, zero elsewhere) instead of
		// clearing the buffer and scattering into it.
		for c := 0; c < in.C; c++ {
			for i := 0; i < h2; i++ {
				n.unpoolRow(gx[(c*in.H+2*i)*in.W*ns:], c, i)
			}
		}
		return
	}
	if first {
		clear(gx)
	}
	for c := 0; c < in.C; c++ {
		for i := 0; i < h2; i++ {
			for j := 0; j < w2; j++ {
				r00 := (c*in.H+2*i)*in.W + 2*j
				o := (c*h2+i)*w2 + j
				g := n.grad[o*ns:][:ns]
				arg := n.arg[o*ns:][:ns]
				for s, a := range arg {
					r := r00 + int(a&1) + int(a>>1)*in.W
					gx[r*ns+s] += g[s]
				}
			}
		}
	}
}

// unpoolRow writes into the two image rows from top (W·N entries each)
// the gradient of the pool's windows (c, i, ·): each window's ∂L/∂Y at its
// maximum and zero at its other three entries.
func (n *Node) unpoolRow(top []float64, c, i int) {
	in, ns := n.dims, n.c
	h2, w2 := in.H/2, in.W/2
	o := (c*h2 + i) * w2 * ns
	g, arg := n.grad[o:o+w2*ns], n.arg[o:o+w2*ns]
	bot := top[in.W*ns:]
	if m := maxPoolBackVec(g, arg, top, bot, w2, ns); m < ns {
		maxPoolBackRow(g, arg, top, bot, w2, ns, m)
	}
}

// convPoolBackOK reports whether the pool n of a Conv2DMaxPool2 may leave
// its operand's gradient to backConvPooled: images of even sizes (every
// entry of the convolution's output in one window); when the filters need
// a gradient, a product G Pᵀ that dotBlocks computes in blocks of two image
// rows with the bits of the whole; and when the images need one, a product
// wᵀ G that gemm computes in those blocks of columns by the method of the
// whole (a block of at most 16 columns takes the direct method, whose sums
// over more than 256 filters round otherwise than the packed one's).
func (n *Node) convPoolBackOK() bool {
	conv := n.a
	in := n.dims
	if HasOpenBLAS || in.H%2 != 0 || in.W%2 != 0 {
		return false
	}
	w := conv.w
	hwn, L := in.H*in.W*conv.c, 2*in.W*conv.c
	if conv.a.needGrad && methodOf(&gemmArgs{ta: true, m: w.c, n: L, k: w.r}) != methodOf(&gemmArgs{ta: true, m: w.c, n: hwn, k: w.r}) {
		return false
	}
	return !w.needGrad || dotBlocksOK(w.r, w.c, hwn, L)
}

// backConvPooled is backConv for a Conv2DMaxPool2 whose gradient G was left
// in the pool (lazyGrad): G is made two image rows at a time, from the
// pool's gradient and maxima, in a buffer that stays in the cache, and each
// block is used at once. Every gradient has the bits of backConv's on the
// whole G: ∂L/∂w = G Pᵀ by dotBlocks, ∂L/∂b by the same sums of each row
// left to right, ∂L/∂X by the same direct products wᵀ G, column by column.
func (n *Node) backConvPooled() {
	x, w, b := n.a, n.w, n.b
	pool := n.t.nodes[n.idx+1]
	d, k := n.dims, n.k
	ns := x.c
	wn := d.W * ns
	hwn := d.H * wn
	ckk := d.C * k * k
	cout := w.r
	h2, L := d.H/2, 2*wn
	n.vbuf = grow(n.vbuf, cout*L+cout)
	blk, sums := n.vbuf[:cout*L], n.vbuf[cout*L:]
	clear(sums)
	var gw []float64
	var first bool
	dot := newDotBlocks(cout, ckk)
	if w.needGrad {
		gw, first = w.acc()
	}
	if x.needGrad {
		n.aux2 = grow(n.aux2, ckk*hwn)
	}
	for i := range h2 {
		j0 := i * L
		for c := range cout {
			pool.unpoolRow(blk[c*L:], c, i)
		}
		if b != nil && b.needGrad {
			addRowSums(sums, blk, cout, L)
		}
		if w.needGrad {
			if i < h2-1 {
				dot.add(L, blk, L, n.aux[j0:], hwn)
			} else {
				dot.finish(L, blk, L, n.aux[j0:], hwn, gw, ckk, beta(first))
			}
		}
		if x.needGrad {
			gemm(true, false, ckk, L, cout, 1, w.val, ckk, blk, L, 0, n.aux2[j0:], hwn)
		}
	}
	if b != nil && b.needGrad {
		gb := b.accZero()
		for o, s := range sums {
			gb[o] += s
		}
	}
	if x.needGrad {
		col2im(x.accZero(), n.aux2, d, ns, k)
	}
}

// addRowSums adds the entries of each row of the rows×L matrix g, left to
// right, to the running sum s[r] of its row: over consecutive blocks of
// columns, the additions of biasGrad on the whole rows, in the same order.
// Four rows at a time, as biasGrad (eight measured no faster).
func addRowSums(s, g []float64, rows, L int) {
	o := 0
	for ; o+4 <= rows; o += 4 {
		g0 := g[o*L : o*L+L]
		g1 := g[(o+1)*L:][:len(g0)]
		g2 := g[(o+2)*L:][:len(g0)]
		g3 := g[(o+3)*L:][:len(g0)]
		s0, s1, s2, s3 := s[o], s[o+1], s[o+2], s[o+3]
		for i, v := range g0 {
			s0 += v
			s1 += g1[i]
			s2 += g2[i]
			s3 += g3[i]
		}
		s[o], s[o+1], s[o+2], s[o+3] = s0, s1, s2, s3
	}
	for ; o < rows; o++ {
		s0 := s[o]
		for _, v := range g[o*L : o*L+L] {
			s0 += v
		}
		s[o] = s0
	}
}

// materialiseGrad writes the gradient of a convolution whose pool left it
// (lazyGrad) into its own buffer, for the passes that read it whole
// (HessVec's).
func (n *Node) materialiseGrad() {
	if !n.lazyGrad {
		return
	}
	pool := n.t.nodes[n.idx+1]
	n.ensureGrad()
	in, ns := pool.dims, n.c
	for c := 0; c < in.C; c++ {
		for i := 0; i < in.H/2; i++ {
			pool.unpoolRow(n.grad[(c*in.H+2*i)*in.W*ns:], c, i)
		}
	}
	n.lazyGrad = false
}

// Reshape records the r×c matrix with the same row-major entries as a
// (a copy). ∂L/∂A is ∂L/∂C read back in the shape of A.
func (t *Tape) Reshape(a *Node, r, c int) *Node {
	t.own(a)
	if r*c != a.r*a.c || r < 0 || c < 0 {
		panic(fmt.Sprintf("ad: Reshape: cannot reshape %d×%d to %d×%d", a.r, a.c, r, c))
	}
	out := t.newNode(opReshape, r, c)
	out.a = a
	t.prepare(out, a)
	copy(out.val, a.val[:r*c])
	return out
}

func (n *Node) backReshape() { passGrad(n.a, n.grad[:n.r*n.c]) }

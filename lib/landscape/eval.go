package landscape

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/par"
)

// Measure is a network's classification error and mean softmax
// cross-entropy on a data set.
type Measure struct {
	Err, Loss float64
}

// Evaluator measures parameter vectors of one model on one data set, stored
// one sample per row, without a transposed copy of the data. It is safe for
// concurrent use: each call takes its own tapes from a pool.
//
// Most of the work of an MLP on images is its first layer (784×64 of the
// 784-64-64-10 net's 55 000 multiply-adds per sample), so EvalAll, which
// measures many networks of the same model (the points of a path, the noisy
// copies of a local energy), computes the first layer of all of them as one
// product with the chunk X_c of samples,
//
//	[Z_1⁽¹⁾; …; Z_1⁽ᴷ⁾] = [W_1⁽¹⁾; …; W_1⁽ᴷ⁾] X_cᵀ,
//
// which reads each sample once for K networks; the other layers run
// network by network, in nn.MLP's column form, and chunks of at most Chunk
// samples run in parallel. That product runs at the rate of package ad's
// GEMM whatever K (measured: about 30–40 GFLOP/s per core here), so a
// local energy costs its multiply-adds. Along does better for paths whose
// first layer, unit by unit, combines a few fixed networks (Line, Chain,
// Sphered): it multiplies the data by those networks' first layers only
// and combines the products for every point.
type Evaluator struct {
	model  nn.Model
	set    *data.Set
	n      int
	sizes  []int
	layout *nn.Params
	tapes  sync.Pool
}

// Chunk is the largest number of samples an Evaluator computes at a time.
const Chunk = 1000

// maxStack is the largest number of networks whose first layers EvalAll
// stacks into one product (a stacked output of 32·64 rows × Chunk samples
// is 16 MB).
const maxStack = 32

// NewEvaluator returns an evaluator of m (an nn.MLP or a BinaryMLP) on the
// samples of set. It returns an error for another kind of model or a set
// whose samples do not fit the model's input.
func NewEvaluator(m nn.Model, set *data.Set) (*Evaluator, error) {
	var sizes []int
	switch m := m.(type) {
	case nn.MLP:
		sizes = m.Sizes
	case BinaryMLP:
		sizes = m.Sizes
	default:
		return nil, fmt.Errorf("landscape: NewEvaluator: model %v (%T): want an nn.MLP or a BinaryMLP", m, m)
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("landscape: NewEvaluator: %v has sizes %v, want at least input and output", m, sizes)
	}
	if set == nil || set.Len() == 0 {
		return nil, fmt.Errorf("landscape: NewEvaluator: empty data set")
	}
	if _, d := set.X.Dims(); d != sizes[0] {
		return nil, fmt.Errorf("landscape: NewEvaluator: samples have %d features, the model's input layer %d", d, sizes[0])
	}
	e := &Evaluator{model: m, set: set, n: set.Len(), sizes: sizes, layout: m.Params()}
	e.tapes.New = func() any { return ad.NewTape() }
	return e, nil
}

// Len returns the number of samples.
func (e *Evaluator) Len() int { return e.n }

// Model returns the model evaluated.
func (e *Evaluator) Model() nn.Model { return e.model }

// Eval returns the error and loss of the parameter vector theta (laid out
// as the model's Params). A theta of the wrong length panics.
func (e *Evaluator) Eval(theta []float64) Measure {
	return e.EvalAll([][]float64{theta})[0]
}

// EvalAll returns Eval of every parameter vector of thetas, computed
// together (see Evaluator). The result does not depend on how the
// vectors are grouped or on how many goroutines run: each chunk's sums are
// added in chunk order. A vector of the wrong length panics.
func (e *Evaluator) EvalAll(thetas [][]float64) []Measure {
	for i, th := range thetas {
		if len(th) != e.layout.Len() {
			panic(fmt.Sprintf("landscape: Evaluator.EvalAll: vector %d has %d parameters, the model %v has %d", i, len(th), e.model, e.layout.Len()))
		}
	}
	out := make([]Measure, len(thetas))
	for k0 := 0; k0 < len(thetas); k0 += maxStack {
		k1 := min(k0+maxStack, len(thetas))
		e.evalStack(thetas[k0:k1], out[k0:k1])
	}
	return out
}

// net is one network of a stack: its layers as the forward pass uses them
// (signs for a BinaryMLP), row-major.
type net struct {
	W [][]float64 // W[l] is n_{l+1}×n_l
	b [][]float64 // nil without biases
}

// nets returns the layers of each parameter vector of thetas, as views of
// them (signs for a BinaryMLP).
func (e *Evaluator) nets(thetas [][]float64) []net {
	_, binary := e.model.(BinaryMLP)
	nets := make([]net, len(thetas))
	for k, th := range thetas {
		p := e.layout.NewLike()
		p.Bind(th)
		var W []*mat.Dense
		var b []*mat.VecDense
		if bm, ok := e.model.(BinaryMLP); ok {
			W, _ = bm.MLP().Layers(p)
		} else {
			W, b = e.model.(nn.MLP).Layers(p)
		}
		for _, w := range W {
			raw := w.RawMatrix() // a view of theta: contiguous
			wl := raw.Data[:raw.Rows*raw.Cols]
			if binary {
				wl = Signs(wl)
			}
			nets[k].W = append(nets[k].W, wl)
		}
		for _, bl := range b {
			nets[k].b = append(nets[k].b, bl.RawVector().Data[:bl.Len()])
		}
	}
	return nets
}

// evalStack measures up to maxStack networks.
func (e *Evaluator) evalStack(thetas [][]float64, out []Measure) {
	K, in, h := len(thetas), e.sizes[0], e.sizes[1]
	nets := e.nets(thetas)
	first := make([]float64, 0, K*h*in)
	for _, nt := range nets {
		first = append(first, nt.W[0]...)
	}
	parts := e.chunks(K, func(t *ad.Tape, x *ad.Node, labels []int, s sums) {
		rows := len(labels)
		z1 := t.MatMulT(t.ConstData(K*h, in, first), x, false, true).Value().RawMatrix().Data
		// The further layers of each network on a tape of their own, reset
		// between networks, so that they reuse its storage: z1 stays on t.
		u := e.tapes.Get().(*ad.Tape)
		defer e.tapes.Put(u)
		for k := range nets {
			u.Reset()
			z := u.ConstData(h, rows, z1[k*h*rows:])
			z = e.rest(u, nets[k], z, true)
			s.wrong[k], s.loss[k] = score(z.Value().RawMatrix(), labels)
		}
	})
	sumParts(out, parts, e.n)
}

// chunks calls f on every chunk of at most Chunk samples, in parallel,
// with a tape, the chunk's samples x (one per row) and labels, and sums for
// K networks to fill, and returns the sums in chunk order.
func (e *Evaluator) chunks(K int, f func(t *ad.Tape, x *ad.Node, labels []int, s sums)) []sums {
	nch := (e.n + Chunk - 1) / Chunk
	rows := (e.n + nch - 1) / nch
	return par.Map(nch, func(c int) sums {
		j0, j1 := c*rows, min((c+1)*rows, e.n)
		s := sums{make([]int, K), make([]float64, K)}
		t := e.tapes.Get().(*ad.Tape)
		defer e.tapes.Put(t)
		t.Reset()
		X := e.set.X.RawMatrix()
		x := t.ConstData(j1-j0, X.Cols, X.Data[j0*X.Stride:])
		if X.Stride != X.Cols {
			x = t.Const(mat.DenseCopyOf(e.set.X.Slice(j0, j1, 0, X.Cols)))
		}
		f(t, x, e.set.Labels[j0:j1], s)
		return s
	})
}

// spans reports whether evalSpan applies: an nn.MLP with a hidden layer.
func (e *Evaluator) spans() bool {
	_, ok := e.model.(nn.MLP)
	return ok && len(e.sizes) > 2
}

// evalSpan is EvalAll for networks ws whose first layers are, unit by
// unit, combinations of those of a few basis vectors: row j of network k's
// (W_1, b_1) is Σ_r c[k][r][j] times row j of basis[r]'s, so that
//
//	Z_1⁽ᵏ⁾ = Σ_r diag(c[k][r]) (W_1⁽ʳ⁾ X_cᵀ + b_1⁽ʳ⁾ 1ᵀ)
//
// costs one product with the data per basis vector instead of one per
// network. It needs an nn.MLP with a hidden layer.
func (e *Evaluator) evalSpan(basis [][]float64, c [][][]float64, ws [][]float64) []Measure {
	m := e.model.(nn.MLP)
	R, in, h := len(basis), e.sizes[0], e.sizes[1]
	bn, nets := e.nets(basis), e.nets(ws)
	first := make([]float64, 0, R*h*in)
	for _, nt := range bn {
		first = append(first, nt.W[0]...)
	}
	parts := e.chunks(len(ws), func(t *ad.Tape, x *ad.Node, labels []int, s sums) {
		rows := len(labels)
		P := t.MatMulT(t.ConstData(R*h, in, first), x, false, true).Value().RawMatrix().Data
		if !m.NoBias {
			for r, nt := range bn {
				for j, bj := range nt.b[0] {
					row := P[(r*h+j)*rows : (r*h+j+1)*rows]
					for i := range row {
						row[i] += bj
					}
				}
			}
		}
		buf := make([]float64, h*rows)
		u := e.tapes.Get().(*ad.Tape) // as in evalStack
		defer e.tapes.Put(u)
		for k := range nets {
			for j := 0; j < h; j++ {
				dst := buf[j*rows : (j+1)*rows]
				clear(dst)
				for r := range R {
					cr := c[k][r][j]
					src := P[(r*h+j)*rows : (r*h+j+1)*rows]
					for i, v := range src {
						dst[i] += cr * v
					}
				}
			}
			u.Reset()
			z := e.rest(u, nets[k], u.ConstData(h, rows, buf), false)
			s.wrong[k], s.loss[k] = score(z.Value().RawMatrix(), labels)
		}
	})
	out := make([]Measure, len(ws))
	sumParts(out, parts, e.n)
	return out
}

// evalRays measures base and networks whose first-layer weights lie on
// rays from base's: network k·len(dirs) + i of ws has first-layer weights
// W_1 + scales[k] D_i, D_i those of dirs[i] (its own first bias and further
// layers are read from ws). The products W_1 X_cᵀ and D_i X_cᵀ are
// computed once, as one stacked product, and combined for every scale,
// Z_1 = W_1 X_cᵀ + s_k D_i X_cᵀ; base's measure is EvalAll's. It needs
// an nn.MLP with a hidden layer.
func (e *Evaluator) evalRays(base []float64, dirs [][]float64, scales []float64, ws [][]float64) (Measure, []Measure) {
	D, in, h := len(dirs), e.sizes[0], e.sizes[1]
	bn, nets := e.nets([][]float64{base}), e.nets(ws)
	first := make([]float64, 0, (1+D)*h*in)
	first = append(first, bn[0].W[0]...)
	for _, nt := range e.nets(dirs) {
		first = append(first, nt.W[0]...)
	}
	parts := e.chunks(1+len(ws), func(t *ad.Tape, x *ad.Node, labels []int, s sums) {
		rows := len(labels)
		P := t.MatMulT(t.ConstData((1+D)*h, in, first), x, false, true).Value().RawMatrix().Data
		p0 := P[:h*rows]
		// The further layers of each network on a tape of their own, reset
		// between networks: P stays on t.
		u := e.tapes.Get().(*ad.Tape)
		defer e.tapes.Put(u)
		u.Reset()
		z := e.rest(u, bn[0], u.ConstData(h, rows, p0), true)
		s.wrong[0], s.loss[0] = score(z.Value().RawMatrix(), labels)
		buf := make([]float64, h*rows)
		for k, sc := range scales {
			for i := range D {
				q := P[(1+i)*h*rows : (2+i)*h*rows]
				for j, v := range p0 {
					buf[j] = v + sc*q[j]
				}
				u.Reset()
				z := e.rest(u, nets[k*D+i], u.ConstData(h, rows, buf), true)
				s.wrong[1+k*D+i], s.loss[1+k*D+i] = score(z.Value().RawMatrix(), labels)
			}
		}
	})
	out := make([]Measure, 1+len(ws))
	sumParts(out, parts, e.n)
	return out[0], out[1:]
}

// flips reports whether evalFlips applies: a BinaryMLP with a hidden
// layer, whose first-layer product with every chunk rounds each entry
// alone, as the stacked product of EvalAll rounds it (ad.EntryABt): not a
// product of dot products or an unpacked one, which small chunks take
// (h × rows ≤ 4096, say) and whose bits depend on the number of rows of
// the product, nor in a build with OpenBLAS, to which EvalAll's larger
// stacked product may go and evalFlips's product not.
func (e *Evaluator) flips() bool {
	if _, ok := e.model.(BinaryMLP); !ok || len(e.sizes) <= 2 || ad.HasOpenBLAS {
		return false
	}
	// The smallest chunk is the last (see chunks); a method that rounds
	// each entry alone for it does for the larger ones.
	nch := (e.n + Chunk - 1) / Chunk
	last := e.n - (nch-1)*((e.n+nch-1)/nch)
	in, h := e.sizes[0], e.sizes[1]
	_, ok := ad.EntryABt(h, last, in, make([]float64, in), make([]float64, in))
	return ok
}

// flip is one first-layer weight (row j, column k) whose sign differs from
// the base network's: d is the new sign minus the old, ±2.
type flip struct {
	j, k int
	d    float64
}

// evalFlips measures base and binary networks ws whose first-layer signs
// differ from base's in a few weights (the noisy copies of a Flip local
// energy): with S_1 base's first-layer signs and S_1' network k's, its
// first-layer product is
//
//	Z_1' = S_1 X_cᵀ + (S_1' − S_1) X_cᵀ,
//
// whose second term has a nonzero entry, ±2, only where a sign differs, so
// that each network costs (flips × samples) additions instead of a
// product with the data. S_1 X_cᵀ is computed once per chunk, as EvalAll
// computes it. A noisy network's first-layer sums differ from EvalAll's
// by their rounding, but the network reads them only through their signs,
// and fixTies gives the sums that round either way EvalAll's values: the
// measures are EvalAll's bit for bit. It needs what flips reports.
//
// With chain set, network k's signs are compared with network k − 1's (base's
// for the first) and its sums computed from that network's: the points of
// a path that flips a few weights from one point to the next.
func (e *Evaluator) evalFlips(base []float64, ws [][]float64, chain bool) (Measure, []Measure) {
	for i, th := range append([][]float64{base}, ws...) {
		if len(th) != e.layout.Len() {
			panic(fmt.Sprintf("landscape: Evaluator.evalFlips: vector %d has %d parameters, the model %v has %d", i, len(th), e.model, e.layout.Len()))
		}
	}
	in, h := e.sizes[0], e.sizes[1]
	bn, nets := e.nets([][]float64{base}), e.nets(ws)
	s0 := bn[0].W[0]
	diffs := make([][]flip, len(nets))
	par.For(len(nets), func(k int) {
		from := s0
		if chain && k > 0 {
			from = nets[k-1].W[0]
		}
		for i, v := range nets[k].W[0][:len(s0)] {
			if d := v - from[i]; d != 0 {
				diffs[k] = append(diffs[k], flip{i / in, i % in, d})
			}
		}
	})
	parts := e.chunks(1+len(ws), func(t *ad.Tape, x *ad.Node, labels []int, s sums) {
		rows := len(labels)
		p0 := t.MatMulT(t.ConstData(h, in, s0), x, false, true).Value().RawMatrix().Data[:h*rows]
		u := e.tapes.Get().(*ad.Tape)
		defer e.tapes.Put(u)
		u.Reset()
		z := e.rest(u, bn[0], u.ConstData(h, rows, p0), true)
		s.wrong[0], s.loss[0] = score(z.Value().RawMatrix(), labels)
		// The chunk's samples by feature, so that the column of feature k
		// is contiguous.
		X := x.Value().RawMatrix()
		xt := make([]float64, in*rows)
		for i := range rows {
			for k, v := range X.Data[i*X.Stride : i*X.Stride+in] {
				xt[k*rows+i] = v
			}
		}
		// Each sample's Σ_k |x_k|, which bounds the rounding of its sums.
		mass := make([]float64, rows)
		for i := range mass {
			for _, v := range X.Data[i*X.Stride : i*X.Stride+in] {
				mass[i] += math.Abs(v)
			}
		}
		buf := make([]float64, h*rows)
		copy(buf, p0)
		nflips := 0 // the corrections buf has had since p0
		for n, nt := range nets {
			if !chain {
				copy(buf, p0)
				nflips = 0
			}
			for _, f := range diffs[n] {
				floats.AddScaled(buf[f.j*rows:(f.j+1)*rows], f.d, xt[f.k*rows:(f.k+1)*rows])
			}
			nflips += len(diffs[n])
			e.fixTies(buf, nt.W[0], x, mass, nflips)
			u.Reset()
			z := e.rest(u, nt, u.ConstData(h, rows, buf), true)
			s.wrong[1+n], s.loss[1+n] = score(z.Value().RawMatrix(), labels)
		}
	})
	out := make([]Measure, 1+len(ws))
	sumParts(out, parts, e.n)
	return out[0], out[1:]
}

// fixTies makes the signs of the first-layer sums z (h×rows, one sample
// per column) of a binary network with first-layer signs s1, computed from
// another network's by adding nflips corrections, those of the product
// S_1 X_cᵀ as EvalAll computes it. The product's sum, accumulated in blocks
// of 256 terms, is within (in + ⌈in/256⌉)·u·Σ_k |x_k|·(1 + δ) of the exact
// sum and the corrected one within (in + ⌈in/256⌉ + nflips)·u·Σ_k |x_k|·(1 + δ)
// (u = 2⁻⁵³, unit roundoff; |s| = 1; δ a higher-order term), so the two
// can differ in sign only where |z| is at most the sum of the two; bound,
// 4·(in + nflips + 8)·u·Σ_k |x_k|, is above it for every in ≥ 1. Such a sum
// is in practice an exact tie of the ±x_k, which pixels k/255 make
// frequent. Those entries are recomputed as the product rounds them
// (ad.EntryABt, which flips made sure applies).
func (e *Evaluator) fixTies(z, s1 []float64, x *ad.Node, mass []float64, nflips int) {
	in, h, rows := e.sizes[0], e.sizes[1], len(mass)
	X := x.Value().RawMatrix()
	bound := 4 * float64(in+nflips+8) * 0x1p-53
	for j := range h {
		zj := z[j*rows : (j+1)*rows]
		for i, v := range zj {
			if math.Abs(v) > bound*mass[i] {
				continue
			}
			c, ok := ad.EntryABt(h, rows, in, s1[j*in:(j+1)*in], X.Data[i*X.Stride:i*X.Stride+in])
			if !ok {
				panic(fmt.Sprintf("landscape: Evaluator.fixTies: the %d×%d product over %d features does not round entries alone", h, rows, in))
			}
			zj[i] = c
		}
	}
}

// sums are one chunk's misclassified samples and summed loss, per network.
type sums struct {
	wrong []int
	loss  []float64
}

// sumParts writes into out the measures of the chunks' sums, added in
// chunk order.
func sumParts(out []Measure, parts []sums, n int) {
	for k := range out {
		var wrong int
		var loss float64
		for _, s := range parts {
			wrong += s.wrong[k]
			loss += s.loss[k]
		}
		out[k] = Measure{Err: float64(wrong) / float64(n), Loss: loss / float64(n)}
	}
}

// rest records the logits of network nt, samples in columns, from its
// first layer's product z = W_1 X_cᵀ: the first bias (unless firstBias is
// false: z holds it already), then every further
// layer as nn.MLP.Forward or BinaryMLP.Forward computes it.
func (e *Evaluator) rest(t *ad.Tape, nt net, z *ad.Node, firstBias bool) *ad.Node {
	if _, ok := e.model.(BinaryMLP); ok {
		// sign(s·z) in one pass for Forward's Map(Scale(z, s)), same bits.
		for l := 1; l < len(nt.W); l++ {
			z = t.Map(z, scaledSign(1/math.Sqrt(float64(e.sizes[l-1]))))
			w := t.ConstData(e.sizes[l+1], e.sizes[l], nt.W[l])
			z = t.MatMul(w, z)
		}
		return t.Scale(z, 1/math.Sqrt(float64(e.sizes[len(nt.W)-1])))
	}
	m := e.model.(nn.MLP)
	for l := range nt.W {
		if l > 0 {
			z = m.Act.Apply(t, z)
			z = t.MatMul(t.ConstData(e.sizes[l+1], e.sizes[l], nt.W[l]), z)
		}
		if nt.b != nil && (l > 0 || firstBias) {
			z = t.AddCol(z, t.ConstData(e.sizes[l+1], 1, nt.b[l]))
		}
	}
	return z
}

// score returns the number of misclassified samples and the summed softmax
// cross-entropy of the logits z, one sample per column (the first largest
// logit is the prediction).
func score(z blas64.General, labels []int) (wrong int, loss float64) {
	ld := z.Stride
	for j, y := range labels {
		best, mx := 0, z.Data[j]
		for k := 1; k < z.Rows; k++ {
			if v := z.Data[k*ld+j]; v > mx {
				best, mx = k, v
			}
		}
		if best != y {
			wrong++
		}
		var s float64
		for k := 0; k < z.Rows; k++ {
			s += math.Exp(z.Data[k*ld+j] - mx)
		}
		loss += mx + math.Log(s) - z.Data[y*ld+j]
	}
	return wrong, loss
}

package ad

import (
	"fmt"
	"math"
)

func (t *Tape) reduce(op opKind, a, b *Node) *Node {
	t.own(a)
	out := t.newNode(op, 1, 1)
	out.a, out.b = a, b
	t.prepare(out, a, b)
	x := a.val[:a.r*a.c]
	var s float64
	switch op {
	case opSum, opMean:
		for _, v := range x {
			s += v
		}
		if op == opMean {
			s /= float64(len(x))
		}
	case opSumSq, opNorm:
		for _, v := range x {
			s += v * v
		}
		if op == opNorm {
			s = math.Sqrt(s)
		}
	case opDot:
		y := b.val[:len(x)]
		for i, v := range x {
			s += v * y[i]
		}
	}
	out.val[0] = s
	return out
}

// Sum records the 1×1 sum of all entries, Σ_ij A_ij. ∂L/∂A_ij = ∂L/∂C.
func (t *Tape) Sum(a *Node) *Node { return t.reduce(opSum, a, nil) }

// Mean records the 1×1 mean of all entries, (1/rc) Σ_ij A_ij.
// ∂L/∂A_ij = ∂L/∂C / (rc).
func (t *Tape) Mean(a *Node) *Node { return t.reduce(opMean, a, nil) }

// SumSq records the 1×1 sum of squares ‖A‖²_F = Σ_ij A_ij².
// ∂L/∂A = 2 ∂L/∂C A.
func (t *Tape) SumSq(a *Node) *Node { return t.reduce(opSumSq, a, nil) }

// Norm records the 1×1 Frobenius norm ‖A‖_F = √(Σ_ij A_ij²).
// ∂L/∂A = ∂L/∂C A/‖A‖_F (zero when A = 0).
func (t *Tape) Norm(a *Node) *Node { return t.reduce(opNorm, a, nil) }

// Dot records the 1×1 Frobenius inner product ⟨A, B⟩ = Σ_ij A_ij B_ij.
// ∂L/∂A = ∂L/∂C B, ∂L/∂B = ∂L/∂C A.
func (t *Tape) Dot(a, b *Node) *Node {
	t.own(b)
	sameShape("Dot", a, b)
	return t.reduce(opDot, a, b)
}

func (n *Node) backReduce() {
	g := n.grad[0]
	a := n.a
	x := a.val[:a.r*a.c]
	if a.needGrad {
		ga := a.accZero()[:len(x)]
		switch n.op {
		case opSum:
			for i := range ga {
				ga[i] += g
			}
		case opMean:
			g /= float64(len(x))
			for i := range ga {
				ga[i] += g
			}
		case opSumSq:
			for i, v := range x {
				ga[i] += 2 * g * v
			}
		case opNorm:
			if nv := n.val[0]; nv > 0 {
				f := g / nv
				for i, v := range x {
					ga[i] += f * v
				}
			}
		case opDot:
			y := n.b.val[:len(x)]
			for i, v := range y {
				ga[i] += g * v
			}
		}
	}
	if n.op == opDot && n.b.needGrad {
		gb := n.b.accZero()[:len(x)]
		for i, v := range x {
			gb[i] += g * v
		}
	}
}

func (t *Tape) axis(op opKind, a *Node) *Node {
	t.own(a)
	var out *Node
	rows := op == opRowNorms || op == opRowSums
	if rows {
		out = t.newNode(op, a.r, 1)
	} else {
		out = t.newNode(op, 1, a.c)
	}
	out.a = a
	t.prepare(out, a)
	y := out.val
	clear(y)
	c := a.c
	for i := 0; i < a.r; i++ {
		row := a.val[i*c : i*c+c]
		switch op {
		case opRowSums:
			s := 0.0
			for _, v := range row {
				s += v
			}
			y[i] = s
		case opRowNorms:
			s := 0.0
			for _, v := range row {
				s += v * v
			}
			y[i] = s
		case opColSums:
			for j, v := range row {
				y[j] += v
			}
		case opColNorms:
			for j, v := range row {
				y[j] += v * v
			}
		}
	}
	if op == opRowNorms || op == opColNorms {
		for i, v := range y {
			y[i] = math.Sqrt(v)
		}
	}
	return out
}

// RowNorms records the r×1 column of Euclidean row norms, C_i = ‖A_{i,:}‖.
// ∂L/∂A_ij = ∂L/∂C_i A_ij / C_i (zero for a zero row).
func (t *Tape) RowNorms(a *Node) *Node { return t.axis(opRowNorms, a) }

// ColNorms records the 1×c row of Euclidean column norms, C_j = ‖A_{:,j}‖.
// ∂L/∂A_ij = ∂L/∂C_j A_ij / C_j (zero for a zero column).
func (t *Tape) ColNorms(a *Node) *Node { return t.axis(opColNorms, a) }

// RowSums records the r×1 column C_i = Σ_j A_ij. ∂L/∂A_ij = ∂L/∂C_i.
func (t *Tape) RowSums(a *Node) *Node { return t.axis(opRowSums, a) }

// ColSums records the 1×c row C_j = Σ_i A_ij. ∂L/∂A_ij = ∂L/∂C_j.
func (t *Tape) ColSums(a *Node) *Node { return t.axis(opColSums, a) }

func (n *Node) backAxis() {
	a := n.a
	ga := a.accZero()
	g, y := n.grad, n.val
	c := a.c
	for i := 0; i < a.r; i++ {
		row, grow := a.val[i*c:i*c+c], ga[i*c:i*c+c]
		switch n.op {
		case opRowSums:
			gi := g[i]
			for j := range grow {
				grow[j] += gi
			}
		case opRowNorms:
			if y[i] > 0 {
				f := g[i] / y[i]
				for j, v := range row {
					grow[j] += f * v
				}
			}
		case opColSums:
			for j := range grow {
				grow[j] += g[j]
			}
		case opColNorms:
			for j, v := range row {
				if y[j] > 0 {
					grow[j] += g[j] * v / y[j]
				}
			}
		}
	}
}

// RadialCols records the radial activation σ(z) = z/‖z‖² applied to every
// column z of A (one sample per column):
//
//	C_{:,j} = A_{:,j} / s_j,  s_j = ‖A_{:,j}‖²,
//	∂L/∂A_{:,j} = g/s_j − 2 A_{:,j} (A_{:,j}ᵀ g)/s_j²,  g = ∂L/∂C_{:,j}.
//
// A zero column gives Inf/NaN, as the formula does.
func (t *Tape) RadialCols(a *Node) *Node { return t.radial(opRadialCols, a) }

// RadialRows is RadialCols for samples stored as rows: every row z of A is
// mapped to z/‖z‖².
func (t *Tape) RadialRows(a *Node) *Node { return t.radial(opRadialRows, a) }

func (t *Tape) radial(op opKind, a *Node) *Node {
	t.own(a)
	out := t.newNode(op, a.r, a.c)
	out.a = a
	t.prepare(out, a)
	r, c := a.r, a.c
	cols := op == opRadialCols
	ns := c
	if !cols {
		ns = r
	}
	out.aux = grow(out.aux, ns)
	s := out.aux
	clear(s)
	for i := 0; i < r; i++ {
		row := a.val[i*c : i*c+c]
		if cols {
			for j, v := range row {
				s[j] += v * v
			}
		} else {
			q := 0.0
			for _, v := range row {
				q += v * v
			}
			s[i] = q
		}
	}
	for i := 0; i < r; i++ {
		row, dst := a.val[i*c:i*c+c], out.val[i*c:i*c+c]
		if cols {
			for j, v := range row {
				dst[j] = v / s[j]
			}
		} else {
			inv := 1 / s[i]
			for j, v := range row {
				dst[j] = v * inv
			}
		}
	}
	return out
}

func (n *Node) backRadial() {
	a := n.a
	r, c := a.r, a.c
	s := n.aux
	g := n.grad
	ga := a.accZero()
	cols := n.op == opRadialCols
	ns := len(s)
	n.aux2 = grow(n.aux2, ns)
	d := n.aux2 // d_j = zᵀ g for each sample
	clear(d)
	for i := 0; i < r; i++ {
		row, grow := a.val[i*c:i*c+c], g[i*c:i*c+c]
		if cols {
			for j, v := range row {
				d[j] += v * grow[j]
			}
		} else {
			q := 0.0
			for j, v := range row {
				q += v * grow[j]
			}
			d[i] = q
		}
	}
	for i := 0; i < r; i++ {
		row, gi, dst := a.val[i*c:i*c+c], g[i*c:i*c+c], ga[i*c:i*c+c]
		if cols {
			for j, v := range row {
				sj := s[j]
				dst[j] += gi[j]/sj - 2*v*d[j]/(sj*sj)
			}
		} else {
			si := s[i]
			f := 2 * d[i] / (si * si)
			for j, v := range row {
				dst[j] += gi[j]/si - f*v
			}
		}
	}
}

// SoftmaxCrossEntropy records the mean softmax cross-entropy of the m×k
// logits Z, one sample per column, against integer class labels y_j ∈ [0, m):
//
//	L = (1/k) Σ_j [log Σ_i exp(Z_ij) − Z_{y_j j}],
//	∂L/∂Z_ij = (softmax(Z_{:,j})_i − [i = y_j]) / k.
//
// The log-sum-exp is shifted by the column maximum, so large logits do not
// overflow. labels is referenced, not copied: it must not change before
// Backward. A label out of range panics.
func (t *Tape) SoftmaxCrossEntropy(logits *Node, labels []int) *Node {
	t.own(logits)
	if len(labels) != logits.c {
		panic(fmt.Sprintf("ad: SoftmaxCrossEntropy: %d labels for logits %d×%d", len(labels), logits.r, logits.c))
	}
	out := t.newNode(opSoftmaxCE, 1, 1)
	out.a = logits
	out.ints = labels
	t.prepare(out, logits)
	out.val[0] = softmaxCE(out, logits, nil)
	return out
}

// SoftmaxCrossEntropyTo is SoftmaxCrossEntropy with the targets given as a
// node. If target is 1×k it holds the class index of each sample (as an
// integer-valued float64). Otherwise it is m×k and each column is a target
// distribution p (for example one-hot):
//
//	L = (1/k) Σ_j Σ_i p_ij [log Σ_l exp(Z_lj) − Z_ij],
//	∂L/∂Z_ij = (softmax(Z_{:,j})_i Σ_l p_lj − p_ij) / k,
//	∂L/∂p_ij = (log Σ_l exp(Z_lj) − Z_ij) / k.
func (t *Tape) SoftmaxCrossEntropyTo(logits, target *Node) *Node {
	t.own(logits)
	t.own(target)
	m, k := logits.r, logits.c
	if target.c != k || (target.r != 1 && target.r != m) {
		panic(fmt.Sprintf("ad: SoftmaxCrossEntropyTo: shapes %d×%d and %d×%d do not match", m, k, target.r, target.c))
	}
	out := t.newNode(opSoftmaxCE, 1, 1)
	out.a = logits
	if target.r == 1 && m != 1 {
		out.iown = growInts(out.iown, k)
		for j, v := range target.val[:k] {
			l := int(v)
			if float64(l) != v {
				panic(fmt.Sprintf("ad: SoftmaxCrossEntropyTo: label %v of sample %d is not an integer", v, j))
			}
			out.iown[j] = l
		}
		out.ints = out.iown
		t.prepare(out, logits)
		out.val[0] = softmaxCE(out, logits, nil)
		return out
	}
	out.b = target
	t.prepare(out, logits, target)
	out.val[0] = softmaxCE(out, logits, target)
	return out
}

func growInts(buf []int, n int) []int {
	if cap(buf) < n {
		return make([]int, n)
	}
	return buf[:n]
}

// softmaxCE computes the loss, leaving softmax(Z) in n.aux (m×k) and the
// per-sample log-sum-exp in n.aux2 (k).
func softmaxCE(n, z, target *Node) float64 {
	m, k := z.r, z.c
	n.aux = grow(n.aux, m*k)
	n.aux2 = grow(n.aux2, k)
	p, lse := n.aux, n.aux2
	zv := z.val[:m*k]
	// column maxima
	copy(lse, zv[:k])
	for i := 1; i < m; i++ {
		for j, v := range zv[i*k : i*k+k] {
			if v > lse[j] {
				lse[j] = v
			}
		}
	}
	// p = exp(z − max); accumulate sums in the first pass over a temporary row
	for i := 0; i < m; i++ {
		row, prow := zv[i*k:i*k+k], p[i*k:i*k+k]
		for j, v := range row {
			prow[j] = v - lse[j]
		}
		ExpTo(prow, prow)
	}
	// column sums, reuse the max: lse_j = max_j + log Σ exp(z − max_j)
	for j := 0; j < k; j++ {
		s := 0.0
		for i := 0; i < m; i++ {
			s += p[i*k+j]
		}
		inv := 1 / s
		for i := 0; i < m; i++ {
			p[i*k+j] *= inv
		}
		lse[j] += math.Log(s)
	}
	loss := 0.0
	if target == nil {
		for j, l := range n.ints {
			if l < 0 || l >= m {
				panic(fmt.Sprintf("ad: SoftmaxCrossEntropy: label %d of sample %d out of range [0, %d)", l, j, m))
			}
			loss += lse[j] - zv[l*k+j]
		}
	} else {
		tv := target.val[:m*k]
		for i := 0; i < m; i++ {
			for j, v := range tv[i*k : i*k+k] {
				if v != 0 {
					loss += v * (lse[j] - zv[i*k+j])
				}
			}
		}
	}
	return loss / float64(k)
}

func (n *Node) backSoftmaxCE() {
	z := n.a
	m, k := z.r, z.c
	g := n.grad[0] / float64(k)
	p := n.aux
	if z.needGrad {
		gz, first := z.acc()
		if first {
			clear(gz)
		}
		if n.b == nil {
			for i := range p[:m*k] {
				gz[i] += g * p[i]
			}
			for j, l := range n.ints {
				gz[l*k+j] -= g
			}
		} else {
			tv := n.b.val[:m*k]
			n.vbuf = grow(n.vbuf, k)
			tot := n.vbuf // Σ_l p_lj
			for j := 0; j < k; j++ {
				s := 0.0
				for i := 0; i < m; i++ {
					s += tv[i*k+j]
				}
				tot[j] = s
			}
			for i := 0; i < m; i++ {
				for j := 0; j < k; j++ {
					gz[i*k+j] += g * (p[i*k+j]*tot[j] - tv[i*k+j])
				}
			}
		}
	}
	if n.b != nil && n.b.needGrad {
		gt := n.b.accZero()
		zv, lse := z.val[:m*k], n.aux2
		for i := 0; i < m; i++ {
			for j := 0; j < k; j++ {
				gt[i*k+j] += g * (lse[j] - zv[i*k+j])
			}
		}
	}
}

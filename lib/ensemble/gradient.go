package ensemble

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// Gradient returns the input-gradient oracle of the first k members'
// mean-softmax loss, the loss of the ensemble's averaged probabilities:
//
//	L(X) = −(1/N) Σ_j log p̄_{y_j}(x_j),   p̄(x) = (1/k) Σ_i softmax(Z_i(x)),
//
// with Z_i(x) = U′_i σ(G_i (V φ(x) + b)) + c. The oracle writes ∂L/∂X into
// grad (d×N, like x, one sample per column) and returns L. Per sample,
// log p̄_y = log Σ_i exp(ℓ_i) − log k with ℓ_i = log softmax(Z_i)_y is taken
// with the largest ℓ_i factored out, so confident members neither overflow
// nor underflow it; the whole expression, through the features φ, is
// differentiated by package ad. Its shape is attack.Gradient's.
func (e *Ensemble) Gradient(k int) func(grad, x *mat.Dense, labels []int) float64 {
	return e.gradient(k, meanSoftmax)
}

// MemberGradient is Gradient for the members' mean loss,
//
//	L(X) = (1/k) Σ_i CE(Z_i(X), y),
//
// the average of the members' own cross-entropies (an attack "in
// expectation over the transformations", Athalye et al. 2018). Unlike the
// loss of the averaged probabilities it does not saturate when members are
// confidently wrong: a wrong member's cross-entropy keeps a gradient of
// order one, while its softmax, and so its share of p̄, has none.
func (e *Ensemble) MemberGradient(k int) func(grad, x *mat.Dense, labels []int) float64 {
	return e.gradient(k, memberMean)
}

// lossKind names the loss of an ensemble that a white-box attack follows.
type lossKind int

const (
	meanSoftmax lossKind = iota // −log p̄_y, the loss of the averaged probabilities
	memberMean                  // (1/k) Σ_i CE(Z_i, y), the members' mean loss
)

func (e *Ensemble) gradient(k int, kind lossKind) func(grad, x *mat.Dense, labels []int) float64 {
	e.checkK("Gradient", k)
	net := e.Net
	t := ad.NewTape()
	w := make([]*ad.Node, net.Params.Count())
	us := make([]*mat.Dense, k)
	for i := range us {
		us[i] = e.Members[i].U
	}
	xb, gb := &mat.Dense{}, &mat.Dense{}
	var onehot, negMax, shift *mat.Dense
	return func(grad, x *mat.Dense, labels []int) float64 {
		d, N := x.Dims()
		if gr, gc := grad.Dims(); gr != d || gc != N || len(labels) != N {
			panic(fmt.Sprintf("ensemble: Gradient: x %d×%d, grad %d×%d, %d labels", d, N, gr, gc, len(labels)))
		}
		total := 0.0
		for j0 := 0; j0 < N; j0 += chunk {
			j1 := min(j0+chunk, N)
			nb := j1 - j0
			xb = columns(xb, x, j0, j1)
			gb.Reset()
			gb.ReuseAs(d, nb)
			onehot = resize(onehot, net.Classes(), nb)
			for j, y := range labels[j0:j1] {
				onehot.Set(y, j, 1)
			}
			t.Reset()
			for i := range w {
				w[i] = t.Const(net.Params.At(i))
			}
			X := t.Param(xb, gb)
			H := net.hidden(t, w, X)
			c, oh := t.Const(net.C), t.Const(onehot)
			if kind == memberMean {
				var sum *ad.Node
				for i := range k {
					gh := t.MatMul(t.Const(e.Members[i].G), H)
					z := t.AddCol(t.MatMul(t.Const(us[i]), net.Act.Apply(t, gh)), c)
					ce := t.SoftmaxCrossEntropy(z, labels[j0:j1])
					if sum == nil {
						sum = ce
					} else {
						sum = t.Add(sum, ce)
					}
				}
				// The chunk's share of the mean over all N samples.
				loss := t.Scale(sum, float64(nb)/float64(N*k))
				t.Backward(loss)
				total += loss.Scalar()
				grad.Slice(0, d, j0, j1).(*mat.Dense).Copy(gb)
				continue
			}
			// ℓ_i = log softmax(Z_i)_y for each member, a 1×nb row.
			ells := make([]*ad.Node, k)
			for i := range ells {
				gh := t.MatMul(t.Const(e.Members[i].G), H)
				z := t.AddCol(t.MatMul(t.Const(us[i]), net.Act.Apply(t, gh)), c)
				negMax = colMax(negMax, z.Value(), -1)
				s := t.AddRow(z, t.Const(mat.DenseCopyOf(negMax)))
				ls := t.AddRow(s, t.Neg(t.Log(t.ColSums(t.Exp(s)))))
				ells[i] = t.ColSums(t.Mul(ls, oh))
			}
			// log p̄_y = M + log Σ_i exp(ℓ_i − M) − log k, M = max_i ℓ_i.
			shift = resize(shift, 1, nb)
			for j := 0; j < nb; j++ {
				mx := math.Inf(-1)
				for _, l := range ells {
					mx = math.Max(mx, l.At(0, j))
				}
				shift.Set(0, j, mx)
			}
			negShift := mat.DenseCopyOf(shift)
			negShift.Scale(-1, negShift)
			var sum *ad.Node
			ns := t.Const(negShift)
			for _, l := range ells {
				ex := t.Exp(t.AddRow(l, ns))
				if sum == nil {
					sum = ex
				} else {
					sum = t.Add(sum, ex)
				}
			}
			logp := t.AddScalar(t.AddRow(t.Log(sum), t.Const(shift)), -math.Log(float64(k)))
			// The chunk's share of the mean over all N samples.
			loss := t.Scale(t.Sum(logp), -1/float64(N))
			t.Backward(loss)
			total += loss.Scalar()
			grad.Slice(0, d, j0, j1).(*mat.Dense).Copy(gb)
		}
		return total
	}
}

// resize returns an r×c zero matrix, reusing m's storage when it can.
func resize(m *mat.Dense, r, c int) *mat.Dense {
	if m == nil {
		return mat.NewDense(r, c, nil)
	}
	m.Reset()
	m.ReuseAs(r, c)
	m.Zero()
	return m
}

// colMax returns the 1×N row of s·max_i z_ij into dst.
func colMax(dst, z *mat.Dense, s float64) *mat.Dense {
	m, N := z.Dims()
	dst = resize(dst, 1, N)
	for j := 0; j < N; j++ {
		mx := math.Inf(-1)
		for i := 0; i < m; i++ {
			mx = math.Max(mx, z.At(i, j))
		}
		dst.Set(0, j, s*mx)
	}
	return dst
}

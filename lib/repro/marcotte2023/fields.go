package marcotte2023

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/lie"
	"github.com/noetherlab/noether/lib/nn"
)

// sampleField is the gradient field V(θ) = ∇ℓ(θ) of one sample's loss
// ℓ = ½‖f(x) − y‖² for an MLP with linear or ReLU activations, with exact
// first derivatives (nn.Objective's Hessian-vector products) and exact
// second derivatives D²V(θ)[a, u] = ∇³ℓ(θ)[a, u, ·].
//
// The second derivatives come from recording the gradient itself on a tape:
// with δ_L = f − y, δ_{l−1} = (W_lᵀ δ_l) ⊙ σ′(z_{l−1}), ∇_{W_l}ℓ = δ_l a_{l−1}ᵀ and
// ∇_{b_l}ℓ = δ_l, the scalar ψ_a(θ) = ⟨a, ∇ℓ(θ)⟩ is an ordinary function of
// θ, and ∇²ψ_a(θ) u = D²V(θ)[a, u] is its Hessian-vector product
// (forward-over-reverse in package ad). For ReLU, σ′ = 1[z > 0] is constant
// near a point where no pre-activation vanishes, so it is recorded as a
// constant: exact there.
type sampleField struct {
	lie.Gradient
	net  nn.MLP
	x, y *mat.Dense // one column each
}

// Deriv2 sets d2 = D²V(θ)[a, u].
func (f sampleField) Deriv2(d2, theta, a, u []float64) {
	net := f.net
	relu := net.Act.Name == nn.ReLU.Name
	if !relu && net.Act.Name != nn.Linear.Name {
		panic(fmt.Sprintf("marcotte2023: second derivatives for %s: only linear and ReLU", net.Act.Name))
	}
	p, w, dir, hv := net.Params(), net.Params(), net.Params(), net.Params()
	p.Bind(theta)
	w.Bind(a)
	dir.Bind(u)
	hv.Bind(d2)
	t := ad.NewTape()
	nodes := make([]*ad.Node, p.Count())
	for i := range nodes {
		nodes[i] = t.Param(p.At(i), nil)
	}
	step := 2
	if net.NoBias {
		step = 1
	}
	L := len(net.Sizes) - 1
	W := func(l int) *ad.Node { return nodes[(l-1)*step] } // l = 1..L
	// Forward, keeping the activations a_l and the ReLU masks.
	acts := []*ad.Node{t.Const(f.x)}
	var masks []*ad.Node // masks[l−1] = σ′(z_l), l = 1..L−1
	for l := 1; l <= L; l++ {
		z := t.MatMul(W(l), acts[l-1])
		if !net.NoBias {
			z = t.AddCol(z, nodes[(l-1)*step+1])
		}
		if l < L && relu {
			zv := z.Value()
			m := mat.NewDense(zv.RawMatrix().Rows, 1, nil)
			for i := range m.RawMatrix().Data {
				if zv.At(i, 0) > 0 {
					m.Set(i, 0, 1)
				}
			}
			masks = append(masks, t.Const(m))
			z = t.ReLU(z)
		}
		acts = append(acts, z)
	}
	// Backward, recorded: ψ = Σ_l ⟨a_W_l, δ_l a_{l−1}ᵀ⟩ + ⟨a_b_l, δ_l⟩.
	delta := t.Sub(acts[L], t.Const(f.y))
	var psi *ad.Node
	add := func(n *ad.Node) {
		if psi == nil {
			psi = n
		} else {
			psi = t.Add(psi, n)
		}
	}
	for l := L; l >= 1; l-- {
		add(t.Dot(t.MatMulT(delta, acts[l-1], false, true), t.Const(w.At((l-1)*step))))
		if !net.NoBias {
			add(t.Dot(delta, t.Const(w.At((l-1)*step+1))))
		}
		if l > 1 {
			delta = t.MatMulT(W(l), delta, true, false)
			if relu {
				delta = t.Mul(delta, masks[l-2])
			}
		}
	}
	for i, n := range nodes {
		t.SetTangent(n, dir.At(i), hv.At(i))
	}
	t.HessVec(psi)
}

// Fields2 returns the per-sample gradient fields of ½‖f(x_i) − y_i‖² with
// their second derivatives, for lie.Deeper; the network must have linear or
// ReLU activations.
func Fields2(net nn.MLP, x, y *mat.Dense) []lie.Field2 {
	first := Fields(net, x, y)
	f := make([]lie.Field2, len(first))
	for i := range f {
		f[i] = sampleField{Gradient: first[i].(lie.Gradient), net: net,
			x: mat.DenseCopyOf(x.Slice(0, x.RawMatrix().Rows, i, i+1)),
			y: mat.DenseCopyOf(y.Slice(0, y.RawMatrix().Rows, i, i+1))}
	}
	return f
}

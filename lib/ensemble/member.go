package ensemble

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// Member is a transformed network: fc1 (V, b) becomes (G V, G b) and fc2's
// weight U becomes U′ (see the package documentation).
type Member struct {
	G *mat.Dense // h×h
	U *mat.Dense // m×h, the new U′
}

// MemberLogits returns the member's logits U′ σ(G H) + c 1ᵀ on pre-activations H
// of the base network (h×N), into dst when it is non-nil.
func (n *Net) MemberLogits(dst *mat.Dense, m Member, H *mat.Dense) *mat.Dense {
	s := scratch{tape: tapes.Get().(*ad.Tape)}
	defer tapes.Put(s.tape)
	return n.memberLogits(dst, &s, m, H)
}

// memberLogits is MemberLogits recorded on s.tape (from tapes), reused from
// member to member (its buffers, the library's matrix kernels and the
// vector kernels of σ), into dst, which is reused when it has the right
// size or is empty.
func (n *Net) memberLogits(dst *mat.Dense, s *scratch, m Member, H *mat.Dense) *mat.Dense {
	z := n.memberLogitsOnTape(s, m, H)
	if dst == nil {
		dst = &mat.Dense{}
	}
	r, c := z.Dims()
	if dst.IsEmpty() {
		dst.ReuseAs(r, c)
	} else if dr, dc := dst.Dims(); dr != r || dc != c {
		panic(fmt.Sprintf("ensemble: MemberLogits: dst is %d×%d, the logits %d×%d", dr, dc, r, c))
	}
	dst.Copy(z)
	return dst
}

// memberLogitsOnTape records the member's logits on s.tape (reset first)
// and returns them, a view of the tape's storage valid until its next
// Reset.
func (n *Net) memberLogitsOnTape(s *scratch, m Member, H *mat.Dense) *mat.Dense {
	t := s.tape
	t.Reset()
	return t.AddCol(t.MatMul(t.Const(m.U), n.Act.Apply(t, t.MatMul(t.Const(m.G), t.Const(H)))), t.Const(n.C)).Value()
}

// Apply returns the full parameters of the member's network: a copy of the
// base parameters with V, b and U replaced by G V, G b and U′.
func (n *Net) Apply(m Member) *nn.Params {
	q := n.Params.Clone()
	q.At(n.head).Mul(m.G, n.V)
	q.At(n.head+1).Mul(m.G, n.B)
	q.At(n.head + 2).Copy(m.U)
	return q
}

// Kind is how the members of an ensemble are made.
type Kind int

const (
	Group        Kind = iota // U′ = U π_i, the nonlinear action fitted on batch i
	Random                   // U′ = U (I + ε R), R_jk ~ U[0, 1)
	Shuffled                 // U′ = U P π_i Q: π_i with rows and columns shuffled
	Inverse                  // U′ = U G⁻¹: the linear action, not a symmetry for nonlinear σ
	Interpolated             // G = (I + ½ε(I + P))/(1 + ε), U′ = U G⁻¹
)

// Kinds lists every kind, in the order of the official figure's panels but
// for the first.
var Kinds = []Kind{Group, Interpolated, Inverse, Random, Shuffled}

func (k Kind) String() string {
	switch k {
	case Group:
		return "group"
	case Random:
		return "random"
	case Shuffled:
		return "shuffled"
	case Inverse:
		return "g⁻¹"
	case Interpolated:
		return "interpolated permutation"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Ensemble is a base network and its transformed members.
type Ensemble struct {
	Net     *Net
	Kind    Kind
	Eps     float64
	Members []Member
}

// Settings say which ensemble New builds.
type Settings struct {
	Kind Kind
	// Eps is ε: G = e^{εT} (or the interpolation parameter).
	Eps float64
	// Size is the number of members.
	Size int
	// Seed fixes the draws: member i's T_i comes from (Seed, i), the same
	// for every kind and ε; its other draws (R, P, Q) from a second stream.
	Seed uint64
	// Fit holds the pre-activations (Net.Hidden) of the batches the π_i are
	// fitted on: member i uses columns [i·h, (i+1)·h). Group and Shuffled
	// need Size·h columns; the other kinds ignore it.
	Fit *mat.Dense
}

// New builds the ensemble that s describes. It panics if Fit is too small
// for a Group or Shuffled ensemble.
func New(net *Net, s Settings) *Ensemble {
	h := net.Width()
	if s.Kind == Group || s.Kind == Shuffled {
		if s.Fit == nil || s.Fit.RawMatrix().Cols < s.Size*h {
			c := 0
			if s.Fit != nil {
				_, c = s.Fit.Dims()
			}
			panic(fmt.Sprintf("ensemble: New: %v ensemble of %d members needs %d fitted samples (h = %d each), Fit has %d", s.Kind, s.Size, s.Size*h, h, c))
		}
		if r, _ := s.Fit.Dims(); r != h {
			panic(fmt.Sprintf("ensemble: New: Fit has %d rows, want h = %d pre-activations", r, h))
		}
	}
	e := &Ensemble{Net: net, Kind: s.Kind, Eps: s.Eps, Members: make([]Member, s.Size)}
	for i := range e.Members {
		e.Members[i] = member(net, s, i)
	}
	return e
}

// member returns member i of the ensemble s.
func member(net *Net, s Settings, i int) Member {
	h := net.Width()
	g := sym.SampleGL(rand.New(rand.NewPCG(s.Seed, uint64(i))), h, s.Eps)
	rng := rand.New(rand.NewPCG(s.Seed^0x9e3779b97f4a7c15, uint64(i)))
	var M *mat.Dense // U′ = U M
	switch s.Kind {
	case Group, Shuffled:
		// π depends on V, b and the batch only through H_i = V φ(X_i) + b,
		// so π(g, [V b], [φ(X_i); 1]) = NonlinearPi(σ, g, I, H_i).
		Hi := s.Fit.Slice(0, h, i*h, (i+1)*h)
		M = sym.NonlinearPi(net.Act, g, sym.Identity(h), Hi)
		if s.Kind == Shuffled {
			var pm mat.Dense
			pm.Mul(sym.PermMatrix(rng.Perm(h)), M)
			M.Mul(&pm, sym.PermMatrix(rng.Perm(h)))
		}
	case Random:
		M = sym.Identity(h)
		raw := M.RawMatrix().Data
		for j := range raw {
			raw[j] += s.Eps * rng.Float64()
		}
	case Inverse:
		// U′ = U g⁻¹ does not depend on V: pass b for it, to keep the
		// product g V out of the loop.
		gU, _ := sym.GL(g, net.U, net.B)
		return Member{G: g, U: gU}
	case Interpolated:
		g = sym.Identity(h)
		g.Scale(1+s.Eps/2, g)
		P := sym.PermMatrix(rng.Perm(h))
		P.Scale(s.Eps/2, P)
		g.Add(g, P)
		g.Scale(1/(1+s.Eps), g)
		gU, _ := sym.GL(g, net.U, net.B)
		return Member{G: g, U: gU}
	default:
		panic(fmt.Sprintf("ensemble: New: unknown kind %v", s.Kind))
	}
	piU, _ := sym.NonlinearAct(M, g, net.U, net.B) // U π; g V is made by Apply when needed
	return Member{G: g, U: piU}
}

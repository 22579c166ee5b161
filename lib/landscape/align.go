package landscape

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// Matching is how Align pairs the hidden units of two networks.
type Matching int

const (
	// Cosine matches layer by layer from the input, as in the symmetry
	// removal of Pittorino et al. (2022): unit i of the reference and unit
	// j of the other net cost
	//
	//	C_ij = −cos((W^a_l[i,:], b^a_l[i]), (W^b_l[j,:] P_{l−1}ᵀ, b^b_l[j])),
	//
	// the angle between their incoming weights and biases once the previous
	// layer's permutation P_{l−1} is applied to the other net's inputs; the
	// assignment minimising Σ_i C_{iπ(i)} is solved exactly (Assign). On
	// canonical nets (unit-norm rows) the cosine is the dot product.
	Cosine Matching = iota
	// Weights is the weight matching of Git Re-Basin (Ainsworth, Hayase,
	// Srinivasa, ICLR 2023): it maximises
	//
	//	Σ_l ⟨W^a_l, P_l W^b_l P_{l−1}ᵀ⟩ + ⟨b^a_l, P_l b^b_l⟩
	//
	// over all hidden permutations at once, by coordinate ascent: each
	// sweep visits the hidden layers in a random order and solves the
	// linear assignment for P_l with the others fixed (both its incoming
	// and outgoing weights enter), until a sweep changes nothing.
	Weights
)

func (m Matching) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case Weights:
		return "weight matching"
	}
	return fmt.Sprintf("Matching(%d)", int(m))
}

// AlignSettings are the options of Align and Perms. The zero value is
// Cosine matching.
type AlignSettings struct {
	Matching Matching
	// Sweeps bounds the coordinate-ascent sweeps of Weights; 0 means 100.
	Sweeps int
	// Seed orders the layers in each sweep of Weights.
	Seed uint64
}

// Perms returns, for each hidden layer l of m, the permutation π_l that
// aligns x to ref: unit i of the aligned net is unit π_l[i] of x (the
// convention of sym.DeepPermute). ref and x are parameter vectors of m;
// an error names the first layer whose shapes differ.
func Perms(m nn.MLP, ref, x *nn.Params, s AlignSettings) ([][]int, error) {
	if _, _, err := layers("Perms", m, ref); err != nil {
		return nil, err
	}
	if err := sameShape("Perms", ref, x); err != nil {
		return nil, err
	}
	if _, _, err := layers("Perms", m, x); err != nil {
		return nil, err
	}
	switch s.Matching {
	case Cosine:
		perms, _ := cosineAlign(m, ref, x)
		return perms, nil
	case Weights:
		return weightMatch(m, ref, x, s), nil
	}
	return nil, fmt.Errorf("landscape: Perms: unknown matching %v", s.Matching)
}

// Permute returns a copy of p with the hidden units of each layer l
// permuted by perms[l] (rows of W_l and b_l, columns of W_{l+1}): the same
// function. It returns an error if perms does not have one permutation of
// the right length per hidden layer.
func Permute(m nn.MLP, p *nn.Params, perms [][]int) (*nn.Params, error) {
	if _, _, err := layers("Permute", m, p); err != nil {
		return nil, err
	}
	if len(perms) != len(m.Sizes)-2 {
		return nil, fmt.Errorf("landscape: Permute: %d permutations for the %d hidden layers of %v", len(perms), len(m.Sizes)-2, m)
	}
	for l, perm := range perms {
		if err := checkPerm(perm, m.Sizes[l+1]); err != nil {
			return nil, fmt.Errorf("landscape: Permute: layer %d (%s): %w", l+1, describe(m, l), err)
		}
	}
	q := p.Clone()
	for l, perm := range perms {
		permuteLayer(m, q, l, perm)
	}
	return q, nil
}

func checkPerm(perm []int, h int) error {
	if len(perm) != h {
		return fmt.Errorf("permutation of length %d for %d units", len(perm), h)
	}
	seen := make([]bool, h)
	for _, j := range perm {
		if j < 0 || j >= h || seen[j] {
			return fmt.Errorf("%v is not a permutation of 0…%d", perm, h-1)
		}
		seen[j] = true
	}
	return nil
}

// permuteLayer permutes hidden layer l of p in place.
func permuteLayer(m nn.MLP, p *nn.Params, l int, perm []int) {
	W, b := m.Layers(p)
	old := mat.DenseCopyOf(W[l])
	for i, j := range perm {
		W[l].SetRow(i, old.RawRowView(j))
	}
	if b != nil {
		ob := mat.VecDenseCopyOf(b[l])
		for i, j := range perm {
			b[l].SetVec(i, ob.AtVec(j))
		}
	}
	next := mat.DenseCopyOf(W[l+1])
	rows, _ := next.Dims()
	for i, j := range perm {
		for r := 0; r < rows; r++ {
			W[l+1].Set(r, i, next.At(r, j))
		}
	}
}

// cosineAlign aligns x to ref layer by layer (Cosine) and returns the
// permutations and the aligned copy of x.
func cosineAlign(m nn.MLP, ref, x *nn.Params) ([][]int, *nn.Params) {
	y := x.Clone()
	Wa, ba := m.Layers(ref)
	Wy, by := m.Layers(y)
	perms := make([][]int, len(m.Sizes)-2)
	for l := range perms {
		h := m.Sizes[l+1]
		C := mat.NewDense(h, h, nil)
		na, ny := rowNorms(Wa[l], ba, l), rowNorms(Wy[l], by, l)
		for i := 0; i < h; i++ {
			ai := Wa[l].RawRowView(i)
			for j := 0; j < h; j++ {
				d := dot(ai, Wy[l].RawRowView(j))
				if ba != nil {
					d += ba[l].AtVec(i) * by[l].AtVec(j)
				}
				if na[i] > 0 && ny[j] > 0 {
					C.Set(i, j, -d/(na[i]*ny[j]))
				}
			}
		}
		perms[l], _ = Assign(C)
		permuteLayer(m, y, l, perms[l])
	}
	return perms, y
}

// rowNorms returns ‖(W[j,:], b_l[j])‖ for every row j.
func rowNorms(W *mat.Dense, b []*mat.VecDense, l int) []float64 {
	h, _ := W.Dims()
	out := make([]float64, h)
	for j := range out {
		r := W.RawRowView(j)
		ss := dot(r, r)
		if b != nil {
			ss += b[l].AtVec(j) * b[l].AtVec(j)
		}
		out[j] = sqrt(ss)
	}
	return out
}

// weightMatch is Git Re-Basin's weight matching by coordinate ascent.
func weightMatch(m nn.MLP, ref, x *nn.Params, s AlignSettings) [][]int {
	sweeps := s.Sweeps
	if sweeps <= 0 {
		sweeps = 100
	}
	Wa, ba := m.Layers(ref)
	Wb, bb := m.Layers(x)
	H := len(m.Sizes) - 2
	perms := make([][]int, H)
	for l := range perms {
		perms[l] = identity(m.Sizes[l+1])
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x7265626173696e))
	order := identity(H)
	for range sweeps {
		rng.Shuffle(H, func(i, j int) { order[i], order[j] = order[j], order[i] })
		changed := false
		for _, l := range order {
			// Incoming: C1[i,j] = Σ_k Wa_l[i,k] Wb_l[j, π_{l−1}[k]].
			in := Wb[l]
			if l > 0 {
				in = permCols(Wb[l], perms[l-1])
			}
			var C, C2 mat.Dense
			C.Mul(Wa[l], in.T())
			// Outgoing: C2[i,j] = Σ_r Wa_{l+1}[r,i] Wb_{l+1}[π_{l+1}[r], j].
			out := Wb[l+1]
			if l+1 < H {
				out = permRows(Wb[l+1], perms[l+1])
			}
			C2.Mul(Wa[l+1].T(), out)
			C.Add(&C, &C2)
			if ba != nil {
				var B mat.Dense
				B.Outer(1, ba[l], bb[l])
				C.Add(&C, &B)
			}
			C.Scale(-1, &C)
			p, _ := Assign(&C)
			if !slices.Equal(p, perms[l]) {
				// Accept only a strict improvement, so that ties cannot cycle.
				if objective(&C, p) < objective(&C, perms[l])-1e-12*(1+abs(objective(&C, perms[l]))) {
					perms[l], changed = p, true
				}
			}
		}
		if !changed {
			break
		}
	}
	return perms
}

func objective(C *mat.Dense, perm []int) float64 {
	var s float64
	for i, j := range perm {
		s += C.At(i, j)
	}
	return s
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// permCols returns A with column k replaced by column perm[k].
func permCols(A *mat.Dense, perm []int) *mat.Dense {
	r, _ := A.Dims()
	out := mat.NewDense(r, len(perm), nil)
	for i := 0; i < r; i++ {
		src, dst := A.RawRowView(i), out.RawRowView(i)
		for k, j := range perm {
			dst[k] = src[j]
		}
	}
	return out
}

// permRows returns A with row r replaced by row perm[r].
func permRows(A *mat.Dense, perm []int) *mat.Dense {
	_, c := A.Dims()
	out := mat.NewDense(len(perm), c, nil)
	for r, j := range perm {
		out.SetRow(r, A.RawRowView(j))
	}
	return out
}

// Align returns x with its hidden units permuted to match ref, and the
// permutations (see Perms). Both must be canonical forms of the same
// model; the result is the canonical form of the same function as x, on
// the same product of spheres.
func Align(ref, x *Canonical, s AlignSettings) (*Canonical, [][]int, error) {
	if err := sameShape("Align", ref.Params, x.Params); err != nil {
		return nil, nil, err
	}
	perms, err := Perms(x.Model, ref.Params, x.Params, s)
	if err != nil {
		return nil, nil, err
	}
	q, err := Permute(x.Model, x.Params, perms)
	if err != nil {
		return nil, nil, err
	}
	y := *x
	y.Params = q
	return &y, perms, nil
}

// AlignParams is Align on raw parameter vectors of m: x permuted to match
// ref, and the permutations.
func AlignParams(m nn.MLP, ref, x *nn.Params, s AlignSettings) (*nn.Params, [][]int, error) {
	if err := sameShape("AlignParams", ref, x); err != nil {
		return nil, nil, err
	}
	perms, err := Perms(m, ref, x, s)
	if err != nil {
		return nil, nil, err
	}
	q, err := Permute(m, x, perms)
	return q, perms, err
}

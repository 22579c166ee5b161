package noise

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// Class is the class of an exponential symmetry, read from the signs of its
// generator's eigenvalues (Ziyin et al. 2024, Sec. 4).
type Class int

const (
	// Trivial: A = 0, no symmetry.
	Trivial Class = iota
	// ClassOne: A has eigenvalues of both signs (rescaling, double rotation,
	// the attention product W_Q W_Kᵀ). Along every orbit the noise drift of
	// the charge changes sign once: a unique, finite, attracting equilibrium.
	ClassOne
	// ClassTwo: A is semidefinite (scale invariance, A = I on a normalised
	// layer). Without weight decay the noise only ever pushes the charge
	// one way, so ‖θ‖ grows without bound; weight decay stops it.
	ClassTwo
)

func (c Class) String() string {
	switch c {
	case Trivial:
		return "trivial"
	case ClassOne:
		return "class 1"
	case ClassTwo:
		return "class 2"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Symmetry is the generator A of an exponential symmetry ℓ(e^{λA}θ) = ℓ(θ)
// of a loss of the flat parameter vector θ ∈ R^d, stored by its structure: A
// is a direct sum of copies of a few small symmetric matrices S, each copy
// acting on a tuple of coordinates of θ,
//
//	(Aθ)[idx] = S θ[idx]  for every tuple idx of every part (S, tuples),
//
// and zero on coordinates in no tuple. A rescaling is S = (±1) on single
// coordinates; the double rotation U → U e^{λB}, W → e^{−λB} W is S = B on
// each row of U and S = −B on each column of W. Each S is eigendecomposed
// once, S = Q Λ Qᵀ, so that e^{λA}θ, Aθ and θᵀAθ cost O(d·k) for tuples of
// length k, however large d is: the generators of a 10⁴-parameter network
// are never formed as d×d matrices. Dense returns A as a matrix for small d,
// and Symmetry implements mat.Symmetric, so that package sym's Generator and
// package conserved's Charge and NextCharge accept it.
//
// The charge of the symmetry is C = θᵀAθ. Gradient flow conserves it, since
// ⟨∇ℓ, Aθ⟩ = d/dλ ℓ(e^{λA}θ) at λ = 0 is zero; SGD does not (see Noether).
type Symmetry struct {
	// Name describes the symmetry in tables and errors.
	Name string

	d     int
	parts []part
	owner []int32 // owner[i] = part·2^20 + position in tuple, or −1; see locate
	tuple []int32 // tuple[i] = index of the tuple coordinate i belongs to
}

// part is one matrix S with the tuples it acts on.
type part struct {
	s      *mat.SymDense
	tuples [][]int
	flat   []int      // the tuples one after the other, for the loops of Quad
	vals   []float64  // eigenvalues of S
	vecs   *mat.Dense // eigenvectors of S as columns
}

// NewSymmetry returns the zero generator on R^d, to which Add attaches the
// parts of A.
func NewSymmetry(name string, d int) *Symmetry {
	if d <= 0 {
		panic(fmt.Sprintf("noise: NewSymmetry: dimension %d, want > 0", d))
	}
	s := &Symmetry{Name: name, d: d, owner: make([]int32, d), tuple: make([]int32, d)}
	for i := range s.owner {
		s.owner[i] = -1
	}
	return s
}

// Add makes A act as S on each of the tuples (each of length k for S k×k)
// and returns s. S is copied. It panics if a tuple has the wrong length, an
// index is out of range, or a coordinate already belongs to a tuple: the
// tuples of all parts must be disjoint.
//
// A diagonal S is split into 1×1 parts, one per distinct diagonal value, so
// that the identity B = I of a double rotation costs O(d), not O(d·k).
func (s *Symmetry) Add(S mat.Symmetric, tuples ...[]int) *Symmetry {
	k := S.SymmetricDim()
	if k > 1 && isDiagonal(S) {
		byValue := map[float64][][]int{}
		var order []float64
		for a := 0; a < k; a++ {
			v := S.At(a, a)
			if _, ok := byValue[v]; !ok {
				order = append(order, v)
			}
			for t, idx := range tuples {
				if len(idx) != k {
					panic(fmt.Sprintf("noise: Symmetry.Add: tuple %d has %d indices for a %d×%d block", t, len(idx), k, k))
				}
				byValue[v] = append(byValue[v], []int{idx[a]})
			}
		}
		for _, v := range order {
			s.Add(mat.NewSymDense(1, []float64{v}), byValue[v]...)
		}
		return s
	}
	if len(s.parts) >= 1<<11 || k >= 1<<20 {
		panic(fmt.Sprintf("noise: Symmetry.Add: too many parts (%d) or too large a block (%d)", len(s.parts), k))
	}
	p := part{s: mat.NewSymDense(k, nil)}
	p.s.CopySym(S)
	var eig mat.EigenSym
	if !eig.Factorize(p.s, true) {
		panic(fmt.Sprintf("noise: Symmetry.Add: eigendecomposition of the %d×%d block failed", k, k))
	}
	p.vals = eig.Values(nil)
	p.vecs = new(mat.Dense)
	eig.VectorsTo(p.vecs)
	pi := len(s.parts)
	for t, idx := range tuples {
		if len(idx) != k {
			panic(fmt.Sprintf("noise: Symmetry.Add: tuple %d has %d indices for a %d×%d block", t, len(idx), k, k))
		}
		for pos, i := range idx {
			if i < 0 || i >= s.d {
				panic(fmt.Sprintf("noise: Symmetry.Add: index %d out of range [0, %d)", i, s.d))
			}
			if s.owner[i] >= 0 {
				panic(fmt.Sprintf("noise: Symmetry.Add: coordinate %d is already in a tuple", i))
			}
			s.owner[i] = int32(pi<<20 | pos)
			s.tuple[i] = int32(t)
		}
	}
	p.tuples = make([][]int, len(tuples))
	p.flat = make([]int, 0, len(tuples)*k)
	for t, idx := range tuples {
		p.tuples[t] = slices.Clone(idx)
		p.flat = append(p.flat, idx...)
	}
	s.parts = append(s.parts, p)
	return s
}

func isDiagonal(S mat.Symmetric) bool {
	k := S.SymmetricDim()
	for a := 0; a < k; a++ {
		for b := a + 1; b < k; b++ {
			if S.At(a, b) != 0 {
				return false
			}
		}
	}
	return true
}

// Dim returns d.
func (s *Symmetry) Dim() int { return s.d }

// Dims implements mat.Matrix.
func (s *Symmetry) Dims() (int, int) { return s.d, s.d }

// SymmetricDim implements mat.Symmetric.
func (s *Symmetry) SymmetricDim() int { return s.d }

// T implements mat.Matrix; A is symmetric.
func (s *Symmetry) T() mat.Matrix { return s }

// At implements mat.Matrix: the entry A_ij.
func (s *Symmetry) At(i, j int) float64 {
	if i < 0 || i >= s.d || j < 0 || j >= s.d {
		panic(fmt.Sprintf("noise: Symmetry.At: (%d, %d) out of range for %d×%d", i, j, s.d, s.d))
	}
	oi, oj := s.owner[i], s.owner[j]
	if oi < 0 || oj < 0 || oi>>20 != oj>>20 || s.tuple[i] != s.tuple[j] {
		return 0
	}
	return s.parts[oi>>20].s.At(int(oi&(1<<20-1)), int(oj&(1<<20-1)))
}

// Dense returns A as a d×d matrix (for small d: it takes d² floats).
func (s *Symmetry) Dense() *mat.SymDense {
	A := mat.NewSymDense(s.d, nil)
	for _, p := range s.parts {
		k := p.s.SymmetricDim()
		for _, idx := range p.tuples {
			for a := 0; a < k; a++ {
				for b := a; b < k; b++ {
					A.SetSym(idx[a], idx[b], p.s.At(a, b))
				}
			}
		}
	}
	return A
}

// Eigenvalues returns the eigenvalues of A on the coordinates it acts on,
// with multiplicity (A is zero on the others).
func (s *Symmetry) Eigenvalues() []float64 {
	var ev []float64
	for _, p := range s.parts {
		for range p.tuples {
			ev = append(ev, p.vals...)
		}
	}
	return ev
}

// Class returns ClassOne if A has eigenvalues of both signs, ClassTwo if all
// its nonzero eigenvalues have one sign, Trivial if it is zero.
// Eigenvalues below 1e-12 of the largest in magnitude count as zero.
func (s *Symmetry) Class() Class {
	var big float64
	for _, p := range s.parts {
		for _, v := range p.vals {
			big = max(big, math.Abs(v))
		}
	}
	pos, neg := false, false
	for _, p := range s.parts {
		if len(p.tuples) == 0 {
			continue
		}
		for _, v := range p.vals {
			if v > 1e-12*big {
				pos = true
			} else if v < -1e-12*big {
				neg = true
			}
		}
	}
	switch {
	case pos && neg:
		return ClassOne
	case pos || neg:
		return ClassTwo
	}
	return Trivial
}

// spectral sets dst = f(A) v, part by part, tuple by tuple, with f applied
// to the eigenvalues; coordinates in no tuple get f(0)·v (f(0) = 0 for A,
// 1 for e^{λA}). dst may alias v.
func (s *Symmetry) spectral(fn string, dst, v []float64, f func(float64) float64) []float64 {
	if len(v) != s.d {
		panic(fmt.Sprintf("noise: Symmetry.%s: vector of length %d, want %d", fn, len(v), s.d))
	}
	if dst == nil {
		dst = make([]float64, s.d)
	} else if len(dst) != s.d {
		panic(fmt.Sprintf("noise: Symmetry.%s: dst of length %d, want %d", fn, len(dst), s.d))
	}
	f0 := f(0)
	for i, o := range s.owner {
		if o < 0 {
			dst[i] = f0 * v[i]
		}
	}
	var x, c []float64
	for _, p := range s.parts {
		k := len(p.vals)
		if k == 1 {
			fv := f(p.vals[0])
			for _, idx := range p.tuples {
				dst[idx[0]] = fv * v[idx[0]]
			}
			continue
		}
		fv := make([]float64, k)
		for a, l := range p.vals {
			fv[a] = f(l)
		}
		x, c = growTo(x, k), growTo(c, k)
		Q := p.vecs.RawMatrix()
		for _, idx := range p.tuples {
			for a, i := range idx {
				x[a] = v[i]
			}
			// c = diag(f(λ)) Qᵀ x
			clear(c)
			for a := 0; a < k; a++ {
				row := Q.Data[a*Q.Stride : a*Q.Stride+k]
				xa := x[a]
				for b, q := range row {
					c[b] += q * xa
				}
			}
			for b := range c {
				c[b] *= fv[b]
			}
			// dst[idx] = Q c
			for a, i := range idx {
				row := Q.Data[a*Q.Stride : a*Q.Stride+k]
				var sum float64
				for b, q := range row {
					sum += q * c[b]
				}
				dst[i] = sum
			}
		}
	}
	return dst
}

func growTo(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// MulVec sets dst = A v and returns it (a new slice if dst is nil; dst may
// alias v). Aθ is the tangent of the orbit at θ: d/dλ e^{λA}θ at λ = 0.
func (s *Symmetry) MulVec(dst, v []float64) []float64 {
	return s.spectral("MulVec", dst, v, func(l float64) float64 { return l })
}

// Exp sets dst = e^{λA} θ, the point of θ's orbit at parameter λ, and returns
// it (a new slice if dst is nil; dst may alias theta).
func (s *Symmetry) Exp(dst []float64, lambda float64, theta []float64) []float64 {
	return s.spectral("Exp", dst, theta, func(l float64) float64 { return math.Exp(lambda * l) })
}

// Quad returns xᵀAy, directly from the blocks: Σ over tuples of x[idx]ᵀ S y[idx].
func (s *Symmetry) Quad(x, y []float64) float64 {
	if len(x) != s.d || len(y) != s.d {
		panic(fmt.Sprintf("noise: Symmetry.Quad: vectors of lengths %d and %d, want %d", len(x), len(y), s.d))
	}
	var sum float64
	for _, p := range s.parts {
		k := len(p.vals)
		if k == 1 {
			// One index per tuple, read from the flat list rather than
			// from a slice per tuple: the same sum in the same order.
			a := p.s.At(0, 0)
			var t float64
			for _, i := range p.flat {
				t += x[i] * y[i]
			}
			sum += a * t
			continue
		}
		sum = p.addQuad(sum, x, y)
	}
	return sum
}

// addQuad returns sum + x[idx]ᵀ S y[idx] over the tuples of p, a part with
// tuples of two or more coordinates, each term added to sum in turn.
func (p *part) addQuad(sum float64, x, y []float64) float64 {
	k := len(p.vals)
	S := p.s.RawSymmetric()
	for o := 0; o < len(p.flat); o += k {
		idx := p.flat[o : o+k]
		for a, i := range idx {
			row := S.Data[a*S.Stride : a*S.Stride+k]
			var t float64
			for b := a; b < k; b++ {
				t += row[b] * y[idx[b]]
			}
			for b := 0; b < a; b++ {
				t += S.Data[b*S.Stride+a] * y[idx[b]]
			}
			sum += x[i] * t
		}
	}
	return sum
}

// quadSelf4 returns x_rᵀ A x_r for four vectors x_r, each the same float64
// operations in the same order as Quad(x_r, x_r): the four sums in order
// are carried side by side, so that four additions are in flight where Quad
// waits for each one to finish.
func (s *Symmetry) quadSelf4(x0, x1, x2, x3 []float64) (q [4]float64) {
	x0, x1, x2, x3 = x0[:s.d], x1[:s.d], x2[:s.d], x3[:s.d]
	for pi := range s.parts {
		p := &s.parts[pi]
		if len(p.vals) != 1 {
			q[0] = p.addQuad(q[0], x0, x0)
			q[1] = p.addQuad(q[1], x1, x1)
			q[2] = p.addQuad(q[2], x2, x2)
			q[3] = p.addQuad(q[3], x3, x3)
			continue
		}
		a := p.s.At(0, 0)
		var t0, t1, t2, t3 float64
		for _, i := range p.flat {
			t0 += x0[i] * x0[i]
			t1 += x1[i] * x1[i]
			t2 += x2[i] * x2[i]
			t3 += x3[i] * x3[i]
		}
		q[0] += a * t0
		q[1] += a * t1
		q[2] += a * t2
		q[3] += a * t3
	}
	return q
}

// Charge returns the Noether charge C = θᵀAθ.
func (s *Symmetry) Charge(theta []float64) float64 { return s.Quad(theta, theta) }

// AbsCharge returns θᵀ|A|θ, |A| = Q|Λ|Qᵀ: the sum of the magnitudes of the
// terms whose signed sum is the charge, and so the scale of its rounding
// error (a rescaling charge ‖a‖² − ‖b‖² has |C| ≪ ‖a‖² + ‖b‖² when balanced).
func (s *Symmetry) AbsCharge(theta []float64) float64 {
	if len(theta) != s.d {
		panic(fmt.Sprintf("noise: Symmetry: vector of length %d, want %d", len(theta), s.d))
	}
	var sum float64
	add := func(l, c float64) { sum += math.Abs(l) * c * c }
	var x []float64
	for pi := range s.parts {
		p := &s.parts[pi]
		if len(p.vals) != 1 {
			x = p.eachCoord(theta, x, add)
			continue
		}
		// A 1×1 part: the eigenvector q = ±1 and the coordinate c = q·θ_i,
		// the terms eachCoord would pass (its 0 + q·θ_i differs only in
		// the sign of a zero, which c² drops), without a call per
		// coordinate.
		l, q := math.Abs(p.vals[0]), p.vecs.At(0, 0)
		for _, i := range p.flat {
			c := q * theta[i]
			sum += l * c * c
		}
	}
	return sum
}

// eachCoord calls f(λ_i, q_iᵀv) for every eigenpair (λ_i, q_i) of A on the
// coordinates it acts on.
func (s *Symmetry) eachCoord(v []float64, f func(l, c float64)) {
	if len(v) != s.d {
		panic(fmt.Sprintf("noise: Symmetry: vector of length %d, want %d", len(v), s.d))
	}
	var x []float64
	for pi := range s.parts {
		x = s.parts[pi].eachCoord(v, x, f)
	}
}

// eachCoord is Symmetry.eachCoord on the coordinates of part p, with x as
// scratch space; it returns x, grown if needed.
func (p *part) eachCoord(v, x []float64, f func(l, c float64)) []float64 {
	k := len(p.vals)
	x = growTo(x, k)
	for _, idx := range p.tuples {
		for a, i := range idx {
			x[a] = v[i]
		}
		for b := 0; b < k; b++ {
			var c float64
			for a := 0; a < k; a++ {
				c += p.vecs.At(a, b) * x[a]
			}
			f(p.vals[b], c)
		}
	}
	return x
}

// Rescaling returns the generator of a rescaling symmetry on R^d,
//
//	A = diag(+1 on up, −1 on down, 0 elsewhere),  e^{λA}: θ_up → e^λ θ_up, θ_down → e^{−λ} θ_down,
//
// with charge C = ‖θ_up‖² − ‖θ_down‖²: a ReLU or linear unit (its incoming
// weights and bias up, its outgoing weights down) or a whole layer.
func Rescaling(name string, d int, up, down []int) *Symmetry {
	s := NewSymmetry(name, d)
	return s.Add(mat.NewSymDense(1, []float64{1}), singles(up)...).
		Add(mat.NewSymDense(1, []float64{-1}), singles(down)...)
}

// Scaling returns the generator A = I on the coordinates idx (zero
// elsewhere) of the scale symmetry ℓ(e^λ θ_idx) = ℓ(θ) of a normalised layer
// (BatchNorm, LayerNorm, weight normalisation), with charge C = ‖θ_idx‖². It
// is class 2.
func Scaling(name string, d int, idx []int) *Symmetry {
	return NewSymmetry(name, d).Add(mat.NewSymDense(1, []float64{1}), singles(idx)...)
}

func singles(idx []int) [][]int {
	t := make([][]int, len(idx))
	for i, j := range idx {
		t[i] = []int{j}
	}
	return t
}

// DoubleRotation returns the generator of the double rotation with
// symmetric B ∈ R^{h×h}: A acts as +B on each tuple of plus and as −B on
// each tuple of minus (tuples of length h). For a product U W (U m×h,
// W h×n) the tuples of plus are the rows of U and those of minus the columns
// of W, so that
//
//	(U, W) → (U e^{λB}, e^{−λB} W),  C = Tr[U B Uᵀ] − Tr[Wᵀ B W];
//
// for the attention logits W_Q W_Kᵀ (W_Q, W_K d×h) both are rows:
// (W_Q, W_K) → (W_Q e^{λB}, W_K e^{−λB}), C = Tr[W_Q B W_Qᵀ] − Tr[W_K B W_Kᵀ].
// B = e_j e_jᵀ is the rescaling of unit j. See TwoLayerRotation and
// Attention for the index bookkeeping.
func DoubleRotation(name string, d int, B mat.Symmetric, plus, minus [][]int) *Symmetry {
	h := B.SymmetricDim()
	neg := mat.NewSymDense(h, nil)
	for a := 0; a < h; a++ {
		for b := a; b < h; b++ {
			neg.SetSym(a, b, -B.At(a, b))
		}
	}
	return NewSymmetry(name, d).Add(B, plus...).Add(neg, minus...)
}

// Rows returns the tuples of the rows of an r×c matrix stored row-major at
// offset off of θ: tuple i is off + i·c + (0, …, c−1).
func Rows(off, r, c int) [][]int {
	t := make([][]int, r)
	for i := range t {
		t[i] = make([]int, c)
		for j := range t[i] {
			t[i][j] = off + i*c + j
		}
	}
	return t
}

// Cols returns the tuples of the columns of an r×c matrix stored row-major
// at offset off of θ: tuple j is off + (0, …, r−1)·c + j.
func Cols(off, r, c int) [][]int {
	t := make([][]int, c)
	for j := range t {
		t[j] = make([]int, r)
		for i := range t[j] {
			t[j][i] = off + i*c + j
		}
	}
	return t
}

// TwoLayerRotation returns the double rotation with B (h×h) of nn.TwoLayer's
// parameters θ = (vec U, vec V), U m×h, V h×n:
// (U, V) → (U e^{λB}, e^{−λB} V), C = Tr[U B Uᵀ] − Tr[Vᵀ B V] = ⟨B, UᵀU − VVᵀ⟩.
// It is a symmetry of the loss for linear σ and any B; for B diagonal, of
// ReLU nets too. It equals sym.DoubleRotationGen(B, m, n).
func TwoLayerRotation(m, n int, B mat.Symmetric) *Symmetry {
	h := B.SymmetricDim()
	return DoubleRotation(fmt.Sprintf("double rotation (%d-%d-%d)", n, h, m), m*h+h*n, B, Rows(0, m, h), Cols(m*h, h, n))
}

// TwoLayerUnit returns the rescaling of hidden unit j of nn.TwoLayer
// (U m×h, V h×n): U_{:,j} → e^λ U_{:,j}, V_{j,:} → e^{−λ} V_{j,:},
// C = ‖U_{:,j}‖² − ‖V_{j,:}‖² = Q_j. It equals sym.NeuronGen(m, h, n, j).
func TwoLayerUnit(m, h, n, j int) *Symmetry {
	if j < 0 || j >= h {
		panic(fmt.Sprintf("noise: TwoLayerUnit: unit %d out of range [0, %d)", j, h))
	}
	up := make([]int, m)
	for i := range up {
		up[i] = i*h + j
	}
	down := make([]int, n)
	for k := range down {
		down[k] = m*h + j*n + k
	}
	return Rescaling(fmt.Sprintf("unit %d", j), m*h+h*n, up, down)
}

// LayerRescaling returns the rescaling of whole parameter matrices of a
// model's layout p: the matrices named up scale by e^λ and those named down
// by e^{−λ}. For an MLP with ReLU or linear activations, up = {"W1", "b1"},
// down = {"W2"} rescales the first hidden layer. An unknown name panics.
func LayerRescaling(p *nn.Params, up, down []string) *Symmetry {
	return Rescaling(fmt.Sprintf("rescale %v / %v", up, down), p.Len(), paramIndices(p, up), paramIndices(p, down))
}

// ParamScaling returns the scale symmetry A = I on the named matrices of p
// (a normalised layer's weights), class 2.
func ParamScaling(p *nn.Params, names ...string) *Symmetry {
	return Scaling(fmt.Sprintf("scale %v", names), p.Len(), paramIndices(p, names))
}

func paramIndices(p *nn.Params, names []string) []int {
	var idx []int
	for _, name := range names {
		if !p.Has(name) {
			panic(fmt.Sprintf("noise: no parameter %q in %v", name, p))
		}
		off := p.Offset(name)
		r, c := p.Shape(name)
		for i := 0; i < r*c; i++ {
			idx = append(idx, off+i)
		}
	}
	return idx
}

// Attention returns the double rotation of attention logits Q Kᵀ with
// Q = X W_Q, K = X W_K (W_Q, W_K d×h stored row-major at offsets offQ and
// offK of θ ∈ R^dim): (W_Q, W_K) → (W_Q e^{λB}, W_K e^{−λB}) keeps
// W_Q W_Kᵀ, hence the logits, unchanged. Class 1 unless B is semidefinite.
func Attention(dim, offQ, offK, d int, B mat.Symmetric) *Symmetry {
	h := B.SymmetricDim()
	return DoubleRotation("attention W_Q W_Kᵀ", dim, B, Rows(offQ, d, h), Rows(offK, d, h))
}

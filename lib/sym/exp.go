package sym

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Generator is a symmetric matrix A ∈ R^{d×d} generating the one-parameter
// group of linear maps θ → e^{λA} θ on flat parameter vectors. A loss with
// ℓ(e^{λA}θ) = ℓ(θ) for all λ has the exponential symmetry A, and its Noether
// charge C = θᵀAθ is conserved by gradient flow (package conserved).
//
// NewGenerator splits A into its independent blocks (the connected components
// of its nonzero pattern) and eigendecomposes each, A_b = Q_b Λ_b Q_bᵀ, once;
// then e^{λA} = ⊕_b Q_b e^{λΛ_b} Q_bᵀ for any λ, exactly up to rounding. The
// standard generators are very sparse: a rescaling generator is diagonal (d
// blocks of size 1) and a double rotation of U (m×h) and W (h×n) has m + n
// blocks of size h, so large networks cost little.
type Generator struct {
	a      *mat.SymDense
	blocks []eigBlock
}

// eigBlock is one diagonal block of A: the indices it couples, its eigenvalues
// and its eigenvectors as columns (nil for a 1×1 block).
type eigBlock struct {
	idx  []int
	vals []float64
	vecs *mat.Dense
}

// NewGenerator returns the generator A. A is copied. It panics if an
// eigendecomposition fails (only possible for non-finite entries).
func NewGenerator(A mat.Symmetric) *Generator {
	d := A.SymmetricDim()
	g := &Generator{a: mat.NewSymDense(d, nil)}
	g.a.CopySym(A)
	for _, idx := range components(g.a) {
		if len(idx) == 1 {
			i := idx[0]
			g.blocks = append(g.blocks, eigBlock{idx: idx, vals: []float64{g.a.At(i, i)}})
			continue
		}
		k := len(idx)
		sub := mat.NewSymDense(k, nil)
		for p := 0; p < k; p++ {
			for q := p; q < k; q++ {
				sub.SetSym(p, q, g.a.At(idx[p], idx[q]))
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(sub, true) {
			panic(fmt.Sprintf("sym: NewGenerator: eigendecomposition of a %d×%d block of the %d×%d generator failed", k, k, d, d))
		}
		blk := eigBlock{idx: idx, vals: eig.Values(nil), vecs: new(mat.Dense)}
		eig.VectorsTo(blk.vecs)
		g.blocks = append(g.blocks, blk)
	}
	return g
}

// components returns the connected components of the graph with an edge i–j
// wherever A_ij ≠ 0, each as an ascending list of indices.
func components(A *mat.SymDense) [][]int {
	d := A.SymmetricDim()
	parent := make([]int, d)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	raw := A.RawSymmetric()
	for i := 0; i < d; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		for j := i + 1; j < d; j++ {
			if row[j] != 0 {
				if ri, rj := find(i), find(j); ri != rj {
					parent[ri] = rj
				}
			}
		}
	}
	byRoot := make(map[int]int)
	var comps [][]int
	for i := 0; i < d; i++ {
		r := find(i)
		k, ok := byRoot[r]
		if !ok {
			k = len(comps)
			byRoot[r] = k
			comps = append(comps, nil)
		}
		comps[k] = append(comps[k], i)
	}
	return comps
}

// A returns a copy of the generator matrix.
func (g *Generator) A() *mat.SymDense {
	A := mat.NewSymDense(g.Dim(), nil)
	A.CopySym(g.a)
	return A
}

// Dim returns d, the dimension of the parameter vectors A acts on.
func (g *Generator) Dim() int { return g.a.SymmetricDim() }

// Eigenvalues returns the d eigenvalues of A, in no particular order. Whether
// A has eigenvalues of both signs decides whether SGD noise has a finite
// equilibrium along the orbit (class 1: rescaling, double rotation) or drives
// the charge to infinity (class 2: scale invariance).
func (g *Generator) Eigenvalues() []float64 {
	var ev []float64
	for _, b := range g.blocks {
		ev = append(ev, b.vals...)
	}
	return ev
}

// Exp returns the d×d matrix e^{λA}.
func (g *Generator) Exp(lambda float64) *mat.Dense {
	d := g.Dim()
	e := mat.NewDense(d, d, nil)
	for _, b := range g.blocks {
		if b.vecs == nil {
			e.Set(b.idx[0], b.idx[0], math.Exp(lambda*b.vals[0]))
			continue
		}
		scaled := mat.DenseCopyOf(b.vecs)
		for j, v := range b.vals {
			scaleCol(scaled, j, math.Exp(lambda*v))
		}
		var eb mat.Dense
		eb.Mul(scaled, b.vecs.T())
		for p, i := range b.idx {
			for q, j := range b.idx {
				e.Set(i, j, eb.At(p, q))
			}
		}
	}
	return e
}

// Apply returns e^{λA} θ, computed block by block as Q_b (e^{λΛ_b} ⊙ (Q_bᵀθ_b))
// without forming e^{λA}. If dst is non-nil it must have length d and receives
// the result (it may alias theta); otherwise a new slice is allocated.
func (g *Generator) Apply(dst []float64, lambda float64, theta []float64) []float64 {
	return g.spectral("Generator.Apply", dst, theta, func(v float64) float64 { return math.Exp(lambda * v) })
}

// Tangent returns Aθ = d/dλ e^{λA}θ at λ = 0, the tangent of the orbit at θ.
// A loss with the symmetry has ⟨∇ℓ(θ), Aθ⟩ = 0. dst is used as in Apply.
func (g *Generator) Tangent(dst, theta []float64) []float64 {
	return g.spectral("Generator.Tangent", dst, theta, func(v float64) float64 { return v })
}

// spectral returns f(A) θ, block by block.
func (g *Generator) spectral(fn string, dst, theta []float64, f func(float64) float64) []float64 {
	d := g.Dim()
	checkLen(fn, "theta", len(theta), d)
	dst = useDst(fn, dst, d)
	for _, b := range g.blocks {
		if b.vecs == nil {
			i := b.idx[0]
			dst[i] = f(b.vals[0]) * theta[i]
			continue
		}
		k := len(b.idx)
		x := mat.NewVecDense(k, nil)
		for p, i := range b.idx {
			x.SetVec(p, theta[i])
		}
		var c mat.VecDense
		c.MulVec(b.vecs.T(), x)
		for p, v := range b.vals {
			c.SetVec(p, f(v)*c.AtVec(p))
		}
		x.MulVec(b.vecs, &c)
		for p, i := range b.idx {
			dst[i] = x.AtVec(p)
		}
	}
	return dst
}

func useDst(fn string, dst []float64, d int) []float64 {
	if dst == nil {
		return make([]float64, d)
	}
	checkLen(fn, "dst", len(dst), d)
	return dst
}

// RescaleGen returns the d×d diagonal generator of a rescaling symmetry,
//
//	A_ii = +1 for i ∈ up,  −1 for i ∈ down,  0 otherwise,
//
// under which θ_up → e^λ θ_up and θ_down → e^{−λ} θ_down; its charge is
// C = ‖θ_up‖² − ‖θ_down‖². With up the entries of U_{:,j} and down those of
// V_{j,:} (NeuronGen) this is the ReLU rescaling of hidden unit j. It panics if
// an index is out of range or listed twice.
func RescaleGen(d int, up, down []int) *mat.SymDense {
	A := mat.NewSymDense(d, nil)
	set := func(idx []int, v float64) {
		for _, i := range idx {
			if i < 0 || i >= d {
				panic(fmt.Sprintf("sym: RescaleGen: index %d out of range [0, %d)", i, d))
			}
			if A.At(i, i) != 0 {
				panic(fmt.Sprintf("sym: RescaleGen: index %d listed twice", i))
			}
			A.SetSym(i, i, v)
		}
	}
	set(up, 1)
	set(down, -1)
	return A
}

// ScaleGen returns the d×d identity, the generator of the scale symmetry
// ℓ(e^λ θ) = ℓ(θ) of scale-invariant losses (BatchNorm, LayerNorm, weight
// normalisation; the joint scale of σ(z) = z/‖z‖²). Its charge is C = ‖θ‖².
// A is positive definite: the class-2 case with no noise equilibrium.
func ScaleGen(d int) *mat.SymDense {
	A := mat.NewSymDense(d, nil)
	for i := 0; i < d; i++ {
		A.SetSym(i, i, 1)
	}
	return A
}

// DoubleRotationGen returns the generator of the double rotation of a product
// U W, U ∈ R^{m×h}, W ∈ R^{h×n}, with symmetric B ∈ R^{h×h}:
//
//	(U, W) → (U e^{λB}, e^{−λB} W),   so U W is unchanged,
//
// acting on θ = Flatten(U, W) (row-major, d = mh + hn). In that layout
//
//	A = diag(I_m ⊗ B, −B ⊗ I_n),   C = θᵀAθ = Tr[U B Uᵀ] − Tr[Wᵀ B W].
//
// For a linear two-layer net (U, V) these generators are the symmetric part of
// gl(h), and C_B = ⟨B, UᵀU − VVᵀ⟩: the charges are the entries of Q.
func DoubleRotationGen(B mat.Symmetric, m, n int) *mat.SymDense {
	h := B.SymmetricDim()
	d := m*h + h*n
	A := mat.NewSymDense(d, nil)
	// Block 1: row i of U occupies [i·h, (i+1)·h); (I_m ⊗ B).
	for i := 0; i < m; i++ {
		off := i * h
		for a := 0; a < h; a++ {
			for b := a; b < h; b++ {
				A.SetSym(off+a, off+b, B.At(a, b))
			}
		}
	}
	// Block 2: W_{a,k} sits at m·h + a·n + k; (−B ⊗ I_n) couples W_{a,k} with W_{b,k}.
	base := m * h
	for a := 0; a < h; a++ {
		for b := a; b < h; b++ {
			v := -B.At(a, b)
			for k := 0; k < n; k++ {
				A.SetSym(base+a*n+k, base+b*n+k, v)
			}
		}
	}
	return A
}

// NeuronGen returns the generator of the rescaling of hidden unit j of a
// two-layer net (U m×h, V h×n), θ = Flatten(U, V):
//
//	U_{:,j} → e^λ U_{:,j},   V_{j,:} → e^{−λ} V_{j,:},   C = ‖U_{:,j}‖² − ‖V_{j,:}‖² = Q_j.
//
// It equals DoubleRotationGen(e_j e_jᵀ, m, n) and Rescale with c_j = e^{−λ}.
func NeuronGen(m, h, n, j int) *mat.SymDense {
	if j < 0 || j >= h {
		panic(fmt.Sprintf("sym: NeuronGen: unit %d out of range [0, %d)", j, h))
	}
	up := make([]int, m)
	for i := range up {
		up[i] = i*h + j
	}
	down := make([]int, n)
	for k := range down {
		down[k] = m*h + j*n + k
	}
	return RescaleGen(m*h+h*n, up, down)
}

// Flatten returns the entries of the matrices concatenated, each row by row:
// the flat layout θ used by Generator and the *Gen constructors. If dst is
// non-nil it must have the total length and receives the result.
func Flatten(dst []float64, ms ...mat.Matrix) []float64 {
	total := 0
	for _, a := range ms {
		r, c := a.Dims()
		total += r * c
	}
	dst = useDst("Flatten", dst, total)
	k := 0
	for _, a := range ms {
		r, c := a.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				dst[k] = a.At(i, j)
				k++
			}
		}
	}
	return dst
}

// Unflatten copies theta into the matrices ms, each row by row, the inverse of
// Flatten. The matrices must be allocated with their shapes; it panics unless
// their sizes add up to len(theta).
func Unflatten(theta []float64, ms ...*mat.Dense) {
	total := 0
	for _, a := range ms {
		r, c := a.Dims()
		total += r * c
	}
	checkLen("Unflatten", "theta", len(theta), total)
	k := 0
	for _, a := range ms {
		r, c := a.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				a.Set(i, j, theta[k])
				k++
			}
		}
	}
}

// Expm returns e^{tT} for a square matrix T (any, not only symmetric), by
// gonum's scaling-and-squaring Padé approximation. e^{εT} with T ∈ gl(h) is the
// group element GL uses to move along an orbit.
func Expm(t float64, T mat.Matrix) *mat.Dense {
	r, c := T.Dims()
	if r != c {
		panic(fmt.Sprintf("sym: Expm: T is %d×%d, want square", r, c))
	}
	var tT, e mat.Dense
	tT.Scale(t, T)
	e.Exp(&tT)
	return &e
}

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
// The eigendecomposition A = Q Λ Qᵀ is computed once, by NewGenerator; then
// e^{λA} = Q e^{λΛ} Qᵀ exactly up to rounding, for any λ. A diagonal A (the
// rescaling and scale generators) skips the decomposition.
type Generator struct {
	a    *mat.SymDense
	vals []float64  // eigenvalues Λ
	vecs *mat.Dense // eigenvectors Q as columns; nil when A is diagonal (Q = I)
}

// NewGenerator returns the generator A. A is copied. It panics if the
// eigendecomposition fails (only possible for non-finite entries).
func NewGenerator(A mat.Symmetric) *Generator {
	d := A.SymmetricDim()
	g := &Generator{a: mat.NewSymDense(d, nil)}
	g.a.CopySym(A)
	if isDiagonal(A) {
		g.vals = make([]float64, d)
		for i := range g.vals {
			g.vals[i] = A.At(i, i)
		}
		return g
	}
	var eig mat.EigenSym
	if !eig.Factorize(A, true) {
		panic(fmt.Sprintf("sym: NewGenerator: eigendecomposition of the %d×%d generator failed", d, d))
	}
	g.vals = eig.Values(nil)
	g.vecs = new(mat.Dense)
	eig.VectorsTo(g.vecs)
	return g
}

func isDiagonal(A mat.Symmetric) bool {
	d := A.SymmetricDim()
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			if A.At(i, j) != 0 {
				return false
			}
		}
	}
	return true
}

// A returns a copy of the generator matrix.
func (g *Generator) A() *mat.SymDense {
	return mat.NewSymDense(g.Dim(), append([]float64(nil), g.a.RawSymmetric().Data...))
}

// Dim returns d, the dimension of the parameter vectors A acts on.
func (g *Generator) Dim() int { return len(g.vals) }

// Eigenvalues returns a copy of the eigenvalues of A in ascending order when A
// is not diagonal, and in diagonal order when it is. Whether A has eigenvalues
// of both signs decides whether SGD noise has a finite equilibrium along the
// orbit (class 1) or drives the charge to infinity (class 2).
func (g *Generator) Eigenvalues() []float64 {
	return append([]float64(nil), g.vals...)
}

// Exp returns the d×d matrix e^{λA} = Q e^{λΛ} Qᵀ.
func (g *Generator) Exp(lambda float64) *mat.Dense {
	d := g.Dim()
	e := mat.NewDense(d, d, nil)
	if g.vecs == nil {
		for i, v := range g.vals {
			e.Set(i, i, math.Exp(lambda*v))
		}
		return e
	}
	scaled := mat.DenseCopyOf(g.vecs)
	for j, v := range g.vals {
		scaleCol(scaled, j, math.Exp(lambda*v))
	}
	e.Mul(scaled, g.vecs.T())
	return e
}

// Apply returns e^{λA} θ, computed as Q (e^{λΛ} ⊙ (Qᵀθ)) without forming
// e^{λA}. If dst is non-nil it must have length d and receives the result
// (it may alias theta); otherwise a new slice is allocated.
func (g *Generator) Apply(dst []float64, lambda float64, theta []float64) []float64 {
	d := g.Dim()
	checkLen("Generator.Apply", "theta", len(theta), d)
	dst = useDst("Generator.Apply", dst, d)
	if g.vecs == nil {
		for i, v := range g.vals {
			dst[i] = math.Exp(lambda*v) * theta[i]
		}
		return dst
	}
	var coef mat.VecDense
	coef.MulVec(g.vecs.T(), mat.NewVecDense(d, append([]float64(nil), theta...)))
	for i, v := range g.vals {
		coef.SetVec(i, math.Exp(lambda*v)*coef.AtVec(i))
	}
	out := mat.NewVecDense(d, dst)
	out.MulVec(g.vecs, &coef)
	return dst
}

// Tangent returns Aθ = d/dλ e^{λA}θ at λ = 0, the tangent of the orbit at θ.
// A loss with the symmetry has ⟨∇ℓ(θ), Aθ⟩ = 0. dst is used as in Apply.
func (g *Generator) Tangent(dst, theta []float64) []float64 {
	d := g.Dim()
	checkLen("Generator.Tangent", "theta", len(theta), d)
	dst = useDst("Generator.Tangent", dst, d)
	out := mat.NewVecDense(d, dst)
	out.MulVec(g.a, mat.NewVecDense(d, append([]float64(nil), theta...)))
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

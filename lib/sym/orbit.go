package sym

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Lie algebras as lists of basis matrices, and the dimension of an orbit
// measured as the rank of its tangent vectors.

// GLBasis returns the h² matrices E_{ij} (a single 1 at row i, column j),
// a basis of gl(h), the Lie algebra of GL(h), in row-major order of (i, j).
func GLBasis(h int) []*mat.Dense {
	checkDim("GLBasis", h)
	var b []*mat.Dense
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			e := mat.NewDense(h, h, nil)
			e.Set(i, j, 1)
			b = append(b, e)
		}
	}
	return b
}

// DiagBasis returns the h matrices E_{jj}, a basis of the Lie algebra of the
// positive diagonal group (R_{>0})^h of rescalings.
func DiagBasis(h int) []*mat.Dense {
	checkDim("DiagBasis", h)
	b := make([]*mat.Dense, h)
	for j := range b {
		b[j] = mat.NewDense(h, h, nil)
		b[j].Set(j, j, 1)
	}
	return b
}

// SkewBasis returns the h(h−1)/2 matrices E_{ij} − E_{ji}, i < j, a basis of
// o(h), the Lie algebra of the orthogonal group O(h).
func SkewBasis(h int) []*mat.Dense {
	checkDim("SkewBasis", h)
	var b []*mat.Dense
	for i := 0; i < h; i++ {
		for j := i + 1; j < h; j++ {
			e := mat.NewDense(h, h, nil)
			e.Set(i, j, 1)
			e.Set(j, i, -1)
			b = append(b, e)
		}
	}
	return b
}

// SymBasis returns the h(h+1)/2 matrices E_{ii} and E_{ij} + E_{ji}, i < j,
// a basis of the symmetric matrices Sym(h): the generators whose directions
// change the conserved quantity Q = UᵀU − VVᵀ of a linear network.
func SymBasis(h int) []*mat.Dense {
	checkDim("SymBasis", h)
	var b []*mat.Dense
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			e := mat.NewDense(h, h, nil)
			e.Set(i, j, 1)
			e.Set(j, i, 1)
			b = append(b, e)
		}
	}
	return b
}

func checkDim(fn string, h int) {
	if h <= 0 {
		panic(fmt.Sprintf("sym: %s: h = %d, want h > 0", fn, h))
	}
}

// OrbitTangents returns the matrix whose column k is the flattened tangent
// of the orbit of (U, V) in the direction basis[k] (see GLTangent),
//
//	t_k = Flatten(−U T_k, T_k V),
//
// in the layout θ = (vec U, vec V) of Flatten and of nn.TwoLayer's
// parameters. Its column space is the tangent space of the orbit of the
// group whose Lie algebra the basis spans. It panics if basis is empty or a
// T_k is not h×h.
func OrbitTangents(basis []*mat.Dense, U, V mat.Matrix) *mat.Dense {
	m, h, n := pairDims("OrbitTangents", U, V)
	if len(basis) == 0 {
		panic("sym: OrbitTangents: empty basis")
	}
	d := m*h + h*n
	t := mat.NewDense(d, len(basis), nil)
	col := make([]float64, d)
	for k, T := range basis {
		checkSquare("OrbitTangents", fmt.Sprintf("basis[%d]", k), T, h)
		dU, dV := GLTangent(T, U, V)
		t.SetCol(k, Flatten(col, dU, dV))
	}
	return t
}

// OrbitDim returns the dimension of the orbit of (U, V) under the connected
// group whose Lie algebra basis spans, measured as the numerical rank of
// OrbitTangents (relative tolerance 1e-10). By the orbit–stabiliser theorem
// it is
//
//	dim orbit = dim G − dim stabiliser.
//
// For GL(h) acting on a linear network (GLBasis) the stabiliser's algebra is
// {T : U T = 0, T V = 0}, of dimension (h − rank U)(h − rank V), so the orbit
// has dimension h² exactly when U has full column rank or V full row rank.
func OrbitDim(basis []*mat.Dense, U, V mat.Matrix) int {
	return NumRank(OrbitTangents(basis, U, V), 1e-10)
}

// NumRank returns the numerical rank of a: the number of its singular values
// σ_k > rtol·σ_max. The zero matrix has rank 0. rtol must be in (0, 1).
func NumRank(a mat.Matrix, rtol float64) int {
	if !(rtol > 0 && rtol < 1) {
		panic(fmt.Sprintf("sym: NumRank: rtol = %v, want 0 < rtol < 1", rtol))
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		r, c := a.Dims()
		panic(fmt.Sprintf("sym: NumRank: SVD of the %d×%d matrix failed", r, c))
	}
	s := svd.Values(nil)
	if len(s) == 0 || s[0] == 0 || math.IsNaN(s[0]) {
		return 0
	}
	k := 0
	for _, v := range s {
		if v > rtol*s[0] {
			k++
		}
	}
	return k
}

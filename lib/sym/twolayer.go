package sym

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// pairDims returns the shapes of a two-layer network (U m×h, V h×n) and
// panics, naming fn, if the inner dimensions disagree.
func pairDims(fn string, U, V mat.Matrix) (m, h, n int) {
	m, h = U.Dims()
	hv, n := V.Dims()
	if hv != h {
		panic(fmt.Sprintf("sym: %s: U is %d×%d and V is %d×%d, want U m×h and V h×n", fn, m, h, hv, n))
	}
	return m, h, n
}

// checkSquare panics unless g is h×h.
func checkSquare(fn, name string, g mat.Matrix, h int) {
	r, c := g.Dims()
	if r != h || c != h {
		panic(fmt.Sprintf("sym: %s: %s is %d×%d, want %d×%d", fn, name, r, c, h, h))
	}
}

// checkLen panics unless len(v) == h.
func checkLen(fn, name string, l, h int) {
	if l != h {
		panic(fmt.Sprintf("sym: %s: len(%s) = %d, want %d", fn, name, l, h))
	}
}

// rightInverse returns A g⁻¹ for square invertible g, by solving gᵀ Xᵀ = Aᵀ
// with an LU factorisation (more accurate than forming g⁻¹).
func rightInverse(fn string, A, g mat.Matrix) *mat.Dense {
	var lu mat.LU
	lu.Factorize(g)
	if math.IsInf(lu.Cond(), 1) {
		r, _ := g.Dims()
		panic(fmt.Sprintf("sym: %s: g (%d×%d) is singular", fn, r, r))
	}
	var xt mat.Dense
	// A condition-number warning is not a programmer error: the result is
	// still the best available; only exact singularity panics above.
	_ = lu.SolveTo(&xt, true, A.T())
	return mat.DenseCopyOf(xt.T())
}

// GL returns the action of g ∈ GL(h) on a two-layer linear network,
//
//	g·(U, V) = (U g⁻¹, g V),
//
// which leaves U V, and so U V X for every X, unchanged. It is a left action:
// GL(g₁, GL(g₂, U, V)) = GL(g₁g₂, U, V). GL panics if g is not h×h or is
// singular.
func GL(g, U, V mat.Matrix) (gU, gV *mat.Dense) {
	_, h, _ := pairDims("GL", U, V)
	checkSquare("GL", "g", g, h)
	gU, gV, _ = glUnits("GL", g, U, V, nil)
	return gU, gV
}

// Rescale returns the action of the positive diagonal matrix diag(c) on a
// two-layer network with a 1-homogeneous activation (ReLU, LeakyReLU, linear),
//
//	c·(U, V) = (U diag(c)⁻¹, diag(c) V):   U_{:,j} → U_{:,j}/c_j,  V_{j,:} → c_j V_{j,:}.
//
// Since σ(c x) = c σ(x) for c > 0, U σ(V X) is unchanged. Rescale panics if
// len(c) ≠ h or some c_j ≤ 0.
func Rescale(c []float64, U, V mat.Matrix) (cU, cV *mat.Dense) {
	return rescale("Rescale", 1, c, U, V)
}

// RescaleAlpha returns the action of diag(c), c > 0, on a two-layer network
// with an α-homogeneous activation, σ(c x) = c^α σ(x) for c > 0:
//
//	c·(U, V) = (U diag(c)^{−α}, diag(c) V).
//
// RescaleAlpha(1, c, U, V) is Rescale(c, U, V).
func RescaleAlpha(alpha float64, c []float64, U, V mat.Matrix) (cU, cV *mat.Dense) {
	return rescale("RescaleAlpha", alpha, c, U, V)
}

func rescale(fn string, alpha float64, c []float64, U, V mat.Matrix) (cU, cV *mat.Dense) {
	_, h, _ := pairDims(fn, U, V)
	checkLen(fn, "c", len(c), h)
	checkPositive(fn, c)
	cU, cV = mat.DenseCopyOf(U), mat.DenseCopyOf(V)
	rescaleUnits(alpha, c, cU, cV, nil)
	return cU, cV
}

// inversePower returns c^{−α}, exactly 1/c for α = 1.
func inversePower(c, alpha float64) float64 {
	if alpha == 1 {
		return 1 / c
	}
	return math.Pow(c, -alpha)
}

func checkPositive(fn string, c []float64) {
	for j, cj := range c {
		if !(cj > 0) || math.IsInf(cj, 1) {
			panic(fmt.Sprintf("sym: %s: c[%d] = %v, want a finite positive scale", fn, j, cj))
		}
	}
}

func scaleCol(a *mat.Dense, j int, s float64) {
	r, _ := a.Dims()
	for i := 0; i < r; i++ {
		a.Set(i, j, s*a.At(i, j))
	}
}

func scaleRow(a *mat.Dense, i int, s float64) {
	_, c := a.Dims()
	row := a.RawRowView(i)
	for j := 0; j < c; j++ {
		row[j] *= s
	}
}

// PermMatrix returns the h×h permutation matrix P with P_{i,perm[i]} = 1, so
// that (P V)_{i,:} = V_{perm[i],:}. It panics if perm is not a permutation of
// 0, …, h−1.
func PermMatrix(perm []int) *mat.Dense {
	checkPerm("PermMatrix", perm, len(perm))
	h := len(perm)
	P := mat.NewDense(h, h, nil)
	for i, p := range perm {
		P.Set(i, p, 1)
	}
	return P
}

func checkPerm(fn string, perm []int, h int) {
	checkLen(fn, "perm", len(perm), h)
	seen := make([]bool, h)
	for i, p := range perm {
		if p < 0 || p >= h || seen[p] {
			panic(fmt.Sprintf("sym: %s: perm[%d] = %d: not a permutation of 0..%d", fn, i, p, h-1))
		}
		seen[p] = true
	}
}

// Permute returns the action of the permutation matrix P = PermMatrix(perm)
// on a two-layer network with any elementwise activation,
//
//	P·(U, V) = (U Pᵀ, P V):   V'_{i,:} = V_{perm[i],:},  U'_{:,i} = U_{:,perm[i]}.
//
// Hidden unit i of the result is hidden unit perm[i] of the input. It is a
// left action: Permute(p₁, Permute(p₂, U, V)) = Permute(q, U, V) with
// q[i] = p₂[p₁[i]], the composition of PermMatrix(p₁)·PermMatrix(p₂).
func Permute(perm []int, U, V mat.Matrix) (pU, pV *mat.Dense) {
	_, h, _ := pairDims("Permute", U, V)
	checkPerm("Permute", perm, h)
	pU, pV, _ = permuteUnits(perm, U, V, nil)
	return pU, pV
}

// SignFlip returns the action of diag(s), s_j ∈ {−1, +1}, on a two-layer
// network with an odd activation (σ(−x) = −σ(x): tanh, linear),
//
//	s·(U, V) = (U diag(s), diag(s) V).
//
// It panics if some s_j is not ±1.
func SignFlip(s []float64, U, V mat.Matrix) (sU, sV *mat.Dense) {
	_, h, _ := pairDims("SignFlip", U, V)
	checkLen("SignFlip", "s", len(s), h)
	checkSigns("SignFlip", s)
	sU, sV = mat.DenseCopyOf(U), mat.DenseCopyOf(V)
	signUnits(s, sU, sV, nil)
	return sU, sV
}

func checkSigns(fn string, s []float64) {
	for j, sj := range s {
		if sj != 1 && sj != -1 {
			panic(fmt.Sprintf("sym: %s: s[%d] = %v, want ±1", fn, j, sj))
		}
	}
}

// orthoTol is the largest max-norm of gᵀg − I that Orthogonal accepts. It is
// far above the rounding error of any honestly computed orthogonal matrix
// (about 1e-15·h) and far below any matrix that is merely close to one.
const orthoTol = 1e-8

// Orthogonal returns the action of g ∈ O(h) on a two-layer network with a
// radial activation σ(z) = f(‖z‖) z acting on each column z of V X:
//
//	g·(U, V) = (U gᵀ, g V),
//
// unchanged because σ(g z) = g σ(z) and gᵀg = I. It panics if g is not h×h or
// if ‖gᵀg − I‖_max > 1e-8.
func Orthogonal(g, U, V mat.Matrix) (gU, gV *mat.Dense) {
	_, h, _ := pairDims("Orthogonal", U, V)
	checkSquare("Orthogonal", "g", g, h)
	if e := orthoError(g); e > orthoTol {
		panic(fmt.Sprintf("sym: Orthogonal: g (%d×%d) is not orthogonal: ‖gᵀg − I‖_max = %.3g", h, h, e))
	}
	gU = new(mat.Dense)
	gU.Mul(U, g.T())
	gV = new(mat.Dense)
	gV.Mul(g, V)
	return gU, gV
}

// orthoError returns ‖gᵀg − I‖_max.
func orthoError(g mat.Matrix) float64 {
	var gtg mat.Dense
	gtg.Mul(g.T(), g)
	r, _ := gtg.Dims()
	var e float64
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			d := gtg.At(i, j)
			if i == j {
				d--
			}
			e = math.Max(e, math.Abs(d))
		}
	}
	return e
}

// JointScale returns (c U, c V), the joint scaling under which a two-layer
// network with σ(z) = z/‖z‖² is invariant: σ(c z) = σ(z)/c, so
// c U σ(c V X) = U σ(V X). This holds for every c ≠ 0 (the group R∖{0}, whose
// identity component is c > 0); JointScale panics if c = 0.
func JointScale(c float64, U, V mat.Matrix) (cU, cV *mat.Dense) {
	pairDims("JointScale", U, V)
	if c == 0 || math.IsInf(c, 0) || math.IsNaN(c) {
		panic(fmt.Sprintf("sym: JointScale: c = %v, want finite and nonzero", c))
	}
	cU = new(mat.Dense)
	cU.Scale(c, U)
	cV = new(mat.Dense)
	cV.Scale(c, V)
	return cU, cV
}

// UnitScale returns (U diag(c), diag(c) V), the per-unit joint scaling
//
//	U_{:,j} → c_j U_{:,j},   V_{j,:} → c_j V_{j,:},
//
// the symmetry of the official code's "radial" model f = U N(V), where N divides
// each row of V by its squared norm: N(c_j V_j) = N(V_j)/c_j. It panics if
// len(c) ≠ h or some c_j = 0.
func UnitScale(c []float64, U, V mat.Matrix) (cU, cV *mat.Dense) {
	_, h, _ := pairDims("UnitScale", U, V)
	checkLen("UnitScale", "c", len(c), h)
	for j, cj := range c {
		if cj == 0 || math.IsInf(cj, 0) || math.IsNaN(cj) {
			panic(fmt.Sprintf("sym: UnitScale: c[%d] = %v, want finite and nonzero", j, cj))
		}
	}
	cU = mat.DenseCopyOf(U)
	cV = mat.DenseCopyOf(V)
	for j, cj := range c {
		scaleCol(cU, j, cj)
		scaleRow(cV, j, cj)
	}
	return cU, cV
}

// GLTangent returns the tangent of the GL(h) orbit of (U, V) in the direction
// T ∈ gl(h), the derivative of the action of e^{εT} at ε = 0:
//
//	d/dε (U e^{−εT}, e^{εT} V)|_{ε=0} = (−U T, T V).
//
// A diagonal T gives the tangent of the rescaling orbit; an antisymmetric T
// the tangent of the O(h) orbit. Any loss with the symmetry has
// ⟨∇_U L, −U T⟩ + ⟨∇_V L, T V⟩ = 0.
func GLTangent(T, U, V mat.Matrix) (dU, dV *mat.Dense) {
	_, h, _ := pairDims("GLTangent", U, V)
	checkSquare("GLTangent", "T", T, h)
	dU = new(mat.Dense)
	dU.Mul(U, T)
	dU.Scale(-1, dU)
	dV = new(mat.Dense)
	dV.Mul(T, V)
	return dU, dV
}

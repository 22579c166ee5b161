package sym

import (
	"gonum.org/v1/gonum/mat"
)

// The actions of this package move the units of one hidden layer, and the
// units sit between three arrays: the incoming weights in (h×n, row j feeds
// unit j), their biases b (length h; nil for none) and the outgoing weights
// out (m×h, column j reads unit j). A two-layer network U σ(V X) has
// out = U, in = V and no bias; hidden layer i of a deep network has
// out = W[i+1], in = W[i], b = b[i]. Each action is written once below, on
// (out, in, b), and both forms call it: GL and DeepGL, Rescale and
// DeepRescale, and so on. Shapes are checked by the callers, which name
// themselves in their panics.

// glUnits returns (out g⁻¹, g in, g b) (gb nil when b is nil).
func glUnits(fn string, g, out, in mat.Matrix, b *mat.VecDense) (gOut, gIn *mat.Dense, gb *mat.VecDense) {
	gOut = rightInverse(fn, out, g)
	gIn = new(mat.Dense)
	gIn.Mul(g, in)
	if b != nil {
		gb = new(mat.VecDense)
		gb.MulVec(g, b)
	}
	return gOut, gIn, gb
}

// rescaleUnits scales unit j by c_j > 0 in place: in_{j,:} and b_j by c_j,
// out_{:,j} by c_j^{−α}.
func rescaleUnits(alpha float64, c []float64, out, in *mat.Dense, b *mat.VecDense) {
	for j, cj := range c {
		scaleCol(out, j, inversePower(cj, alpha))
		scaleRow(in, j, cj)
		if b != nil {
			b.SetVec(j, cj*b.AtVec(j))
		}
	}
}

// signUnits flips unit j by s_j = ±1 in place: in_{j,:}, b_j and out_{:,j}.
func signUnits(s []float64, out, in *mat.Dense, b *mat.VecDense) {
	for j, sj := range s {
		scaleCol(out, j, sj)
		scaleRow(in, j, sj)
		if b != nil {
			b.SetVec(j, sj*b.AtVec(j))
		}
	}
}

// permuteUnits returns the units reordered so that unit i of the result is
// unit perm[i] of the input: (out Pᵀ, P in, P b) with P = PermMatrix(perm).
func permuteUnits(perm []int, out, in mat.Matrix, b *mat.VecDense) (pOut, pIn *mat.Dense, pb *mat.VecDense) {
	m, _ := out.Dims()
	_, n := in.Dims()
	pOut = mat.NewDense(m, len(perm), nil)
	pIn = mat.NewDense(len(perm), n, nil)
	if b != nil {
		pb = mat.NewVecDense(len(perm), nil)
	}
	for i, p := range perm {
		for a := 0; a < m; a++ {
			pOut.Set(a, i, out.At(a, p))
		}
		for a := 0; a < n; a++ {
			pIn.Set(i, a, in.At(p, a))
		}
		if b != nil {
			pb.SetVec(i, b.AtVec(p))
		}
	}
	return pOut, pIn, pb
}

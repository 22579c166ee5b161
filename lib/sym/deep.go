package sym

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// checkDeep panics unless W is a chain of compatible weights, b is nil or one
// bias per layer of matching length, and layer is a hidden layer index.
// It returns the width of that hidden layer.
func checkDeep(fn string, layer int, W []*mat.Dense, b []*mat.VecDense) int {
	if len(W) < 2 {
		panic(fmt.Sprintf("sym: %s: %d layers, want at least 2", fn, len(W)))
	}
	for i := 1; i < len(W); i++ {
		r, _ := W[i-1].Dims()
		ri, ci := W[i].Dims()
		if ci != r {
			pr, pc := W[i-1].Dims()
			panic(fmt.Sprintf("sym: %s: W[%d] is %d×%d and W[%d] is %d×%d, want W[%d] to have %d columns", fn, i-1, pr, pc, i, ri, ci, i, r))
		}
	}
	if b != nil {
		if len(b) != len(W) {
			panic(fmt.Sprintf("sym: %s: %d biases for %d layers", fn, len(b), len(W)))
		}
		for i := range b {
			r, _ := W[i].Dims()
			if b[i] == nil || b[i].Len() != r {
				l := 0
				if b[i] != nil {
					l = b[i].Len()
				}
				panic(fmt.Sprintf("sym: %s: b[%d] has length %d, want %d (rows of W[%d])", fn, i, l, r, i))
			}
		}
	}
	if layer < 0 || layer >= len(W)-1 {
		panic(fmt.Sprintf("sym: %s: layer %d, want a hidden layer in [0, %d]", fn, layer, len(W)-2))
	}
	h, _ := W[layer].Dims()
	return h
}

// copyDeep returns deep copies of W and b (nil b stays nil).
func copyDeep(W []*mat.Dense, b []*mat.VecDense) ([]*mat.Dense, []*mat.VecDense) {
	W2 := make([]*mat.Dense, len(W))
	for i, w := range W {
		W2[i] = mat.DenseCopyOf(w)
	}
	if b == nil {
		return W2, nil
	}
	b2 := make([]*mat.VecDense, len(b))
	for i, v := range b {
		b2[i] = mat.VecDenseCopyOf(v)
	}
	return W2, b2
}

// bias returns b[i], or nil when the network has no biases.
func bias(b []*mat.VecDense, i int) *mat.VecDense {
	if b == nil {
		return nil
	}
	return b[i]
}

// DeepGL returns the action of g ∈ GL(h) on hidden layer i of a deep linear
// network (see the package documentation for the layout):
//
//	W[i] → g W[i],   b[i] → g b[i],   W[i+1] → W[i+1] g⁻¹.
//
// The hidden activations of layer i become g times the old ones and W[i+1]
// undoes it, so the output is unchanged. b may be nil. The arguments are not
// modified; the result is a deep copy.
func DeepGL(i int, g mat.Matrix, W []*mat.Dense, b []*mat.VecDense) ([]*mat.Dense, []*mat.VecDense) {
	h := checkDeep("DeepGL", i, W, b)
	checkSquare("DeepGL", "g", g, h)
	W2, b2 := copyDeep(W, b)
	var gb *mat.VecDense
	W2[i+1], W2[i], gb = glUnits("DeepGL", g, W[i+1], W[i], bias(b, i))
	if b2 != nil {
		b2[i] = gb
	}
	return W2, b2
}

// DeepRescale returns the action of diag(c), c > 0, on hidden layer i of a
// deep network with an α-homogeneous activation, σ(c x) = c^α σ(x):
//
//	W[i] → diag(c) W[i],   b[i] → diag(c) b[i],   W[i+1] → W[i+1] diag(c)^{−α}.
//
// α = 1 covers ReLU, LeakyReLU and linear networks. b may be nil.
func DeepRescale(i int, alpha float64, c []float64, W []*mat.Dense, b []*mat.VecDense) ([]*mat.Dense, []*mat.VecDense) {
	h := checkDeep("DeepRescale", i, W, b)
	checkLen("DeepRescale", "c", len(c), h)
	checkPositive("DeepRescale", c)
	W2, b2 := copyDeep(W, b)
	rescaleUnits(alpha, c, W2[i+1], W2[i], bias(b2, i))
	return W2, b2
}

// DeepPermute returns the action of the permutation P = PermMatrix(perm) on
// hidden layer i of a deep network with any elementwise activation:
//
//	W[i] → P W[i],   b[i] → P b[i],   W[i+1] → W[i+1] Pᵀ.
//
// Unit j of the result is unit perm[j] of the input.
func DeepPermute(i int, perm []int, W []*mat.Dense, b []*mat.VecDense) ([]*mat.Dense, []*mat.VecDense) {
	h := checkDeep("DeepPermute", i, W, b)
	checkPerm("DeepPermute", perm, h)
	W2, b2 := copyDeep(W, b)
	var pb *mat.VecDense
	W2[i+1], W2[i], pb = permuteUnits(perm, W[i+1], W[i], bias(b, i))
	if b2 != nil {
		b2[i] = pb
	}
	return W2, b2
}

// DeepSignFlip returns the action of diag(s), s_j ∈ {±1}, on hidden layer i of
// a deep network with an odd activation:
//
//	W[i] → diag(s) W[i],   b[i] → diag(s) b[i],   W[i+1] → W[i+1] diag(s).
func DeepSignFlip(i int, s []float64, W []*mat.Dense, b []*mat.VecDense) ([]*mat.Dense, []*mat.VecDense) {
	h := checkDeep("DeepSignFlip", i, W, b)
	checkLen("DeepSignFlip", "s", len(s), h)
	checkSigns("DeepSignFlip", s)
	W2, b2 := copyDeep(W, b)
	signUnits(s, W2[i+1], W2[i], bias(b2, i))
	return W2, b2
}

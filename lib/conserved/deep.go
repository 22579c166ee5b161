package conserved

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// checkDeep panics unless W is a chain of compatible weights (at least two
// layers) and b is nil or one bias per layer of matching length.
func checkDeep(fn string, W []*mat.Dense, b []*mat.VecDense) {
	if len(W) < 2 {
		panic(fmt.Sprintf("conserved: %s: %d layers, want at least 2", fn, len(W)))
	}
	for i := 1; i < len(W); i++ {
		pr, pc := W[i-1].Dims()
		r, c := W[i].Dims()
		if c != pr {
			panic(fmt.Sprintf("conserved: %s: W[%d] is %d×%d and W[%d] is %d×%d, want W[%d] to have %d columns", fn, i-1, pr, pc, i, r, c, i, pr))
		}
	}
	if b == nil {
		return
	}
	if len(b) != len(W) {
		panic(fmt.Sprintf("conserved: %s: %d biases for %d layers", fn, len(b), len(W)))
	}
	for i := range b {
		r, _ := W[i].Dims()
		if b[i] == nil || b[i].Len() != r {
			panic(fmt.Sprintf("conserved: %s: b[%d] does not have length %d (rows of W[%d])", fn, i, r, i))
		}
	}
}

// DeepMatrix returns the conserved matrices of a deep linear network
// f(x) = W[L−1](… (W[0]x + b[0]) …) + b[L−1], one per hidden layer i = 0..L−2:
//
//	Q_i = W[i+1]ᵀW[i+1] − W[i]W[i]ᵀ − b[i]b[i]ᵀ   (h_{i+1}×h_{i+1}).
//
// GL acts on hidden layer i as W[i] → gW[i], b[i] → g b[i], W[i+1] → W[i+1]g⁻¹;
// the bias moves with the incoming weights and so enters with them. b may be
// nil. Without biases and with L = 2 this is Matrix(W[1], W[0]).
func DeepMatrix(W []*mat.Dense, b []*mat.VecDense) []*mat.SymDense {
	checkDeep("DeepMatrix", W, b)
	Q := make([]*mat.SymDense, len(W)-1)
	for i := range Q {
		// Hidden layer i sits between W[i] (incoming) and W[i+1] (outgoing):
		// the two-layer Q with U = W[i+1], V = W[i], less the bias term.
		Q[i] = Matrix(nil, W[i+1], W[i])
		if b != nil {
			Q[i].SymRankOne(Q[i], -1, b[i])
		}
	}
	return Q
}

// DeepNeurons returns the per-unit conserved quantities of a deep network with
// an α-homogeneous activation (α = 1 for ReLU, LeakyReLU), one slice per hidden
// layer i = 0..L−2:
//
//	Q_{i,j} = α‖W[i+1]_{:,j}‖² − ‖W[i]_{j,:}‖² − b[i]_j².
//
// For α = 1 these are the diagonals of DeepMatrix. b may be nil.
func DeepNeurons(alpha float64, W []*mat.Dense, b []*mat.VecDense) [][]float64 {
	checkDeep("DeepNeurons", W, b)
	Q := make([][]float64, len(W)-1)
	for i := range Q {
		var bi mat.Vector
		if b != nil {
			bi = b[i]
		}
		// Hidden layer i sits between W[i] (incoming, rows) and W[i+1]
		// (outgoing, columns): the two-layer formula with U = W[i+1], V = W[i].
		Q[i] = Neurons(nil, alpha, W[i+1], W[i], bi)
	}
	return Q
}

package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Neurons reads *mat.Dense storage in place and other matrices through At:
// the same sums in the same order, so the two agree to the bit, on views
// whose stride is not their width too.
func TestNeuronsDenseViews(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	big := mat.NewDense(9, 11, nil)
	for i := 0; i < 9; i++ {
		for j := 0; j < 11; j++ {
			big.Set(i, j, rng.NormFloat64())
		}
	}
	U := big.Slice(1, 5, 2, 9).(*mat.Dense) // 4×7, stride 11
	V := big.Slice(2, 9, 3, 8).(*mat.Dense) // 7×5, stride 11
	b := mat.NewVecDense(7, nil)
	for j := 0; j < 7; j++ {
		b.SetVec(j, rng.NormFloat64())
	}
	generic := func(m mat.Matrix) mat.Matrix { return mat.Transpose{Matrix: m.T()} }
	for _, bias := range []bool{false, true} {
		var bd, bg mat.Vector
		if bias {
			bd, bg = b, atVec{b}
		}
		got := Neurons(nil, 1.5, U, V, bd)
		want := Neurons(nil, 1.5, generic(U), generic(V), bg)
		for j := range want {
			if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
				t.Errorf("bias %v: Q_%d = %v on dense storage, %v through At", bias, j, got[j], want[j])
			}
		}
	}
}

// atVec hides a *mat.VecDense behind the mat.Vector interface.
type atVec struct{ *mat.VecDense }

package ad_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// The gradient of L = ‖Y − U V X‖²_F for a linear two-layer network, checked
// against the closed forms ∂L/∂U = −2 R (V X)ᵀ = [−2 8] and
// ∂L/∂V = −2 Uᵀ R Xᵀ with R = Y − U V X = [−1 2 2].
func Example() {
	u := mat.NewDense(1, 2, []float64{1, 2})
	v := mat.NewDense(2, 2, []float64{1, 0, 0, -1})
	x := mat.NewDense(2, 3, []float64{1, 0, 1, 0, 1, 1})
	y := mat.NewDense(1, 3, []float64{0, 0, 1})
	gu, gv := mat.NewDense(1, 2, nil), mat.NewDense(2, 2, nil)

	t := ad.NewTape()
	U, V := t.Param(u, gu), t.Param(v, gv)
	F := t.MatMul(U, t.MatMul(V, t.Const(x)))
	L := t.SumSq(t.Sub(t.Const(y), F))
	t.Backward(L)

	fmt.Println("f =", mat.Formatted(F.Value()))
	fmt.Println("L =", L.Scalar())
	fmt.Println("∂L/∂U =", mat.Formatted(gu))
	fmt.Println("∂L/∂V =", mat.Formatted(gv))
	// Output:
	// f = [ 1  -2  -1]
	// L = 9
	// ∂L/∂U = [-2   8]
	// ∂L/∂V = ⎡ -2   -8⎤
	// ⎣ -4  -16⎦
}

// A tape is reused across steps: Reset, record the same operations, and no
// memory is allocated after the first pass.
func ExampleTape_Reset() {
	w := mat.NewDense(1, 1, []float64{3})
	g := mat.NewDense(1, 1, nil)
	t := ad.NewTape()
	for step := 0; step < 3; step++ {
		t.Reset()
		W := t.Param(w, g)
		L := t.Square(t.AddScalar(W, -1)) // (w − 1)²
		t.Backward(L)
		w.Set(0, 0, w.At(0, 0)-0.25*g.At(0, 0)) // gradient descent, lr 0.25
		fmt.Printf("w = %.4f\n", w.At(0, 0))
	}
	// Output:
	// w = 2.0000
	// w = 1.5000
	// w = 1.2500
}

// Softmax cross-entropy takes one column of logits per sample.
func ExampleTape_SoftmaxCrossEntropy() {
	logits := mat.NewDense(3, 2, []float64{
		2, 0,
		0, 0,
		0, 5,
	})
	t := ad.NewTape()
	Z := t.Param(logits, nil)
	L := t.SoftmaxCrossEntropy(Z, []int{0, 2})
	t.Backward(L)
	fmt.Printf("L = %.4f\n", L.Scalar())
	fmt.Printf("∂L/∂Z =\n%.4f\n", mat.Formatted(Z.Grad()))
	// Output:
	// L = 0.1265
	// ∂L/∂Z =
	// ⎡-0.1065   0.0033⎤
	// ⎢ 0.0533   0.0033⎥
	// ⎣ 0.0533  -0.0066⎦
}

// The exact Hessian-vector product of L(u, v) = (y − uv)², whose Hessian is
//
//	⎡ 2v²        4uv − 2y ⎤
//	⎣ 4uv − 2y   2u²      ⎦,
//
// at u = 1, v = 2, y = 1 along the direction (1, 0): the first column, (8, 6).
func ExampleTape_HessVec() {
	u, v := mat.NewDense(1, 1, []float64{1}), mat.NewDense(1, 1, []float64{2})
	hu, hv := mat.NewDense(1, 1, nil), mat.NewDense(1, 1, nil)

	t := ad.NewTape()
	U, V := t.Param(u, nil), t.Param(v, nil)
	L := t.Square(t.AddScalar(t.Neg(t.Mul(U, V)), 1))
	t.SetTangent(U, mat.NewDense(1, 1, []float64{1}), hu)
	t.SetTangent(V, nil, hv) // zero direction; its component of H v still lands in hv
	t.HessVec(L)
	fmt.Println("H (1, 0) =", hu.At(0, 0), hv.At(0, 0))
	// Output:
	// H (1, 0) = 8 6
}

package sym

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Hand-written forward passes and losses for the tests: nothing here comes
// from the package under test.

type net struct{ U, V *mat.Dense }

type deepNet struct {
	W []*mat.Dense
	b []*mat.VecDense
}

func randn(rnd *rand.Rand, r, c int, std float64) *mat.Dense {
	a := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			a.Set(i, j, std*rnd.NormFloat64())
		}
	}
	return a
}

func randVec(rnd *rand.Rand, n int, std float64) *mat.VecDense {
	v := mat.NewVecDense(n, nil)
	for i := 0; i < n; i++ {
		v.SetVec(i, std*rnd.NormFloat64())
	}
	return v
}

func apply(a mat.Matrix, f func(float64) float64) *mat.Dense {
	var out mat.Dense
	out.Apply(func(_, _ int, v float64) float64 { return f(v) }, a)
	return &out
}

// elementwise returns U σ(V X).
func elementwise(sigma func(float64) float64) func(U, V, X mat.Matrix) *mat.Dense {
	return func(U, V, X mat.Matrix) *mat.Dense {
		var H, F mat.Dense
		H.Mul(V, X)
		F.Mul(U, apply(&H, sigma))
		return &F
	}
}

// radial returns U σ(V X) with σ(z) = f(‖z‖²) z on each column z of V X.
func radial(f func(r2 float64) float64) func(U, V, X mat.Matrix) *mat.Dense {
	return func(U, V, X mat.Matrix) *mat.Dense {
		var H, F mat.Dense
		H.Mul(V, X)
		h, k := H.Dims()
		for s := 0; s < k; s++ {
			var r2 float64
			for i := 0; i < h; i++ {
				r2 += H.At(i, s) * H.At(i, s)
			}
			w := f(r2)
			for i := 0; i < h; i++ {
				H.Set(i, s, w*H.At(i, s))
			}
		}
		F.Mul(U, &H)
		return &F
	}
}

// rowNormalised is the official code's "radial" model: U N(V) with each row
// of V divided by its squared norm; X is ignored (the official X = I).
func rowNormalised(U, V, _ mat.Matrix) *mat.Dense {
	N := mat.DenseCopyOf(V)
	h, n := N.Dims()
	for j := 0; j < h; j++ {
		var r2 float64
		for a := 0; a < n; a++ {
			r2 += N.At(j, a) * N.At(j, a)
		}
		for a := 0; a < n; a++ {
			N.Set(j, a, N.At(j, a)/r2)
		}
	}
	var F mat.Dense
	F.Mul(U, N)
	return &F
}

// mse returns ½‖F − Y‖²_F / k.
func mse(F, Y mat.Matrix) float64 {
	var D mat.Dense
	D.Sub(F, Y)
	_, k := D.Dims()
	n := mat.Norm(&D, 2)
	return 0.5 * n * n / float64(k)
}

// deepForward returns W[L−1] σ(… σ(W[0] X + b[0]) …) + b[L−1], biases broadcast
// over the columns of X.
func deepForward(sigma func(float64) float64, W []*mat.Dense, b []*mat.VecDense, X mat.Matrix) *mat.Dense {
	A := mat.DenseCopyOf(X)
	for i, w := range W {
		var Z mat.Dense
		Z.Mul(w, A)
		if b != nil {
			r, c := Z.Dims()
			for p := 0; p < r; p++ {
				for q := 0; q < c; q++ {
					Z.Set(p, q, Z.At(p, q)+b[i].AtVec(p))
				}
			}
		}
		if i < len(W)-1 {
			A = apply(&Z, sigma)
		} else {
			A = &Z
		}
	}
	return A
}

func relu(x float64) float64 { return math.Max(x, 0) }

func leaky(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0.1 * x
}

func identity(x float64) float64 { return x }

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// homog returns an α-homogeneous activation: σ(cx) = c^α σ(x) for c > 0.
func homog(alpha float64) func(float64) float64 {
	return func(x float64) float64 {
		if x > 0 {
			return math.Pow(x, alpha)
		}
		return -0.3 * math.Pow(-x, alpha)
	}
}

// relErr returns ‖b − a‖_F / ‖a‖_F, computed entry by entry.
func relErr(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	rb, cb := b.Dims()
	if r != rb || c != cb {
		return math.Inf(1)
	}
	var num, den float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d := b.At(i, j) - a.At(i, j)
			num += d * d
			den += a.At(i, j) * a.At(i, j)
		}
	}
	return math.Sqrt(num / den)
}

func relErrVec(a, b []float64) float64 {
	return relErr(mat.NewDense(1, len(a), a), mat.NewDense(1, len(b), b))
}

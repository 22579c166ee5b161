package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Hand-written forward passes and gradients of ½‖f − Y‖²_F for the tests. Each
// is checked against central differences in TestHandGradients, so the
// identities below test the package, not the helpers.

type activation struct {
	name  string
	f, df func(float64) float64
}

var (
	actLinear = activation{"linear", func(x float64) float64 { return x }, func(float64) float64 { return 1 }}
	actReLU   = activation{"relu", func(x float64) float64 { return math.Max(x, 0) }, func(x float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	}}
	actLeaky = activation{"leaky", func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.1 * x
	}, func(x float64) float64 {
		if x > 0 {
			return 1
		}
		return 0.1
	}}
	actTanh     = activation{"tanh", math.Tanh, func(x float64) float64 { c := math.Cosh(x); return 1 / (c * c) }}
	actSigmoid  = activation{"sigmoid", sigm, func(x float64) float64 { s := sigm(x); return s * (1 - s) }}
	actSoftplus = activation{"softplus", func(x float64) float64 { return math.Log1p(math.Exp(x)) }, sigm}
)

func sigm(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// homog returns an α-homogeneous activation, σ(cx) = c^α σ(x) for c > 0.
func homog(alpha float64) activation {
	return activation{"homog", func(x float64) float64 {
		if x > 0 {
			return math.Pow(x, alpha)
		}
		return -0.3 * math.Pow(-x, alpha)
	}, func(x float64) float64 {
		if x > 0 {
			return alpha * math.Pow(x, alpha-1)
		}
		return 0.3 * alpha * math.Pow(-x, alpha-1)
	}}
}

func randn(rnd *rand.Rand, r, c int, std float64) *mat.Dense {
	a := mat.NewDense(r, c, nil)
	raw := a.RawMatrix().Data
	for i := range raw {
		raw[i] = std * rnd.NormFloat64()
	}
	return a
}

func eye(n int) *mat.Dense {
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		a.Set(i, i, 1)
	}
	return a
}

func apply(a mat.Matrix, f func(float64) float64) *mat.Dense {
	var out mat.Dense
	out.Apply(func(_, _ int, v float64) float64 { return f(v) }, a)
	return &out
}

// addBias adds the column vector b (h×1, or nil) to every column of Z.
func addBias(Z *mat.Dense, b *mat.Dense) {
	if b == nil {
		return
	}
	r, c := Z.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			Z.Set(i, j, Z.At(i, j)+b.At(i, 0))
		}
	}
}

func halfSq(R mat.Matrix) float64 {
	n := mat.Norm(R, 2)
	return n * n / 2
}

// twoLayerGrad returns L = ½‖U σ(V X + b) − Y‖² and its gradients; b (h×1)
// may be nil, and then Gb is nil.
func twoLayerGrad(a activation, U, V, b, X, Y *mat.Dense) (L float64, GU, GV, Gb *mat.Dense) {
	var H, R, D mat.Dense
	H.Mul(V, X)
	addBias(&H, b)
	S := apply(&H, a.f)
	R.Mul(U, S)
	R.Sub(&R, Y)
	GU, GV = new(mat.Dense), new(mat.Dense)
	GU.Mul(&R, S.T())
	D.Mul(U.T(), &R)
	D.MulElem(&D, apply(&H, a.df))
	GV.Mul(&D, X.T())
	if b != nil {
		h, k := D.Dims()
		Gb = mat.NewDense(h, 1, nil)
		for i := 0; i < h; i++ {
			for j := 0; j < k; j++ {
				Gb.Set(i, 0, Gb.At(i, 0)+D.At(i, j))
			}
		}
	}
	return halfSq(&R), GU, GV, Gb
}

// radialGrad is the per-sample radial model σ(z) = z/‖z‖² on each column of V X.
func radialGrad(U, V, X, Y *mat.Dense) (L float64, GU, GV *mat.Dense) {
	var H, R, dS mat.Dense
	H.Mul(V, X)
	h, k := H.Dims()
	S := mat.NewDense(h, k, nil)
	for s := 0; s < k; s++ {
		z := mat.Col(nil, s, &H)
		r2 := mat.Dot(mat.NewVecDense(h, z), mat.NewVecDense(h, z))
		for i := range z {
			S.Set(i, s, z[i]/r2)
		}
	}
	R.Mul(U, S)
	R.Sub(&R, Y)
	GU = new(mat.Dense)
	GU.Mul(&R, S.T())
	dS.Mul(U.T(), &R)
	dZ := mat.NewDense(h, k, nil)
	for s := 0; s < k; s++ {
		z := mat.NewVecDense(h, mat.Col(nil, s, &H))
		d := mat.NewVecDense(h, mat.Col(nil, s, &dS))
		r2 := mat.Dot(z, z)
		zd := mat.Dot(z, d)
		// J = (I − 2zzᵀ/‖z‖²)/‖z‖², symmetric.
		for i := 0; i < h; i++ {
			dZ.Set(i, s, (d.AtVec(i)-2*z.AtVec(i)*zd/r2)/r2)
		}
	}
	GV = new(mat.Dense)
	GV.Mul(dZ, X.T())
	return halfSq(&R), GU, GV
}

// rowNormGrad is the official "radial" model U N(V), N dividing each row of V
// by its squared norm (X = I, Y is m×n).
func rowNormGrad(U, V, Y *mat.Dense) (L float64, GU, GV *mat.Dense) {
	h, n := V.Dims()
	S := mat.NewDense(h, n, nil)
	for j := 0; j < h; j++ {
		v := V.RawRowView(j)
		r2 := mat.Dot(mat.NewVecDense(n, v), mat.NewVecDense(n, v))
		for a := range v {
			S.Set(j, a, v[a]/r2)
		}
	}
	var R, dS mat.Dense
	R.Mul(U, S)
	R.Sub(&R, Y)
	GU = new(mat.Dense)
	GU.Mul(&R, S.T())
	dS.Mul(U.T(), &R)
	GV = mat.NewDense(h, n, nil)
	for j := 0; j < h; j++ {
		v := mat.NewVecDense(n, V.RawRowView(j))
		d := mat.NewVecDense(n, dS.RawRowView(j))
		r2 := mat.Dot(v, v)
		vd := mat.Dot(v, d)
		for a := 0; a < n; a++ {
			GV.Set(j, a, (d.AtVec(a)-2*v.AtVec(a)*vd/r2)/r2)
		}
	}
	return halfSq(&R), GU, GV
}

// deepGrad returns L = ½‖f(X) − Y‖² for the deep network with hidden
// activation a and its gradients; biases are h×1 matrices (nil slice: none).
func deepGrad(a activation, W, b []*mat.Dense, X, Y *mat.Dense) (L float64, GW, Gb []*mat.Dense) {
	nl := len(W)
	As := []*mat.Dense{X} // inputs of each layer
	Zs := make([]*mat.Dense, nl)
	for i := 0; i < nl; i++ {
		Z := new(mat.Dense)
		Z.Mul(W[i], As[i])
		if b != nil {
			addBias(Z, b[i])
		}
		Zs[i] = Z
		if i < nl-1 {
			As = append(As, apply(Z, a.f))
		}
	}
	var R mat.Dense
	R.Sub(Zs[nl-1], Y)
	L = halfSq(&R)
	GW = make([]*mat.Dense, nl)
	if b != nil {
		Gb = make([]*mat.Dense, nl)
	}
	delta := mat.DenseCopyOf(&R)
	for i := nl - 1; i >= 0; i-- {
		GW[i] = new(mat.Dense)
		GW[i].Mul(delta, As[i].T())
		if b != nil {
			r, c := delta.Dims()
			Gb[i] = mat.NewDense(r, 1, nil)
			for p := 0; p < r; p++ {
				for q := 0; q < c; q++ {
					Gb[i].Set(p, 0, Gb[i].At(p, 0)+delta.At(p, q))
				}
			}
		}
		if i > 0 {
			var back mat.Dense
			back.Mul(W[i].T(), delta)
			back.MulElem(&back, apply(Zs[i-1], a.df))
			delta = &back
		}
	}
	return L, GW, Gb
}

// checkGrad compares analytic gradients with central differences of loss,
// perturbing the parameters in place (and restoring them).
func checkGrad(t *testing.T, name string, loss func() float64, params, grads []*mat.Dense) {
	t.Helper()
	const h = 1e-6
	var worst float64
	for p, P := range params {
		r, c := P.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				v := P.At(i, j)
				P.Set(i, j, v+h)
				lp := loss()
				P.Set(i, j, v-h)
				lm := loss()
				P.Set(i, j, v)
				fd := (lp - lm) / (2 * h)
				worst = math.Max(worst, math.Abs(fd-grads[p].At(i, j))/(1+math.Abs(fd)))
			}
		}
	}
	// Central differences at h = 1e-6 are accurate to ~1e-9 here.
	if worst > 1e-6 {
		t.Errorf("%s: hand gradient differs from central differences by %.3g", name, worst)
	}
}

func vec(b *mat.Dense) *mat.VecDense {
	if b == nil {
		return nil
	}
	r, _ := b.Dims()
	return mat.NewVecDense(r, b.RawMatrix().Data)
}

func vecs(bs []*mat.Dense) []*mat.VecDense {
	if bs == nil {
		return nil
	}
	out := make([]*mat.VecDense, len(bs))
	for i, b := range bs {
		out[i] = vec(b)
	}
	return out
}

func relErr(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(b, a)
	return mat.Norm(&d, 2) / mat.Norm(a, 2)
}

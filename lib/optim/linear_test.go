package optim

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"gonum.org/v1/gonum/mat"
)

// linearNet is the two-layer linear network loss
//
//	L(U, V) = ½‖U V X − Y‖²_F,  U ∈ R^{m×h}, V ∈ R^{h×n}, X ∈ R^{n×k}, Y ∈ R^{m×k},
//
// with θ = (vec U, vec V) row-major, and its hand-derived gradient: with the
// residual R = U V X − Y,
//
//	∇_U L = R (V X)ᵀ,  ∇_V L = Uᵀ R Xᵀ.
//
// The minibatch form uses the columns of X and Y in the batch and divides
// by the batch size. Evaluation calls BLAS on preallocated buffers and does
// not allocate, so that allocation tests measure the optimiser.
type linearNet struct {
	m, h, n, k int
	X, Y       *mat.Dense

	vx, r, rx []float64 // h×k, m×k, m×n
	xb, yb    []float64 // n×k, m×k: batch columns
}

func newLinearNet(m, h, n int, X, Y *mat.Dense) *linearNet {
	_, k := X.Dims()
	return &linearNet{
		m: m, h: h, n: n, k: k, X: X, Y: Y,
		vx: make([]float64, h*k), r: make([]float64, m*k), rx: make([]float64, m*n),
		xb: make([]float64, n*k), yb: make([]float64, m*k),
	}
}

func (p *linearNet) dim() int { return p.m*p.h + p.h*p.n }

// uv returns U and V as views of theta.
func (p *linearNet) uv(theta []float64) (U, V *mat.Dense) {
	return mat.NewDense(p.m, p.h, theta[:p.m*p.h]), mat.NewDense(p.h, p.n, theta[p.m*p.h:])
}

func gen(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data[:r*c]}
}

func (p *linearNet) eval(theta, grad, X, Y []float64, k int, scale float64) float64 {
	m, h, n := p.m, p.h, p.n
	U, V := gen(m, h, theta), gen(h, n, theta[m*h:])
	GU, GV := gen(m, h, grad), gen(h, n, grad[m*h:])
	x, y := gen(n, k, X), gen(m, k, Y)
	vx, r, rx := gen(h, k, p.vx), gen(m, k, p.r), gen(m, n, p.rx)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, V, x, 0, vx)
	copy(r.Data, y.Data)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, U, vx, -1, r)
	loss := 0.0
	for i, e := range r.Data {
		loss += e * e
		r.Data[i] = scale * e
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, r, vx, 0, GU)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, r, x, 0, rx)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, U, rx, 0, GV)
	return 0.5 * scale * loss
}

// loss is the full-batch Func.
func (p *linearNet) loss(theta, grad []float64) float64 {
	return p.eval(theta, grad, p.X.RawMatrix().Data, p.Y.RawMatrix().Data, p.k, 1)
}

// batchLoss is the BatchFunc (mean over the batch).
func (p *linearNet) batchLoss(theta, grad []float64, batch []int) float64 {
	b := len(batch)
	for j, s := range batch {
		for i := 0; i < p.n; i++ {
			p.xb[i*b+j] = p.X.At(i, s)
		}
		for i := 0; i < p.m; i++ {
			p.yb[i*b+j] = p.Y.At(i, s)
		}
	}
	return p.eval(theta, grad, p.xb, p.yb, b, 1/float64(b))
}

// Q returns the conserved quantity UᵀU − VVᵀ (h×h).
func (p *linearNet) Q(theta []float64) *mat.Dense {
	U, V := p.uv(theta)
	var a, b mat.Dense
	a.Mul(U.T(), U)
	b.Mul(V, V.T())
	a.Sub(&a, &b)
	return &a
}

// gdDrift returns η²(G_UᵀG_U − G_V G_Vᵀ) for the gradient grad.
func (p *linearNet) gdDrift(grad []float64, eta float64) *mat.Dense {
	GU, GV := p.uv(grad)
	var a, b mat.Dense
	a.Mul(GU.T(), GU)
	b.Mul(GV, GV.T())
	a.Sub(&a, &b)
	a.Scale(eta*eta, &a)
	return &a
}

func randDense(rng *rand.Rand, r, c int, std float64) *mat.Dense {
	d := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d.Set(i, j, std*rng.NormFloat64())
		}
	}
	return d
}

func randVec(rng *rand.Rand, n int, std float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = std * rng.NormFloat64()
	}
	return v
}

func eye(n int) *mat.Dense {
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		d.Set(i, i, 1)
	}
	return d
}

// rosenbrock is f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1).
func rosenbrock(theta, grad []float64) float64 {
	x, y := theta[0], theta[1]
	a, b := 1-x, y-x*x
	grad[0] = -2*a - 400*x*b
	grad[1] = 200 * b
	return a*a + 100*b*b
}

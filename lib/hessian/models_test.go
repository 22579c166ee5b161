package hessian

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Hand-written test objectives with hand-derived gradients (and, where
// stated, Hessians).

// smooth is L(θ) = Σ_k softplus(a_kᵀθ) + ¼ Σ_i θ_i⁴, softplus(z) = log(1 + eᶻ),
// with the analytic Hessian
//
//	∇²L = Aᵀ diag(σ(z)(1 − σ(z))) A + diag(3θ_i²),  z = Aθ, σ the logistic function.
//
// Smooth but not polynomial, so finite differences of its gradient have a
// genuine truncation error.
type smooth struct {
	A *mat.Dense // K×n
	z []float64
}

func newSmooth(rng *rand.Rand, k, n int) *smooth {
	A := mat.NewDense(k, n, nil)
	for i := 0; i < k; i++ {
		for j := 0; j < n; j++ {
			A.Set(i, j, rng.NormFloat64()/math.Sqrt(float64(n)))
		}
	}
	return &smooth{A: A, z: make([]float64, k)}
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func (s *smooth) loss(theta, grad []float64) float64 {
	k, n := s.A.Dims()
	A := s.A.RawMatrix()
	blas64.Gemv(blas.NoTrans, 1, A, blas64.Vector{N: n, Inc: 1, Data: theta}, 0, blas64.Vector{N: k, Inc: 1, Data: s.z})
	l := 0.0
	for i, z := range s.z {
		l += math.Log1p(math.Exp(z))
		s.z[i] = sigmoid(z)
	}
	blas64.Gemv(blas.Trans, 1, A, blas64.Vector{N: k, Inc: 1, Data: s.z}, 0, blas64.Vector{N: n, Inc: 1, Data: grad})
	for i, x := range theta {
		l += 0.25 * x * x * x * x
		grad[i] += x * x * x
	}
	return l
}

func (s *smooth) hessian(theta []float64) *mat.SymDense {
	k, n := s.A.Dims()
	z := mat.NewVecDense(k, nil)
	z.MulVec(s.A, mat.NewVecDense(n, append([]float64(nil), theta...)))
	DA := mat.NewDense(k, n, nil)
	for i := 0; i < k; i++ {
		p := sigmoid(z.AtVec(i))
		for j := 0; j < n; j++ {
			DA.Set(i, j, p*(1-p)*s.A.At(i, j))
		}
	}
	var H mat.Dense
	H.Mul(s.A.T(), DA)
	out := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out.SetSym(i, j, 0.5*(H.At(i, j)+H.At(j, i)))
		}
		out.SetSym(i, i, out.At(i, i)+3*theta[i]*theta[i])
	}
	return out
}

// linearNet is L(U, V) = ‖U V X − Y‖²_F (no ½: the form of the scalar
// example and of Fig. 9 in Zhao et al.), U ∈ R^{m×h}, V ∈ R^{h×n}, θ = (vec U, vec V) row-major;
// with R = U V X − Y, ∇_U L = 2 R (V X)ᵀ and ∇_V L = 2 Uᵀ R Xᵀ. It does not
// allocate.
type linearNet struct {
	m, h, n, k int
	X, Y       []float64
	vx, r, rx  []float64
}

func newLinearNet(m, h, n int, X, Y *mat.Dense) *linearNet {
	_, k := X.Dims()
	return &linearNet{m: m, h: h, n: n, k: k,
		X: X.RawMatrix().Data, Y: Y.RawMatrix().Data,
		vx: make([]float64, h*k), r: make([]float64, m*k), rx: make([]float64, m*n)}
}

func (p *linearNet) dim() int { return p.m*p.h + p.h*p.n }

func gen(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data[:r*c]}
}

func (p *linearNet) loss(theta, grad []float64) float64 {
	m, h, n, k := p.m, p.h, p.n, p.k
	U, V := gen(m, h, theta), gen(h, n, theta[m*h:])
	GU, GV := gen(m, h, grad), gen(h, n, grad[m*h:])
	x := gen(n, k, p.X)
	vx, r, rx := gen(h, k, p.vx), gen(m, k, p.r), gen(m, n, p.rx)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, V, x, 0, vx)
	copy(r.Data, p.Y)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, U, vx, -1, r)
	l := 0.0
	for _, e := range r.Data {
		l += e * e
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 2, r, vx, 0, GU)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, r, x, 0, rx)
	blas64.Gemm(blas.Trans, blas.NoTrans, 2, U, rx, 0, GV)
	return l
}

// mlp is a leaky-ReLU network with biases, Out = W₂ σ(W₁X + b₁) + b₂,
// σ(z) = max(z, αz), on N samples with the mean squared error
// L = (1/2N) ‖Out − Y‖²_F. θ = (W₁, b₁, W₂, b₂) row-major. Backward pass by
// hand: D = (Out − Y)/N, ∇W₂ = D Aᵀ, ∇b₂ = D 1, G = (W₂ᵀ D) ⊙ σ'(Z),
// ∇W₁ = G Xᵀ, ∇b₁ = G 1, with Z = W₁X + b₁ and A = σ(Z). It does not allocate.
type mlp struct {
	in, hid, out, n int
	alpha           float64
	X, Y            []float64 // in×N, out×N
	z, a, o, g      []float64 // hid×N, hid×N, out×N, hid×N
}

func newMLP(rng *rand.Rand, in, hid, out, n int) (*mlp, []float64) {
	p := &mlp{in: in, hid: hid, out: out, n: n, alpha: 0.1,
		X: make([]float64, in*n), Y: make([]float64, out*n),
		z: make([]float64, hid*n), a: make([]float64, hid*n), o: make([]float64, out*n), g: make([]float64, hid*n)}
	for i := range p.X {
		p.X[i] = rng.NormFloat64()
	}
	for i := range p.Y {
		p.Y[i] = rng.NormFloat64()
	}
	theta := make([]float64, p.dim())
	w1, b1, w2, _ := p.split(theta)
	for i := range w1 {
		w1[i] = rng.NormFloat64() / math.Sqrt(float64(in))
	}
	for i := range b1 {
		b1[i] = 0.1 * rng.NormFloat64()
	}
	for i := range w2 {
		w2[i] = rng.NormFloat64() / math.Sqrt(float64(hid))
	}
	return p, theta
}

func (p *mlp) dim() int { return p.hid*p.in + p.hid + p.out*p.hid + p.out }

func (p *mlp) split(theta []float64) (w1, b1, w2, b2 []float64) {
	i := 0
	w1, i = theta[i:i+p.hid*p.in], i+p.hid*p.in
	b1, i = theta[i:i+p.hid], i+p.hid
	w2, i = theta[i:i+p.out*p.hid], i+p.out*p.hid
	b2 = theta[i : i+p.out]
	return
}

func (p *mlp) loss(theta, grad []float64) float64 {
	in, hid, out, n := p.in, p.hid, p.out, p.n
	w1, b1, w2, b2 := p.split(theta)
	gw1, gb1, gw2, gb2 := p.split(grad)
	W1, W2 := gen(hid, in, w1), gen(out, hid, w2)
	X, Z, A, O, G := gen(in, n, p.X), gen(hid, n, p.z), gen(hid, n, p.a), gen(out, n, p.o), gen(hid, n, p.g)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, W1, X, 0, Z)
	for i := 0; i < hid; i++ {
		row := p.z[i*n : (i+1)*n]
		arow := p.a[i*n : (i+1)*n]
		for j := range row {
			row[j] += b1[i]
			if row[j] > 0 {
				arow[j] = row[j]
			} else {
				arow[j] = p.alpha * row[j]
			}
		}
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, W2, A, 0, O)
	l := 0.0
	inv := 1 / float64(n)
	for i := 0; i < out; i++ {
		row := p.o[i*n : (i+1)*n]
		s := 0.0
		for j := range row {
			d := row[j] + b2[i] - p.Y[i*n+j]
			l += d * d
			row[j] = d * inv
			s += row[j]
		}
		gb2[i] = s
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, O, A, 0, gen(out, hid, gw2))
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, W2, O, 0, G)
	for i := 0; i < hid; i++ {
		g := p.g[i*n : (i+1)*n]
		z := p.z[i*n : (i+1)*n]
		s := 0.0
		for j := range g {
			if z[j] <= 0 {
				g[j] *= p.alpha
			}
			s += g[j]
		}
		gb1[i] = s
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, G, X, 0, gen(hid, in, gw1))
	return 0.5 * l * inv
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

// fdGradError returns the relative error of f's gradient at theta against
// central differences with step 1e-6 (error O(1e-12) relative for smooth
// f, plus rounding ~1e-10).
func fdGradError(f Func, theta []float64) float64 {
	n := len(theta)
	grad, tmp, fd := make([]float64, n), make([]float64, n), make([]float64, n)
	f(theta, grad)
	const h = 1e-6
	for i := range theta {
		x := theta[i]
		theta[i] = x + h
		lp := f(theta, tmp)
		theta[i] = x - h
		lm := f(theta, tmp)
		theta[i] = x
		fd[i] = (lp - lm) / (2 * h)
	}
	var d, s float64
	for i := range fd {
		d += (fd[i] - grad[i]) * (fd[i] - grad[i])
		s += grad[i] * grad[i]
	}
	return math.Sqrt(d / s)
}

// hvp returns the exact Hessian-vector product of the mlp loss at theta
// (valid almost everywhere: σ” = 0 off the kinks) by Pearlmutter's
// R-operator, forward-over-reverse by hand. With the direction
// v = (V₁, c₁, V₂, c₂) and R{·} the directional derivative along v:
//
//	R{Z} = V₁X + c₁,  R{A} = σ'(Z) ⊙ R{Z},  R{O} = V₂A + W₂R{A} + c₂,  R{D} = R{O}/N,
//	R{∇W₂} = R{D} Aᵀ + D R{A}ᵀ,  R{∇b₂} = R{D} 1,
//	R{G} = (V₂ᵀ D + W₂ᵀ R{D}) ⊙ σ'(Z),  R{∇W₁} = R{G} Xᵀ,  R{∇b₁} = R{G} 1.
//
// It allocates; it is a reference, not a benchmark subject.
func (p *mlp) hvp(theta, v, dst []float64) {
	in, hid, out, n := p.in, p.hid, p.out, p.n
	grad := make([]float64, p.dim())
	p.loss(theta, grad) // fills p.z, p.a and p.o (= D)
	w1, _, w2, _ := p.split(theta)
	v1, c1, v2, c2 := p.split(v)
	r1, rb1, r2, rb2 := p.split(dst)
	_ = w1
	X := gen(in, n, p.X)
	A, D := gen(hid, n, p.a), gen(out, n, p.o)
	W2 := gen(out, hid, w2)
	V1, V2 := gen(hid, in, v1), gen(out, hid, v2)
	sp := make([]float64, hid*n) // σ'(Z)
	for i, z := range p.z {
		sp[i] = 1
		if z <= 0 {
			sp[i] = p.alpha
		}
	}
	RZ := gen(hid, n, make([]float64, hid*n))
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, V1, X, 0, RZ)
	RA := gen(hid, n, make([]float64, hid*n))
	for i := 0; i < hid; i++ {
		for j := 0; j < n; j++ {
			RA.Data[i*n+j] = sp[i*n+j] * (RZ.Data[i*n+j] + c1[i])
		}
	}
	RD := gen(out, n, make([]float64, out*n))
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, V2, A, 0, RD)
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, W2, RA, 1, RD)
	for i := 0; i < out; i++ {
		s := 0.0
		for j := 0; j < n; j++ {
			RD.Data[i*n+j] = (RD.Data[i*n+j] + c2[i]) / float64(n)
			s += RD.Data[i*n+j]
		}
		rb2[i] = s
	}
	R2 := gen(out, hid, r2)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, RD, A, 0, R2)
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, D, RA, 1, R2)
	RG := gen(hid, n, make([]float64, hid*n))
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, V2, D, 0, RG)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, W2, RD, 1, RG)
	for i := 0; i < hid; i++ {
		s := 0.0
		for j := 0; j < n; j++ {
			RG.Data[i*n+j] *= sp[i*n+j]
			s += RG.Data[i*n+j]
		}
		rb1[i] = s
	}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, RG, X, 0, gen(hid, in, r1))
}

package noise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
)

// Gradients holds the per-sample gradients g_s = ∇ℓ_s(θ), s = 1, …, N, of a
// loss that is a mean over samples, L(θ) = (1/N) Σ_s ℓ_s(θ), and computes the
// gradient noise they define,
//
//	ḡ = ∇L = (1/N) Σ_s g_s,   Σ = (1/N) Σ_s g_s g_sᵀ − ḡ ḡᵀ,
//
// the covariance of the gradient of one sample drawn uniformly (the Σ of Ziyin
// et al., E[∇ℓ∇ℓᵀ] − ∇L∇Lᵀ). For a dense layer z = W a + b the gradient of
// sample s is the outer product g_s[W] = δ_s a_sᵀ, g_s[b] = δ_s, with δ_s =
// ∂ℓ_s/∂z_s the back-propagated error and a_s the layer's input: one forward
// and one backward pass over all N samples (PerSample) give every δ_s and a_s,
// and Gradients keeps them in that factored form, N·Σ_l (r_l + c_l) numbers
// instead of N·d. Quantities of Σ are computed from the factors without
// forming Σ (d×d) or the N×d matrix of gradients:
//
//	Tr Σ      = (1/N) Σ_s Σ_l ‖δ_{l,s}‖² (‖a_{l,s}‖² + 1_bias) − ‖ḡ‖²   O(N Σ_l (r_l + c_l))
//	Σ v       = (1/N) Σ_s g_s (g_sᵀv) − ḡ (ḡᵀv)                          two products of cost N·d
//	Tr[ΣA]    = (1/N) Σ_s g_sᵀ A g_s − ḡᵀAḡ                               one g_s at a time, O(N·d·k)
//
// Top eigenpairs of Σ come from Lanczos on v ↦ Σv. Cov and Matrix form Σ and
// the N×d matrix for small models.
type Gradients struct {
	n, dim int
	loss   float64
	mean   []float64
	layers []layerGrad // factored form (PerSample)
	dense  *mat.Dense  // N×dim (FromMatrix)
}

// layerGrad is the factored per-sample gradient of one dense layer z = W a + b.
type layerGrad struct {
	wOff, r, c int
	bOff       int       // −1 without bias
	delta      []float64 // r×N, row-major: δ_s = column s
	act        []float64 // c×N, row-major: a_s = column s
}

// FromMatrix returns the Gradients of the N×d matrix G whose row s is g_s,
// for models whose per-sample gradients are computed some other way (the
// two-dimensional examples of the paper). G is copied.
func FromMatrix(G mat.Matrix) *Gradients {
	n, d := G.Dims()
	if n == 0 || d == 0 {
		panic(fmt.Sprintf("noise: FromMatrix: G is %d×%d", n, d))
	}
	g := &Gradients{n: n, dim: d, dense: mat.DenseCopyOf(G), mean: make([]float64, d)}
	for s := 0; s < n; s++ {
		for i := 0; i < d; i++ {
			g.mean[i] += g.dense.At(s, i)
		}
	}
	for i := range g.mean {
		g.mean[i] /= float64(n)
	}
	g.loss = math.NaN()
	return g
}

// chainLayer names the weight and bias (or "") of one dense layer.
type chainLayer struct{ w, b string }

// layersOf returns the dense layers of the models PerSample supports, in
// forward order, and their activation.
func layersOf(model nn.Model) ([]chainLayer, nn.Activation, error) {
	switch m := model.(type) {
	case nn.TwoLayer:
		return []chainLayer{{w: "V"}, {w: "U"}}, m.Act, nil
	case nn.MLP:
		var ls []chainLayer
		for l := 1; l < len(m.Sizes); l++ {
			c := chainLayer{w: fmt.Sprintf("W%d", l)}
			if !m.NoBias {
				c.b = fmt.Sprintf("b%d", l)
			}
			ls = append(ls, c)
		}
		return ls, m.Act, nil
	}
	return nil, nn.Activation{}, fmt.Errorf("noise: PerSample: model %T is not supported (nn.TwoLayer and nn.MLP are; use FromMatrix)", model)
}

func sameFunc(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }

// PerSample returns the per-sample gradients at θ of model (an nn.TwoLayer
// or nn.MLP) on inputs x (n×N, one sample per column) and targets y, under a
// loss that is a mean over samples (nn.MSE, nn.HalfSquaredError,
// nn.CrossEntropy): ℓ_s is the loss of sample s alone, so that their mean is
// the loss of nn.NewObjective(model, x, y, loss).
//
// It records one forward pass of all N samples on an ad tape and runs one
// backward pass of L; the gradient that reaches the pre-activation z_l of
// layer l is δ_l/N, column s belonging to sample s alone (samples do not
// interact in these models), so δ_{l,s} and the layer input a_{l,s} give
// g_s = (δ_{l,s} a_{l,s}ᵀ, δ_{l,s})_l. Activations must act on each sample
// separately (elementwise ones, or nn.Radial); nn.RadialUnits couples the
// samples and is an error, as are the losses nn.SquaredError and
// nn.Frobenius, which are not means.
func PerSample(model nn.Model, theta []float64, x, y *mat.Dense, loss nn.Loss) (*Gradients, error) {
	chain, act, err := layersOf(model)
	if err != nil {
		return nil, err
	}
	if !act.Elementwise() && act.Name != nn.Radial.Name {
		return nil, fmt.Errorf("noise: PerSample: activation %q couples the samples of a batch", act.Name)
	}
	if sameFunc(loss, nn.SquaredError) || sameFunc(loss, nn.Frobenius) {
		return nil, fmt.Errorf("noise: PerSample: the loss must be a mean over samples (nn.MSE, nn.HalfSquaredError, nn.CrossEntropy)")
	}
	p := model.Params()
	if len(theta) != p.Len() {
		return nil, fmt.Errorf("noise: PerSample: θ has length %d, model %v has %d parameters", len(theta), model, p.Len())
	}
	in, N := x.Dims()
	if _, wc := p.Shape(chain[0].w); wc != in {
		return nil, fmt.Errorf("noise: PerSample: inputs are %d×%d, layer %s takes %d inputs", in, N, chain[0].w, wc)
	}
	if _, ny := y.Dims(); ny != N {
		return nil, fmt.Errorf("noise: PerSample: %d input samples (columns) but %d targets", N, ny)
	}
	p.Bind(theta)
	gp := p.NewLike()
	// The tape's storage, N samples wide, is recycled between calls: the
	// result keeps copies of what it needs, not the tape's nodes.
	t := tapes.Get().(*ad.Tape)
	t.Reset()
	defer tapes.Put(t)
	w := make(map[string]*ad.Node, p.Count())
	for i, name := range p.Names() {
		w[name] = t.Param(p.At(i), gp.At(i))
	}
	z := t.Const(x)
	ins := make([]*ad.Node, len(chain))
	pre := make([]*ad.Node, len(chain))
	for l, c := range chain {
		if l > 0 {
			z = act.Apply(t, z)
		}
		ins[l] = z
		var b *ad.Node
		if c.b != "" {
			b = w[c.b]
		}
		z = nn.Dense(t, w[c.w], b, z)
		pre[l] = z
	}
	if out, _ := z.Dims(); out != y.RawMatrix().Rows && y.RawMatrix().Rows != 1 {
		return nil, fmt.Errorf("noise: PerSample: the model has %d outputs, the targets %d rows", out, y.RawMatrix().Rows)
	}
	L := loss(t, z, t.Const(y))
	t.Backward(L)

	g := &Gradients{n: N, dim: p.Len(), loss: L.Scalar(), mean: gp.Vec()}
	for l, c := range chain {
		r, cc := p.Shape(c.w)
		lg := layerGrad{wOff: p.Offset(c.w), r: r, c: cc, bOff: -1}
		if c.b != "" {
			lg.bOff = p.Offset(c.b)
		}
		d := pre[l].GradData()
		lg.delta = make([]float64, len(d))
		for i, v := range d {
			lg.delta[i] = v * float64(N)
		}
		lg.act = append([]float64(nil), ins[l].Data()...)
		g.layers = append(g.layers, lg)
	}
	return g, nil
}

// tapes holds PerSample's tapes between calls.
var tapes = sync.Pool{New: func() any { return ad.NewTape() }}

// N returns the number of samples.
func (g *Gradients) N() int { return g.n }

// Dim returns the number of parameters d.
func (g *Gradients) Dim() int { return g.dim }

// Loss returns L(θ) (NaN for FromMatrix).
func (g *Gradients) Loss() float64 { return g.loss }

// Mean returns ḡ = ∇L(θ), a view: do not modify it.
func (g *Gradients) Mean() []float64 { return g.mean }

// Sample writes g_s into dst (length d; a new slice if nil) and returns it.
func (g *Gradients) Sample(dst []float64, s int) []float64 {
	if s < 0 || s >= g.n {
		panic(fmt.Sprintf("noise: Gradients.Sample: sample %d out of range [0, %d)", s, g.n))
	}
	if dst == nil {
		dst = make([]float64, g.dim)
	} else if len(dst) != g.dim {
		panic(fmt.Sprintf("noise: Gradients.Sample: dst has length %d, want %d", len(dst), g.dim))
	}
	if g.dense != nil {
		mat.Row(dst, s, g.dense)
		return dst
	}
	n := g.n
	var stack [256]float64
	for _, l := range g.layers {
		// a_s is column s of the c×N input: gathered once, so that each
		// of the r rows of g_s[W] = δ_s a_sᵀ reads it contiguously. The
		// rows are written by a plain loop: handing stack to gonum's
		// assembly (floats.ScaleTo) would move it to the heap, 2 KB a call.
		var a []float64
		if l.c <= len(stack) {
			a = stack[:l.c]
		} else {
			a = make([]float64, l.c)
		}
		for j := range a {
			a[j] = l.act[j*n+s]
		}
		for i := 0; i < l.r; i++ {
			di := l.delta[i*n+s]
			row := dst[l.wOff+i*l.c : l.wOff+(i+1)*l.c]
			for j, v := range a {
				row[j] = di * v
			}
			if l.bOff >= 0 {
				dst[l.bOff+i] = di
			}
		}
	}
	return dst
}

// Matrix returns the N×d matrix whose row s is g_s.
func (g *Gradients) Matrix() *mat.Dense {
	if g.dense != nil {
		return mat.DenseCopyOf(g.dense)
	}
	G := mat.NewDense(g.n, g.dim, nil)
	raw := G.RawMatrix()
	for s := 0; s < g.n; s++ {
		g.Sample(raw.Data[s*raw.Stride:s*raw.Stride+g.dim], s)
	}
	return G
}

// Cov returns Σ = (1/N) GᵀG − ḡḡᵀ as a d×d matrix (small models only).
func (g *Gradients) Cov() *mat.SymDense {
	G := g.Matrix()
	S := mat.NewSymDense(g.dim, nil)
	S.SymRankK(S, 1/float64(g.n), G.T())
	S.SymRankOne(S, -1, mat.NewVecDense(g.dim, g.mean))
	return S
}

// SqNorms returns ‖g_s‖² for every sample.
func (g *Gradients) SqNorms() []float64 {
	out := make([]float64, g.n)
	if g.dense != nil {
		for s := range out {
			r := g.dense.RawRowView(s)
			out[s] = dot(r, r)
		}
		return out
	}
	n := g.n
	for _, l := range g.layers {
		for s := 0; s < n; s++ {
			var dd, aa float64
			for i := 0; i < l.r; i++ {
				dd += l.delta[i*n+s] * l.delta[i*n+s]
			}
			for j := 0; j < l.c; j++ {
				aa += l.act[j*n+s] * l.act[j*n+s]
			}
			if l.bOff >= 0 {
				aa++
			}
			out[s] += dd * aa
		}
	}
	return out
}

// TraceCov returns Tr Σ = (1/N) Σ_s ‖g_s‖² − ‖ḡ‖², from the factors.
func (g *Gradients) TraceCov() float64 {
	var m float64
	for _, v := range g.SqNorms() {
		m += v
	}
	return m/float64(g.n) - dot(g.mean, g.mean)
}

// QuadMoment returns (1/N) Σ_s g_sᵀ A g_s, the second moment of the
// per-sample gradient along A: E[gᵀAg] for one sample drawn uniformly.
func (g *Gradients) QuadMoment(A *Symmetry) float64 {
	if A.Dim() != g.dim {
		panic(fmt.Sprintf("noise: Gradients: generator of dimension %d for %d parameters", A.Dim(), g.dim))
	}
	// Four samples at a time through quadSelf4, which computes each g_sᵀAg_s
	// as Quad does; the sum over s stays in order.
	d := g.dim
	buf := make([]float64, 4*d)
	var sum float64
	s := 0
	for ; s+4 <= g.n; s += 4 {
		for r := range 4 {
			g.Sample(buf[r*d:(r+1)*d], s+r)
		}
		q := A.quadSelf4(buf[:d], buf[d:2*d], buf[2*d:3*d], buf[3*d:])
		sum += q[0]
		sum += q[1]
		sum += q[2]
		sum += q[3]
	}
	for ; s < g.n; s++ {
		g.Sample(buf[:d], s)
		sum += A.Quad(buf[:d], buf[:d])
	}
	return sum / float64(g.n)
}

// TraceCovA returns Tr[ΣA] = (1/N) Σ_s g_sᵀAg_s − ḡᵀAḡ without forming Σ.
func (g *Gradients) TraceCovA(A *Symmetry) float64 {
	return g.QuadMoment(A) - A.Quad(g.mean, g.mean)
}

// CovMulVec sets dst = Σ v = (1/N) Σ_s g_s (g_sᵀv) − ḡ(ḡᵀv) and returns it
// (a new slice if dst is nil), from the factors: per layer, the N numbers
// g_sᵀv = δ_sᵀ V a_s + δ_sᵀ v_b are the column sums of Δ ⊙ (V A), and
// Σ_s w_s g_s is (Δ diag(w) Aᵀ, Δ w).
func (g *Gradients) CovMulVec(dst, v []float64) []float64 {
	if len(v) != g.dim {
		panic(fmt.Sprintf("noise: Gradients.CovMulVec: v has length %d, want %d", len(v), g.dim))
	}
	if dst == nil {
		dst = make([]float64, g.dim)
	}
	n := g.n
	w := make([]float64, n)
	if g.dense != nil {
		var gv mat.VecDense
		gv.MulVec(g.dense, mat.NewVecDense(g.dim, v))
		out := mat.NewVecDense(g.dim, dst)
		out.MulVec(g.dense.T(), &gv)
	} else {
		for _, l := range g.layers {
			V := blas64.General{Rows: l.r, Cols: l.c, Stride: l.c, Data: v[l.wOff : l.wOff+l.r*l.c]}
			Am := blas64.General{Rows: l.c, Cols: n, Stride: n, Data: l.act}
			P := blas64.General{Rows: l.r, Cols: n, Stride: n, Data: make([]float64, l.r*n)}
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, V, Am, 0, P)
			for i := 0; i < l.r; i++ {
				drow := l.delta[i*n : (i+1)*n]
				prow := P.Data[i*n : (i+1)*n]
				vb := 0.0
				if l.bOff >= 0 {
					vb = v[l.bOff+i]
				}
				for s, d := range drow {
					w[s] += d * (prow[s] + vb)
				}
			}
		}
		for _, l := range g.layers {
			D := blas64.General{Rows: l.r, Cols: n, Stride: n, Data: make([]float64, l.r*n)}
			for i := 0; i < l.r; i++ {
				var bsum float64
				for s := 0; s < n; s++ {
					x := l.delta[i*n+s] * w[s]
					D.Data[i*n+s] = x
					bsum += x
				}
				if l.bOff >= 0 {
					dst[l.bOff+i] = bsum
				}
			}
			Am := blas64.General{Rows: l.c, Cols: n, Stride: n, Data: l.act}
			out := blas64.General{Rows: l.r, Cols: l.c, Stride: l.c, Data: dst[l.wOff : l.wOff+l.r*l.c]}
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, D, Am, 0, out)
		}
	}
	gv := dot(g.mean, v)
	for i := range dst {
		dst[i] = dst[i]/float64(n) - g.mean[i]*gv
	}
	return dst
}

// CovOperator returns v ↦ Σv as a hessian.Operator.
func (g *Gradients) CovOperator() hessian.Operator {
	return hessian.MulFunc{N: g.dim, Mul: func(dst, v []float64) { g.CovMulVec(dst, v) }}
}

// TopCov returns the k largest eigenpairs of Σ by hessian.Lanczos on
// v ↦ Σv (from the factors; Σ is never formed). rng draws the start vector
// (nil: a fixed seed).
func (g *Gradients) TopCov(k int, rng *rand.Rand) hessian.Eigen {
	return hessian.Lanczos(g.CovOperator(), k, hessian.LanczosSettings{Which: hessian.Largest, Rand: rng})
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

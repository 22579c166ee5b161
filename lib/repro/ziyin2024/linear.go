package ziyin2024

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/optim"
)

// Linear is the regression problem of the paper's two-layer linear
// experiments: N samples of y = x + σε with ε ~ N(0, I_d) and
// x ~ N(0, Σₓ), Σₓ = diag(φ on the first ⌊d/2⌋ coordinates, 2 − φ on the
// rest) (Tr Σₓ = d; φ = 1 is isotropic), learnt by f(x) = U V x with
// U d×h, V h×d under the per-sample loss ℓ = (1/d)‖UVx − y‖² (nn.MSE).
// The zero value is the 30-40-30 network of the paper's Sec. 6 on 1000
// samples with σ = 1.
type Linear struct {
	Dim     int     // d = d_x = d_y; 0 means 30
	Hidden  int     // h; 0 means 40
	Samples int     // N; 0 means 1000
	Noise   float64 // σ; 0 means 1
	Phi     float64 // φ ∈ (0, 2); 0 means 1
	Seed    uint64  // the data's seed
}

func (l Linear) withDefaults() Linear {
	if l.Dim == 0 {
		l.Dim = 30
	}
	if l.Hidden == 0 {
		l.Hidden = 40
	}
	if l.Samples == 0 {
		l.Samples = 1000
	}
	if l.Noise == 0 {
		l.Noise = 1
	}
	if l.Phi == 0 {
		l.Phi = 1
	}
	return l
}

func (l Linear) check(fn string) error {
	if l.Dim <= 0 || l.Hidden <= 0 || l.Samples <= 0 || !(l.Noise >= 0) || !(l.Phi > 0 && l.Phi < 2) {
		return fmt.Errorf("ziyin2024: %s: invalid problem %+v", fn, l)
	}
	return nil
}

// Net returns the network nn.TwoLayer{In: d, Hidden: h, Out: d, Act: nn.Linear}.
func (l Linear) Net() nn.TwoLayer {
	l = l.withDefaults()
	return nn.TwoLayer{In: l.Dim, Hidden: l.Hidden, Out: l.Dim, Act: nn.Linear}
}

// Data returns x and y, d×N with samples as columns, drawn by
// data.NoisyIdentity from rand.NewPCG(Seed, 2024) and with the first half of
// x's coordinates scaled by √φ and the second by √(2 − φ) (y = x + σε with
// the scaled x).
func (l Linear) Data() (x, y *mat.Dense) {
	l = l.withDefaults()
	rows, noisy := data.NoisyIdentity(rand.New(rand.NewPCG(l.Seed, 2024)), l.Samples, l.Dim, l.Noise)
	eps := mat.NewDense(l.Samples, l.Dim, nil)
	eps.Sub(noisy, rows)
	lo, hi := math.Sqrt(l.Phi), math.Sqrt(2-l.Phi)
	for j := 0; j < l.Dim; j++ {
		s := hi
		if j < l.Dim/2 {
			s = lo
		}
		for i := 0; i < l.Samples; i++ {
			rows.Set(i, j, s*rows.At(i, j))
		}
	}
	noisy.Add(rows, eps)
	return mat.DenseCopyOf(rows.T()), mat.DenseCopyOf(noisy.T())
}

// Init returns initial parameters θ = (vec U, vec V) drawn by init from
// rand.NewPCG(seed, 7) and multiplied by scale (0 means 1).
func (l Linear) Init(seed uint64, init nn.Initializer, scale float64) []float64 {
	p := l.Net().Init(rand.New(rand.NewPCG(seed, 7)), init)
	if scale != 0 && scale != 1 {
		for i, v := range p.Vec() {
			p.Vec()[i] = scale * v
		}
	}
	return p.Vec()
}

// Trajectory is a recorded run of a Linear problem.
type Trajectory struct {
	Step               []int
	Loss, NormU, NormV []float64 // minibatch loss; ‖U‖_F, ‖V‖_F
	Charge             []float64 // Tr Q = ‖U‖²_F − ‖V‖²_F, the charge of the double rotation with B = I
	Residual           []float64 // noise.Balance.Residual at each record
	Sharpness          []float64 // Tr ∇²L (noise.LinearSharpness) at each record
	Steps              int       // steps taken
	// From step From on, the records are summed: the balance matrices Left
	// and Right, VᵀV and UUᵀ (Averaged records). AvgResidual is the
	// residual of the summed Left and Right: at a stationary state
	// E[Q' − Q] = 0, so the time average of Left − Right vanishes even
	// where single records fluctuate.
	From           int
	Averaged       int
	SumVtV, SumUUt *mat.Dense
	AvgResidual    float64
	Final          []float64 // θ at the end
	FinalU, FinalV *mat.Dense
}

// runLinear trains the problem from theta (copied) with s, recording every
// `every` steps, for `steps` steps; s.BatchSize ≥ Samples means full-batch
// GD (optim.Run), which also stops once ‖∇L‖ ≤ 1e-9. The balance is
// measured for the optimiser bal (the noise whose equilibrium is asked
// for); from step `from` on the records are summed (see Trajectory).
func runLinear(p Linear, x, y *mat.Dense, theta []float64, s noise.SGD, steps, every, from int, rng *rand.Rand, bal noise.SGD) (*Trajectory, error) {
	p = p.withDefaults()
	net := p.Net()
	obj := nn.NewObjective(net, x, y, nn.MSE)
	th := append([]float64(nil), theta...)
	params := net.Params()
	params.Bind(th)
	U, V := net.UV(params)
	r := &Trajectory{Final: th, From: from}
	sumL, sumR := mat.NewDense(p.Hidden, p.Hidden, nil), mat.NewDense(p.Hidden, p.Hidden, nil)
	r.SumVtV, r.SumUUt = mat.NewDense(p.Dim, p.Dim, nil), mat.NewDense(p.Dim, p.Dim, nil)
	// Tr ∇²L = (2/d)(d ⟨VᵀV, Σ̂ₓ⟩ + ‖U‖² Tr Σ̂ₓ) for nn.MSE (noise.LinearSharpness).
	var sx mat.Dense
	sx.Mul(x, x.T())
	sx.Scale(1/float64(x.RawMatrix().Cols), &sx)
	trSx := mat.Trace(&sx)
	var berr error
	obs := optim.Every(every, func(st *optim.State) {
		nu, nv := mat.Norm(U, 2), mat.Norm(V, 2)
		var vtv mat.Dense
		vtv.Mul(V.T(), V)
		r.Sharpness = append(r.Sharpness, 2*(mat.Sum(mulElem(&vtv, &sx))+nu*nu*trSx/float64(p.Dim)))
		b, err := noise.LinearBalance(U, V, x, y, nn.MSE, bal)
		if err != nil {
			berr = err
			return
		}
		r.Step = append(r.Step, st.Step)
		r.Loss = append(r.Loss, st.Loss)
		r.NormU = append(r.NormU, nu)
		r.NormV = append(r.NormV, nv)
		r.Charge = append(r.Charge, nu*nu-nv*nv)
		r.Residual = append(r.Residual, b.Residual)
		if st.Step >= from {
			sumL.Add(sumL, b.Left)
			sumR.Add(sumR, b.Right)
			r.SumVtV.Add(r.SumVtV, gram(V, false))
			r.SumUUt.Add(r.SumUUt, gram(U, true))
			r.Averaged++
		}
	})
	n := x.RawMatrix().Cols
	rule := &optim.GD{LR: s.LR, WeightDecay: s.WeightDecay}
	var res optim.Result
	var err error
	if s.BatchSize >= n {
		res, err = optim.Run(newLinearGD(p, x, y).Func, th, rule, optim.Settings{Steps: steps, GradTol: 1e-9, Observers: []optim.Observer{obs}})
	} else {
		f := obj.Batch
		if s.Replace {
			f = noise.WithReplacement(obj.Batch, n, rng)
		}
		res, err = optim.RunBatch(f, n, th, rule, optim.BatchSettings{BatchSize: max(s.BatchSize, 1), Steps: steps, Rand: rng, Observers: []optim.Observer{obs}})
	}
	r.Steps = res.Steps
	if err != nil {
		return r, fmt.Errorf("ziyin2024: %w", err)
	}
	if berr != nil {
		return r, berr
	}
	if r.Averaged > 0 {
		r.AvgResidual = averagedResidual(sumL, sumR)
	}
	r.FinalU, r.FinalV = mat.DenseCopyOf(U), mat.DenseCopyOf(V)
	return r, nil
}

func mulElem(a, b *mat.Dense) *mat.Dense {
	var c mat.Dense
	c.MulElem(a, b)
	return &c
}

// averagedResidual is noise.Balance.Residual of summed (or averaged) Left
// and Right.
func averagedResidual(L, R *mat.Dense) float64 {
	var d mat.Dense
	d.Sub(L, R)
	return 2 * mat.Norm(&d, 2) / (mat.Norm(L, 2) + mat.Norm(R, 2))
}

// linearGD is the full-batch objective of a Linear problem, the mean
// squared error L(U, V) = (1/(dN)) ‖UVX − Y‖²_F of
// nn.NewObjective(p.Net(), x, y, nn.MSE), computed from sufficient
// statistics of the N samples about a reference product M₀ (the least
// squares solution, or 0 if XXᵀ is singular or ill-conditioned, see
// maxCondGD): with S = XXᵀ, the residual
// R₀ = M₀X − Y, E = R₀Xᵀ and Δ = UV − M₀,
//
//	L = (⟨ΔS, Δ⟩ + 2⟨Δ, E⟩ + ‖R₀‖²_F)/(dN),   G = ∇_M L = 2(ΔS + E)/(dN),
//	∇_U L = G Vᵀ,   ∇_V L = Uᵀ G,
//
// an identity for any M₀ (L = ‖ΔX + R₀‖²_F/(dN)). About the least squares
// solution, near the minimum the three terms do not cancel: expanded about
// 0 instead, ⟨MS, M⟩ − 2⟨M, YXᵀ⟩ + ‖Y‖²_F leaves a loss of σ² ≪ ‖Y‖²/(dN)
// with the absolute rounding of ‖Y‖²_F (relative 1e-9 at σ = 10⁻³, 3 at
// σ = 10⁻⁸). O(d²h) a step where the network on the data costs O(dhN): a
// full-batch step on the 1000 samples of notebook 15 is about seven times
// cheaper (BenchmarkLinearFullBatch). The same loss and gradient as the
// network's up to rounding; ⟨∇L, Aθ⟩ = 0 for the rotations of the hidden
// layer holds as exactly as there. Func keeps views of its arguments
// between calls and is not for concurrent use.
type linearGD struct {
	d, h, n  int
	S, E, M0 *mat.Dense // XXᵀ, R₀Xᵀ and M₀ (d×d)
	rr       float64    // ‖R₀‖²_F
	u, v     mat.Dense  // views of θ
	gu, gv   mat.Dense  // views of the gradient
	D, DS, G mat.Dense  // Δ, ΔS and ∇_M L
}

// maxCondGD is the largest condition number of XXᵀ at which linearGD
// expands about the least squares product M₀. Where XXᵀ is nearly singular
// M₀ is large and ill-determined, and the rounding of ΔS and ⟨ΔS, Δ⟩ for
// Δ = UV − M₀ grows with it; it expands about 0 instead. The full-batch
// problems of notebook 15 have cond(XXᵀ) = 2.1 (Equilibria) and 1
// (Factorisation).
const maxCondGD = 1e6

// newLinearGD returns the full-batch objective of p on x and y (d×N).
func newLinearGD(p Linear, x, y *mat.Dense) *linearGD {
	p = p.withDefaults()
	d, h := p.Dim, p.Hidden
	_, n := x.Dims()
	o := &linearGD{d: d, h: h, n: n, S: new(mat.Dense), E: new(mat.Dense), M0: mat.NewDense(d, d, nil)}
	o.S.Mul(x, x.T())
	var C mat.Dense
	C.Mul(y, x.T())
	var ch mat.Cholesky
	if ch.Factorize(mat.NewSymDense(d, o.S.RawMatrix().Data)) && ch.Cond() <= maxCondGD {
		// M₀ᵀ = S⁻¹Cᵀ, to the rounding of a well-conditioned solve (the
		// identity holds for any M₀).
		var m0t mat.Dense
		_ = ch.SolveTo(&m0t, C.T())
		o.M0.Copy(m0t.T())
	}
	var r0 mat.Dense
	r0.Mul(o.M0, x)
	r0.Sub(&r0, y)
	o.E.Mul(&r0, x.T())
	o.rr = mat.Norm(&r0, 2)
	o.rr *= o.rr
	o.D.ReuseAs(d, d)
	o.DS.ReuseAs(d, d)
	o.G.ReuseAs(d, d)
	return o
}

// Func is an optim.Func: θ = (vec U, vec V) as nn.TwoLayer lays it out.
func (o *linearGD) Func(theta, grad []float64) float64 {
	d, h := o.d, o.h
	o.u.SetRawMatrix(blas64.General{Rows: d, Cols: h, Stride: h, Data: theta[:d*h]})
	o.v.SetRawMatrix(blas64.General{Rows: h, Cols: d, Stride: d, Data: theta[d*h : 2*d*h]})
	o.gu.SetRawMatrix(blas64.General{Rows: d, Cols: h, Stride: h, Data: grad[:d*h]})
	o.gv.SetRawMatrix(blas64.General{Rows: h, Cols: d, Stride: d, Data: grad[d*h : 2*d*h]})
	o.D.Mul(&o.u, &o.v)
	o.D.Sub(&o.D, o.M0)
	o.DS.Mul(&o.D, o.S)
	scale := 1 / float64(d*o.n)
	dd, ds, e := o.D.RawMatrix().Data, o.DS.RawMatrix().Data, o.E.RawMatrix().Data
	g := o.G.RawMatrix().Data
	var quad, cross float64
	for i, di := range dd {
		quad += ds[i] * di
		cross += di * e[i]
		g[i] = 2 * scale * (ds[i] + e[i])
	}
	o.gu.Mul(&o.G, o.v.T())
	o.gv.Mul(o.u.T(), &o.G)
	return (quad + 2*cross + o.rr) * scale
}

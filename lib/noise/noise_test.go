package noise

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/sym"
)

// problem is a model with data, samples as columns.
type problem struct {
	model nn.Model
	theta []float64
	x, y  *mat.Dense
	loss  nn.Loss
}

func (p problem) obj() *nn.Objective { return nn.NewObjective(p.model, p.x, p.y, p.loss) }

func randn(rng *rand.Rand, r, c int, s float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, s*rng.NormFloat64())
		}
	}
	return m
}

// linearNet is a two-layer linear net n-h-m on N noisy samples of y = Tx.
func linearNet(seed uint64, m, h, n, N int) problem {
	rng := rand.New(rand.NewPCG(seed, 1))
	net := nn.TwoLayer{In: n, Hidden: h, Out: m, Act: nn.Linear}
	p := net.Init(rng, nn.LeCunNormal)
	x := randn(rng, n, N, 1)
	T := randn(rng, m, n, 1/math.Sqrt(float64(n)))
	var y mat.Dense
	y.Mul(T, x)
	y.Add(&y, randn(rng, m, N, 0.3))
	return problem{net, p.Vec(), x, &y, nn.MSE}
}

// mlp is a tanh or ReLU MLP with biases on random data.
func mlp(seed uint64, act nn.Activation, sizes []int, N int, loss nn.Loss) problem {
	rng := rand.New(rand.NewPCG(seed, 2))
	net := nn.MLP{Sizes: sizes, Act: act}
	p := net.Init(rng, nn.XavierNormal)
	for _, name := range p.Names() {
		if name[0] == 'b' {
			m := p.M(name)
			r, _ := m.Dims()
			for i := 0; i < r; i++ {
				m.Set(i, 0, 0.1*rng.NormFloat64())
			}
		}
	}
	out := sizes[len(sizes)-1]
	x := randn(rng, sizes[0], N, 1)
	var y *mat.Dense
	if sameFunc(loss, nn.CrossEntropy) {
		labels := make([]int, N)
		for i := range labels {
			labels[i] = rng.IntN(out)
		}
		y = nn.LabelRow(labels)
	} else {
		y = randn(rng, out, N, 1)
	}
	return problem{net, p.Vec(), x, y, loss}
}

func maxAbsDiff(a, b []float64) (d, scale float64) {
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
		scale = max(scale, math.Abs(a[i]), math.Abs(b[i]))
	}
	return d, scale
}

// Per-sample gradients from one batched pass equal the gradients of
// one-sample batches through nn.Objective, and their mean is the full
// gradient, to rounding (a few ulps of the largest entry, times a small
// factor for the summation order of the products).
func TestPerSampleAgainstObjective(t *testing.T) {
	cases := map[string]problem{
		"linear 5-7-4":       linearNet(1, 4, 7, 5, 23),
		"tanh MLP+bias":      mlp(2, nn.Tanh, []int{3, 6, 5, 2}, 17, nn.MSE),
		"relu MLP half":      mlp(3, nn.ReLU, []int{4, 8, 3}, 11, nn.HalfSquaredError),
		"tanh MLP xent":      mlp(4, nn.Tanh, []int{4, 6, 3}, 13, nn.CrossEntropy),
		"radial two-layer":   {nn.TwoLayer{In: 3, Hidden: 4, Out: 2, Act: nn.Radial}, nil, nil, nil, nn.MSE},
		"linear 1-sample N1": linearNet(5, 2, 3, 2, 1),
	}
	rp := cases["radial two-layer"]
	rng := rand.New(rand.NewPCG(9, 9))
	rp.theta = rp.model.Init(rng, nn.LeCunNormal).Vec()
	rp.x, rp.y = randn(rng, 3, 9, 1), randn(rng, 2, 9, 1)
	cases["radial two-layer"] = rp
	for name, p := range cases {
		g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		o := p.obj()
		full := make([]float64, len(p.theta))
		L := o.Func(p.theta, full)
		if math.Abs(L-g.Loss()) > 1e-14*math.Abs(L) {
			t.Errorf("%s: loss %v, objective %v", name, g.Loss(), L)
		}
		if d, s := maxAbsDiff(full, g.Mean()); d > 1e-14*s {
			t.Errorf("%s: mean gradient off by %.3g (scale %.3g)", name, d, s)
		}
		one := make([]float64, len(p.theta))
		mine := make([]float64, len(p.theta))
		for s := 0; s < g.N(); s++ {
			o.Batch(p.theta, one, []int{s})
			g.Sample(mine, s)
			if d, sc := maxAbsDiff(one, mine); d > 1e-14*sc {
				t.Errorf("%s: sample %d off by %.3g (scale %.3g)", name, s, d, sc)
				break
			}
		}
	}
}

func TestPerSampleErrors(t *testing.T) {
	p := linearNet(1, 2, 3, 4, 5)
	if _, err := PerSample(p.model, p.theta, p.x, p.y, nn.SquaredError); err == nil {
		t.Error("SquaredError accepted")
	}
	if _, err := PerSample(p.model, p.theta[1:], p.x, p.y, p.loss); err == nil {
		t.Error("short θ accepted")
	}
	if _, err := PerSample(p.model, p.theta, p.x.Slice(0, 3, 0, 5).(*mat.Dense), p.y, p.loss); err == nil {
		t.Error("3-row inputs accepted for 4 inputs")
	}
	ru := nn.TwoLayer{In: 4, Hidden: 3, Out: 2, Act: nn.RadialUnits}
	if _, err := PerSample(ru, p.theta, p.x, p.y, p.loss); err == nil {
		t.Error("RadialUnits accepted")
	}
}

// The factored noise quantities equal those of the explicit covariance
// Σ = (1/N) GᵀG − ḡḡᵀ formed from the N×d matrix of per-sample gradients.
// Both sides sum the same products in different orders: the bound is 1e-12
// of the quantity's scale (Tr|Σ| for traces).
func TestCovarianceAgainstExplicit(t *testing.T) {
	for name, p := range map[string]problem{
		"linear 5-7-4":  linearNet(11, 4, 7, 5, 40),
		"tanh MLP+bias": mlp(12, nn.Tanh, []int{3, 6, 5, 2}, 31, nn.MSE),
	} {
		g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
		if err != nil {
			t.Fatal(err)
		}
		G := g.Matrix()
		d := g.Dim()
		S := mat.NewSymDense(d, nil)
		var gbar mat.VecDense
		gbar.MulVec(G.T(), mat.NewVecDense(g.N(), ones(g.N())))
		gbar.ScaleVec(1/float64(g.N()), &gbar)
		S.SymRankK(S, 1/float64(g.N()), G.T())
		S.SymRankOne(S, -1, &gbar)
		tr := mat.Trace(S)
		if diff := math.Abs(g.TraceCov() - tr); diff > 1e-12*tr {
			t.Errorf("%s: Tr Σ = %v, explicit %v", name, g.TraceCov(), tr)
		}
		var cmp mat.Dense
		cmp.Sub(g.Cov(), S)
		if v := mat.Norm(&cmp, math.Inf(1)); v > 1e-12*tr {
			t.Errorf("%s: Cov differs from the explicit Σ by %.3g", name, v)
		}
		// Tr[ΣA] for a rescaling, a double rotation and a scaling.
		var gens []*Symmetry
		if tl, ok := p.model.(nn.TwoLayer); ok {
			B := randSym(rand.New(rand.NewPCG(1, 1)), tl.Hidden)
			gens = append(gens, TwoLayerUnit(tl.Out, tl.Hidden, tl.In, 2), TwoLayerRotation(tl.Out, tl.In, B))
		} else {
			pp := p.model.Params()
			gens = append(gens, LayerRescaling(pp, []string{"W1", "b1"}, []string{"W2"}), ParamScaling(pp, "W2"))
		}
		for _, A := range gens {
			var SA mat.Dense
			SA.Mul(S, A.Dense())
			want := mat.Trace(&SA)
			if got := g.TraceCovA(A); math.Abs(got-want) > 1e-12*tr {
				t.Errorf("%s, %s: Tr[ΣA] = %v, explicit %v", name, A.Name, got, want)
			}
		}
		// Σv and the top eigenpairs.
		rng := rand.New(rand.NewPCG(5, 5))
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		var sv mat.VecDense
		sv.MulVec(S, mat.NewVecDense(d, v))
		if dd, sc := maxAbsDiff(g.CovMulVec(nil, v), sv.RawVector().Data); dd > 1e-12*sc {
			t.Errorf("%s: Σv off by %.3g (scale %.3g)", name, dd, sc)
		}
		var eig mat.EigenSym
		eig.Factorize(S, false)
		vals := eig.Values(nil)
		top := g.TopCov(3, nil)
		for i := 0; i < 3; i++ {
			if w := vals[d-1-i]; math.Abs(top.Values[i]-w) > 1e-9*vals[d-1] {
				t.Errorf("%s: eigenvalue %d of Σ: Lanczos %v, EigenSym %v", name, i, top.Values[i], w)
			}
		}
	}
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// The structured generators equal package sym's dense ones, act as sym's
// Generator does, and give conserved.Charge's charge.
func TestSymmetryAgainstSym(t *testing.T) {
	const m, h, n = 3, 4, 5
	rng := rand.New(rand.NewPCG(3, 3))
	B := randSym(rng, h)
	pairs := []struct {
		mine *Symmetry
		ref  *mat.SymDense
	}{
		{TwoLayerRotation(m, n, B), sym.DoubleRotationGen(B, m, n)},
		{TwoLayerUnit(m, h, n, 1), sym.NeuronGen(m, h, n, 1)},
		{Scaling("all", m*h+h*n, seq(0, m*h+h*n)), sym.ScaleGen(m*h + h*n)},
	}
	theta := make([]float64, m*h+h*n)
	for i := range theta {
		theta[i] = rng.NormFloat64()
	}
	for _, p := range pairs {
		d := p.mine.Dim()
		if !mat.EqualApprox(p.mine.Dense(), p.ref, 0) || !mat.EqualApprox(p.mine, p.ref, 0) {
			t.Errorf("%s: A differs from sym's", p.mine.Name)
		}
		gen := sym.NewGenerator(p.ref)
		for _, l := range []float64{-0.7, 0.3, 1.5} {
			if dd, s := maxAbsDiff(p.mine.Exp(nil, l, theta), gen.Apply(nil, l, theta)); dd > 1e-13*s {
				t.Errorf("%s: e^{%gA}θ off by %.3g", p.mine.Name, l, dd)
			}
		}
		want := conserved.Charge(p.ref, theta)
		if c := p.mine.Charge(theta); math.Abs(c-want) > 1e-13*p.mine.AbsCharge(theta) {
			t.Errorf("%s: charge %v, conserved.Charge %v", p.mine.Name, c, want)
		}
		if c := conserved.Charge(p.mine, theta); math.Abs(c-want) > 1e-13*p.mine.AbsCharge(theta) {
			t.Errorf("%s: conserved.Charge of the Symmetry %v, want %v", p.mine.Name, c, want)
		}
		if dd, s := maxAbsDiff(p.mine.MulVec(nil, theta), gen.Tangent(nil, theta)); dd > 1e-13*s {
			t.Errorf("%s: Aθ off by %.3g", p.mine.Name, dd)
		}
		_ = d
	}
	if c := pairs[0].mine.Class(); c != ClassOne {
		t.Errorf("double rotation is %v", c)
	}
	if c := pairs[1].mine.Class(); c != ClassOne {
		t.Errorf("rescaling is %v", c)
	}
	if c := pairs[2].mine.Class(); c != ClassTwo {
		t.Errorf("scaling is %v", c)
	}
}

func seq(a, b int) []int {
	s := make([]int, b-a)
	for i := range s {
		s[i] = a + i
	}
	return s
}

// Each standard symmetry leaves its loss unchanged along the whole orbit
// (to rounding), and its tangent Aθ is orthogonal to the gradient.
func TestSymmetriesLeaveLossUnchanged(t *testing.T) {
	lin := linearNet(21, 3, 5, 4, 20)
	B := mat.NewSymDense(5, nil)
	for a := 0; a < 5; a++ {
		B.SetSym(a, a, float64(a)-2)
		if a+1 < 5 {
			B.SetSym(a, a+1, 0.5)
		}
	}
	relu := mlp(22, nn.ReLU, []int{4, 6, 5, 2}, 20, nn.MSE)
	pp := relu.model.Params()
	r1 := pp.Offset("W1")
	unit := Rescaling("relu unit 2 of layer 1", pp.Len(),
		append(seq(r1+2*4, r1+3*4), pp.Offset("b1")+2), colIdx(pp.Offset("W2"), 5, 6, 2))
	cases := []struct {
		p problem
		A *Symmetry
	}{
		{lin, TwoLayerRotation(3, 4, B)},
		{lin, TwoLayerUnit(3, 5, 4, 0)},
		{relu, LayerRescaling(pp, []string{"W2", "b2"}, []string{"W3"})},
		{relu, unit},
	}
	for _, c := range cases {
		o := c.p.obj()
		grad := make([]float64, len(c.p.theta))
		L0 := o.Func(c.p.theta, grad)
		if v := dot(grad, c.A.MulVec(nil, c.p.theta)); math.Abs(v) > 1e-13*math.Sqrt(dot(grad, grad)*dot(c.p.theta, c.p.theta)) {
			t.Errorf("%s: ⟨∇L, Aθ⟩ = %.3g", c.A.Name, v)
		}
		for _, l := range []float64{-1, -0.2, 0.5, 1.3} {
			if L := o.Func(c.A.Exp(nil, l, c.p.theta), nil); math.Abs(L-L0) > 1e-13*L0 {
				t.Errorf("%s: L(e^{%gA}θ) = %v, L(θ) = %v", c.A.Name, l, L, L0)
			}
		}
	}
	// The attention logits X W_Q W_Kᵀ Xᵀ.
	rng := rand.New(rand.NewPCG(23, 1))
	const d, hh = 6, 3
	Wq, Wk := randn(rng, d, hh, 1), randn(rng, d, hh, 1)
	theta := sym.Flatten(nil, Wq, Wk)
	Bq := mat.NewSymDense(hh, []float64{1, 0.3, 0, 0.3, -2, 0.1, 0, 0.1, 0.5})
	A := Attention(len(theta), 0, d*hh, d, Bq)
	if A.Class() != ClassOne {
		t.Errorf("attention is %v", A.Class())
	}
	logits := func(th []float64) *mat.Dense {
		q, k := mat.NewDense(d, hh, nil), mat.NewDense(d, hh, nil)
		sym.Unflatten(th, q, k)
		var out mat.Dense
		out.Mul(q, k.T())
		return &out
	}
	L0 := logits(theta)
	for _, l := range []float64{-0.8, 0.6} {
		if !mat.EqualApprox(logits(A.Exp(nil, l, theta)), L0, 1e-12*mat.Norm(L0, math.Inf(1))) {
			t.Errorf("attention: W_Q W_Kᵀ changed at λ = %g", l)
		}
	}
}

// colIdx returns the indices of column j of an r×c matrix at offset off.
func colIdx(off, r, c, j int) []int {
	idx := make([]int, r)
	for i := range idx {
		idx[i] = off + i*c + j
	}
	return idx
}

// The exact discrete law C' = (1 − ηγ)²C + η²ĝᵀAĝ along SGD runs with and
// without weight decay, at a learning rate large enough that the charge
// moves by several percent: every step agrees to a few ulps of θᵀ|A|θ.
func TestNoetherLawAlongSGD(t *testing.T) {
	p := linearNet(31, 4, 6, 5, 64)
	o := p.obj()
	B := mat.NewSymDense(6, nil)
	for a := 0; a < 6; a++ {
		B.SetSym(a, a, 1)
		B.SetSym(a, (a+1)%6, 0.4)
	}
	for _, A := range []*Symmetry{TwoLayerRotation(4, 5, B), TwoLayerUnit(4, 6, 5, 3)} {
		for _, gamma := range []float64{0, 0.05} {
			theta := append([]float64(nil), p.theta...)
			rule := &optim.GD{LR: 0.2, WeightDecay: gamma}
			tr := &Tracker{A: A, Rule: rule, Every: 50}
			_, err := optim.RunBatch(o.Batch, 64, theta, rule, optim.BatchSettings{
				BatchSize: 4, Steps: 2000, Rand: rand.New(rand.NewPCG(1, 2)), Observers: []optim.Observer{tr},
			})
			if err != nil {
				t.Fatal(err)
			}
			if tr.Checked != 2000 || tr.MaxResidual > 1e-14 {
				t.Errorf("%s, γ = %g: %d steps checked, largest residual %.3g", A.Name, gamma, tr.Checked, tr.MaxResidual)
			}
			if moved := math.Abs(tr.Charge[len(tr.Charge)-1] - tr.Charge[0]); moved < 0.01*A.AbsCharge(theta) {
				t.Errorf("%s, γ = %g: the charge moved only %.3g", A.Name, gamma, moved)
			}
		}
	}
	// conserved.NextCharge agrees on the dense generator.
	A := TwoLayerUnit(4, 6, 5, 1)
	g := make([]float64, len(p.theta))
	o.Batch(p.theta, g, []int{1, 5})
	s := SGD{LR: 0.3, WeightDecay: 0.1}
	C := A.Charge(p.theta)
	if a, b := NextCharge(C, A, g, s), conserved.NextCharge(C, A.Dense(), g, 0.3, 0.1); math.Abs(a-b) > 1e-14*A.AbsCharge(p.theta) {
		t.Errorf("NextCharge %v, conserved.NextCharge %v", a, b)
	}
}

// The expected step of the charge, E[C' − C] = −kC + η²(ḡᵀAḡ + cTr[ΣA]),
// against the exact average over every possible batch: all C(N, S)
// subsets without replacement, all N^S ordered draws with replacement. Both
// are exact, so they agree to rounding.
func TestExpectedStepExact(t *testing.T) {
	p := linearNet(41, 3, 4, 3, 7)
	o := p.obj()
	g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	if err != nil {
		t.Fatal(err)
	}
	A := TwoLayerUnit(3, 4, 3, 2)
	const N = 7
	C := A.Charge(p.theta)
	scale := A.AbsCharge(p.theta)
	grad := make([]float64, len(p.theta))
	for _, s := range []SGD{{LR: 0.1, BatchSize: 3}, {LR: 0.1, BatchSize: 2, Replace: true}, {LR: 0.05, WeightDecay: 0.3, BatchSize: 1}, {LR: 0.1, BatchSize: N}} {
		var batches [][]int
		if s.Replace {
			for a := 0; a < N; a++ {
				for b := 0; b < N; b++ {
					batches = append(batches, []int{a, b})
				}
			}
		} else {
			batches = subsets(N, s.batch())
		}
		var mean float64
		for _, b := range batches {
			o.Batch(p.theta, grad, b)
			mean += NextCharge(C, A, grad, s) - C
		}
		mean /= float64(len(batches))
		d, err := ExpectedStep(A, p.theta, g, s)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(d.Total-mean) > 1e-14*scale {
			t.Errorf("%+v: expected step %v, exact average %v", s, d.Total, mean)
		}
	}
}

func subsets(n, k int) [][]int {
	var out [][]int
	var rec func(start int, cur []int)
	rec = func(start int, cur []int) {
		if len(cur) == k {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for i := start; i < n; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(0, nil)
	return out
}

// Along the orbit, the drift of Orbit (from the gradients at θ alone) equals
// ExpectedStep at θ_λ with per-sample gradients recomputed there, to
// rounding; the equilibrium found by bisection lies where a brute-force scan
// of the recomputed drift changes sign; and moving the starting point along
// its orbit does not move the equilibrium.
func TestEquilibriumAgainstBruteForce(t *testing.T) {
	p := linearNet(51, 4, 5, 4, 50)
	s := SGD{LR: 0.05, BatchSize: 5, WeightDecay: 0.01}
	for _, A := range []*Symmetry{TwoLayerUnit(4, 5, 4, 1), TwoLayerRotation(4, 4, diag(1, -0.5, 0.2, 2, -1))} {
		at := func(theta []float64) (Drift, *Gradients) {
			g, err := PerSample(p.model, theta, p.x, p.y, p.loss)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ExpectedStep(A, theta, g, s)
			if err != nil {
				t.Fatal(err)
			}
			return d, g
		}
		_, g0 := at(p.theta)
		orb, err := NewOrbit(A, p.theta, g0, s)
		if err != nil {
			t.Fatal(err)
		}
		eq, err := orb.Equilibrium()
		if err != nil {
			t.Fatal(err)
		}
		// Brute force: the recomputed drift on a grid around λ*.
		const step = 0.01
		var prev float64
		crossed := math.NaN()
		for i := -40; i <= 40; i++ {
			l := eq.Lambda + step*(float64(i)+0.5)
			d, _ := at(A.Exp(nil, l, p.theta))
			if want := orb.Drift(l); math.Abs(d.Total-want) > 1e-12*(math.Abs(d.Decay)+math.Abs(d.Noise)+math.Abs(d.Mean)) {
				t.Errorf("%s: drift at λ = %.3f: recomputed %v, orbit %v", A.Name, l, d.Total, want)
			}
			if i > -40 && prev > 0 && d.Total <= 0 {
				crossed = l - step/2
			}
			prev = d.Total
		}
		if !(math.Abs(crossed-eq.Lambda) <= step/2+1e-12) {
			t.Errorf("%s: bisection λ* = %v, scan crossed at %v ± %v", A.Name, eq.Lambda, crossed, step/2)
		}
		if d, _ := at(eq.Theta); math.Abs(d.Total) > 1e-10*math.Abs(d.Decay) {
			t.Errorf("%s: drift at θ* is %.3g (decay term %.3g)", A.Name, d.Total, d.Decay)
		}
		// Invariance along the orbit: start from e^{μA}θ.
		for _, mu := range []float64{-0.7, 0.4} {
			moved := A.Exp(nil, mu, p.theta)
			_, gm := at(moved)
			om, err := NewOrbit(A, moved, gm, s)
			if err != nil {
				t.Fatal(err)
			}
			em, err := om.Equilibrium()
			if err != nil {
				t.Fatal(err)
			}
			if dd, sc := maxAbsDiff(em.Theta, eq.Theta); dd > 1e-10*sc || math.Abs(em.Lambda+mu-eq.Lambda) > 1e-10 {
				t.Errorf("%s: from e^{%gA}θ: θ* off by %.3g, λ* %v + μ vs %v", A.Name, mu, dd, em.Lambda, eq.Lambda)
			}
		}
	}
}

func diag(v ...float64) *mat.SymDense {
	S := mat.NewSymDense(len(v), nil)
	for i, x := range v {
		S.SetSym(i, i, x)
	}
	return S
}

// A class-2 symmetry has no equilibrium without weight decay, one with it.
func TestEquilibriumClassTwo(t *testing.T) {
	p := mlp(61, nn.Tanh, []int{3, 5, 2}, 30, nn.MSE)
	A := ParamScaling(p.model.Params(), "W1", "b1")
	g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOrbit(A, p.theta, g, SGD{LR: 0.1, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Equilibrium(); !errors.Is(err, ErrNoEquilibrium) {
		t.Errorf("class 2 without decay: err = %v", err)
	}
	o, err = NewOrbit(A, p.theta, g, SGD{LR: 0.1, BatchSize: 2, WeightDecay: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	eq, err := o.Equilibrium()
	if err != nil {
		t.Fatal(err)
	}
	if d := o.Drift(eq.Lambda); math.Abs(d) > 1e-12*eq.Charge*o.k {
		t.Errorf("drift at λ* = %v is %v", eq.Lambda, d)
	}
}

// The balance matrix of LinearBalance is the expected step of every double
// rotation at once: Tr[B · Scale(Left − Right)] = ExpectedStep for B.
// Equilibrate lands on the orbit point where Left = Right, with the same
// product UV.
func TestLinearBalance(t *testing.T) {
	p := linearNet(71, 4, 6, 3, 80)
	net := p.model.(nn.TwoLayer)
	params := net.Params()
	params.Bind(p.theta)
	U, V := net.UV(params)
	g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []SGD{{LR: 0.1, BatchSize: 4}, {LR: 0.1, BatchSize: 1, Replace: true, WeightDecay: 0.02}} {
		b, err := LinearBalance(U, V, p.x, p.y, p.loss, s)
		if err != nil {
			t.Fatal(err)
		}
		var D mat.Dense
		D.Sub(b.Left, b.Right)
		D.Scale(b.Scale, &D)
		rng := rand.New(rand.NewPCG(7, 7))
		for trial := 0; trial < 3; trial++ {
			B := mat.NewSymDense(6, nil)
			for a := 0; a < 6; a++ {
				for c := a; c < 6; c++ {
					B.SetSym(a, c, rng.NormFloat64())
				}
			}
			A := TwoLayerRotation(4, 3, B)
			d, err := ExpectedStep(A, p.theta, g, s)
			if err != nil {
				t.Fatal(err)
			}
			var BD mat.Dense
			BD.Mul(B, &D)
			if got := mat.Trace(&BD); math.Abs(got-d.Total) > 1e-12*(math.Abs(d.Decay)+math.Abs(d.Noise)+math.Abs(d.Mean)) {
				t.Errorf("%+v: Tr[B·drift] = %v, ExpectedStep %v", s, got, d.Total)
			}
		}
		Us, Vs, err := b.Equilibrate(U, V)
		if err != nil {
			t.Fatal(err)
		}
		var M, Ms mat.Dense
		M.Mul(U, V)
		Ms.Mul(Us, Vs)
		if !mat.EqualApprox(&M, &Ms, 1e-12*mat.Norm(&M, math.Inf(1))) {
			t.Errorf("%+v: Equilibrate changed UV", s)
		}
		bs, err := LinearBalance(Us, Vs, p.x, p.y, p.loss, s)
		if err != nil {
			t.Fatal(err)
		}
		if bs.Residual > 1e-12 || b.Residual < 0.05 {
			t.Errorf("%+v: residual %.3g before, %.3g after Equilibrate", s, b.Residual, bs.Residual)
		}
	}
}

// The closed-form sharpness of the linear net against the trace of the full
// Hessian (hessian.Full through finite differences of the exact gradient,
// accurate to ~1e-10 relative) and Hutchinson's estimate (within 4 standard
// errors).
func TestLinearSharpness(t *testing.T) {
	p := linearNet(81, 3, 4, 5, 30)
	net := p.model.(nn.TwoLayer)
	params := net.Params()
	params.Bind(p.theta)
	U, V := net.UV(params)
	S, err := LinearSharpness(U, V, p.x, p.loss)
	if err != nil {
		t.Fatal(err)
	}
	o := p.obj()
	// The trace of the full Hessian from exact products (hessian.New)
	// against the closed form: equal but for rounding in sums of a few
	// hundred terms, bounded by 1e-12 relative.
	H := mat.Trace(hessian.Full(nil, hessian.New(o, p.theta)))
	if math.Abs(S-H) > 1e-12*S {
		t.Errorf("closed form %v, Tr of the full Hessian %v", S, H)
	}
	est := Hutchinson(o, p.theta, 200, rand.New(rand.NewPCG(1, 1)))
	if math.Abs(est.Mean-S) > 4*est.StdErr {
		t.Errorf("Hutchinson %v ± %v, closed form %v", est.Mean, est.StdErr, S)
	}
}

func TestBatchFactor(t *testing.T) {
	if c := (SGD{BatchSize: 10}).Factor(10); c != 0 {
		t.Errorf("full batch without replacement: c = %v", c)
	}
	if c := (SGD{BatchSize: 4, Replace: true}).Factor(10); c != 0.25 {
		t.Errorf("with replacement: c = %v", c)
	}
	if c := (SGD{}).Factor(10); c != 1 {
		t.Errorf("batch 1: c = %v", c)
	}
}

// Orbit.Steps integrates the mean flow: for D(λ) = c₀ e^{−2λ} (one
// eigenvalue a = 1 with noise and a tiny charge), k = ∫ C′/D dλ has the
// closed form, and Lambda inverts Charge.
func TestOrbitSteps(t *testing.T) {
	G := mat.NewDense(2, 1, []float64{1, -1}) // per-sample gradients ±1: ḡ = 0, Tr Σ = 1
	g := FromMatrix(G)
	A := Scaling("x", 1, []int{0})
	o, err := NewOrbit(A, []float64{2}, g, SGD{LR: 0.1, BatchSize: 1, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	// C(λ) = 4e^{2λ}, D(λ) = η²e^{−2λ}: dk = C′/D dλ = 8e^{4λ}/η² dλ, k = 2(e^{4λ₁} − 1)/η².
	l1 := o.Lambda(8)
	if math.Abs(l1-math.Log(2)/2) > 1e-14 {
		t.Errorf("Lambda(8) = %v, want ln2/2", l1)
	}
	want := 2 * (math.Exp(4*l1) - 1) / 0.01
	if got := o.Steps(0, l1); math.Abs(got-want) > 1e-9*want {
		t.Errorf("Steps = %v, want %v", got, want)
	}
	// The same from ‖θ‖⁴ = ‖θ₀‖⁴ + 2η²Tk with T = ‖θ₀‖² Tr Σ(θ₀) = 4 (the
	// scale-invariant growth): from C = 4 to 8, k = (64 − 16)/(2·0.01·4) = 600.
	if math.Abs(want-600) > 1e-9 {
		t.Errorf("closed form %v, want 600", want)
	}
}

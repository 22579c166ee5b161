package ziyin2024

// Notebook 17: class-2 symmetries and representations. A scale-invariant
// layer (A = I on its weights) has no noise equilibrium: SGD's noise only
// ever increases its norm, which grows like √t, unless weight decay stops
// it at a level the exact law predicts. And in two-layer nets with
// nonlinear activations, SGD aligns the representation's input and noise
// covariances, GD does not.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
)

// NormNet is a tanh network whose hidden layers are normalised, the
// scale-invariant nets of the paper's Fig. 5:
//
//	z_0 = x,  z_l = tanh(√h · n(W_l z_{l−1})),  f(x) = U z_L,  n(v) = v/‖v‖ (per sample),
//
// with parameters "W1" (Hidden×In), "W2", … (Hidden×Hidden) and "U"
// (Out×Hidden). n(cW z) = n(W z) for c > 0, so the loss is invariant under
// W_l → e^λ W_l for each l separately: each W_l carries a class-2 symmetry
// with A = I on its entries and charge ‖W_l‖². Layers = 1 is "Net A",
// Layers = 2 "Net B".
//
// With Head set, U is that fixed matrix (a readout that is not trained)
// and the parameters are the W_l alone.
type NormNet struct {
	In, Hidden, Out, Layers int
	Head                    *mat.Dense
}

// Params returns zero "W1", …, "WL" and, without Head, "U".
func (n NormNet) Params() *nn.Params {
	p := nn.NewParams()
	in := n.In
	for l := 1; l <= n.Layers; l++ {
		p.Add(fmt.Sprintf("W%d", l), n.Hidden, in)
		in = n.Hidden
	}
	if n.Head == nil {
		p.Add("U", n.Out, n.Hidden)
	}
	return p
}

// Init draws every matrix with w.
func (n NormNet) Init(rng *rand.Rand, w nn.Initializer) *nn.Params {
	p := n.Params()
	for i := 0; i < p.Count(); i++ {
		w(rng, p.At(i))
	}
	return p
}

// Forward records f(X) for the samples (columns) of x.
func (n NormNet) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	k := x.Cols()
	ones := make([]float64, n.Hidden)
	for i := range ones {
		ones[i] = math.Sqrt(float64(n.Hidden)) // √h · v/‖v‖
	}
	scale := t.ConstData(n.Hidden, 1, ones)
	z := x
	for l := 0; l < n.Layers; l++ {
		v := t.MatMul(w[l], z)
		norms := t.MatMul(scale, t.ColNorms(v)) // h×k: ‖v_s‖/√h in column s
		z = t.Tanh(t.Div(v, norms))
	}
	_ = k
	if n.Head != nil {
		return t.MatMul(t.Const(n.Head), z)
	}
	return t.MatMul(w[n.Layers], z)
}

func (n NormNet) String() string {
	return fmt.Sprintf("NormNet(%d-%d×%d-%d)", n.In, n.Hidden, n.Layers, n.Out)
}

// ScaleSettings are the settings of ScaleInvariant, the paper's Fig. 5.
// The paper describes its nets only as scale-invariant tanh networks; the
// sizes, data and optimiser are notebook 17's.
type ScaleSettings struct {
	In, Hidden, Out int     // 0 means 5, 5, 1
	Samples         int     // 0 means 500
	Noise           float64 // σ of the teacher's targets; 0 means 0.5
	LR              float64 // SGD's η; 0 means 0.05
	GDLR            float64 // GD's η; 0 means 0.1
	GDSteps         int     // GD's steps to the minimum θ_min (it stops earlier at ‖∇L‖ ≤ 1e-7); 0 means 20000
	Steps           int     // 0 means 100000
	Seeds           int     // SGD runs without decay, per net; 0 means 6
	Decay           float64 // γ of the weight-decay runs; 0 means 1e-4
	InitScale       float64 // the weights of W_l are drawn ×InitScale; 0 means 2
}

// Fast returns the preset of the tests: 20 000 steps, 4 seeds.
func (s ScaleSettings) Fast() ScaleSettings {
	s.Steps = 20000
	s.Seeds = 4
	return s
}

func (s ScaleSettings) withDefaults() ScaleSettings {
	if s.In == 0 {
		s.In = 5
	}
	if s.Hidden == 0 {
		s.Hidden = 5
	}
	if s.Out == 0 {
		s.Out = 1
	}
	if s.Samples == 0 {
		s.Samples = 500
	}
	if s.Noise == 0 {
		s.Noise = 0.5
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.GDLR == 0 {
		s.GDLR = 0.1
	}
	if s.GDSteps == 0 {
		s.GDSteps = 20000
	}
	if s.Steps == 0 {
		s.Steps = 100000
	}
	if s.Seeds == 0 {
		s.Seeds = 6
	}
	if s.Decay == 0 {
		s.Decay = 1e-4
	}
	if s.InitScale == 0 {
		s.InitScale = 2
	}
	return s
}

// NormRun is the charge C = Σ_l ‖W_l‖² along one run.
type NormRun struct {
	Name   string
	Seed   int
	Step   []int
	Charge []float64 // C = Σ_l ‖W_l‖²
	// Law is the largest residual of C' = (1 − ηγ)²C + η²‖ĝ_W‖² relative to C.
	Law   float64
	Final []float64 // θ at the end
}

// ScaleNet holds one net's runs.
type ScaleNet struct {
	Name   string // "Net A" or "Net B"
	Layers int
	GD     NormRun   // full batch from the init, to the minimum θ_min
	SGD    []NormRun // from θ_min, without weight decay, one per seed
	Decay  NormRun   // from θ_min, with weight decay γ (seed 0)
	// T is C·E‖ĝ_W‖² at θ_min (one sample per step: the mean of the
	// per-sample ‖g_s,W‖² over the N samples): the noise of the normalised
	// weights at unit scale, which does not change with C.
	T      float64
	LayerT []float64 // T_l = C_l · E‖ĝ_{W_l}‖² of each normalised layer; T is their sum
	// Exponent is half the slope of log(C² − C₀²) against log k over the
	// last decade of the steps, per seed (C ~ k^Exponent once C² ≫ C₀²),
	// with its mean and 95% interval over seeds: ½ when T stays constant.
	Exponent         []float64
	ExpMean, ExpCI95 float64
	PredictedC       []float64 // √(C₀² + 2η²Tk) at the SGD records
	EndC, EndCCI95   float64   // C at the end of the SGD runs, mean and 95% interval over seeds
	// PredictedLevel is the equilibrium C* = η √(T / k), k = 1 − (1 − ηγ)², of
	// the mean law with decay, and PredictedDecay its solution from C₀ at
	// the decay run's records, C_k² = C*² + (C₀² − C*²) e^{−2kk}; DecayEnd is
	// the decay run's C at its end and PredictedEnd the curve's.
	PredictedLevel, DecayEnd, PredictedEnd float64
	PredictedDecay                         []float64
	GDChange                               float64 // max |C − C(0)| / C(0) along GD
	GDSteps                                int     // steps GD took
	GDGrad                                 float64 // ‖∇L‖ where it stopped
	// TEnd is T at the end of the first SGD run: how far the noise at unit
	// scale drifted from the minimum's, the systematic error of the
	// predictions that hold T fixed.
	TEnd float64
}

// ScaleResult holds Fig. 5.
type ScaleResult struct {
	Settings ScaleSettings
	Nets     []ScaleNet
}

// scaleData returns a teacher NormNet's outputs on x ~ N(0, I) plus σε,
// and the teacher's readout U.
func scaleData(s ScaleSettings, layers int) (x, y, head *mat.Dense) {
	rng := rand.New(rand.NewPCG(uint64(layers), 17))
	teacher := NormNet{In: s.In, Hidden: s.Hidden, Out: s.Out, Layers: layers}
	tp := teacher.Init(rng, nn.LeCunNormal)
	x = mat.NewDense(s.In, s.Samples, nil)
	for i := 0; i < s.In; i++ {
		for j := 0; j < s.Samples; j++ {
			x.Set(i, j, rng.NormFloat64())
		}
	}
	y = nn.Predict(teacher, tp, x)
	for i := 0; i < s.Out; i++ {
		for j := 0; j < s.Samples; j++ {
			y.Set(i, j, y.At(i, j)+s.Noise*rng.NormFloat64())
		}
	}
	return x, y, mat.DenseCopyOf(tp.M("U"))
}

// chargeObserver records C = ‖θ[:nW]‖² every `every` steps and checks the
// exact law C' = (1 − ηγ)²C + η²‖ĝ_W‖² at every step.
func chargeObserver(r *NormRun, nW, every int, lr, decay float64) optim.Observer {
	var pred float64
	return optim.ObserverFunc(func(st *optim.State) {
		C := sqNorm(st.Theta[:nW])
		if st.Step > 0 {
			r.Law = max(r.Law, math.Abs(C-pred)/C)
		}
		a := 1 - lr*decay
		pred = a*a*C + lr*lr*sqNorm(st.Grad[:nW])
		if st.Step%every == 0 || st.Done {
			r.Step = append(r.Step, st.Step)
			r.Charge = append(r.Charge, C)
		}
	})
}

// ScaleInvariant reproduces the paper's Fig. 5: Net A (one normalised tanh
// layer) and Net B (two), NormNet with In, Hidden, Out, trained on a
// teacher NormNet of the same shape plus noise σ (nn.MSE), from LeCun-normal
// weights with the normalised layers scaled by InitScale and the teacher's
// readout U as a fixed head (trained, U would change the noise of the W_l
// at unit scale as it grows, and with it the exponent). For each net, GD
// (full batch, η = GDLR) descends from the init towards a minimum θ_min
// (GDSteps steps, or until ‖∇L‖ ≤ 1e-7); from θ_min, Seeds SGD runs (one sample
// per step, shuffled epochs) and one SGD run with decoupled weight decay
// γ = Decay on every weight run Steps steps. Every run records the charge
// C = Σ_l ‖W_l‖² of the scale symmetries and checks its exact law.
//
// Each layer's symmetry has its own charge C_l = ‖W_l‖² and exact law
// C_l' = (1 − ηγ)²C_l + η²‖ĝ_{W_l}‖², and scale invariance gives
// ‖ĝ_{W_l}‖² = T_l/C_l with T_l the noise of layer l at unit scale, computed
// at θ_min from the per-sample gradients. Without decay the expected growth
// is dC_l/dk = η²T_l/C_l, so C_l ≈ √(C_l0² + 2η²T_l k): each charge, and
// their sum C, grows like √k (SGD starts at a minimum, so that T_l stays
// that of the minimum). GD's C changes only by η²‖ḡ_W‖² per step, which dies
// with the gradient. With decay the expected change −kC_l + η²T_l/C_l
// vanishes at C_l* = η√(T_l/k), and the mean law
// d(C_l²)/dk = −2kC_l² + 2η²T_l gives C_l² = C_l*² + (C_l0² − C_l*²)e^{−2kk}.
func ScaleInvariant(s ScaleSettings) (*ScaleResult, error) {
	s = s.withDefaults()
	if s.In <= 0 || s.Hidden <= 0 || s.Out <= 0 || s.Samples <= 0 || !(s.LR > 0) || s.Steps < 100 || s.Seeds < 2 || !(s.Decay > 0) {
		return nil, fmt.Errorf("ziyin2024: ScaleInvariant: invalid settings %+v", s)
	}
	res := &ScaleResult{Settings: s}
	every := max(s.Steps/500, 1)
	nets, err := par.MapErr(2, func(li int) (ScaleNet, error) {
		layers := li + 1
		x, y, head := scaleData(s, layers)
		net := NormNet{In: s.In, Hidden: s.Hidden, Out: s.Out, Layers: layers, Head: head}
		p0 := net.Init(rand.New(rand.NewPCG(0, 5)), nn.LeCunNormal)
		nW := 0 // W1, …, WL come first in θ
		var bounds []int
		for l := 1; l <= layers; l++ {
			w := p0.M(fmt.Sprintf("W%d", l))
			w.Scale(s.InitScale, w)
			r, c := w.Dims()
			bounds = append(bounds, nW)
			nW += r * c
		}
		bounds = append(bounds, nW)
		sn := ScaleNet{Name: map[int]string{1: "Net A", 2: "Net B"}[layers], Layers: layers}
		obj := nn.NewObjective(net, x, y, nn.MSE)
		thetaMin := append([]float64(nil), p0.Vec()...)
		sn.GD = NormRun{Name: "GD"}
		gdRes, err := optim.Run(obj.Func, thetaMin, &optim.GD{LR: s.GDLR}, optim.Settings{Steps: s.GDSteps, GradTol: 1e-7,
			Observers: []optim.Observer{chargeObserver(&sn.GD, nW, every, s.GDLR, 0)}})
		if err != nil {
			return sn, fmt.Errorf("%s: GD: %w", sn.Name, err)
		}
		sn.GDSteps, sn.GDGrad = gdRes.Steps, gdRes.GradNorm
		c0 := sn.GD.Charge[0]
		for _, c := range sn.GD.Charge {
			sn.GDChange = max(sn.GDChange, math.Abs(c-c0)/c0)
		}
		// T_l at θ_min for each layer: C_l · (1/N) Σ_s ‖g_s,W_l‖², the
		// per-sample gradients one batch of one sample at a time (the model
		// is not one noise.PerSample knows).
		sn.LayerT = layerNoise(obj, thetaMin, bounds, s.Samples)
		cl := make([]float64, layers)
		for l := range cl {
			cl[l] = sqNorm(thetaMin[bounds[l]:bounds[l+1]])
			sn.T += sn.LayerT[l]
		}
		type job struct {
			seed  int
			decay float64
		}
		jobs := make([]job, 0, s.Seeds+1)
		for i := 0; i < s.Seeds; i++ {
			jobs = append(jobs, job{i, 0})
		}
		jobs = append(jobs, job{0, s.Decay})
		runs, err := par.MapErr(len(jobs), func(i int) (NormRun, error) {
			j := jobs[i]
			theta := append([]float64(nil), thetaMin...)
			o := nn.NewObjective(net, x, y, nn.MSE)
			r := NormRun{Name: "SGD", Seed: j.seed}
			if j.decay > 0 {
				r.Name = fmt.Sprintf("SGD, γ = %g", j.decay)
			}
			_, err := optim.RunBatch(o.Batch, s.Samples, theta, &optim.GD{LR: s.LR, WeightDecay: j.decay}, optim.BatchSettings{
				BatchSize: 1, Steps: s.Steps, Rand: rand.New(rand.NewPCG(uint64(j.seed), 31)),
				Observers: []optim.Observer{chargeObserver(&r, nW, every, s.LR, j.decay)}})
			r.Final = theta
			return r, err
		})
		if err != nil {
			return sn, fmt.Errorf("%s: %w", sn.Name, err)
		}
		sn.SGD, sn.Decay = runs[:s.Seeds], runs[s.Seeds]
		sn.TEnd = noiseAtUnitScale(obj, sn.SGD[0].Final, bounds, s.Samples)
		var ends []float64
		for _, r := range sn.SGD {
			sn.Exponent = append(sn.Exponent, lastDecadeSlope(r.Step, r.Charge)/2)
			ends = append(ends, r.Charge[len(r.Charge)-1])
		}
		sn.ExpMean, sn.ExpCI95 = meanCI(sn.Exponent)
		sn.EndC, sn.EndCCI95 = meanCI(ends)
		for _, k := range sn.SGD[0].Step {
			var c float64
			for l := range cl {
				c += math.Sqrt(cl[l]*cl[l] + 2*s.LR*s.LR*sn.LayerT[l]*float64(k))
			}
			sn.PredictedC = append(sn.PredictedC, c)
		}
		a := 1 - s.LR*s.Decay
		shrink := 1 - a*a
		for l := range cl {
			sn.PredictedLevel += s.LR * math.Sqrt(sn.LayerT[l]/shrink)
		}
		for _, k := range sn.Decay.Step {
			var c float64
			for l := range cl {
				c2 := s.LR * s.LR * sn.LayerT[l] / shrink
				c += math.Sqrt(c2 + (cl[l]*cl[l]-c2)*math.Exp(-2*shrink*float64(k)))
			}
			sn.PredictedDecay = append(sn.PredictedDecay, c)
		}
		sn.DecayEnd = sn.Decay.Charge[len(sn.Decay.Charge)-1]
		sn.PredictedEnd = sn.PredictedDecay[len(sn.PredictedDecay)-1]
		return sn, nil
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: ScaleInvariant: %w", err)
	}
	res.Nets = nets
	return res, nil
}

// layerNoise returns T_l = C_l · (1/N) Σ_s ‖g_s,W_l‖² for the layers whose
// entries are θ[bounds[l]:bounds[l+1]].
func layerNoise(obj *nn.Objective, theta []float64, bounds []int, n int) []float64 {
	g := make([]float64, len(theta))
	m := make([]float64, len(bounds)-1)
	for k := 0; k < n; k++ {
		obj.Batch(theta, g, []int{k})
		for l := range m {
			m[l] += sqNorm(g[bounds[l]:bounds[l+1]]) / float64(n)
		}
	}
	for l := range m {
		m[l] *= sqNorm(theta[bounds[l]:bounds[l+1]])
	}
	return m
}

// noiseAtUnitScale returns Σ_l T_l at theta.
func noiseAtUnitScale(obj *nn.Objective, theta []float64, bounds []int, n int) float64 {
	var t float64
	for _, v := range layerNoise(obj, theta, bounds, n) {
		t += v
	}
	return t
}

func sqNorm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return s
}

// lastDecadeSlope fits log(C² − C₀²) = a + b log k over the records with k
// in the last decade [K/10, K] (and C > C₀) and returns b.
func lastDecadeSlope(step []int, c []float64) float64 {
	K := step[len(step)-1]
	var xs, ys []float64
	for i, k := range step {
		if d := c[i]*c[i] - c[0]*c[0]; k >= K/10 && k > 0 && d > 0 {
			xs = append(xs, math.Log(float64(k)))
			ys = append(ys, math.Log(d))
		}
	}
	b, _ := fitLine(xs, ys)
	return b
}

// AlignmentSettings are the settings of Alignment, the paper's Fig. 6. The
// paper names tanh (and ReLU and swish) two-layer autoencoders; the sizes,
// data and optimiser are notebook 17's.
type AlignmentSettings struct {
	Dim, Hidden int      // 0 means 10, 10
	Samples     int      // 0 means 500
	Noise       float64  // σ of y = x + σε; 0 means 0.5
	Acts        []string // nn activation names; nil means tanh, relu, swish
	LR          float64  // 0 means 0.05
	Steps       int      // SGD steps; 0 means 100000
	GDSteps     int      // GD steps (full batch); 0 means 20000
	Tilt        float64  // the init's U is multiplied by e^t and V by e^{−t}; 0 means ln 2
}

// Fast returns the preset of the tests: linear and ReLU, 30 000 SGD and
// 5000 GD steps.
func (s AlignmentSettings) Fast() AlignmentSettings {
	s.Acts = []string{"linear", "relu"}
	s.Steps = 30000
	s.GDSteps = 5000
	return s
}

func (s AlignmentSettings) withDefaults() AlignmentSettings {
	if s.Dim == 0 {
		s.Dim = 10
	}
	if s.Hidden == 0 {
		s.Hidden = 10
	}
	if s.Samples == 0 {
		s.Samples = 500
	}
	if s.Noise == 0 {
		s.Noise = 0.5
	}
	if s.Acts == nil {
		s.Acts = []string{"linear", "relu", "tanh", "swish"}
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.Steps == 0 {
		s.Steps = 200000
	}
	if s.GDSteps == 0 {
		s.GDSteps = 20000
	}
	if s.Tilt == 0 {
		s.Tilt = math.Ln2
	}
	return s
}

// AlignmentRow is one activation.
type AlignmentRow struct {
	Act string
	// Cosine similarity ⟨P, R⟩/(‖P‖‖R‖) of P = V Σ̄ₓ Vᵀ and R = Uᵀ Σ̄_r U along
	// SGD and GD (at the records Step, GD's up to GDSteps), Σ̄ₓ = E[xxᵀ] and
	// Σ̄_r = E[rrᵀ] the second moment of the residual r = f(x) − y at that point.
	Step, GDStep []int
	SGD, GD      []float64
	// SGDEnd is SGD's alignment averaged over the last half, GDEnd GD's at
	// its end.
	SGDEnd, GDEnd float64
}

// AlignmentResult holds Fig. 6.
type AlignmentResult struct {
	Settings AlignmentSettings
	Rows     []AlignmentRow
}

func activation(name string) (nn.Activation, error) {
	for _, a := range []nn.Activation{nn.Tanh, nn.ReLU, nn.Swish, nn.Linear, nn.Sigmoid} {
		if a.Name == name {
			return a, nil
		}
	}
	return nn.Activation{}, fmt.Errorf("ziyin2024: unknown activation %q", name)
}

// alignment returns the cosine similarity of V Σ̄ₓ Vᵀ and Uᵀ Σ̄_ε U with
// the noise-weighted second moments Σ̄ₓ = E[‖r‖²xxᵀ] and Σ̄_ε = E[‖x‖²rrᵀ]
// (the Γ_V and Γ_U of noise.LinearBalance for one sample per step, whose
// scale does not matter here).
func alignment(net nn.TwoLayer, theta []float64, x, y *mat.Dense) float64 {
	p := net.Params()
	p.Bind(theta)
	U, V := net.UV(p)
	var r mat.Dense
	r.Sub(nn.Predict(net, p, x), y)
	_, n := x.Dims()
	rn, xn := make([]float64, n), make([]float64, n)
	for j := 0; j < n; j++ {
		rn[j], xn[j] = sqColNorm(&r, j), sqColNorm(x, j)
	}
	sx := weightedGramDense(x, rn)
	sr := weightedGramDense(&r, xn)
	P := sandwichDense(V, sx, false)
	R := sandwichDense(U, sr, true)
	return mat.Sum(mulElem(P, R)) / (mat.Norm(P, 2) * mat.Norm(R, 2))
}

// weightedGramDense returns A diag(w) Aᵀ / N.
func weightedGramDense(a *mat.Dense, w []float64) *mat.Dense {
	r, n := a.Dims()
	aw := mat.NewDense(r, n, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < n; j++ {
			aw.Set(i, j, a.At(i, j)*w[j])
		}
	}
	var g mat.Dense
	g.Mul(aw, a.T())
	g.Scale(1/float64(n), &g)
	return &g
}

func sqColNorm(a *mat.Dense, j int) float64 {
	r, _ := a.Dims()
	var s float64
	for i := 0; i < r; i++ {
		s += a.At(i, j) * a.At(i, j)
	}
	return s
}

// sandwichDense returns V G Vᵀ, or Uᵀ G U when trans.
func sandwichDense(a, g *mat.Dense, trans bool) *mat.Dense {
	var t, out mat.Dense
	if trans {
		t.Mul(a.T(), g)
		out.Mul(&t, a)
	} else {
		t.Mul(a, g)
		out.Mul(&t, a.T())
	}
	return &out
}

// Alignment reproduces the paper's Fig. 6: two-layer autoencoders
// f(x) = U σ(V x) (nn.TwoLayer, d-h-d) learning y = x + σε from samples
// x ~ N(0, Σₓ), Σₓ = diag(1, …, 1/d) (the variances 1/i), with nn.MSE, by
// SGD (one sample per step) and GD (full batch), from one Xavier-normal
// init tilted to (e^t U, e^{−t} V). For σ linear the noise equilibrium is
// V Γ_V Vᵀ = Uᵀ Γ_U U with Γ_V ≈ E‖r‖² Σₓ and Γ_U ≈ E‖x‖² Σ_r when r and x
// are nearly independent (notebook 15): the representation's input
// covariance V Σₓ Vᵀ and its noise covariance Uᵀ Σ_r U align. The paper
// finds the same alignment for nonlinear σ under SGD, not under GD; it is
// measured by their cosine similarity (1: proportional).
func Alignment(s AlignmentSettings) (*AlignmentResult, error) {
	s = s.withDefaults()
	if s.Dim <= 0 || s.Hidden <= 0 || s.Samples <= 0 || !(s.LR > 0) || s.Steps <= 0 || s.GDSteps <= 0 {
		return nil, fmt.Errorf("ziyin2024: Alignment: invalid settings %+v", s)
	}
	rng := rand.New(rand.NewPCG(6, 2024))
	x, y := mat.NewDense(s.Dim, s.Samples, nil), mat.NewDense(s.Dim, s.Samples, nil)
	for i := 0; i < s.Dim; i++ {
		sd := 1 / math.Sqrt(float64(i+1))
		for j := 0; j < s.Samples; j++ {
			v := sd * rng.NormFloat64()
			x.Set(i, j, v)
			y.Set(i, j, v+s.Noise*rng.NormFloat64())
		}
	}
	every := max(s.Steps/200, 1)
	rows, err := par.MapErr(2*len(s.Acts), func(k int) (AlignmentRow, error) {
		act, err := activation(s.Acts[k/2])
		if err != nil {
			return AlignmentRow{}, err
		}
		gd := k%2 == 1
		net := nn.TwoLayer{In: s.Dim, Hidden: s.Hidden, Out: s.Dim, Act: act}
		p := net.Init(rand.New(rand.NewPCG(0, 7)), nn.XavierNormal)
		U, V := net.UV(p)
		U.Scale(math.Exp(s.Tilt), U)
		V.Scale(math.Exp(-s.Tilt), V)
		obj := nn.NewObjective(net, x, y, nn.MSE)
		row := AlignmentRow{Act: act.Name}
		steps, bs, ev := s.Steps, 1, every
		if gd {
			steps, bs, ev = s.GDSteps, s.Samples, max(s.GDSteps/200, 1)
		}
		obs := optim.Every(ev, func(st *optim.State) {
			a := alignment(net, st.Theta, x, y)
			if gd {
				row.GDStep, row.GD = append(row.GDStep, st.Step), append(row.GD, a)
			} else {
				row.Step, row.SGD = append(row.Step, st.Step), append(row.SGD, a)
			}
		})
		_, err = optim.RunBatch(obj.Batch, s.Samples, p.Vec(), &optim.GD{LR: s.LR}, optim.BatchSettings{
			BatchSize: bs, Steps: steps, Rand: rand.New(rand.NewPCG(uint64(k), 37)), Observers: []optim.Observer{obs}})
		return row, err
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: Alignment: %w", err)
	}
	res := &AlignmentResult{Settings: s}
	for i := range s.Acts {
		r := rows[2*i]
		g := rows[2*i+1]
		r.GDStep, r.GD = g.GDStep, g.GD
		var sum float64
		var cnt int
		for j, st := range r.Step {
			if st >= s.Steps/2 {
				sum += r.SGD[j]
				cnt++
			}
		}
		r.SGDEnd = sum / float64(cnt)
		r.GDEnd = r.GD[len(r.GD)-1]
		res.Rows = append(res.Rows, r)
	}
	return res, nil
}

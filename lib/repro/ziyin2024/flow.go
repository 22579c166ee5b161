package ziyin2024

// Notebook 14: the Noether flow. Gradient flow conserves the charge
// C = θᵀAθ of an exponential symmetry; one step of GD or SGD changes it by
// exactly η²ĝᵀAĝ; for GD that vanishes with the gradient at a minimum, for
// SGD the noise keeps it at η²c Tr[ΣA] on average.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/stats"
)

// identity returns I_n as a symmetric matrix.
func identity(n int) *mat.SymDense {
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		s.SetSym(i, i, 1)
	}
	return s
}

// TraceCharge returns the double rotation with B = I of the problem's net,
// (U, V) → (e^λ U, e^{−λ} V), whose charge is C = Tr Q = ‖U‖² − ‖V‖².
func (l Linear) TraceCharge() *noise.Symmetry {
	l = l.withDefaults()
	A := noise.TwoLayerRotation(l.Dim, l.Dim, identity(l.Hidden))
	A.Name = "Tr Q = ‖U‖² − ‖V‖²"
	return A
}

// tiltedInit is the Xavier-normal init of seed moved along the orbit of
// TraceCharge to (e^t U, e^{−t} V): the same function, a larger charge.
func (l Linear) tiltedInit(seed uint64, tilt float64) []float64 {
	theta := l.Init(seed, nn.XavierNormal, 0)
	return l.TraceCharge().Exp(theta, tilt, theta)
}

// LawSettings are the settings of Law. The zero value is the set-up of
// notebook 14 (the paper prints no such run; see LawResult).
type LawSettings struct {
	Problem   Linear  // zero: the 30-40-30 net on 1000 samples of y = x + ε
	Tilt      float64 // the init is Xavier's moved to (e^t U, e^{−t} V); 0 means ln 2
	LR        float64 // η; 0 means 0.05
	BatchSize int     // SGD's S (without replacement); 0 means 1
	Steps     int     // SGD steps; 0 means 20000
	Seed      uint64  // init and batches
}

// Fast returns the preset of the short tests: 100 samples, 2000 steps.
func (s LawSettings) Fast() LawSettings {
	s.Problem.Samples = 100
	s.Steps = 2000
	return s
}

func (s LawSettings) withDefaults() LawSettings {
	s.Problem = s.Problem.withDefaults()
	if s.Tilt == 0 {
		s.Tilt = math.Ln2
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.BatchSize == 0 {
		s.BatchSize = 1
	}
	if s.Steps == 0 {
		s.Steps = 20000
	}
	return s
}

// ChargeRun is the charge along one run, with the check of the exact law.
type ChargeRun struct {
	Name      string
	LR        float64
	BatchSize int // N for GD
	Step      []int
	Time      []float64 // kη
	Charge    []float64 // C = Tr Q
	Loss      []float64 // loss of the step's batch
	Steps     int       // steps taken
	// Checked steps and the largest residual of C' = C + η²ĝᵀAĝ relative to
	// θᵀ|A|θ (noise.Tracker).
	Checked     int
	MaxResidual float64
	Drift       float64 // C at the end − C at the start
}

// LawResult holds the runs of Law.
type LawResult struct {
	Settings LawSettings // with the defaults filled in
	// Runs are GD at η, GD at η/2 (both full batch, to the time Steps·η
	// or until ‖∇L‖ ≤ 1e-9, at a minimum) and SGD at η.
	Runs []ChargeRun
}

// Law runs gradient descent and SGD on the Linear problem from one init
// (Xavier normal, moved along the orbit of C = Tr Q to make it unbalanced)
// and records the charge C = ‖U‖² − ‖V‖² of the symmetry (U, V) →
// (e^λU, e^{−λ}V), checking the exact law C' = C + η²ĝᵀAĝ at every step
// (noise.Tracker). GD changes C by η²ḡᵀAḡ per step, which dies with the
// gradient: its total change is O(η) (GD at η/2 changes it half as much)
// and stops at the minimum. SGD changes it by η²ĝᵀAĝ, whose mean
// η²(ḡᵀAḡ + cTr[ΣA]) does not vanish at a minimum: its charge keeps moving,
// to the noise equilibrium (notebook 15).
func Law(s LawSettings) (*LawResult, error) {
	s = s.withDefaults()
	p := s.Problem
	if err := p.check("Law"); err != nil {
		return nil, err
	}
	x, y := p.Data()
	theta0 := p.tiltedInit(s.Seed, s.Tilt)
	A := p.TraceCharge()
	type job struct {
		name  string
		lr    float64
		batch int
	}
	jobs := []job{{"GD", s.LR, 0}, {"GD, η/2", s.LR / 2, 0}, {"SGD", s.LR, s.BatchSize}}
	runs, err := par.MapErr(len(jobs), func(i int) (ChargeRun, error) {
		j := jobs[i]
		obj := nn.NewObjective(p.Net(), x, y, nn.MSE) // one per goroutine
		th := append([]float64(nil), theta0...)
		rule := &optim.GD{LR: j.lr}
		every := max(s.Steps/400, 1)
		tr := &noise.Tracker{A: A, Rule: rule, Every: every}
		rec := optim.NewRecorder(every).Add("loss", optim.Loss)
		obs := []optim.Observer{tr, rec}
		var res optim.Result
		var err error
		if j.batch == 0 {
			// The same time horizon Steps·η for both learning rates.
			res, err = optim.Run(obj.Func, th, rule, optim.Settings{Steps: int(math.Round(float64(s.Steps) * s.LR / j.lr)), GradTol: 1e-9, Observers: obs})
			j.batch = p.Samples
		} else {
			res, err = optim.RunBatch(obj.Batch, p.Samples, th, rule, optim.BatchSettings{
				BatchSize: j.batch, Steps: s.Steps, Rand: rand.New(rand.NewPCG(s.Seed, 11)), Observers: obs})
		}
		if err != nil {
			return ChargeRun{}, fmt.Errorf("ziyin2024: Law: %s: %w", j.name, err)
		}
		r := ChargeRun{Name: j.name, LR: j.lr, BatchSize: j.batch, Step: tr.Step, Charge: tr.Charge,
			Loss: rec.Series("loss"), Steps: res.Steps, Checked: tr.Checked, MaxResidual: tr.MaxResidual}
		for _, k := range r.Step {
			r.Time = append(r.Time, float64(k)*j.lr)
		}
		r.Drift = r.Charge[len(r.Charge)-1] - r.Charge[0]
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return &LawResult{Settings: s, Runs: runs}, nil
}

// DriftSettings are the settings of DriftRate. The zero value is notebook
// 14's set-up.
type DriftSettings struct {
	Problem   Linear  // zero: the 30-40-30 net on 1000 samples
	Tilt      float64 // as in LawSettings; 0 means ln 2
	LR        float64 // 0 means 0.05
	BatchSize int     // 0 means 1
	Steps     int     // SGD steps per seed; 0 means 100
	Seeds     int     // 0 means 24
}

// Fast returns the preset of the short tests: d = 10 (width 14) on 100
// samples, 16 seeds of 50 steps.
func (s DriftSettings) Fast() DriftSettings {
	s.Problem = Linear{Dim: 10, Hidden: 14, Samples: 100}
	s.Steps = 50
	s.Seeds = 16
	return s
}

func (s DriftSettings) withDefaults() DriftSettings {
	s.Problem = s.Problem.withDefaults()
	if s.Tilt == 0 {
		s.Tilt = math.Ln2
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.BatchSize == 0 {
		s.BatchSize = 1
	}
	if s.Steps == 0 {
		s.Steps = 100
	}
	if s.Seeds == 0 {
		s.Seeds = 24
	}
	return s
}

// DriftResult compares the measured drift of the charge under SGD with the
// predicted one, at a minimum where gradient descent no longer moves it.
type DriftResult struct {
	Settings DriftSettings
	Start    noise.Drift // the expected step at the minimum θ_min, by terms
	GDStep   float64     // η²ḡᵀAḡ at θ_min: what a GD step does there

	Measured  []float64 // per seed: (C_K − C_0)/K, the mean change per step
	Predicted []float64 // per seed: (1/K) Σ_k E[C_{k+1} − C_k | θ_k] over the states it visited
	MeanRate  float64   // mean of Measured
	CI95      float64   // half-width of its 95% interval over seeds, t₀.₉₇₅ sd/√seeds
	MeanPred  float64   // mean of Predicted
	// Diff is the mean of Measured − Predicted, seed by seed, and DiffCI95
	// the half-width of its 95% interval: the test of the prediction.
	Diff, DiffCI95 float64
}

// DriftRate measures the Noether flow's mean rate. It descends the Linear
// problem by full-batch GD from the tilted init to a minimum θ_min
// (‖∇L‖ ≤ 1e-9), where a GD step changes C = Tr Q by η²ḡᵀAḡ ≈ 0, then runs
// Seeds independent SGD runs of Steps steps from θ_min, each batch drawn
// with replacement (noise.WithReplacement), so that given θ_k the batch is
// independent of the past (in shuffled epochs it is not: the samples used
// earlier in the epoch, which moved θ, are excluded). The measured rate of
// each run is (C_K − C_0)/K; the prediction is the expected step
// E[C' − C | θ] = η²(ḡᵀAḡ + c Tr[ΣA]) (noise.ExpectedStep, from the
// per-sample gradients at every state of every run) averaged over the
// run's K steps. C_K − C_0 − Σ_k E[ΔC_k | θ_k] is a sum of martingale
// increments with mean zero, so Measured − Predicted has mean zero: the
// interval over seeds of that difference is the test. (The expected step
// grows quickly once SGD leaves the minimum, so a prediction at θ_min alone,
// Start, is not the rate of the run.)
func DriftRate(s DriftSettings) (*DriftResult, error) {
	s = s.withDefaults()
	p := s.Problem
	if err := p.check("DriftRate"); err != nil {
		return nil, err
	}
	x, y := p.Data()
	net := p.Net()
	A := p.TraceCharge()
	obj := nn.NewObjective(net, x, y, nn.MSE)
	theta := p.tiltedInit(0, s.Tilt)
	if _, err := optim.Run(obj.Func, theta, &optim.GD{LR: s.LR}, optim.Settings{Steps: 200000, GradTol: 1e-9}); err != nil {
		return nil, fmt.Errorf("ziyin2024: DriftRate: GD to the minimum: %w", err)
	}
	sgd := noise.SGD{LR: s.LR, BatchSize: s.BatchSize, Replace: true}
	g, err := noise.PerSample(net, theta, x, y, nn.MSE)
	if err != nil {
		return nil, err
	}
	res := &DriftResult{Settings: s}
	if res.Start, err = noise.ExpectedStep(A, theta, g, sgd); err != nil {
		return nil, err
	}
	res.GDStep = res.Start.Mean
	type seedOut struct{ rate, pred float64 }
	outs, err := par.MapErr(s.Seeds, func(i int) (seedOut, error) {
		th := append([]float64(nil), theta...)
		o := nn.NewObjective(net, x, y, nn.MSE)
		var out seedOut
		var perr error
		obs := optim.ObserverFunc(func(st *optim.State) {
			if st.Done || perr != nil {
				return
			}
			gs, err := noise.PerSample(net, st.Theta, x, y, nn.MSE)
			if err != nil {
				perr = err
				return
			}
			d, err := noise.ExpectedStep(A, st.Theta, gs, sgd)
			if err != nil {
				perr = err
				return
			}
			out.pred += d.Total / float64(s.Steps)
		})
		c0 := A.Charge(th)
		rng := rand.New(rand.NewPCG(uint64(i), 13))
		_, err := optim.RunBatch(noise.WithReplacement(o.Batch, p.Samples, rng), p.Samples, th, &optim.GD{LR: s.LR}, optim.BatchSettings{
			BatchSize: s.BatchSize, Steps: s.Steps, Observers: []optim.Observer{obs}})
		if err == nil {
			err = perr
		}
		out.rate = (A.Charge(th) - c0) / float64(s.Steps)
		return out, err
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: DriftRate: %w", err)
	}
	diff := make([]float64, len(outs))
	for i, o := range outs {
		res.Measured = append(res.Measured, o.rate)
		res.Predicted = append(res.Predicted, o.pred)
		diff[i] = o.rate - o.pred
	}
	res.MeanRate, res.CI95 = meanCI(res.Measured)
	res.MeanPred = stat.Mean(res.Predicted, nil)
	res.Diff, res.DiffCI95 = meanCI(diff)
	return res, nil
}

// meanCI returns the mean of v over independent seeds and the half-width
// of its 95% interval, Student's t with n − 1 degrees of freedom
// (stats.MeanCI): with the few seeds these experiments run, the normal
// 1.96 would make the interval 30% (6 seeds) to 60% (4 seeds) too narrow.
func meanCI(v []float64) (mean, half float64) {
	iv := stats.MeanCI(v)
	return iv.Mean, iv.Half()
}

// CircleSettings are the settings of Circle, the paper's Fig. 1. The figure
// prints no parameters; the zero value is notebook 14's choice.
type CircleSettings struct {
	Samples int     // N two-dimensional inputs; 0 means 100
	Minor   float64 // standard deviation of their second coordinate; 0 means 0.5
	Angle   float64 // the initial direction, in degrees from the first axis; 0 means 10
	LR      float64 // 0 means 0.1
	Steps   int     // 0 means 4000
	Seed    uint64
}

func (s CircleSettings) withDefaults() CircleSettings {
	if s.Samples == 0 {
		s.Samples = 100
	}
	if s.Minor == 0 {
		s.Minor = 0.5
	}
	if s.Angle == 0 {
		s.Angle = 10
	}
	if s.LR == 0 {
		s.LR = 0.1
	}
	if s.Steps == 0 {
		s.Steps = 4000
	}
	return s
}

// CircleResult holds the three paths of Fig. 1 and the growth of ‖θ‖².
type CircleResult struct {
	Settings CircleSettings
	Inputs   *mat.Dense // N×2

	// Paths: gradient flow (to time Steps·η), GD and SGD (batch size 1).
	FlowX, FlowY, GDX, GDY, SGDX, SGDY []float64

	Step                       []int     // every step of SGD and GD
	SGDNorm2, GDNorm2, Flow2   []float64 // ‖θ‖² along the three (Flow2 at the times kη)
	SGDLaw                     float64   // max over steps of |‖θ'‖² − ‖θ‖² − η²‖ĝ‖²| / ‖θ'‖²
	Predicted                  []float64 // √(‖θ₀‖⁴ + 2η² c T k): the expected growth, T = ‖θ‖² Tr Σ at the minimum
	TraceAtMin                 float64   // T = ‖θ‖² Tr Σ(θ) at the minimising direction (scale-free)
	FlowNormChange             float64   // max |‖θ(t)‖² − ‖θ₀‖²| along the flow
	FlowAngle, SGDAngle, GDEnd float64   // final directions in degrees (GDEnd: GD's ‖θ‖²)
}

// circleLoss is L(θ) = (1/N) Σ ½(x_sᵀθ/‖θ‖)² on the minibatch idx (all
// samples if nil), with its gradient.
func circleLoss(x *mat.Dense, theta, grad []float64, idx []int) float64 {
	n, _ := x.Dims()
	r := math.Hypot(theta[0], theta[1])
	u0, u1 := theta[0]/r, theta[1]/r
	var L, g0, g1 float64
	k := 0
	each := func(s int) {
		a := x.At(s, 0)*u0 + x.At(s, 1)*u1
		L += 0.5 * a * a
		g0 += a * (x.At(s, 0) - a*u0) / r
		g1 += a * (x.At(s, 1) - a*u1) / r
		k++
	}
	if idx == nil {
		for s := 0; s < n; s++ {
			each(s)
		}
	} else {
		for _, s := range idx {
			each(s)
		}
	}
	if grad != nil {
		grad[0], grad[1] = g0/float64(k), g1/float64(k)
	}
	return L / float64(k)
}

// circleGradients returns the per-sample gradients at θ, for noise.FromMatrix.
func circleGradients(x *mat.Dense, theta []float64) *noise.Gradients {
	n, _ := x.Dims()
	G := mat.NewDense(n, 2, nil)
	g := make([]float64, 2)
	for s := 0; s < n; s++ {
		circleLoss(x, theta, g, []int{s})
		G.SetRow(s, g)
	}
	return noise.FromMatrix(G)
}

// Circle reproduces the paper's Fig. 1: a scale-invariant loss of θ ∈ R²,
// ℓ_s(θ) = ½(x_sᵀθ/‖θ‖)² with x_s ~ N(0, diag(1, Minor²)), whose symmetry
// is θ → e^λθ (A = I, class 2, charge ‖θ‖²). The gradient is tangent to the
// circles about the origin, so gradient flow (optim.Flow) turns θ towards
// the minimising direction (the second axis) on its circle. A step of GD or
// SGD changes ‖θ‖² by exactly η²‖ĝ‖² (noise.NextCharge with A = I): GD's
// gradient dies at the minimum and its circle stops growing; SGD's
// per-sample gradients do not, so it spirals outwards for ever. With
// Tr Σ(θ) = T/‖θ‖² (gradients scale as 1/‖θ‖) the expected growth is
// d‖θ‖²/dk = η²cT/‖θ‖² near the minimum, ‖θ_k‖² ≈ √(‖θ₀‖⁴ + 2η²cTk).
func Circle(s CircleSettings) (*CircleResult, error) {
	s = s.withDefaults()
	if s.Samples < 2 || !(s.Minor > 0) || !(s.LR > 0) || s.Steps <= 0 {
		return nil, fmt.Errorf("ziyin2024: Circle: invalid settings %+v", s)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 1))
	x := mat.NewDense(s.Samples, 2, nil)
	for i := 0; i < s.Samples; i++ {
		x.Set(i, 0, rng.NormFloat64())
		x.Set(i, 1, s.Minor*rng.NormFloat64())
	}
	a := s.Angle * math.Pi / 180
	theta0 := []float64{math.Cos(a), math.Sin(a)}
	res := &CircleResult{Settings: s, Inputs: x}
	full := func(theta, grad []float64) float64 { return circleLoss(x, theta, grad, nil) }
	batch := func(theta, grad []float64, idx []int) float64 { return circleLoss(x, theta, grad, idx) }

	// Gradient flow, sampled at the times kη of the discrete runs.
	th := append([]float64(nil), theta0...)
	every := max(s.Steps/400, 1)
	flowObs := optim.ObserverFunc(func(st *optim.State) {
		res.FlowX = append(res.FlowX, st.Theta[0])
		res.FlowY = append(res.FlowY, st.Theta[1])
		n2 := st.Theta[0]*st.Theta[0] + st.Theta[1]*st.Theta[1]
		res.Flow2 = append(res.Flow2, n2)
		res.FlowNormChange = max(res.FlowNormChange, math.Abs(n2-1))
	})
	if _, err := optim.Flow(full, th, optim.FlowSettings{T: float64(s.Steps) * s.LR, Dt: float64(every) * s.LR, Observers: []optim.Observer{flowObs}}); err != nil {
		return nil, fmt.Errorf("ziyin2024: Circle: flow: %w", err)
	}
	res.FlowAngle = math.Atan2(th[1], th[0]) * 180 / math.Pi

	// GD and SGD, every step; the law ‖θ'‖² = ‖θ‖² + η²‖ĝ‖² checked for SGD.
	run := func(bs int, px, py, n2 *[]float64, law *float64) ([]float64, error) {
		th := append([]float64(nil), theta0...)
		var pred float64
		obs := optim.ObserverFunc(func(st *optim.State) {
			c := st.Theta[0]*st.Theta[0] + st.Theta[1]*st.Theta[1]
			if st.Step > 0 && law != nil {
				*law = max(*law, math.Abs(c-pred)/c)
			}
			pred = c + s.LR*s.LR*(st.Grad[0]*st.Grad[0]+st.Grad[1]*st.Grad[1])
			if st.Step%every == 0 || st.Done {
				*px = append(*px, st.Theta[0])
				*py = append(*py, st.Theta[1])
				*n2 = append(*n2, c)
				if bs == 1 {
					res.Step = append(res.Step, st.Step)
				}
			}
		})
		_, err := optim.RunBatch(batch, s.Samples, th, &optim.GD{LR: s.LR}, optim.BatchSettings{
			BatchSize: bs, Steps: s.Steps, Rand: rand.New(rand.NewPCG(s.Seed, 3)), Observers: []optim.Observer{obs}})
		return th, err
	}
	if _, err := run(s.Samples, &res.GDX, &res.GDY, &res.GDNorm2, nil); err != nil {
		return nil, fmt.Errorf("ziyin2024: Circle: GD: %w", err)
	}
	res.GDEnd = res.GDNorm2[len(res.GDNorm2)-1]
	end, err := run(1, &res.SGDX, &res.SGDY, &res.SGDNorm2, &res.SGDLaw)
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: Circle: SGD: %w", err)
	}
	res.SGDAngle = math.Atan2(end[1], end[0]) * 180 / math.Pi

	// The minimising direction: the eigenvector of the smallest eigenvalue
	// of Σ̂ₓ = XᵀX/N, where T = Tr Σ at unit norm.
	var cov mat.SymDense
	cov.SymOuterK(1/float64(s.Samples), x.T())
	var eig mat.EigenSym
	eig.Factorize(&cov, true)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	umin := []float64{vecs.At(0, 0), vecs.At(1, 0)}
	res.TraceAtMin = circleGradients(x, umin).TraceCov()
	c := noise.SGD{LR: s.LR, BatchSize: 1}.Factor(s.Samples)
	for _, k := range res.Step {
		res.Predicted = append(res.Predicted, math.Sqrt(1+2*s.LR*s.LR*c*res.TraceAtMin*float64(k)))
	}
	return res, nil
}

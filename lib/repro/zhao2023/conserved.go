package zhao2023

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// Notebook 02: Q from the symmetry (QFromSymmetry), conserved by gradient
// flow (QFlow), broken by gradient descent at exactly second order in η
// (QStepLaw), and Fig. 3, the drift of Q under gradient descent ∝ η (Fig3,
// Fig3Seeds). All on the network of the paper's Fig. 3 (Fig3Network).

// driftActs are the four activations of Fig. 3, in the paper's order.
var driftActs = OfficialActs

// Fig3Network returns the network of the paper's Fig. 3 with activation act,
// its initial parameters drawn from seed, and its loss:
//
//	f(X) = U σ(V X),  U ∈ R^{5×50},  V ∈ R^{50×10},  X = I₁₀,
//	Y ~ N(0, 1) (5×10),  U, V ~ N(0, 0.1²),
//	L(U, V) = ‖Y − U σ(V X)‖²_F / 50   (the mean squared error),
//
// as in the official script Q_dynamics_elementwise.py (which stores V
// transposed). The data are drawn first, then U and V, from
// rand.NewPCG(seed, 2).
func Fig3Network(act nn.Activation, seed uint64) (nn.TwoLayer, *nn.Params, *nn.Objective) {
	net := nn.TwoLayer{In: 10, Hidden: 50, Out: 5, Act: act}
	rng := rand.New(rand.NewPCG(seed, 2))
	X, Y := data.Whitened(rng, 10, 5) // X = I₁₀; Y one sample per row
	p := net.Init(rng, nn.Normal(0.1))
	return net, p, nn.NewObjective(net, X, data.Columns(Y), nn.MSE)
}

// driftCos returns the cosine ⟨a, b⟩ / (‖a‖ ‖b‖).
func driftCos(a, b []float64) float64 {
	return floats.Dot(a, b) / (floats.Norm(a, 2) * floats.Norm(b, 2))
}

// driftSeed returns seed, or 1 for the zero value.
func driftSeed(seed uint64) uint64 {
	if seed == 0 {
		return 1
	}
	return seed
}

// QFromSymmetrySettings sets up QFromSymmetry. The zero value is the
// notebook's setting: Fig3Network at seed 1, three random directions T.
type QFromSymmetrySettings struct {
	Seed       uint64 // initialisation of Fig3Network; 0 means 1
	Directions int    // random T ∈ gl(50) for the linear network; 0 means 3
}

// QFromSymmetryResult is what QFromSymmetry measures.
type QFromSymmetryResult struct {
	Settings QFromSymmetrySettings // as run, zero fields filled in

	// Tangent[i] is cos(∇L, M_T) at θ₀ of the linear network for the i-th
	// random T ∈ gl(50) (entries N(0, 1/50)), M_T = (−U T, T V); Random is
	// cos(∇L, d) for a random direction d of parameter space (entries
	// N(0, 1)), the contrast.
	Tangent []float64
	Random  float64

	// Rows holds one row per activation of Fig. 3.
	Rows []QFromSymmetryRow
}

// QFromSymmetryRow is one activation's row of QFromSymmetryResult.
type QFromSymmetryRow struct {
	Act string // the activation's Name

	// P is the paper's Q = ½‖U‖² − Σ F(V_{aj}), F(x) = ∫₀ˣ σ/σ′, at θ₀;
	// Official is the official code's form there. The relation
	// Official = Factor·P + Const is stated in the paper's terms (Factor 2
	// for linear, ReLU and tanh, 1 for sigmoid; Const −hn = −500 for tanh and
	// sigmoid); Residual is Official − (Factor·P + Const).
	P, Official, Factor, Const, Residual float64

	// CosQ and CosQGeneric are cos(∇L, ∇Q) for the official Q at θ₀ and at a
	// generic point (entries N(0, 1)); CosD and CosDGeneric are the same for
	// the "+" form D, whose gradient is (∇_U Q, −∇_V Q).
	CosQ, CosQGeneric, CosD, CosDGeneric float64
}

// QFromSymmetry checks, on the network of Fig. 3 (Fig3Network), the two steps
// by which a symmetry gives a conserved quantity of gradient flow, as the
// paper derives its conserved quantities:
//
// The infinitesimal action M(θ) of a symmetry is tangent to a level set of L,
// so ⟨∇L(θ), M(θ)⟩ = 0. For the linear network every T ∈ gl(50) acts as
// (U, V) ↦ (U e^{−εT}, e^{εT} V), with M_T = (−U T, T V) (sym.GLTangent), and
// for symmetric T = A, M_A = −½∇⟨A, UᵀU − VVᵀ⟩. For an elementwise σ with
// X = I the direction M = (U, −(σ/σ′)(V)) is the gradient of the paper's
//
//	Q = ½‖U‖² − Σ_{a,j} F(V_{aj}),  F(x) = ∫₀ˣ σ(t)/σ′(t) dt,
//
// so ⟨∇L, ∇Q⟩ = 0 and Q̇ = −⟨∇Q, ∇L⟩ = 0 along gradient flow. The result holds
// the cosines (zero up to rounding, about 1e-16), the contrast of a random
// direction and of the "+" form D (not conserved), and the relation of the
// official code's forms (conserved.Official) to the paper's formula. The
// directions T and d are drawn from rand.NewPCG(5, 6), the generic point
// from rand.NewPCG(3, 4).
func QFromSymmetry(s QFromSymmetrySettings) (*QFromSymmetryResult, error) {
	if s.Directions < 0 {
		return nil, fmt.Errorf("zhao2023: QFromSymmetry: %d directions", s.Directions)
	}
	s.Seed = driftSeed(s.Seed)
	if s.Directions == 0 {
		s.Directions = 3
	}
	r := &QFromSymmetryResult{Settings: s}

	net, p, obj := Fig3Network(nn.Linear, s.Seed)
	U, V := net.UV(p)
	g := make([]float64, obj.Len())
	obj.Func(p.Vec(), g)
	rnd := rand.New(rand.NewPCG(5, 6))
	M := net.Params() // M_T, laid out as θ
	MU, MV := net.UV(M)
	for range s.Directions {
		dU, dV := sym.GLTangent(sym.SampleAlgebra(rnd, net.Hidden), U, V)
		MU.Copy(dU)
		MV.Copy(dV)
		r.Tangent = append(r.Tangent, driftCos(g, M.Vec()))
	}
	d := make([]float64, len(g))
	for i := range d {
		d[i] = rnd.NormFloat64()
	}
	r.Random = driftCos(g, d)

	for _, act := range driftActs {
		r.Rows = append(r.Rows, driftFormRow(act, s.Seed))
	}
	return r, nil
}

// driftRelation gives Official = Factor·P + Const for the Fig. 3 network
// (h n = 500), by activation name.
var driftRelation = map[string][2]float64{
	nn.Linear.Name: {2, 0}, nn.ReLU.Name: {2, 0}, nn.Tanh.Name: {2, -500}, nn.Sigmoid.Name: {1, -500},
}

// driftFormRow measures one row of QFromSymmetry.
func driftFormRow(act nn.Activation, seed uint64) QFromSymmetryRow {
	net, p, obj := Fig3Network(act, seed)
	generic := net.Init(rand.New(rand.NewPCG(3, 4)), nn.Normal(1))
	U, V := net.UV(p)
	row := QFromSymmetryRow{Act: act.Name, Factor: driftRelation[act.Name][0], Const: driftRelation[act.Name][1]}
	row.P = conserved.Elementwise(conserved.RatioIntegral(act), U, V)
	row.Official = conserved.Official(act, U, V)
	row.Residual = row.Official - (row.Factor*row.P + row.Const)
	row.CosQ, row.CosD = driftOrthogonality(act, net, obj, p)
	row.CosQGeneric, row.CosDGeneric = driftOrthogonality(act, net, obj, generic)
	return row
}

// driftOrthogonality returns cos(∇L, ∇Q) and cos(∇L, ∇D) at p, for the
// official Q of act and its "+" form D.
func driftOrthogonality(act nn.Activation, net nn.TwoLayer, obj *nn.Objective, p *nn.Params) (q, d float64) {
	g := make([]float64, obj.Len())
	obj.Func(p.Vec(), g)
	gq := net.Params()
	gU, gV := net.UV(gq)
	U, V := net.UV(p)
	conserved.OfficialGrad(gU, gV, act, U, V)
	q = driftCos(g, gq.Vec())
	gV.Scale(-1, gV) // ∇D = (∇_U Q, −∇_V Q)
	return q, driftCos(g, gq.Vec())
}

// Table returns the official forms beside the paper's formula and the
// cosines, one row per activation.
func (r *QFromSymmetryResult) Table() show.Table {
	t := show.Table{
		Header: []string{"σ", "P (paper)", "official Q", "relation", "Q − relation",
			"cos(∇L, ∇Q) at θ₀", "at generic θ", "cos(∇L, ∇D) at θ₀", "at generic θ"},
		Format: "%.2g",
	}
	for _, w := range r.Rows {
		rel := fmt.Sprintf("%gP", w.Factor)
		if w.Const != 0 {
			rel += fmt.Sprintf(" − %g", -w.Const)
		}
		t.AddRow(w.Act, fmt.Sprintf("%.4f", w.P), fmt.Sprintf("%.4f", w.Official), rel, w.Residual,
			w.CosQ, w.CosQGeneric, w.CosD, w.CosDGeneric)
	}
	return t
}

// QFlowSettings sets up QFlow. The zero value is the notebook's setting:
// seed 1, t from 0 to 1000, the integrator's default tolerance.
type QFlowSettings struct {
	Seed uint64  // initialisation of Fig3Network; 0 means 1
	T    float64 // end time of the flow; 0 means 1000
	RTol float64 // relative local error of optim.Flow; 0 means its default, 1e-10
}

// QFlowRow is one activation's run of QFlow.
type QFlowRow struct {
	Act         string
	Loss0, Loss float64 // L at t = 0 and at t = T
	Orders      float64 // log₁₀(Loss0 / Loss), the orders of magnitude the loss fell
	Drift       float64 // |Q(T) − Q(0)| / D₀, Q and D the official forms
	Steps       int     // accepted integration steps
}

// QFlowResult is what QFlow measures: one row per activation of Fig. 3.
type QFlowResult struct {
	Settings QFlowSettings
	Rows     []QFlowRow
}

// QFlow integrates gradient flow θ̇ = −∇L(θ) on the network of Fig. 3
// (Fig3Network) from θ₀ to time T with optim.Flow (Dormand–Prince 5(4), local
// error below RTol), and measures the loss before and after and the change
// of the official Q relative to the "+" form at θ₀,
//
//	|Q(T) − Q(0)| / D₀,
//
// which the flow keeps at zero (Q̇ = −⟨∇Q, ∇L⟩ = 0, see QFromSymmetry) and the
// integrator at about RTol, while the loss falls by many orders of magnitude.
func QFlow(s QFlowSettings) (*QFlowResult, error) {
	if s.T < 0 || s.RTol < 0 {
		return nil, fmt.Errorf("zhao2023: QFlow: T = %g, RTol = %g", s.T, s.RTol)
	}
	s.Seed = driftSeed(s.Seed)
	if s.T == 0 {
		s.T = 1000
	}
	rows, err := par.MapErr(len(driftActs), func(i int) (QFlowRow, error) {
		act := driftActs[i]
		net, p, obj := Fig3Network(act, s.Seed)
		U, V := net.UV(p) // views: they follow θ as the flow updates it
		q0, d0 := conserved.Official(act, U, V), conserved.OfficialPlus(act, U, V)
		l0 := obj.Func(p.Vec(), nil)
		res, err := optim.Flow(obj.Func, p.Vec(), optim.FlowSettings{T: s.T, RTol: s.RTol})
		if err != nil {
			return QFlowRow{}, fmt.Errorf("zhao2023: QFlow: %s: %w", act.Name, err)
		}
		return QFlowRow{
			Act: act.Name, Loss0: l0, Loss: res.Loss, Orders: math.Log10(l0 / res.Loss),
			Drift: math.Abs(conserved.Official(act, U, V)-q0) / d0, Steps: res.Steps,
		}, nil
	})
	if err != nil {
		return nil, err
	}
	return &QFlowResult{Settings: s, Rows: rows}, nil
}

// Table returns the loss before and after the flow and the change of Q.
func (r *QFlowResult) Table() show.Table {
	T := fmt.Sprintf("%g", r.Settings.T)
	t := show.Table{
		Header: []string{"σ", "L at t = 0", "L at t = " + T, "orders of magnitude", "|Q(" + T + ") − Q(0)| / D₀"},
		Format: "%.2g",
	}
	for _, w := range r.Rows {
		t.AddRow(w.Act, w.Loss0, w.Loss, fmt.Sprintf("%.1f", w.Orders), w.Drift)
	}
	return t
}

// QStepLawSettings sets up QStepLaw. The zero value is the notebook's
// setting: seed 1, η ∈ {0.1, 0.01, 0.001}, 1000 steps each.
type QStepLawSettings struct {
	Seed  uint64    // initialisation of Fig3Network; 0 means 1
	Rates []float64 // learning rates η; nil means 0.1, 0.01, 0.001
	Steps int       // gradient-descent steps per rate; 0 means 1000
}

// QStepLawRow is one learning rate's run of QStepLaw; every maximum is over
// the entries of the 50×50 matrices and over the steps.
type QStepLawRow struct {
	Rate      float64
	Largest   float64 // max |Q_{k+1} − Q_k|
	Deviation float64 // max |(Q_{k+1} − Q_k) − η²(G_UᵀG_U − G_V G_Vᵀ)|
	MaxQ      float64 // max |Q_k|, the scale of the rounding
}

// QStepLawResult is what QStepLaw measures: one row per learning rate.
type QStepLawResult struct {
	Settings QStepLawSettings
	Rows     []QStepLawRow
}

// QStepLaw runs gradient descent U' = U − ηG_U, V' = V − ηG_V on the linear
// network of Fig. 3 (Fig3Network) and compares each step's change of the
// conserved matrix Q = UᵀU − VVᵀ with the exact law (conserved.MatrixStep)
//
//	Q_{k+1} − Q_k = η² (G_UᵀG_U − G_V G_Vᵀ).
//
// Expanding, Q' − Q = −η(G_UᵀU + UᵀG_U − G_V Vᵀ − V G_Vᵀ) + η²(G_UᵀG_U − G_V G_Vᵀ),
// and for any loss ℓ(W) of W = UV, G_U = ∇ℓ Vᵀ and G_V = Uᵀ∇ℓ, so that
// G_UᵀU = V∇ℓᵀU = V G_Vᵀ: the first-order term vanishes. Summed over the t/η
// steps to time t the change is η∫₀ᵗ(G_UᵀG_U − G_V G_Vᵀ)ds + O(η²), a drift
// of order η (the paper's Fig. 3, see Fig3).
func QStepLaw(s QStepLawSettings) (*QStepLawResult, error) {
	if s.Steps < 0 {
		return nil, fmt.Errorf("zhao2023: QStepLaw: %d steps", s.Steps)
	}
	s.Seed = driftSeed(s.Seed)
	if s.Rates == nil {
		s.Rates = []float64{0.1, 0.01, 0.001}
	}
	if s.Steps == 0 {
		s.Steps = 1000
	}
	r := &QStepLawResult{Settings: s}
	for _, lr := range s.Rates {
		if !(lr > 0) {
			return nil, fmt.Errorf("zhao2023: QStepLaw: learning rate %g", lr)
		}
		r.Rows = append(r.Rows, driftStepLaw(s.Seed, lr, s.Steps))
	}
	return r, nil
}

// driftStepLaw runs one rate of QStepLaw.
func driftStepLaw(seed uint64, lr float64, steps int) QStepLawRow {
	net, p, obj := Fig3Network(nn.Linear, seed)
	g := p.NewLike() // ∇L, laid out as θ
	U, V := net.UV(p)
	GU, GV := net.UV(g)
	gd := &optim.GD{LR: lr}
	maxAbs := func(a mat.Matrix) float64 { return math.Max(mat.Max(a), -mat.Min(a)) }
	row := QStepLawRow{Rate: lr}
	var q, q1, law mat.SymDense
	var dQ mat.Dense
	for range steps {
		obj.Func(p.Vec(), g.Vec())
		conserved.Matrix(&q, U, V)
		conserved.MatrixStep(&law, GU, GV, lr)
		gd.Step(p.Vec(), g.Vec())
		dQ.Sub(conserved.Matrix(&q1, U, V), &q)
		row.Largest = math.Max(row.Largest, maxAbs(&dQ))
		row.MaxQ = math.Max(row.MaxQ, maxAbs(&q))
		dQ.Sub(&dQ, &law)
		row.Deviation = math.Max(row.Deviation, maxAbs(&dQ))
	}
	return row
}

// Table returns one row per learning rate.
func (r *QStepLawResult) Table() show.Table {
	t := show.Table{
		Header: []string{"η", "largest one-step change of Q", "largest deviation from the law", "largest |Q| entry"},
		Format: "%.2g",
	}
	for _, w := range r.Rows {
		t.AddRow(fmt.Sprintf("%g", w.Rate), w.Largest, w.Deviation, w.MaxQ)
	}
	return t
}

// Fig3Settings sets up Fig3. The zero value is the paper's setting (the
// official script Q_dynamics_elementwise.py): seed 1, η ∈ {0.1, 0.01, 0.001},
// 4×10⁵ steps (8×10⁵ for sigmoid). Those twelve runs, 6×10⁶ gradient steps,
// take about a minute of one core (6–10 µs a step); Fast is the preset the
// tests run.
type Fig3Settings struct {
	Seed         uint64    // initialisation of Fig3Network; 0 means 1
	Rates        []float64 // learning rates η, largest first; nil means 0.1, 0.01, 0.001
	Steps        int       // steps of the linear, ReLU and tanh runs; 0 means 4×10⁵
	SigmoidSteps int       // steps of the sigmoid runs; 0 means 8×10⁵

	// Time, if positive, replaces Steps and SigmoidSteps: every run lasts
	// round(Time/η) steps, to the same flow time t = ηk, at which the
	// drift ∝ η law compares runs most directly.
	Time float64
}

// Fast returns s with Time = 50, the preset the tests run: every rate to
// flow time t = 50 (500, 5000 and 50 000 steps at η = 0.1, 0.01, 0.001),
// 4% of the paper's steps. The drift settles by t ≈ 30 (Fig3Run.Settled),
// so at t = 50 it is within 2% of the paper's setting's at every rate, and
// the rates are compared at equal time, where the law drift ∝ η applies
// directly.
func (s Fig3Settings) Fast() Fig3Settings {
	s.Time = 50
	return s
}

// withDefaults returns s with its zero fields set to the paper's values.
func (s Fig3Settings) withDefaults() Fig3Settings {
	s.Seed = driftSeed(s.Seed)
	if s.Rates == nil {
		s.Rates = []float64{0.1, 0.01, 0.001}
	}
	if s.Steps == 0 {
		s.Steps = 400_000
	}
	if s.SigmoidSteps == 0 {
		s.SigmoidSteps = 800_000
	}
	return s
}

// steps returns the number of steps of act's run at rate lr.
func (s Fig3Settings) steps(act nn.Activation, lr float64) int {
	switch {
	case s.Time > 0:
		return int(math.Round(s.Time / lr))
	case act.Name == nn.Sigmoid.Name:
		return s.SigmoidSteps
	default:
		return s.Steps
	}
}

// Fig3Run is one training run of Fig3: the curves recorded at log-spaced
// steps 1, 2, …, k_{i+1} = ⌈1.05 k_i⌉, …, and the last, and the numbers
// read from them.
type Fig3Run struct {
	Act   string  // the activation's Name
	Rate  float64 // learning rate η
	Steps int     // gradient-descent steps

	// Step, Drift and Loss are the curves: at step Step[i],
	// ΔQ̃ = (|Q| − |Q₀|)/D₀ (Drift[i]) and ‖Y − Uσ(VX)‖_F (Loss[i]).
	Step, Drift, Loss []float64

	// End is ΔQ̃ at the last step; First is ΔQ̃ after the first step, so
	// First/End is the share of the drift the first step makes.
	End, First float64

	// Settled is the flow time t = ηk from which on ΔQ̃ stays within 10%
	// of End.
	Settled float64

	// Ratio is End divided by End of the same activation at the next
	// (smaller) rate, and WantRatio the ratio of the rates (10): equal under
	// drift ∝ η. Both are NaN for the smallest rate.
	Ratio, WantRatio float64

	// Derived is |ΔQ̃| measured from the official script at the paper's
	// setting, a derived value (notebooks/REFERENCES.md), NaN where there
	// is none.
	Derived float64
}

// Fig3Result holds the twelve runs of Fig3, activation by activation in the
// paper's order (linear, ReLU, tanh, sigmoid) and, within one, by rate:
// Runs[len(Rates)·j + i] is activation j at Rates[i].
type Fig3Result struct {
	Settings Fig3Settings // as run, zero fields filled in
	Runs     []Fig3Run
}

// driftDerived holds |ΔQ̃| at the end of the official script's runs at the
// paper's setting (its own seed), by activation and rate: derived values,
// the paper plots them but does not print them (notebooks/REFERENCES.md).
var driftDerived = map[string]map[float64]float64{
	nn.Linear.Name: {0.1: 6.4e-4, 0.01: 6.4e-5, 0.001: 6.3e-6},
	nn.ReLU.Name:   {0.1: 4.1e-4, 0.01: 4.0e-5},
	nn.Tanh.Name:   {0.1: 1.5e-5, 0.01: 1.5e-6, 0.001: 1.5e-7},
}

// driftDerivedAt returns the derived |ΔQ̃| of act at lr, or NaN.
func driftDerivedAt(act string, lr float64) float64 {
	if v, ok := driftDerived[act][lr]; ok {
		return v
	}
	return math.NaN()
}

// Fig3 reproduces the paper's Fig. 3: full-batch gradient descent at
// learning rates η on the network of Fig. 3 (Fig3Network) for each of the
// four activations, recording the normalised change of the official Q
// (conserved.Official, conserved.NormalisedChange)
//
//	ΔQ̃_k = |Q_k|/D₀ − |Q₀|/D₀,  D₀ the "+" form at θ₀ (conserved.OfficialPlus),
//
// and the loss ‖Y − Uσ(VX)‖_F. Gradient flow conserves Q (QFlow); gradient
// descent changes it at second order in η at each step (QStepLaw), so that to
// a fixed flow time t = ηk the drift is ΔQ̃ = η c₁(t) + η² c₂(t) + …: ∝ η for
// small η, and ten times smaller per tenfold smaller η.
//
// The runs go in parallel (par), the sigmoid ones, the longest, first.
func Fig3(s Fig3Settings) (*Fig3Result, error) {
	s = s.withDefaults()
	if s.Steps < 0 || s.SigmoidSteps < 0 || s.Time < 0 || len(s.Rates) == 0 {
		return nil, fmt.Errorf("zhao2023: Fig3: %d rates, %d and %d steps, time %g", len(s.Rates), s.Steps, s.SigmoidSteps, s.Time)
	}
	for _, lr := range s.Rates {
		if !(lr > 0) {
			return nil, fmt.Errorf("zhao2023: Fig3: learning rate %g", lr)
		}
	}
	nr := len(s.Rates)
	n := nr * len(driftActs)
	runs, err := par.MapErr(n, func(k int) (Fig3Run, error) {
		i := n - 1 - k // the last activation, sigmoid, first
		act, lr := driftActs[i/nr], s.Rates[i%nr]
		return driftTrain(act, s.Seed, lr, s.steps(act, lr))
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(runs)
	for i := range runs {
		r := &runs[i]
		r.Ratio, r.WantRatio = math.NaN(), math.NaN()
		if i%nr < nr-1 {
			r.Ratio, r.WantRatio = r.End/runs[i+1].End, r.Rate/runs[i+1].Rate
		}
	}
	return &Fig3Result{Settings: s, Runs: runs}, nil
}

// driftTrain runs full-batch gradient descent at rate lr for steps steps on
// the network of act drawn from seed, and records its curves.
func driftTrain(act nn.Activation, seed uint64, lr float64, steps int) (Fig3Run, error) {
	net, p, obj := Fig3Network(act, seed)
	U, V := net.UV(p)
	q0, d0 := conserved.Official(act, U, V), conserved.OfficialPlus(act, U, V)
	r := Fig3Run{Act: act.Name, Rate: lr, Steps: steps, Derived: driftDerivedAt(act.Name, lr)}
	entries := float64(net.Out * obj.Samples())
	view, next := net.Params(), 1.0
	vU, vV := net.UV(view)
	record := optim.ObserverFunc(func(st *optim.State) {
		if float64(st.Step) < next && !st.Done {
			return
		}
		next = math.Ceil(next * 1.05)
		view.Bind(st.Theta) // look at θ through U and V, no copy
		r.Step = append(r.Step, float64(st.Step))
		r.Drift = append(r.Drift, conserved.NormalisedChange(conserved.Official(act, vU, vV), q0, d0))
		r.Loss = append(r.Loss, math.Sqrt(entries*st.Loss)) // the MSE is ‖Y − Uσ(VX)‖²_F / (m k)
	})
	if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: lr}, optim.Settings{Steps: steps, Observers: []optim.Observer{record}}); err != nil {
		return r, fmt.Errorf("zhao2023: Fig3: %s at η = %g: %w", act.Name, lr, err)
	}
	r.End, r.First = r.Drift[len(r.Drift)-1], r.Drift[0]
	r.Settled = lr * r.Step[0]
	for i := len(r.Drift) - 1; i >= 0; i-- {
		if math.Abs(r.Drift[i]-r.End) > 0.1*math.Abs(r.End) {
			if i+1 < len(r.Step) {
				r.Settled = lr * r.Step[i+1]
			}
			break
		}
	}
	return r, nil
}

// Run returns the run of act (a Name) at rate lr, or nil.
func (r *Fig3Result) Run(act string, lr float64) *Fig3Run {
	for i := range r.Runs {
		if r.Runs[i].Act == act && r.Runs[i].Rate == lr {
			return &r.Runs[i]
		}
	}
	return nil
}

// driftFigure is the size of Fig3Result.Plot's figure: four columns of
// three panels.
var driftFigure = show.Settings{Width: 17 * vg.Inch, Height: 10 * vg.Inch}

// Plots returns the panels of Fig. 3, one column per activation: the drift
// ΔQ̃ against the step as in the paper (top), ΔQ̃/η against the flow time
// t = ηk (middle: drift ∝ η makes the rates' curves coincide), and the loss
// (bottom, with the legend). Step and time axes are logarithmic.
func (r *Fig3Result) Plots() ([][]*plot.Plot, error) {
	nr := len(r.Settings.Rates)
	rows := make([][]*plot.Plot, 3)
	for j := 0; j+nr <= len(r.Runs); j += nr {
		var dq, scaled, loss []show.Series
		for _, c := range r.Runs[j : j+nr] {
			t, q := make([]float64, len(c.Step)), make([]float64, len(c.Step))
			for k := range c.Step {
				t[k], q[k] = c.Rate*c.Step[k], c.Drift[k]/c.Rate
			}
			dq = append(dq, show.Series{X: c.Step, Y: c.Drift})
			scaled = append(scaled, show.Series{X: t, Y: q})
			loss = append(loss, show.Series{Name: fmt.Sprintf("η = %g", c.Rate), X: c.Step, Y: c.Loss})
		}
		act := r.Runs[j].Act
		p1, err1 := show.Lines(show.Axes{Title: act + ": normalised drift of Q", X: "training step", Y: "(|Q_t| − |Q_0|) / D_0", LogX: true}, dq...)
		p2, err2 := show.Lines(show.Axes{Title: act + ": drift / η", X: "time t = η · step", Y: "(|Q_t| − |Q_0|) / (η D_0)", LogX: true}, scaled...)
		p3, err3 := show.Lines(show.Axes{Title: act + ": loss ‖Y − Uσ(VX)‖_F", X: "training step", Y: "loss", LogX: true, LogY: true}, loss...)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("zhao2023: Fig3Result.Plots: %w", err)
		}
		p3.Legend.Left, p3.Legend.Top = true, false // below the plateau, left of the falling curves
		rows[0], rows[1], rows[2] = append(rows[0], p1), append(rows[1], p2), append(rows[2], p3)
	}
	return rows, nil
}

// Plot shows Fig. 3 (Plots) as one figure.
func (r *Fig3Result) Plot() error {
	rows, err := r.Plots()
	if err != nil {
		return err
	}
	return show.Grid(rows, driftFigure)
}

// Table returns one row per run: the drift at the end beside the derived
// value, the ratio to the next rate's drift (10 under drift ∝ η), the share
// of the first step, the time the drift settles, and the final loss.
func (r *Fig3Result) Table() show.Table {
	t := show.Table{
		Header: []string{"σ", "η", "steps", "ΔQ̃ measured", "|ΔQ̃| derived", "ΔQ̃(η) / ΔQ̃(η/10)",
			"first step's share", "settled by t", "final loss"},
		Format: "%.3g",
	}
	for _, c := range r.Runs {
		t.AddRow(c.Act, c.Rate, c.Steps, c.End, driftOptional("%.2g", c.Derived), driftOptional("%.4g", c.Ratio),
			fmt.Sprintf("%.2g", c.First/c.End), fmt.Sprintf("%.3g", c.Settled), fmt.Sprintf("%.2g", c.Loss[len(c.Loss)-1]))
	}
	return t
}

// driftOptional formats v, or "—" for NaN.
func driftOptional(format string, v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf(format, v)
}

// Fig3SeedsSettings sets up Fig3Seeds. The zero value is the notebook's
// setting: seeds 1–20, η = 0.1, 5000 steps (to t = 500, where the loss has
// converged and the drift is complete: the value of the paper's 4×10⁵
// steps).
type Fig3SeedsSettings struct {
	Seeds int     // seeds 1, …, Seeds; 0 means 20
	Rate  float64 // learning rate η; 0 means 0.1
	Steps int     // gradient-descent steps; 0 means 5000
}

// Fig3SeedsRow is one activation's spread of the drift over seeds.
type Fig3SeedsRow struct {
	Act   string
	Drift []float64 // ΔQ̃ at the end, Drift[i] for seed i+1

	// Min, Median and Max are the smallest, median and largest |ΔQ̃| (the
	// median the (⌊n/2⌋+1)-th smallest, the upper one for an even n);
	// Positive counts the seeds with ΔQ̃ > 0.
	Min, Median, Max float64
	Positive         int

	// Derived is the derived |ΔQ̃| of Fig3Run at this rate, NaN if none.
	Derived float64
}

// Fig3SeedsResult is what Fig3Seeds measures: one row per activation.
type Fig3SeedsResult struct {
	Settings Fig3SeedsSettings
	Rows     []Fig3SeedsRow
}

// Fig3Seeds measures how the drift ΔQ̃ of Fig3 depends on the random
// initialisation: the runs of Fig3 at one rate, from seeds 1, …, Seeds.
// The law drift ∝ η holds at every seed; the size and the sign of ΔQ̃ do
// not, so a single seed's value, ours or the official script's, is one
// draw from this spread.
func Fig3Seeds(s Fig3SeedsSettings) (*Fig3SeedsResult, error) {
	if s.Seeds < 0 || s.Rate < 0 || s.Steps < 0 {
		return nil, fmt.Errorf("zhao2023: Fig3Seeds: %d seeds, rate %g, %d steps", s.Seeds, s.Rate, s.Steps)
	}
	if s.Seeds == 0 {
		s.Seeds = 20
	}
	if s.Rate == 0 {
		s.Rate = 0.1
	}
	if s.Steps == 0 {
		s.Steps = 5000
	}
	n := s.Seeds
	runs, err := par.MapErr(n*len(driftActs), func(k int) (Fig3Run, error) {
		return driftTrain(driftActs[k/n], uint64(k%n+1), s.Rate, s.Steps)
	})
	if err != nil {
		return nil, err
	}
	r := &Fig3SeedsResult{Settings: s}
	for j, act := range driftActs {
		row := Fig3SeedsRow{Act: act.Name, Derived: driftDerivedAt(act.Name, s.Rate)}
		abs := make([]float64, n)
		for i, c := range runs[j*n : (j+1)*n] {
			row.Drift = append(row.Drift, c.End)
			abs[i] = math.Abs(c.End)
			if c.End > 0 {
				row.Positive++
			}
		}
		slices.Sort(abs)
		row.Min, row.Median, row.Max = abs[0], abs[n/2], abs[n-1]
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// Table returns the spread of ΔQ̃ over the seeds, one row per activation.
func (r *Fig3SeedsResult) Table() show.Table {
	t := show.Table{
		Header: []string{"σ", "ΔQ̃ at seed 1", "min |ΔQ̃|", "median", "max", "decades (max/min)",
			fmt.Sprintf("seeds with ΔQ̃ > 0 (of %d)", r.Settings.Seeds), "|ΔQ̃| derived"},
		Format: "%.2g",
	}
	for _, w := range r.Rows {
		t.AddRow(w.Act, w.Drift[0], w.Min, w.Median, w.Max, fmt.Sprintf("%.1f", math.Log10(w.Max/w.Min)),
			w.Positive, driftOptional("%.2g", w.Derived))
	}
	return t
}

// driftTests names the tests that assert what ConservedSummary shows
// (go test ./lib/repro/zhao2023 -run 'QFromSymmetry|QFlow|QStepLaw|Fig3').
var driftTests = []string{
	"TestQFromSymmetry", "TestQFromSymmetryOfficialForms", "TestQFlow", "TestQStepLaw",
	"TestFig3PaperSettings", "TestFig3DriftProportional", "TestFig3VsDerived", "TestFig3Seeds", "TestFig3SigmoidFirstStep",
	"TestFig3Settled",
}

// ConservedSummary returns the closing table of notebook 02 from the results
// it has computed (nothing is run again): the identities, zero up to the
// rounding or integrator error the tolerance states, and the drift of Fig. 3
// beside the derived values, one column per activation.
func ConservedSummary(sy *QFromSymmetryResult, fl *QFlowResult, st *QStepLawResult, f3 *Fig3Result, sd *Fig3SeedsResult) show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Measured beside the expected values. Checked by %s in lib/repro/zhao2023: "+
			"go test ./lib/repro/zhao2023 -run 'QFromSymmetry|QFlow|QStepLaw|Fig3'", driftJoin(driftTests)),
		Header: []string{"quantity", "linear", "relu", "tanh", "sigmoid", "expected", "source"},
		Format: "%.2g",
	}
	perAct := func(f func(act string) any) []any {
		cells := make([]any, len(driftActs))
		for i, a := range driftActs {
			cells[i] = f(a.Name)
		}
		return cells
	}
	row := func(label string, cells []any, want, source string) {
		t.AddRow(append(append([]any{label}, cells...), want, source)...)
	}
	maxAbs := func(x ...float64) float64 {
		m := 0.0
		for _, v := range x {
			m = math.Max(m, math.Abs(v))
		}
		return m
	}
	symRow := func(act string) QFromSymmetryRow {
		return sy.Rows[slices.IndexFunc(sy.Rows, func(r QFromSymmetryRow) bool { return r.Act == act })]
	}
	flowRow := func(act string) QFlowRow {
		return fl.Rows[slices.IndexFunc(fl.Rows, func(r QFlowRow) bool { return r.Act == act })]
	}
	linearOnly := func(v float64) []any { return []any{v, "", "", ""} }

	row("max |cos(∇L, M_T)|, random T ∈ gl(50)", linearOnly(maxAbs(sy.Tangent...)), "0 (rounding, < 1e-13)", "identity")
	row("max |cos(∇L, ∇Q)|, θ₀ and generic θ", perAct(func(a string) any { r := symRow(a); return maxAbs(r.CosQ, r.CosQGeneric) }),
		"0 (rounding, < 1e-13)", "identity")
	row("|official Q − relation to P|", perAct(func(a string) any { return math.Abs(symRow(a).Residual) }),
		"0 (rounding, < 1e-14·(|P| + hn))", "identity")
	row(fmt.Sprintf("gradient flow to t = %g: |ΔQ| / D₀", fl.Settings.T), perAct(func(a string) any { return flowRow(a).Drift }),
		"0 (integrator, < 1e-9)", "identity")
	law := st.Rows[0]
	row(fmt.Sprintf("GD step law, η = %g, %d steps: max deviation", law.Rate, st.Settings.Steps), linearOnly(law.Deviation),
		"0 (rounding, < 64ε·max|Q|)", "identity")

	lr := f3.Settings.Rates[0]
	end := func(a string, lr float64) float64 {
		if c := f3.Run(a, lr); c != nil {
			return c.End
		}
		return math.NaN()
	}
	row(fmt.Sprintf("ΔQ̃ at η = %g, seed %d (Fig. 3)", lr, f3.Settings.Seed), perAct(func(a string) any { return end(a, lr) }),
		"|ΔQ̃| within 10× of the derived", "measured")
	row(fmt.Sprintf("|ΔQ̃| at η = %g, official script", lr), perAct(func(a string) any { return driftOptional("%.2g", driftDerivedAt(a, lr)) }),
		"", "derived")
	for i := 0; i+1 < len(f3.Settings.Rates); i++ {
		a, b := f3.Settings.Rates[i], f3.Settings.Rates[i+1]
		row(fmt.Sprintf("ΔQ̃(η = %g) / ΔQ̃(η = %g)", a, b), perAct(func(act string) any { return fmt.Sprintf("%.4g", end(act, a)/end(act, b)) }),
			fmt.Sprintf("%.3g (drift ∝ η)", a/b), "derived")
	}
	row(fmt.Sprintf("first step's share of ΔQ̃ at η = %g", lr), perAct(func(a string) any {
		c := f3.Run(a, lr)
		return fmt.Sprintf("%.2g", c.First/c.End)
	}), "sigmoid: ≈ ¾ (the text)", "measured")
	if sd != nil {
		sdRow := func(act string) Fig3SeedsRow {
			return sd.Rows[slices.IndexFunc(sd.Rows, func(r Fig3SeedsRow) bool { return r.Act == act })]
		}
		row(fmt.Sprintf("|ΔQ̃| at η = %g over seeds 1–%d", sd.Settings.Rate, sd.Settings.Seeds), perAct(func(a string) any {
			r := sdRow(a)
			return fmt.Sprintf("%.2g – %.2g", r.Min, r.Max)
		}), "contains the derived value", "measured")
	}
	return t
}

// driftJoin lists names as "a, b and c".
func driftJoin(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	s := names[0]
	for _, n := range names[1 : len(names)-1] {
		s += ", " + n
	}
	return s + " and " + names[len(names)-1]
}

package zhao2023

// Notebook 07: the nonlinear, data-dependent group action of Sec. 4.
//
// For a generic elementwise σ (tanh, sigmoid, …) no matrix π satisfies
// σ(g z) = π σ(z) for every z, so GL(h) does not act linearly. Fixing a batch
// X of k ≤ h inputs and letting π depend on it,
//
//	π(g, V, X) = σ(VX) σ(gVX)⁺,      g·(U, V) = (U π(g, V, X), g V),
//
// gives an action that leaves the outputs U σ(VX) on the batch unchanged
// (sym.NonlinearPi, sym.NonlinearAct), changes them by O(ε) on new inputs
// for g = e^{εT}, and for k = h is a group action. For one input the paper
// builds an exact, invertible π from spherical frames (sym.ExactPi).
//
// The random nets: f(X) = U σ(VX) with m = n = 10, h = 16, U ~ N(0, 1/h),
// V ~ N(0, 1/n), a batch of k = h inputs and 1000 new ones, all N(0, I), and
// a direction T = randn(h, h)/√h (sym.SampleAlgebra), the official
// notebooks' g = e^{εT}. Net number s is drawn from the seed s.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// The sizes of the random nets and of their data.
const (
	nlM, nlH, nlN = 10, 16, 10
	nlNew         = 1000 // new inputs, off the batch
)

// nlActs are the activations of the experiments: a smooth one, a piecewise
// linear one and the official code's relu², σ(x) = LeakyReLU₀.₁(x)² + 0.01x.
var nlActs = []nn.Activation{nn.Tanh, nn.LeakyReLU(0.1), nn.ReLU2}

// NonlinearActs returns the names of the activations the nonlinear-action
// experiments compare, in the order of their rows.
func NonlinearActs() []string {
	names := make([]string, len(nlActs))
	for i, a := range nlActs {
		names[i] = a.Name
	}
	return names
}

// nlGauss returns an r×c matrix of independent N(0, std²) entries, filled
// row by row.
func nlGauss(rnd *rand.Rand, r, c int, std float64) *mat.Dense {
	a := mat.NewDense(r, c, nil)
	raw := a.RawMatrix().Data
	for i := range raw {
		raw[i] = std * rnd.NormFloat64()
	}
	return a
}

// NonlinearNet is one of notebook 07's random nets f(X) = U σ(VX) with its
// data: U m×h, V h×n (m = n = 10, h = 16), the batch on which π is fitted
// (k = h inputs as columns), 1000 new inputs, and the direction T ∈ gl(h) of
// g = e^{εT}.
type NonlinearNet struct{ U, V, Batch, New, T *mat.Dense }

// NewNonlinearNet returns net number seed: U ~ N(0, 1/h), V ~ N(0, 1/n), the
// inputs N(0, I), T = randn(h, h)/√h (sym.SampleAlgebra), drawn in this
// order from a PCG seeded (seed, 7).
func NewNonlinearNet(seed uint64) NonlinearNet {
	rnd := rand.New(rand.NewPCG(seed, 7))
	return NonlinearNet{ // composite literals evaluate left to right
		U:     nlGauss(rnd, nlM, nlH, 1/math.Sqrt(nlH)),
		V:     nlGauss(rnd, nlH, nlN, 1/math.Sqrt(nlN)),
		Batch: nlGauss(rnd, nlN, nlH, 1),
		New:   nlGauss(rnd, nlN, nlNew, 1),
		T:     sym.SampleAlgebra(rnd, nlH),
	}
}

// nlOutput returns U σ(V X).
func nlOutput(act nn.Activation, U, V, X mat.Matrix) *mat.Dense {
	var H, F mat.Dense
	H.Mul(V, X)
	F.Mul(U, act.Eval(nil, &H))
	return &F
}

// nlMul returns a b.
func nlMul(a, b mat.Matrix) *mat.Dense {
	var c mat.Dense
	c.Mul(a, b)
	return &c
}

// nlChange applies the action of g = e^{εT} with π fitted on the net's batch
// and returns the relative output change ‖f′ − f‖_F/‖f‖_F on the batch and on
// the new inputs.
func nlChange(act nn.Activation, eps float64, nt NonlinearNet) (onBatch, offBatch float64) {
	g := sym.Expm(eps, nt.T)
	pi := sym.NonlinearPi(act, g, nt.V, nt.Batch)
	piU, gV := sym.NonlinearAct(pi, g, nt.U, nt.V)
	onBatch = sym.RelDiff(nlOutput(act, nt.U, nt.V, nt.Batch), nlOutput(act, piU, gV, nt.Batch))
	offBatch = sym.RelDiff(nlOutput(act, nt.U, nt.V, nt.New), nlOutput(act, piU, gV, nt.New))
	return onBatch, offBatch
}

// NonlinearBatchLimitSettings set up NonlinearBatchLimit. Zero fields take
// the values in parentheses. The experiment is cheap: tests run it as it is.
type NonlinearBatchLimitSettings struct {
	Ks  []int   // batch sizes k (1, 8, 16, 17, 20, 32, 100, 1000)
	Eps float64 // g = e^{εT} (0.1)
}

// NonlinearBatchLimitRow is the relative residual of the best π for one batch
// size k: one entry per activation of NonlinearActs, and the control.
type NonlinearBatchLimitRow struct {
	K        int
	Residual []float64
	Control  float64 // LeakyReLU(0.1) with a positive diagonal g
}

// NonlinearBatchLimitResult holds one row per batch size.
type NonlinearBatchLimitResult struct {
	H    int
	Rows []NonlinearBatchLimitRow
}

// NonlinearBatchLimit measures why the nonlinear action must depend on a
// batch of at most h inputs. The equations π σ(g z) = σ(z) for k columns z
// are hk equations for the h² entries of π: solvable for k ≤ h (when the
// σ(g z) are independent), overdetermined for k > h, and for a generic σ
// then without solution.
//
// Set-up: max k (1000) pre-activations z ~ N(0, I_h), h = 16, a direction
// T = randn(h, h)/√h, g = e^{εT}; for each k the best π on the first k
// columns Z_k, and its relative residual
//
//	‖π σ(g Z_k) − σ(Z_k)‖_F / ‖σ(Z_k)‖_F,
//
// from π = σ(Z_k) σ(g Z_k)⁺ (sym.NonlinearPi with V = I) for k ≤ h and by
// least squares (sym.FitPi) for k > h. The control, LeakyReLU with a
// positive diagonal g (a true symmetry, σ(g z) = g σ(z)), fits every k.
func NonlinearBatchLimit(s NonlinearBatchLimitSettings) (*NonlinearBatchLimitResult, error) {
	if s.Ks == nil {
		s.Ks = []int{1, 8, 16, 17, 20, 32, 100, 1000}
	}
	if s.Eps == 0 {
		s.Eps = 0.1
	}
	if len(s.Ks) == 0 || slices.Min(s.Ks) < 1 {
		return nil, fmt.Errorf("zhao2023: NonlinearBatchLimit: batch sizes %v, want k ≥ 1", s.Ks)
	}
	rnd := rand.New(rand.NewPCG(3, 3))
	Z, T := nlGauss(rnd, nlH, max(nlH+1, slices.Max(s.Ks)), 1), sym.SampleAlgebra(rnd, nlH)
	g, gInv := sym.Expm(s.Eps, T), sym.Expm(-s.Eps, T)
	c := sym.SamplePositive(rnd, nlH, 0.1) // a positive diagonal g near e
	dg, dgInv := mat.NewDense(nlH, nlH, nil), mat.NewDense(nlH, nlH, nil)
	for i := range nlH {
		dg.Set(i, i, c[i])
		dgInv.Set(i, i, 1/c[i])
	}
	res := &NonlinearBatchLimitResult{H: nlH}
	for _, k := range s.Ks {
		row := NonlinearBatchLimitRow{K: k, Control: nlBestPi(nlActs[1], dg, dgInv, Z, k)}
		for _, act := range nlActs {
			row.Residual = append(row.Residual, nlBestPi(act, g, gInv, Z, k))
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// nlBestPi fits π σ(g z) ≈ σ(z) on the first k columns z of Z and returns the
// relative residual on them.
func nlBestPi(act nn.Activation, g, gInv, Z *mat.Dense, k int) float64 {
	Zk := Z.Slice(0, nlH, 0, k)
	gZ := nlMul(g, Zk)
	if k > nlH {
		_, res := sym.FitPi(act, gInv, gZ) // σ(g⁻¹ g z) ≈ π σ(g z)
		return res
	}
	pi := sym.NonlinearPi(act, g, sym.Identity(nlH), Zk) // V = I: X holds the pre-activations
	return sym.RelDiff(act.Eval(nil, mat.DenseCopyOf(Zk)), nlMul(pi, act.Eval(nil, gZ)))
}

// NonlinearOnBatchSettings set up NonlinearOnBatch. Zero fields take the
// values in parentheses. The experiment is cheap: tests run it as it is.
type NonlinearOnBatchSettings struct {
	Net uint64  // the random net's seed (0)
	Eps float64 // g = e^{εT} (0.01)
}

// NonlinearOnBatchRow is one activation's action on the net.
type NonlinearOnBatchRow struct {
	Act      string
	VMove    float64 // ‖gV − V‖_F/‖V‖_F
	PiMove   float64 // ‖π − I‖_F/‖I‖_F
	Cond     float64 // the condition number of σ(VX) on the batch
	OnBatch  float64 // ‖f′ − f‖_F/‖f‖_F on the batch
	OffBatch float64 // the same on the 1000 new inputs
}

// NonlinearOnBatchResult holds one row per activation of NonlinearActs.
type NonlinearOnBatchResult struct {
	Eps  float64
	Rows []NonlinearOnBatchRow
}

// NonlinearOnBatch applies the nonlinear action (Sec. 4) to one random net:
// π = σ(VX) σ(gVX)⁺ fitted on its batch of k = h = 16 inputs, g = e^{εT},
// and (U π, gV) evaluated on the batch and on 1000 new inputs.
//
// When B = σ(gVX) has full column rank, B⁺B = I_k, so π B = σ(VX) and the
// outputs on the batch are unchanged to rounding (times the condition number
// of B). π contains σ(gVX)⁻¹, so it moves further from I than gV from V,
// the more the worse σ(VX) is conditioned (its hidden vectors nearly
// dependent); new inputs see a change of order ε times that amplification.
func NonlinearOnBatch(s NonlinearOnBatchSettings) (*NonlinearOnBatchResult, error) {
	if s.Eps == 0 {
		s.Eps = 0.01
	}
	nt := NewNonlinearNet(s.Net)
	g := sym.Expm(s.Eps, nt.T)
	res := &NonlinearOnBatchResult{Eps: s.Eps}
	for _, act := range nlActs {
		pi := sym.NonlinearPi(act, g, nt.V, nt.Batch)
		_, gV := sym.NonlinearAct(pi, g, nt.U, nt.V)
		on, off := nlChange(act, s.Eps, nt)
		res.Rows = append(res.Rows, NonlinearOnBatchRow{
			Act: act.Name, VMove: sym.RelDiff(nt.V, gV), PiMove: sym.RelDiff(sym.Identity(nlH), pi),
			Cond: mat.Cond(act.Eval(nil, nlMul(nt.V, nt.Batch)), 2), OnBatch: on, OffBatch: off,
		})
	}
	return res, nil
}

// NonlinearOffBatchSettings set up NonlinearOffBatch. Zero fields take the
// values in parentheses.
type NonlinearOffBatchSettings struct {
	Nets int       // random nets, seeds 0, 1, … (20)
	Eps  []float64 // ε of g = e^{εT}, increasing (10^{−4+i/4}, i = 0, …, 16)
}

// Fast returns the preset of the short tests: the five decades of ε from
// 1e-4 to 1 (which include the ε of the derived table) and 7 nets (a median
// with quartiles still defined).
func (s NonlinearOffBatchSettings) Fast() NonlinearOffBatchSettings {
	return NonlinearOffBatchSettings{Nets: 7, Eps: []float64{1e-4, 1e-3, 1e-2, 0.1, 1}}
}

// NonlinearOffBatchCurve is one activation's output change on new inputs
// against ε: the median and quartiles over the nets, and the largest change
// on a fitted batch over all nets and ε.
type NonlinearOffBatchCurve struct {
	Act            string
	Median, Q1, Q3 []float64 // one per ε
	WorstOnBatch   float64
}

// NonlinearOffBatchRow compares the median at one ε of the derived table
// with it.
type NonlinearOffBatchRow struct {
	Act                 string
	Eps                 float64
	Median, Q1, Q3      float64
	Derived             float64 // one random net (derived; notebooks/REFERENCES.md)
	MeasuredOverDerived float64
}

// NonlinearOffBatchResult holds the curves and, at the ε of the derived table
// that the sweep contains, the rows beside it.
type NonlinearOffBatchResult struct {
	Nets   int
	Eps    []float64
	Curves []NonlinearOffBatchCurve
	Rows   []NonlinearOffBatchRow
}

// Relative output change off the batch for one random net of the official
// notebooks' set-up (h = 16, 1000 new inputs) at ε = 1e-3, 1e-2, 0.1, 1:
// derived values, not printed in the paper (notebooks/REFERENCES.md).
var (
	nlDerivedEps = []float64{1e-3, 1e-2, 0.1, 1}
	nlDerived    = map[string][]float64{
		"tanh":            {0.005, 0.06, 0.77, 1.08},
		"leaky_relu(0.1)": {0.0025, 0.034, 0.32, 3.4},
		"relu2":           {0.035, 0.21, 0.64, 15},
	}
)

// NonlinearOffBatch measures how far the nonlinear action is from a symmetry
// off its batch (Sec. 4; the official notebooks' experiment). For each net
// and ε, π is fitted on the batch of k = h = 16 inputs, g = e^{εT}, and the
// change of the outputs on 1000 new inputs is
//
//	‖U π σ(gVX′) − U σ(VX′)‖_F / ‖U σ(VX′)‖_F.
//
// Both gV − V and π − I are O(ε), so the change is first order in ε: a
// factor 10 per decade for small ε, of order one and more for ε ≳ 1. The
// constant depends on the net (π contains σ(gVX)⁻¹, which amplifies the
// change when the batch's hidden vectors are nearly dependent), hence the
// median and quartiles over nets (linear interpolation between order
// statistics).
func NonlinearOffBatch(s NonlinearOffBatchSettings) (*NonlinearOffBatchResult, error) {
	if s.Nets == 0 {
		s.Nets = 20
	}
	if s.Eps == nil {
		for i := range 17 {
			s.Eps = append(s.Eps, math.Pow(10, -4+float64(i)/4))
		}
	}
	if s.Nets < 1 || len(s.Eps) == 0 || slices.Min(s.Eps) <= 0 || !slices.IsSorted(s.Eps) {
		return nil, fmt.Errorf("zhao2023: NonlinearOffBatch: %d nets and ε %v, want nets ≥ 1 and ε > 0 increasing", s.Nets, s.Eps)
	}
	nets := par.Map(s.Nets, func(i int) NonlinearNet { return NewNonlinearNet(uint64(i)) })
	res := &NonlinearOffBatchResult{Nets: s.Nets, Eps: s.Eps}
	for _, act := range nlActs {
		c := NonlinearOffBatchCurve{Act: act.Name}
		// change[e][i]: net i at ε_e; on[i]: its worst change on the batch.
		change, on := make([][]float64, len(s.Eps)), make([]float64, s.Nets)
		for e := range change {
			change[e] = make([]float64, s.Nets)
		}
		par.For(s.Nets, func(i int) {
			for e, eps := range s.Eps {
				var o float64
				o, change[e][i] = nlChange(act, eps, nets[i])
				on[i] = max(on[i], o)
			}
		})
		for _, d := range change {
			slices.Sort(d)
			c.Median = append(c.Median, nlQuantile(d, 0.5))
			c.Q1, c.Q3 = append(c.Q1, nlQuantile(d, 0.25)), append(c.Q3, nlQuantile(d, 0.75))
		}
		c.WorstOnBatch = slices.Max(on)
		res.Curves = append(res.Curves, c)
		res.Rows = append(res.Rows, nlDerivedRows(c, s.Eps)...)
	}
	return res, nil
}

// nlDerivedRows returns the rows of curve c at the ε of the derived table
// found in eps.
func nlDerivedRows(c NonlinearOffBatchCurve, eps []float64) []NonlinearOffBatchRow {
	var rows []NonlinearOffBatchRow
	for j, de := range nlDerivedEps {
		e := nlIndex(eps, de)
		if e < 0 {
			continue
		}
		d := nlDerived[c.Act][j]
		rows = append(rows, NonlinearOffBatchRow{Act: c.Act, Eps: de, Median: c.Median[e], Q1: c.Q1[e], Q3: c.Q3[e],
			Derived: d, MeasuredOverDerived: c.Median[e] / d})
	}
	return rows
}

// nlIndex returns the index of the entry of eps equal to e up to rounding, or −1.
func nlIndex(eps []float64, e float64) int {
	return slices.IndexFunc(eps, func(v float64) bool { return math.Abs(v/e-1) < 1e-9 })
}

// Median returns the median over nets of act's change at ε, and whether the
// sweep contains ε.
func (r *NonlinearOffBatchResult) Median(act string, eps float64) (float64, bool) {
	e := nlIndex(r.Eps, eps)
	for _, c := range r.Curves {
		if c.Act == act && e >= 0 {
			return c.Median[e], true
		}
	}
	return 0, false
}

// Growth returns act's median change at 10ε over that at ε: 10 where the
// change is first order in ε. It returns NaN if the sweep lacks ε or 10ε.
func (r *NonlinearOffBatchResult) Growth(act string, eps float64) float64 {
	lo, ok1 := r.Median(act, eps)
	hi, ok2 := r.Median(act, 10*eps)
	if !ok1 || !ok2 {
		return math.NaN()
	}
	return hi / lo
}

// WorstOnBatch returns the largest output change on a fitted batch over all
// activations, nets and ε.
func (r *NonlinearOffBatchResult) WorstOnBatch() float64 {
	w := 0.0
	for _, c := range r.Curves {
		w = max(w, c.WorstOnBatch)
	}
	return w
}

// nlQuantile returns the p-quantile of sorted values, interpolating linearly
// between neighbours (the median of an even count is the mean of the middle
// two).
func nlQuantile(sorted []float64, p float64) float64 {
	x := p * float64(len(sorted)-1)
	i := int(x)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (x-float64(i))*(sorted[i+1]-sorted[i])
}

// NonlinearCocycleSettings set up NonlinearCocycle. Zero fields take the
// values in parentheses. The experiment is cheap: tests run it as it is.
type NonlinearCocycleSettings struct {
	Eps float64 // g₁, g₂ = e^{εT₁}, e^{εT₂} (0.5, far from the identity)
}

// NonlinearCocycleRow holds one activation's relative errors.
type NonlinearCocycleRow struct {
	Act        string
	Law        float64 // π(g₂g₁, V) against π(g₁, V) π(g₂, g₁V)
	OtherOrder float64 // π(g₂g₁, V) against π(g₂, g₁V) π(g₁, V)
	Identity   float64 // ‖π(e, V) − I‖_F/‖I‖_F
}

// NonlinearCocycleResult holds one row per activation of NonlinearActs.
type NonlinearCocycleResult struct {
	Eps  float64
	Rows []NonlinearCocycleRow
}

// NonlinearCocycle checks that for k = h the nonlinear action is a group
// action of GL(h) (Sec. 4). Acting with g₁ and then g₂,
//
//	g₂·(g₁·(U, V)) = (U π(g₁, V) π(g₂, g₁V), g₂g₁V),
//
// which is (g₂g₁)·(U, V) exactly when the cocycle
//
//	π(g₂g₁, V) = π(g₁, V) π(g₂, g₁V)
//
// holds; it does, since σ(VX)σ(g₁VX)⁻¹ · σ(g₁VX)σ(g₂g₁VX)⁻¹ = σ(VX)σ(g₂g₁VX)⁻¹,
// and π(e) = σ(VX)σ(VX)⁻¹ = I. The product in the other order is the control.
// Set-up: net 0 and its batch of k = h inputs, g₁, g₂ = SampleGL(ε).
func NonlinearCocycle(s NonlinearCocycleSettings) (*NonlinearCocycleResult, error) {
	if s.Eps == 0 {
		s.Eps = 0.5
	}
	nt := NewNonlinearNet(0)
	rnd := rand.New(rand.NewPCG(11, 1))
	g1, g2 := sym.SampleGL(rnd, nlH, s.Eps), sym.SampleGL(rnd, nlH, s.Eps)
	res := &NonlinearCocycleResult{Eps: s.Eps}
	for _, act := range nlActs {
		whole := sym.NonlinearPi(act, nlMul(g2, g1), nt.V, nt.Batch)
		p1 := sym.NonlinearPi(act, g1, nt.V, nt.Batch)
		p2 := sym.NonlinearPi(act, g2, nlMul(g1, nt.V), nt.Batch)
		e := sym.Identity(nlH)
		res.Rows = append(res.Rows, NonlinearCocycleRow{Act: act.Name,
			Law: sym.RelDiff(whole, nlMul(p1, p2)), OtherOrder: sym.RelDiff(whole, nlMul(p2, p1)),
			Identity: sym.RelDiff(e, sym.NonlinearPi(act, e, nt.V, nt.Batch))})
	}
	return res, nil
}

// NonlinearSmallBatchSettings set up NonlinearSmallBatch. Zero fields take
// the values in parentheses. The experiment is cheap: tests run it as it is.
type NonlinearSmallBatchSettings struct {
	K int // batch size k < h (8)
}

// NonlinearSmallBatchRow describes π(e) for one activation.
type NonlinearSmallBatchRow struct {
	Act         string
	Trace       float64 // Tr π(e): k for a projection of rank k
	Idempotence float64 // ‖π(e)² − π(e)‖₂
	ChangeAtE   float64 // relative output change on the new inputs at g = e
}

// NonlinearSmallBatchResult holds one row per activation of NonlinearActs.
type NonlinearSmallBatchResult struct {
	K    int
	Rows []NonlinearSmallBatchRow
}

// NonlinearSmallBatch shows why k < h is not a group action: the cocycle
// still holds (it needs only B⁺B = I_k), but
//
//	π(e) = σ(VX) σ(VX)⁺
//
// is the orthogonal projection onto the k hidden vectors of the batch, not I,
// so new inputs change even at g = e. Set-up: net 0, the first k inputs of its
// batch.
func NonlinearSmallBatch(s NonlinearSmallBatchSettings) (*NonlinearSmallBatchResult, error) {
	if s.K == 0 {
		s.K = 8
	}
	if s.K < 1 || s.K >= nlH {
		return nil, fmt.Errorf("zhao2023: NonlinearSmallBatch: k = %d, want 1 ≤ k < h = %d", s.K, nlH)
	}
	nt := NewNonlinearNet(0)
	e := sym.Identity(nlH)
	res := &NonlinearSmallBatchResult{K: s.K}
	for _, act := range nlActs {
		P := sym.NonlinearPi(act, e, nt.V, nt.Batch.Slice(0, nlN, 0, s.K))
		PU, _ := sym.NonlinearAct(P, e, nt.U, nt.V)
		var d mat.Dense
		d.Sub(nlMul(P, P), P)
		res.Rows = append(res.Rows, NonlinearSmallBatchRow{Act: act.Name, Trace: mat.Trace(P), Idempotence: mat.Norm(&d, 2),
			ChangeAtE: sym.RelDiff(nlOutput(act, nt.U, nt.V, nt.New), nlOutput(act, PU, nt.V, nt.New))})
	}
	return res, nil
}

// NonlinearSphericalSettings set up NonlinearSpherical. Zero fields take the
// values in parentheses.
type NonlinearSphericalSettings struct {
	Z []float64 // a nonzero vector of length ≥ 2 ((0.6, −0.3, 0.5, −0.4))
}

// NonlinearSphericalResult holds the angles α₁, …, α_{h−1} of z both ways and
// the first column R e₁ of the frame built from each.
type NonlinearSphericalResult struct {
	Z                         []float64
	ArccosAngles, Atan2Angles []float64
	ArccosColumn, Atan2Column []float64 // R e₁, which should be z
	FrameDiff                 float64   // sym.SphericalFrame against the atan2 frame
	Orthogonality             float64   // ‖R Rᵀ − ‖z‖² I‖₂ for sym.SphericalFrame
}

// NonlinearSpherical compares the two ways of taking the spherical angles of
// z ∈ R^h for the exact single-sample action (Sec. 4),
//
//	z₁ = r cos α₁,  z_i = r sin α₁ ⋯ sin α_{i−1} cos α_i,  z_h = r sin α₁ ⋯ sin α_{h−1}.
//
// The official code takes every angle from α_i = arccos(z_i/(r sin α₁ ⋯ sin α_{i−1}))
// ∈ [0, π], so sin α_{h−1} ≥ 0 and the frame's first column has z_h ≥ 0
// whatever the sign of z_h. Taking α_i = atan2(‖z_{i+1:h}‖, z_i) and the
// last one signed, α_{h−1} = atan2(z_h, z_{h−1}) ∈ (−π, π], gives back z
// (sym.SphericalFrame).
func NonlinearSpherical(s NonlinearSphericalSettings) (*NonlinearSphericalResult, error) {
	if s.Z == nil {
		s.Z = []float64{0.6, -0.3, 0.5, -0.4}
	}
	if len(s.Z) < 2 || !slices.ContainsFunc(s.Z, func(v float64) bool { return v != 0 }) {
		return nil, fmt.Errorf("zhao2023: NonlinearSpherical: z = %v, want a nonzero vector of length ≥ 2", s.Z)
	}
	h := len(s.Z)
	ra, aa := nlArccosAngles(s.Z)
	rt, at := nlAtan2Angles(s.Z)
	R := sym.SphericalFrame(s.Z)
	r2I := sym.Identity(h)
	r2I.Scale(rt*rt, r2I)
	var d mat.Dense
	d.Sub(nlMul(R, R.T()), r2I)
	return &NonlinearSphericalResult{
		Z: s.Z, ArccosAngles: aa[1:], Atan2Angles: at[1:],
		ArccosColumn: mat.Col(nil, 0, nlFrame(ra, aa)), Atan2Column: mat.Col(nil, 0, nlFrame(rt, at)),
		FrameDiff: sym.RelDiff(nlFrame(rt, at), R), Orthogonality: mat.Norm(&d, 2),
	}, nil
}

// nlArccosAngles returns r = ‖z‖ and the angles as the official code takes
// them, every one from arccos (alpha[0] unused).
func nlArccosAngles(z []float64) (r float64, alpha []float64) {
	r = mat.Norm(mat.NewVecDense(len(z), z), 2)
	alpha = make([]float64, len(z))
	p := r
	for i := 1; i < len(z); i++ {
		alpha[i] = math.Acos(math.Max(-1, math.Min(1, z[i-1]/p)))
		p *= math.Sin(alpha[i])
	}
	return r, alpha
}

// nlAtan2Angles returns r = ‖z‖ and the angles by atan2 of the tail's norm,
// the last one signed (alpha[0] unused).
func nlAtan2Angles(z []float64) (r float64, alpha []float64) {
	k := len(z)
	alpha = make([]float64, k)
	tail := 0.0
	for i := k - 1; i >= 1; i-- {
		tail = math.Hypot(tail, z[i]) // ‖z_{i+1:h}‖ (1-based)
		alpha[i] = math.Atan2(tail, z[i-1])
	}
	alpha[k-1] = math.Atan2(z[k-1], z[k-2])
	return math.Hypot(tail, z[0]), alpha
}

// nlFrame builds R from r and the angles: column 1 is r u₀, column j+1 is
// r (0, …, −sin α_j, cos α_j u_j), with u_{h−1} = (1) and
// u_{j−1} = (cos α_j, sin α_j u_j).
func nlFrame(r float64, alpha []float64) *mat.Dense {
	k := len(alpha)
	R := mat.NewDense(k, k, nil)
	u := make([]float64, k) // u_j lives in u[j:]
	u[k-1] = 1
	for j := k - 1; j >= 1; j-- {
		s, c := math.Sincos(alpha[j])
		R.Set(j-1, j, -r*s)
		for i := j; i < k; i++ {
			R.Set(i, j, r*c*u[i])
			u[i] *= s
		}
		u[j-1] = c
	}
	for i := range k {
		R.Set(i, 0, r*u[i])
	}
	return R
}

// NonlinearExactSettings set up NonlinearExact. Zero fields take the values
// in parentheses. The experiment is cheap: tests run it as it is.
type NonlinearExactSettings struct {
	Inputs int     // inputs, half random and half with Vx < 0 (40)
	Eps    float64 // g = SampleGL(ε) (0.5)
}

// NonlinearExactResult holds the worst errors of sym.ExactPi and the failures
// of the arccos frames on the same inputs.
type NonlinearExactResult struct {
	Inputs        int
	Worst         float64 // max ‖π z′ − z‖/‖z‖
	WorstIdentity float64 // max ‖π(e) − I‖_F/‖I‖_F
	AllNegative   int     // inputs with z and z′ negative in every entry
	LastNegative  int     // inputs with z_h < −0.05‖z‖ or z′_h < −0.05‖z′‖
	ArccosFails   int     // of those, where the arccos π misses π z′ = z by more than 1e-3
	ArccosMinMiss float64 // the smallest such miss
}

// NonlinearExact checks the exact single-sample action (Sec. 4) on a tanh
// net with h = n = 16: for one input x, z = σ(Vx), z′ = σ(gVx) and the
// spherical frames R(·) with first column z and R Rᵀ = ‖z‖² I,
//
//	π = R(z) R(z′)⁻¹ = R(z) R(z′)ᵀ/‖z′‖²,
//
// maps z′ to R(z) e₁ = z, is invertible, and is I at g = e (sym.ExactPi). The
// inputs are random (hidden vectors of mixed signs) and, for the second
// half, solutions of Vx = b with b = −(0.5 + |N(0, 1)|) in every entry, so
// that z is negative everywhere. Beside it, π from the frames of the official
// arccos angles misses π z′ = z by about |z_h|/‖z‖ wherever a last entry is
// negative: the test counts the inputs with z_h < −0.05‖z‖ or
// z′_h < −0.05‖z′‖ and those where the miss exceeds 1e-3.
func NonlinearExact(s NonlinearExactSettings) (*NonlinearExactResult, error) {
	if s.Inputs == 0 {
		s.Inputs = 40
	}
	if s.Eps == 0 {
		s.Eps = 0.5
	}
	if s.Inputs < 0 {
		return nil, fmt.Errorf("zhao2023: NonlinearExact: %d inputs, want ≥ 0", s.Inputs)
	}
	rnd := rand.New(rand.NewPCG(5, 5))
	V, g := nlGauss(rnd, nlH, nlH, 1/math.Sqrt(nlH)), sym.SampleGL(rnd, nlH, s.Eps)
	res := &NonlinearExactResult{Inputs: s.Inputs, ArccosMinMiss: math.Inf(1)}
	for c := range s.Inputs {
		x := mat.NewVecDense(nlH, nlGauss(rnd, nlH, 1, 1).RawMatrix().Data)
		if c >= s.Inputs/2 { // solve V x = b with b = −(0.5 + |N(0,1)|) in every entry
			b := nlGauss(rnd, nlH, 1, 1).RawMatrix().Data
			for i := range b {
				b[i] = -0.5 - math.Abs(b[i])
			}
			if err := x.SolveVec(V, mat.NewVecDense(nlH, b)); err != nil {
				return nil, errors.Join(errors.New("zhao2023: NonlinearExact: V x = b"), err)
			}
		}
		nlExactInput(res, nn.Tanh, g, V, x.RawVector().Data)
	}
	return res, nil
}

// nlExactInput adds input x to res.
func nlExactInput(res *NonlinearExactResult, act nn.Activation, g, V *mat.Dense, x []float64) {
	var Vx, gVx mat.VecDense
	Vx.MulVec(V, mat.NewVecDense(nlH, x))
	gVx.MulVec(g, &Vx)
	z := act.Eval(nil, mat.DenseCopyOf(&Vx)).RawMatrix().Data
	zp := act.Eval(nil, mat.DenseCopyOf(&gVx)).RawMatrix().Data
	if slices.Max(z) < 0 && slices.Max(zp) < 0 {
		res.AllNegative++
	}
	zv, zpv := mat.NewVecDense(nlH, z), mat.NewVecDense(nlH, zp)
	var a mat.VecDense
	a.MulVec(sym.ExactPi(act, g, V, x), zpv)
	res.Worst = max(res.Worst, sym.RelDiff(zv, &a))
	e := sym.Identity(nlH)
	res.WorstIdentity = max(res.WorstIdentity, sym.RelDiff(e, sym.ExactPi(act, e, V, x)))
	// A clearly negative last entry (the arccos miss is of order |z_h|/‖z‖).
	if z[nlH-1] >= -0.05*mat.Norm(zv, 2) && zp[nlH-1] >= -0.05*mat.Norm(zpv, 2) {
		return
	}
	res.LastNegative++
	ra, aa := nlArccosAngles(z)
	rp, ap := nlArccosAngles(zp)
	piAcos := nlMul(nlFrame(ra, aa), nlFrame(rp, ap).T())
	piAcos.Scale(1/(rp*rp), piAcos)
	var b mat.VecDense
	b.MulVec(piAcos, zpv)
	if d := sym.RelDiff(zv, &b); d > 1e-3 {
		res.ArccosFails++
		res.ArccosMinMiss = min(res.ArccosMinMiss, d)
	}
}

// Table returns the residuals, one row per batch size.
func (r *NonlinearBatchLimitResult) Table() show.Table {
	t := show.Table{Header: append(append([]string{"samples k"}, NonlinearActs()...), "leaky_relu(0.1), g diagonal > 0"), Format: "%.1e"}
	for _, row := range r.Rows {
		cells := []any{row.K}
		for _, v := range row.Residual {
			cells = append(cells, v)
		}
		t.AddRow(append(cells, row.Control)...)
	}
	return t
}

// Table returns one row per activation.
func (r *NonlinearOnBatchResult) Table() show.Table {
	t := show.Table{Header: []string{fmt.Sprintf("σ (net 0, ε = %g)", r.Eps), "‖gV − V‖/‖V‖", "‖π − I‖/‖I‖",
		"cond σ(VX)", "output change on the batch", "on 1000 new inputs"}, Format: "%.2g"}
	for _, row := range r.Rows {
		t.AddRow(row.Act, row.VMove, row.PiMove, row.Cond, row.OnBatch, row.OffBatch)
	}
	return t
}

// Table returns the medians at the ε of the derived table beside it.
func (r *NonlinearOffBatchResult) Table() show.Table {
	t := show.Table{Header: []string{"σ", "ε", fmt.Sprintf("median over %d nets", r.Nets), "quartiles",
		"one net (derived)", "median / derived"}}
	for _, row := range r.Rows {
		t.AddRow(row.Act, fmt.Sprintf("%g", row.Eps), nlPercent(row.Median),
			nlPercent(row.Q1)+" – "+nlPercent(row.Q3), nlPercent(row.Derived), fmt.Sprintf("%.2f", row.MeasuredOverDerived))
	}
	return t
}

// nlPercent formats a fraction as a percentage to three digits.
func nlPercent(v float64) string { return fmt.Sprintf("%.3g%%", 100*v) }

// Plot draws the median change against ε on log–log axes, one colour per
// activation, with the quartiles dotted and the derived one-net values as
// crosses.
func (r *NonlinearOffBatchResult) Plot() (*plot.Plot, error) {
	var medians []show.Series
	for _, c := range r.Curves {
		medians = append(medians, show.Series{Name: fmt.Sprintf("%s (median of %d nets)", c.Act, r.Nets), X: r.Eps, Y: c.Median})
	}
	p, err := show.Lines(show.Axes{Title: "the nonlinear action off its batch (h = 16, 1000 new inputs)",
		X: "ε  (g = exp(εT))", Y: "‖f′ − f‖ / ‖f‖ on new inputs", LogX: true, LogY: true}, medians...)
	if err != nil {
		return nil, err
	}
	dotted := draw.LineStyle{Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}}
	cross := draw.GlyphStyle{Radius: vg.Points(4), Shape: draw.CrossGlyph{}}
	for i, c := range r.Curves {
		for _, q := range [][]float64{c.Q1, c.Q3} {
			l, err := plotter.NewLine(nlXYs(r.Eps, q))
			if err != nil {
				return nil, err
			}
			l.LineStyle, l.Color = dotted, plotutil.Color(i)
			p.Add(l)
		}
		s, err := plotter.NewScatter(nlXYs(nlDerivedEps, nlDerived[c.Act]))
		if err != nil {
			return nil, err
		}
		s.GlyphStyle, s.Color = cross, plotutil.Color(i)
		p.Add(s)
	}
	// Legend entries for the quartiles and the derived values, in black.
	q, _ := plotter.NewLine(nlXYs([]float64{1}, []float64{1}))
	q.LineStyle = dotted
	x, _ := plotter.NewScatter(nlXYs([]float64{1}, []float64{1}))
	x.GlyphStyle = cross
	p.Legend.Add("quartiles over nets", q)
	p.Legend.Add("one net (derived)", x)
	p.Legend.Left, p.Legend.Top = true, true
	return p, nil
}

// nlXYs pairs x and y as points.
func nlXYs(x, y []float64) plotter.XYs {
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i].X, pts[i].Y = x[i], y[i]
	}
	return pts
}

// Table returns one row per activation.
func (r *NonlinearCocycleResult) Table() show.Table {
	t := show.Table{Header: []string{"σ", "π(g₂g₁,V) vs π(g₁,V)π(g₂,g₁V)", "vs π(g₂,g₁V)π(g₁,V)", "‖π(e) − I‖/‖I‖"}, Format: "%.1e"}
	for _, row := range r.Rows {
		t.AddRow(row.Act, row.Law, row.OtherOrder, row.Identity)
	}
	return t
}

// Table returns one row per activation.
func (r *NonlinearSmallBatchResult) Table() show.Table {
	t := show.Table{Header: []string{fmt.Sprintf("σ (k = %d)", r.K), "Tr π(e)", "‖π(e)² − π(e)‖", "output change on new inputs at g = e"}}
	for _, row := range r.Rows {
		t.AddRow(row.Act, fmt.Sprintf("%.6f", row.Trace), fmt.Sprintf("%.0e", row.Idempotence), nlPercent(row.ChangeAtE))
	}
	return t
}

// Table returns z, its angles both ways and the frames' first columns.
func (r *NonlinearSphericalResult) Table() show.Table {
	v := func(x []float64) string { return fmt.Sprintf("%+.4f", x) }
	t := show.Table{Header: []string{"", "value"}}
	t.AddRow("z", v(r.Z))
	t.AddRow("angles α₁…α_{h−1}, arccos (official code)", v(r.ArccosAngles))
	t.AddRow("angles α₁…α_{h−1}, atan2", v(r.Atan2Angles))
	t.AddRow("R e₁ from the arccos angles", v(r.ArccosColumn))
	t.AddRow("R e₁ from the atan2 angles", v(r.Atan2Column))
	t.AddRow("sym.SphericalFrame vs the atan2 frame", fmt.Sprintf("%.0e", r.FrameDiff))
	t.AddRow("‖R Rᵀ − ‖z‖² I‖", fmt.Sprintf("%.0e", r.Orthogonality))
	return t
}

// Table returns the errors of the exact action and the arccos control.
func (r *NonlinearExactResult) Table() show.Table {
	t := show.Table{Header: []string{fmt.Sprintf("tanh, h = 16, %d inputs", r.Inputs), "value"}}
	t.AddRow("inputs with z and z′ negative in every entry", r.AllNegative)
	t.AddRow("sym.ExactPi (atan2): worst ‖π z′ − z‖/‖z‖", fmt.Sprintf("%.0e", r.Worst))
	t.AddRow("sym.ExactPi: worst ‖π(e) − I‖/‖I‖", fmt.Sprintf("%.0e", r.WorstIdentity))
	t.AddRow("inputs with z_h < −0.05‖z‖ or z′_h < −0.05‖z′‖", r.LastNegative)
	t.AddRow("of those, arccos angles miss π z′ = z by > 1e-3", r.ArccosFails)
	t.AddRow("smallest such miss", fmt.Sprintf("%.3f", r.ArccosMinMiss))
	return t
}

// NonlinearTable returns the closing table of notebook 07: the measured
// values beside their references, labelled "derived" (notebooks/REFERENCES.md)
// or as identities with the tolerance the tests hold them to.
func NonlinearTable(off *NonlinearOffBatchResult, co *NonlinearCocycleResult, ex *NonlinearExactResult) show.Table {
	t := show.Table{Header: []string{"", "measured", "reference"}}
	for _, act := range NonlinearActs() {
		var ms, ds []string
		for _, row := range off.Rows {
			if row.Act == act {
				ms, ds = append(ms, nlPercent(row.Median)), append(ds, nlPercent(row.Derived))
			}
		}
		t.AddRow(act+": change off the batch at ε = 1e-3 / 1e-2 / 0.1 / 1", strings.Join(ms, " / "), strings.Join(ds, " / ")+" (derived, one net)")
		t.AddRow(act+": growth 1e-4 → 1e-3 / 1e-3 → 1e-2", fmt.Sprintf("%.2f / %.2f", off.Growth(act, 1e-4), off.Growth(act, 1e-3)), "10 / 10 (first order in ε, derived)")
	}
	t.AddRow(fmt.Sprintf("change on the fitted batch, worst of %d nets × %d σ × %d ε", off.Nets, len(off.Curves), len(off.Eps)),
		fmt.Sprintf("%.0e", off.WorstOnBatch()), "0 (identity, ≤ 1e-10)")
	law, other, id := 0.0, math.Inf(1), 0.0
	for _, row := range co.Rows {
		law, other, id = max(law, row.Law), min(other, row.OtherOrder), max(id, row.Identity)
	}
	t.AddRow(fmt.Sprintf("cocycle π(g₂g₁,V) = π(g₁,V)π(g₂,g₁V), k = h, ε = %g", co.Eps), fmt.Sprintf("%.0e", law), "0 (identity, ≤ 1e-10)")
	t.AddRow("the other order π(g₂,g₁V)π(g₁,V), smallest miss", fmt.Sprintf("%.2f", other), "≠ 0 (not the law)")
	t.AddRow("π(e) = I, k = h", fmt.Sprintf("%.0e", id), "0 (identity, ≤ 1e-10)")
	t.AddRow(fmt.Sprintf("exact π z′ = z, atan2 (%d inputs, %d all negative)", ex.Inputs, ex.AllNegative), fmt.Sprintf("%.0e", ex.Worst), "0 (identity, ≤ 1e-12)")
	t.AddRow("exact π(e) = I", fmt.Sprintf("%.0e", ex.WorstIdentity), "0 (identity, ≤ 1e-12)")
	t.AddRow("arccos angles (official code): π z′ ≠ z (miss > 1e-3)", fmt.Sprintf("%d of %d with z_h or z′_h < −0.05‖·‖", ex.ArccosFails, ex.LastNegative),
		"all of them (derived)")
	return t
}

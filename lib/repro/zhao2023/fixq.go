package zhao2023

// Notebooks 05 and 06: Q at a fixed function.
//
// Figs. 6 and 9 vary Q by varying the scale of the initialisation, which
// changes Q, the norm of the weights and the network's function together.
// Here one network is moved along its symmetry orbit to several values of Q
// with its outputs on the training inputs unchanged (OrbitToQ), and trained
// from each point: the convergence rate in Fig. 6's setting (Fig6Orbit) and
// the Hessian spectrum at the end in Fig. 9's (Fig9Orbit) then depend on Q
// alone. Several independent networks (draws) give the spread.

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// QCentred returns the official scalar conserved quantity of a two-layer
// network f = U σ(V X) with X = I, without its constant: conserved.Official
// for linear and ReLU (‖U‖² − ‖V‖², ‖U‖² − ‖relu(V)‖²), and
// conserved.Official + hn for tanh and sigmoid,
//
//	tanh:     ‖U‖² − Σ sinh²(V_{aj})               (= 2P),
//	sigmoid:  ½‖U‖² − Σ (V_{aj} + e^{V_{aj}} − 1)  (= P),
//
// P the paper's formula (conserved.Official's table). All four vanish at
// U = V = 0, where the official tanh and sigmoid forms are −hn: a claim about
// the size |Q| needs the form without the constant.
func QCentred(act nn.Activation, U, V mat.Matrix) float64 {
	q := conserved.Official(act, U, V)
	if act.Name == nn.Tanh.Name || act.Name == nn.Sigmoid.Name {
		h, n := V.Dims()
		q += float64(h * n)
	}
	return q
}

// fixqCentre converts an official Q of a network with h·n first-layer
// weights to QCentred.
func fixqCentre(act string, official float64, hn int) float64 {
	if act == nn.Tanh.Name || act == nn.Sigmoid.Name {
		return official + float64(hn)
	}
	return official
}

// OrbitPoint is a network moved by OrbitToQ.
type OrbitPoint struct {
	U, V *mat.Dense
	C    float64 // V' = cV
	Q    float64 // QCentred at (U, V)
	// Exact is true when the move is a symmetry of the function on every
	// input (linear, ReLU), false when it keeps the outputs on the training
	// inputs X = I only (tanh, sigmoid).
	Exact bool
}

// OrbitToQ moves the two-layer network (U, V) with training inputs X = I to
// a point (U', V') with QCentred(U', V') = q and the same training outputs,
// U' σ(V') = U σ(V). In every case V' = cV for one c > 0:
//
//   - linear and ReLU: (U', V') = (U/c, cV), the rescaling symmetry with one
//     c for every hidden unit (sym.Rescale), which leaves U σ(V x) unchanged
//     for every input x. Q = ‖U‖²/c² − c²‖σ(V)‖² falls from +∞ to −∞ as c
//     grows, so every q is reached, at c = conserved.ScaleForQ(q, ‖U‖², ‖σ(V)‖²).
//
//   - tanh and sigmoid: for generic weights the only transformations of
//     (U, V) that keep x ↦ U σ(V x) on every input are the permutations of
//     the hidden units and, for tanh, their sign flips (Sussmann 1992); Q
//     takes the same value at all of them, so at a fixed function on all
//     inputs Q cannot move. The loss sees only the outputs on the n training
//     inputs, and those can be kept: with σ(cV) ∈ R^{h×n} of full column rank
//     (n ≤ h),
//
//     U' = U + (U σ(V) − U σ(cV)) σ(cV)⁺
//
//     is the matrix nearest U with U' σ(cV) = U σ(V): notebook 07's
//     nonlinear action with g = cI, completed by the identity off the
//     columns of σ(cV) so that c = 1 is the network itself. Q(c) is not
//     monotone in general; c is found by stepping log c away from 0 in the
//     direction of q until Q passes it, then bisection (to 1e-12 relative).
//     The outputs on inputs other than the training ones change.
//
// OrbitToQ returns an error for other activations, when σ(cV) loses rank
// or no c in [e⁻³⁰, e¹⁰] reaches q.
func OrbitToQ(act nn.Activation, U, V *mat.Dense, q float64) (OrbitPoint, error) {
	switch act.Name {
	case nn.Linear.Name, nn.ReLU.Name:
		sv := act.Eval(nil, V)
		u2, v2 := mat.Norm(U, 2), mat.Norm(sv, 2)
		return fixqRescale(act, U, V, conserved.ScaleForQ(q, u2*u2, v2*v2)), nil
	case nn.Tanh.Name, nn.Sigmoid.Name:
	default:
		return OrbitPoint{}, fmt.Errorf("zhao2023: OrbitToQ: no move for %s", act.Name)
	}
	at := func(lc float64) (OrbitPoint, error) { return fixqNonlinear(act, U, V, math.Exp(lc)) }
	p, err := at(0)
	if err != nil {
		return p, err
	}
	if p.Q == q {
		return p, nil
	}
	// Q grows as c shrinks (U' must grow to keep the outputs): step towards q.
	dir := 1.0
	if q > p.Q {
		dir = -1
	}
	lo, hi := 0.0, 0.0 // log c with Q on either side of q: Q(lo) − q and Q(hi) − q of opposite signs
	found := false
	for k := 1; k <= 80 && !found; k++ {
		lc := dir * 0.5 * float64(k)
		if lc < -30 || lc > 10 {
			break
		}
		pk, err := at(lc)
		if err != nil {
			return pk, err
		}
		if (pk.Q-q)*(p.Q-q) <= 0 {
			lo, hi, found = lc-dir*0.5, lc, true
		}
	}
	if !found {
		return OrbitPoint{}, fmt.Errorf("zhao2023: OrbitToQ: %s: no c in [e⁻³⁰, e¹⁰] reaches Q = %g (Q = %g at c = 1)", act.Name, q, p.Q)
	}
	plo, err := at(lo)
	if err != nil {
		return plo, err
	}
	for range 200 {
		mid := (lo + hi) / 2
		pm, err := at(mid)
		if err != nil {
			return pm, err
		}
		if math.Abs(pm.Q-q) <= 1e-12*math.Max(1, math.Abs(q)) || mid == lo || mid == hi {
			return pm, nil
		}
		if (pm.Q-q)*(plo.Q-q) > 0 {
			lo, plo = mid, pm
		} else {
			hi = mid
		}
	}
	return at((lo + hi) / 2)
}

// fixqRescale returns (U/c, cV) for a 1-homogeneous σ.
func fixqRescale(act nn.Activation, U, V *mat.Dense, c float64) OrbitPoint {
	h, _ := V.Dims()
	cs := make([]float64, h)
	for j := range cs {
		cs[j] = c
	}
	U2, V2 := sym.Rescale(cs, U, V)
	return OrbitPoint{U: U2, V: V2, C: c, Q: QCentred(act, U2, V2), Exact: true}
}

// fixqNonlinear returns (U + (Uσ(V) − Uσ(cV))σ(cV)⁺, cV), solving for the
// correction in the least-squares sense through a QR factorisation of σ(cV)
// (which does not square its condition number, as the normal equations
// would).
func fixqNonlinear(act nn.Activation, U, V *mat.Dense, c float64) (OrbitPoint, error) {
	var V2 mat.Dense
	V2.Scale(c, V)
	S, S2 := act.Eval(nil, V), act.Eval(nil, &V2)
	var R mat.Dense // U σ(V) − U σ(cV), m×n
	R.Sub(nlMul(U, S), nlMul(U, S2))
	var qr mat.QR
	qr.Factorize(S2)
	var X mat.Dense // minimum-norm X with σ(cV)ᵀ X = Rᵀ: X = (σ(cV)⁺)ᵀ Rᵀ, h×m
	if err := qr.SolveTo(&X, true, R.T()); err != nil {
		return OrbitPoint{}, fmt.Errorf("zhao2023: OrbitToQ: %s at c = %g: σ(cV) has lost rank: %w", act.Name, c, err)
	}
	var U2 mat.Dense
	U2.Add(U, X.T())
	return OrbitPoint{U: &U2, V: &V2, C: c, Q: QCentred(act, &U2, &V2)}, nil
}

// fixqGrid is the default grid of targets Q: 0, ±16, ±64, ±256, which
// spans the Q₀ of Figs. 6 and 9 (|Q₀| up to 257 and 271 for linear and ReLU).
var fixqGrid = []float64{-256, -64, -16, 0, 16, 64, 256}

// fixqNet returns the set-up of draw d of a figure with n inputs, h = 50
// hidden units and m outputs, X = I_n: d = 0 is the figure's own (Y from
// convData, weights from rand.NewPCG(12345, 0)), d > 0 draws Y and the weights
// from other seeds, as Fig9Spread does.
func fixqNet(act nn.Activation, n, m int, scale float64, d uint64) (nn.TwoLayer, *nn.Params, *mat.Dense, *mat.Dense) {
	X, Y := convData(n, m)
	if d > 0 {
		nn.Normal(1)(rand.New(rand.NewPCG(1+d, 2)), Y)
	}
	net := nn.TwoLayer{In: n, Hidden: 50, Out: m, Act: act}
	return net, net.Init(rand.New(rand.NewPCG(12345, d)), nn.Normal(scale)), X, Y
}

// fixqMoved is a network of draw d moved to the target Q, with the changes
// of its outputs.
type fixqMoved struct {
	net  nn.TwoLayer
	p    *nn.Params
	X, Y *mat.Dense
	pt   OrbitPoint
	// onData and offData are ‖f' − f‖_F/‖f‖_F on the training inputs and
	// on 100 inputs x ~ N(0, I_n) (a fixed draw).
	onData, offData float64
}

func fixqMove(act nn.Activation, n, m int, scale float64, d uint64, q float64) (fixqMoved, error) {
	net, p, X, Y := fixqNet(act, n, m, scale, d)
	U, V := net.UV(p)
	pt, err := OrbitToQ(act, U, V, q)
	if err != nil {
		return fixqMoved{}, fmt.Errorf("draw %d: %w", d, err)
	}
	moved := net.Params()
	moved.M("U").Copy(pt.U)
	moved.M("V").Copy(pt.V)
	Xoff := mat.NewDense(n, 100, nil)
	nn.Normal(1)(rand.New(rand.NewPCG(7, 7)), Xoff)
	return fixqMoved{net: net, p: moved, X: X, Y: Y, pt: pt,
		onData:  sym.RelDiff(nn.Predict(net, p, X), nn.Predict(net, moved, X)),
		offData: sym.RelDiff(nn.Predict(net, p, Xoff), nn.Predict(net, moved, Xoff))}, nil
}

// fixqSpectrum returns the largest and the k-th largest eigenvalue of the
// Hessian of loss at p (k = m·n, the number of nonzero ones at a zero-loss
// minimum) and how many exceed Fig9RTol·λ_max: the top k + 10 by Lanczos, as
// Fig9's Fast preset, or, where Lanczos does not converge (away from a
// minimum the eigenvalues below the k-th crowd together), all of them from
// the full matrix.
func fixqSpectrum(net nn.TwoLayer, p *nn.Params, X, Y *mat.Dense, loss nn.Loss, k int) (top, kth float64, nonzero int, err error) {
	hvp := hessian.New(nn.NewObjective(net, X, Y, loss), p.Vec())
	vals, err := sharpSpectrum(hvp, k+10)
	if err != nil {
		if vals, err = sharpSpectrum(hvp, 0); err != nil {
			return 0, 0, 0, err
		}
	}
	n := len(vals)
	return vals[n-1], vals[n-k], hessian.Rank(vals, Fig9RTol), nil
}

// OrbitRatio is a ratio between two points of the orbit, over draws: the
// geometric mean of the per-draw ratios and its 95% interval, exp of the
// mean of the logarithms ± t_{0.975, N−1}·sd/√N.
type OrbitRatio struct {
	Mean, Lo, Hi float64
	N            int // draws
}

// fixqRatio returns the OrbitRatio of the positive values r (one per draw).
func fixqRatio(r []float64) OrbitRatio {
	logs := make([]float64, len(r))
	for i, v := range r {
		logs[i] = math.Log(v)
	}
	m, sd := stat.MeanStdDev(logs, nil)
	out := OrbitRatio{Mean: math.Exp(m), Lo: math.NaN(), Hi: math.NaN(), N: len(r)}
	if len(r) > 1 {
		w := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(r) - 1)}.Quantile(0.975) * sd / math.Sqrt(float64(len(r)))
		out.Lo, out.Hi = math.Exp(m-w), math.Exp(m+w)
	}
	return out
}

// String formats the ratio as "mean [lo, hi]".
func (r OrbitRatio) String() string {
	if r.N < 2 {
		return fmt.Sprintf("%.3g", r.Mean)
	}
	return fmt.Sprintf("%.3g [%.3g, %.3g]", r.Mean, r.Lo, r.Hi)
}

// Fig6OrbitSettings sets up Fig6Orbit. The zero value moves Fig. 6's network
// at its middle scale s = 0.1 to Q ∈ {0, ±16, ±64, ±256} and trains it
// with Fig. 6's optimiser and horizon (η = 10⁻³, 4·10⁵ steps, 8·10⁵ for the
// sigmoid), one draw.
type Fig6OrbitSettings struct {
	Scale        float64   // init std s of the network that is moved; 0 means 0.1
	Q            []float64 // targets of QCentred (ratios are taken to Q = 0); nil means 0, ±16, ±64, ±256
	Draws        int       // networks moved: draw 0 is Fig. 6's, d > 0 other draws of Y and the weights; 0 means 1
	Steps        int       // GD steps for linear, ReLU and tanh; 0 means 4·10⁵
	SigmoidSteps int       // GD steps for the sigmoid; 0 means 8·10⁵
	LR           float64   // learning rate η; 0 means 10⁻³
	Every        int       // record ‖Y − f(X)‖_F every this many steps; 0 means 1000
}

// Spread returns s set up for the statistics over draws: 8 draws, Q ∈ {0,
// ±16, ±256}, and η = 10⁻² with a tenth of the steps (4·10⁴, 8·10⁴ for the
// sigmoid, recorded every 100), the same time ηk as Fig. 6's horizon at a
// tenth of the cost. Fig6OrbitTime compares the two learning rates.
func (s Fig6OrbitSettings) Spread() Fig6OrbitSettings {
	s.Draws, s.Q = 8, []float64{-256, -16, 0, 16, 256}
	s.LR, s.Steps, s.SigmoidSteps, s.Every = 1e-2, 40_000, 80_000, 100
	return s
}

func (s Fig6OrbitSettings) defaults() Fig6OrbitSettings {
	s.Scale = cmp.Or(s.Scale, 0.1)
	s.Q = convOrSlice(s.Q, fixqGrid)
	s.Draws = cmp.Or(s.Draws, 1)
	s.Steps = cmp.Or(s.Steps, 400_000)
	s.SigmoidSteps = cmp.Or(s.SigmoidSteps, 800_000)
	s.LR = cmp.Or(s.LR, 1e-3)
	s.Every = cmp.Or(s.Every, 1000)
	return s
}

// Fig6OrbitRun is one training run of Fig6Orbit.
type Fig6OrbitRun struct {
	Act    string  // the activation's Name
	Draw   int     // the network moved
	Target float64 // the Q asked for
	C      float64 // V' = cV
	Q0, Q  float64 // QCentred after the move and at the end of training
	// OnData and OffData are the relative changes ‖f' − f‖_F/‖f‖_F of the
	// outputs made by the move, on the training inputs and on 100 inputs
	// x ~ N(0, I).
	OnData, OffData float64
	Step            []float64 // the recorded steps
	Residual        []float64 // ‖Y − f(X)‖_F at those steps
	Below           float64   // the first recorded step with ‖Y − f(X)‖_F < Fig6Floor, −1 if none
	// Speed is the mean rate of convergence, in decades of ‖Y − f(X)‖_F per
	// 10⁵ steps: log₁₀(‖r₀‖/‖r_K‖)·10⁵/K, K the last step (the first below
	// Fig6Floor, where the run stops, or the horizon).
	Speed float64
	// LambdaMax and LambdaMin are the largest and the (m·n)-th largest
	// eigenvalues of the Hessian of the mean squared error at the end: at a
	// zero-loss minimum, the largest and the smallest nonzero one.
	LambdaMax, LambdaMin float64
	// Tail is the measured rate of the last two decades of the residual,
	// ln(r_i/r_K)/(K − i), i the first record below 100·r_K; NaN unless the
	// run reached Fig6Floor. Near the minimum a step multiplies the
	// residual's component along the Hessian's eigenvector i by 1 − ηλ_i,
	// so −d ln‖r‖/dk is a weighted mean of the −ln(1 − ηλ_i), at least that
	// of the slowest direction, −ln(1 − η·LambdaMin), and tends to it as the
	// faster ones die out.
	Tail float64
	// ActiveStart and ActiveEnd count the entries of V above 0 after the
	// move and at the end: for ReLU with X = I, the weights through which
	// sample a reaches unit j (the others get no gradient and stay).
	ActiveStart, ActiveEnd int
}

// Fig6OrbitResult is what Fig6Orbit measured.
type Fig6OrbitResult struct {
	Settings Fig6OrbitSettings // with the defaults filled in
	// Runs holds draw d, activation a (of Fig6Acts) and target i at
	// (d·len(Fig6Acts) + a)·len(Q) + i.
	Runs []Fig6OrbitRun
}

// Fig6Orbit measures the convergence rate of Fig. 6 against Q at a fixed
// function. Fig. 6's network (U ∈ R^{5×50}, V ∈ R^{50×10}, X = I₁₀, Y with
// N(0, 1) entries) at init std s is moved by OrbitToQ to each target Q (the
// same training outputs, so the same loss and residual ‖Y − f(X)‖_F at the
// start) and trained by full-batch gradient descent on the mean squared
// error until ‖Y − f(X)‖_F < Fig6Floor or the horizon. Each run records the
// residual, its mean speed and final rate, and the Hessian's extreme nonzero
// eigenvalues at the end. Fig. 6's claim, larger |Q| converges faster, is
// then a claim about Q alone.
func Fig6Orbit(s Fig6OrbitSettings) (*Fig6OrbitResult, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps <= 0 || s.SigmoidSteps <= 0 || s.Every <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig6Orbit needs positive η, steps and record interval, have %+v", s)
	}
	na, nq := len(Fig6Acts), len(s.Q)
	runs, err := par.MapErr(s.Draws*na*nq, func(i int) (Fig6OrbitRun, error) {
		d, a, q := i/(na*nq), i/nq%na, s.Q[i%nq]
		act := Fig6Acts[a]
		mv, err := fixqMove(act, 10, 5, s.Scale, uint64(d), q)
		if err != nil {
			return Fig6OrbitRun{}, fmt.Errorf("zhao2023: Fig6Orbit: %w", err)
		}
		run := Fig6OrbitRun{Act: act.Name, Draw: d, Target: q, C: mv.pt.C, Q0: mv.pt.Q,
			OnData: mv.onData, OffData: mv.offData, Below: -1, Tail: math.NaN(), ActiveStart: fixqPositive(mv.pt.V)}
		steps := s.Steps
		if act.Name == nn.Sigmoid.Name {
			steps = s.SigmoidSteps
		}
		obj := nn.NewObjective(mv.net, mv.X, mv.Y, nn.MSE)
		mn := float64(len(mv.Y.RawMatrix().Data))
		rec := optim.NewRecorder(s.Every).Add("res", func(st *optim.State) float64 { return math.Sqrt(mn * st.Loss) })
		set := optim.Settings{Steps: steps, LossTol: Fig6Floor * Fig6Floor / mn * (1 - 1e-9), Observers: []optim.Observer{rec}}
		if _, err := optim.Run(obj.Func, mv.p.Vec(), &optim.GD{LR: s.LR}, set); err != nil {
			return run, fmt.Errorf("zhao2023: Fig6Orbit %s, draw %d, Q = %g: %w", act.Name, d, q, err)
		}
		run.Residual = rec.Series("res")
		for j, k := range rec.Step {
			run.Step = append(run.Step, float64(k))
			if run.Below < 0 && run.Residual[j] < Fig6Floor {
				run.Below = float64(k)
			}
		}
		last := len(run.Step) - 1
		run.Speed = math.Log10(run.Residual[0]/run.Residual[last]) * 1e5 / run.Step[last]
		if rK := run.Residual[last]; run.Below >= 0 {
			j := slices.IndexFunc(run.Residual, func(r float64) bool { return r < 100*rK })
			if j < last {
				run.Tail = math.Log(run.Residual[j]/rK) / (run.Step[last] - run.Step[j])
			}
		}
		U, V := mv.net.UV(mv.p)
		run.Q, run.ActiveEnd = QCentred(act, U, V), fixqPositive(V)
		run.LambdaMax, run.LambdaMin, _, err = fixqSpectrum(mv.net, mv.p, mv.X, mv.Y, nn.MSE, int(mn))
		if err != nil {
			return run, fmt.Errorf("zhao2023: Fig6Orbit %s, draw %d, Q = %g: %w", act.Name, d, q, err)
		}
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	return &Fig6OrbitResult{Settings: s, Runs: runs}, nil
}

// fixqPositive counts the entries of V above 0.
func fixqPositive(V *mat.Dense) int {
	n := 0
	r, c := V.Dims()
	for i := range r {
		for j := range c {
			if V.At(i, j) > 0 {
				n++
			}
		}
	}
	return n
}

// fixqRuns is the grid of runs of Fig6Orbit or Fig9Orbit: draw d,
// activation a of Fig6Acts and target i at (d·len(Fig6Acts) + a)·len(q) + i
// of runs.
type fixqRuns[R any] struct {
	result string // the result's type, for the panic of at
	draws  int
	q      []float64
	runs   []R
}

// at returns the run of draw d, activation act (a Name) and target index i.
func (g fixqRuns[R]) at(d int, act string, i int) *R {
	a := slices.IndexFunc(Fig6Acts, func(x nn.Activation) bool { return x.Name == act })
	if a < 0 || d < 0 || d >= g.draws || i < 0 || i >= len(g.q) {
		panic(fmt.Sprintf("zhao2023: %s has no run %s, draw %d, target %d", g.result, act, d, i))
	}
	return &g.runs[(d*len(Fig6Acts)+a)*len(g.q)+i]
}

// toZero returns measure at target i over measure at Q = 0, per draw, as
// an OrbitRatio over the draws; NaN if 0 is not among the targets.
func (g fixqRuns[R]) toZero(act string, i int, measure func(*R) float64) OrbitRatio {
	zero := slices.Index(g.q, 0)
	if zero < 0 {
		return OrbitRatio{Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	var v []float64
	for d := range g.draws {
		v = append(v, measure(g.at(d, act, i))/measure(g.at(d, act, zero)))
	}
	return fixqRatio(v)
}

func (r *Fig6OrbitResult) grid() fixqRuns[Fig6OrbitRun] {
	return fixqRuns[Fig6OrbitRun]{"Fig6OrbitResult", r.Settings.Draws, r.Settings.Q, r.Runs}
}

// Run returns the run of draw d, activation act (a Name) and target index i.
func (r *Fig6OrbitResult) Run(d int, act string, i int) *Fig6OrbitRun { return r.grid().at(d, act, i) }

// Speedup returns Speed at target i over Speed at Q = 0, per draw, as an
// OrbitRatio over the draws; NaN if 0 is not among the targets.
func (r *Fig6OrbitResult) Speedup(act string, i int) OrbitRatio {
	return r.grid().toZero(act, i, func(run *Fig6OrbitRun) float64 { return run.Speed })
}

// SwitchedOff returns the smallest and largest share, over the draws, of
// the entries of V above 0 after the move that are not at the end, for
// activation act and target i: for ReLU with X = I, weights switched off
// for good.
func (r *Fig6OrbitResult) SwitchedOff(act string, i int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for d := range r.Settings.Draws {
		run := r.Run(d, act, i)
		x := 1 - float64(run.ActiveEnd)/float64(run.ActiveStart)
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

// Plot shows draw 0's runs: per activation, ‖Y − f(X)‖_F against the step
// from every target Q, all from the same function.
func (r *Fig6OrbitResult) Plot() error {
	var panels []*plot.Plot
	for _, act := range Fig6Acts {
		var series []show.Series
		for i, q := range r.Settings.Q {
			run := r.Run(0, act.Name, i)
			series = append(series, show.Series{Name: fmt.Sprintf("Q = %g", q), X: run.Step, Y: run.Residual})
		}
		p, err := show.Lines(show.Axes{Title: fmt.Sprintf("%s at a fixed function: ‖Y − f(X)‖_F, η = %g", act.Name, r.Settings.LR),
			X: "GD step", Y: "‖Y − f‖", LogY: true}, series...)
		if err != nil {
			return err
		}
		p.Y.Max = 1e4 // headroom for the legend
		panels = append(panels, p)
	}
	return show.Grid([][]*plot.Plot{panels[:2], panels[2:]}, show.Settings{})
}

// RatePlot shows, per activation, the mean speed of convergence (decades of
// ‖Y − f‖_F per 10⁵ steps) against Q: along the orbit of draw 0's network
// (one function), and from Fig. 6's initialisations at each scale
// (init-scale, the paper's way of varying Q), with Q in the centred form.
func (r *Fig6OrbitResult) RatePlot(init *Fig6Result) error {
	var panels []*plot.Plot
	for _, act := range Fig6Acts {
		var orbit, scale show.Series
		orbit.Name, scale.Name = "one function, moved along its orbit", "Fig. 6: init std s = "+convJoin("%g", init.Settings.Scales)
		for i := range r.Settings.Q {
			run := r.Run(0, act.Name, i)
			orbit.X, orbit.Y = append(orbit.X, run.Q0), append(orbit.Y, run.Speed)
		}
		for s := range init.Settings.Scales {
			run := init.Run(act.Name, s)
			scale.X, scale.Y = append(scale.X, fixqCentre(act.Name, run.Q0, 500)), append(scale.Y, fixqSpeed(run.Step, run.Residual))
		}
		p, err := show.Scatter(show.Axes{Title: act.Name + ": speed of convergence against Q",
			X: "Q (centred)", Y: "decades of ‖Y − f‖ per 10⁵ steps", LogY: true}, orbit)
		if err != nil {
			return err
		}
		if err := show.Overlay(p, show.Series{X: orbit.X, Y: orbit.Y}); err != nil {
			return err
		}
		if err := show.Points(p, scale); err != nil {
			return err
		}
		show.SetSymLog(&p.X, 1)
		p.Y.Min = fixqDecade(math.Min(floats.Min(orbit.Y), floats.Min(scale.Y)))
		p.Y.Max = 30 * math.Max(floats.Max(orbit.Y), floats.Max(scale.Y)) // room for the legend above the points
		panels = append(panels, p)
	}
	return show.Grid([][]*plot.Plot{panels[:2], panels[2:]}, show.Settings{})
}

// RateTable lists the points of RatePlot: per activation, Fig. 6's runs
// (centred Q₀ → speed at each scale) and draw 0's orbit (Q → speed).
func (r *Fig6OrbitResult) RateTable(init *Fig6Result) show.Table {
	t := show.Table{Caption: "Decades of ‖Y − f‖_F per 10⁵ steps, η = " + fmt.Sprint(r.Settings.LR),
		Header: []string{"σ", "Fig. 6, s = " + convJoin("%g", init.Settings.Scales) + ": Q₀ → speed", "one function: Q → speed"}}
	for _, act := range Fig6Acts {
		var q0, sp, q, so []float64
		for s := range init.Settings.Scales {
			run := init.Run(act.Name, s)
			q0, sp = append(q0, fixqCentre(act.Name, run.Q0, 500)), append(sp, fixqSpeed(run.Step, run.Residual))
		}
		for i := range r.Settings.Q {
			run := r.Run(0, act.Name, i)
			q, so = append(q, run.Target), append(so, run.Speed)
		}
		t.AddRow(act.Name, convJoin("%.3g", q0)+" → "+convJoin("%.3g", sp), convJoin("%.3g", q)+" → "+convJoin("%.3g", so))
	}
	return t
}

// fixqDecade returns the power of ten at or below x > 0, the lower end of a
// log axis that then shows a labelled tick.
func fixqDecade(x float64) float64 { return math.Pow(10, math.Floor(math.Log10(x))) }

// fixqSpeed is Fig6OrbitRun.Speed for a run of Fig6, which does not stop at
// Fig6Floor: it ends at the first record below it, if any.
func fixqSpeed(step, res []float64) float64 {
	k := slices.IndexFunc(res, func(r float64) bool { return r < Fig6Floor })
	if k < 0 {
		k = len(res) - 1
	}
	return math.Log10(res[0]/res[k]) * 1e5 / step[k]
}

// Fig9OrbitSettings sets up Fig9Orbit. The zero value moves Fig. 9's network
// at init std s = 0.3 to Q ∈ {0, ±16, ±64, ±256} and trains it with
// Fig. 9's optimiser (η = 0.1, 4000 steps, 8000 for the sigmoid), one draw.
type Fig9OrbitSettings struct {
	Scale        float64   // init std s of the network that is moved; 0 means 0.3
	Q            []float64 // targets of QCentred (ratios are taken to Q = 0); nil means 0, ±16, ±64, ±256
	Draws        int       // networks moved: draw 0 is Fig. 9's; 0 means 1
	Steps        int       // GD steps for linear, ReLU and tanh; 0 means 4000
	SigmoidSteps int       // GD steps for the sigmoid; 0 means 8000
	LR           float64   // learning rate η; 0 means 0.1
}

func (s Fig9OrbitSettings) defaults() Fig9OrbitSettings {
	s.Scale = cmp.Or(s.Scale, 0.3)
	s.Q = convOrSlice(s.Q, fixqGrid)
	s.Draws = cmp.Or(s.Draws, 1)
	s.Steps = cmp.Or(s.Steps, 4000)
	s.SigmoidSteps = cmp.Or(s.SigmoidSteps, 8000)
	s.LR = cmp.Or(s.LR, 0.1)
	return s
}

// Fig9OrbitRun is one trained network of Fig9Orbit.
type Fig9OrbitRun struct {
	Act             string  // the activation's Name
	Draw            int     // the network moved
	Target, C       float64 // the Q asked for; V' = cV
	Q0, Q           float64 // QCentred after the move and at the end
	OnData, OffData float64 // as in Fig6OrbitRun
	Loss            float64 // ‖Y − f(X)‖²_F after training
	// LambdaMax and LambdaMin are the largest and the 50th largest eigenvalue
	// of the Hessian of ‖Y − f(X)‖²_F at the end (Fig. 9's loss); Nonzero
	// counts those above Fig9RTol·LambdaMax.
	LambdaMax, LambdaMin float64
	Nonzero              int
}

// Fig9OrbitResult is what Fig9Orbit measured.
type Fig9OrbitResult struct {
	Settings Fig9OrbitSettings // with the defaults filled in
	Runs     []Fig9OrbitRun    // indexed as Fig6OrbitResult.Runs
}

// Fig9Orbit measures the sharpness of Fig. 9 against Q at a fixed function.
// Fig. 9's network (U ∈ R^{10×50}, V ∈ R^{50×5}, X = I₅) at init std s is
// moved by OrbitToQ to each target Q, trained by Fig. 9's gradient descent,
// and the top 60 eigenvalues of the Hessian of ‖Y − f(X)‖²_F at the end are
// computed by Lanczos (Fig9Settings.Fast's method): λ_max and the 50th, the
// smallest nonzero one at a zero-loss minimum. Fig. 9's claim, the minimum
// is sharper for larger Q, is then a claim about Q alone.
func Fig9Orbit(s Fig9OrbitSettings) (*Fig9OrbitResult, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps <= 0 || s.SigmoidSteps <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig9Orbit needs positive η and steps, have %+v", s)
	}
	na, nq := len(Fig6Acts), len(s.Q)
	runs, err := par.MapErr(s.Draws*na*nq, func(i int) (Fig9OrbitRun, error) {
		d, a, q := i/(na*nq), i/nq%na, s.Q[i%nq]
		act := Fig6Acts[a]
		mv, err := fixqMove(act, 5, 10, s.Scale, uint64(d), q)
		if err != nil {
			return Fig9OrbitRun{}, fmt.Errorf("zhao2023: Fig9Orbit: %w", err)
		}
		run := Fig9OrbitRun{Act: act.Name, Draw: d, Target: q, C: mv.pt.C, Q0: mv.pt.Q, OnData: mv.onData, OffData: mv.offData}
		steps := s.Steps
		if act.Name == nn.Sigmoid.Name {
			steps = s.SigmoidSteps
		}
		if _, err := optim.Run(nn.NewObjective(mv.net, mv.X, mv.Y, nn.MSE).Func, mv.p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: steps}); err != nil {
			return run, fmt.Errorf("zhao2023: Fig9Orbit %s, draw %d, Q = %g: %w", act.Name, d, q, err)
		}
		U, V := mv.net.UV(mv.p)
		run.Q = QCentred(act, U, V)
		run.Loss = nn.NewObjective(mv.net, mv.X, mv.Y, nn.SquaredError).Func(mv.p.Vec(), nil)
		run.LambdaMax, run.LambdaMin, run.Nonzero, err = fixqSpectrum(mv.net, mv.p, mv.X, mv.Y, nn.SquaredError, 50)
		if err != nil {
			return run, fmt.Errorf("zhao2023: Fig9Orbit %s, draw %d, Q = %g: %w", act.Name, d, q, err)
		}
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	return &Fig9OrbitResult{Settings: s, Runs: runs}, nil
}

func (r *Fig9OrbitResult) grid() fixqRuns[Fig9OrbitRun] {
	return fixqRuns[Fig9OrbitRun]{"Fig9OrbitResult", r.Settings.Draws, r.Settings.Q, r.Runs}
}

// Run returns the run of draw d, activation act (a Name) and target index i.
func (r *Fig9OrbitResult) Run(d int, act string, i int) *Fig9OrbitRun { return r.grid().at(d, act, i) }

// Sharpening returns λ_max at target i over λ_max at Q = 0, per draw, as an
// OrbitRatio over the draws; NaN if 0 is not among the targets.
func (r *Fig9OrbitResult) Sharpening(act string, i int) OrbitRatio {
	return r.grid().toZero(act, i, func(run *Fig9OrbitRun) float64 { return run.LambdaMax })
}

// Plot shows, per activation, λ_max at the end of training against Q:
// along the orbit of draw 0's network (one function; the other draws as
// points), and from Fig. 9's initialisations at each scale (init-scale),
// with Q in the centred form.
func (r *Fig9OrbitResult) Plot(init *Fig9Result) error {
	var panels []*plot.Plot
	for _, act := range Fig6Acts {
		var orbit, others, scale show.Series
		orbit.Name = "one function, moved along its orbit"
		others.Name = fmt.Sprintf("%d other functions", r.Settings.Draws-1)
		scale.Name = "Fig. 9: init std s = " + convJoin("%g", init.Settings.Scales)
		for d := range r.Settings.Draws {
			for i := range r.Settings.Q {
				run := r.Run(d, act.Name, i)
				if d == 0 {
					orbit.X, orbit.Y = append(orbit.X, run.Q0), append(orbit.Y, run.LambdaMax)
				} else {
					others.X, others.Y = append(others.X, run.Q0), append(others.Y, run.LambdaMax)
				}
			}
		}
		for s := range init.Settings.Scales {
			run := init.Run(act.Name, s)
			scale.X, scale.Y = append(scale.X, fixqCentre(act.Name, run.Q0, 250)), append(scale.Y, run.LambdaMax)
		}
		series := []show.Series{orbit}
		if len(others.X) > 0 {
			series = append(series, others)
		}
		p, err := show.Scatter(show.Axes{Title: act.Name + ": λ_max after training against Q", X: "Q (centred)", Y: "λ_max", LogY: true}, series...)
		if err != nil {
			return err
		}
		if err := show.Overlay(p, show.Series{X: orbit.X, Y: orbit.Y}); err != nil {
			return err
		}
		if err := show.Points(p, scale); err != nil {
			return err
		}
		show.SetSymLog(&p.X, 1)
		all := append(append(slices.Clone(orbit.Y), scale.Y...), others.Y...)
		p.Y.Min, p.Y.Max = fixqDecade(floats.Min(all)), 8*floats.Max(all) // a labelled tick at the bottom, room for the legend
		panels = append(panels, p)
	}
	return show.Grid([][]*plot.Plot{panels[:2], panels[2:]}, show.Settings{})
}

// fixqSpreadTable lists, per activation (a row) and nonzero target qs[i]
// (a column "Q = …"), ratio(act, i), a ratio to Q = 0 over the draws.
func fixqSpreadTable(caption string, qs []float64, ratio func(act string, i int) OrbitRatio) show.Table {
	t := show.Table{Caption: caption, Header: []string{"σ"}}
	var idx []int
	for i, q := range qs {
		if q != 0 {
			t.Header, idx = append(t.Header, fmt.Sprintf("Q = %g", q)), append(idx, i)
		}
	}
	for _, act := range Fig6Acts {
		row := []any{act.Name}
		for _, i := range idx {
			row = append(row, ratio(act.Name, i).String())
		}
		t.AddRow(row...)
	}
	return t
}

// Table lists draw 0's runs: per activation and target, the move (c, the
// change of the outputs on the training inputs and on other inputs) and the
// training (the first step below Fig6Floor, the speed, the final rate
// against −ln(1 − ηλ_min) at the end, Q at the end).
func (r *Fig6OrbitResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("One network of Fig. 6 (init std %g) moved to each Q, then GD with η = %g", r.Settings.Scale, r.Settings.LR),
		Header: []string{"σ", "Q", "c (V → cV)", "Δf training", "Δf other inputs", "first step < 1e-10", "decades / 10⁵ steps",
			"final rate", "−ln(1 − ηλ_min)", "Q at the end"}}
	for _, act := range Fig6Acts {
		for i := range r.Settings.Q {
			run := r.Run(0, act.Name, i)
			below := fmt.Sprintf("%.0f", run.Below)
			if run.Below < 0 {
				below = fmt.Sprintf("none (%.1g left)", run.Residual[len(run.Residual)-1])
			}
			t.AddRow(act.Name, fmt.Sprintf("%g", run.Target), fmt.Sprintf("%.3g", run.C), fmt.Sprintf("%.0e", run.OnData),
				fmt.Sprintf("%.2g", run.OffData), below, fmt.Sprintf("%.3g", run.Speed), driftOptional("%.3g", run.Tail),
				fmt.Sprintf("%.3g", -math.Log1p(-r.Settings.LR*run.LambdaMin)), fmt.Sprintf("%.4g", run.Q))
		}
	}
	return t
}

// SpreadTable lists, per activation and nonzero target, the speed-up over
// Q = 0 (Speedup: geometric mean and 95% interval over the draws).
func (r *Fig6OrbitResult) SpreadTable() show.Table {
	return fixqSpreadTable(fmt.Sprintf("Speed at Q over speed at Q = 0, one function per draw, %d draws (η = %g, %d steps): geometric mean [95%% interval]",
		r.Settings.Draws, r.Settings.LR, r.Settings.Steps), r.Settings.Q, r.Speedup)
}

// Fig6OrbitTime compares two runs of Fig6Orbit at different learning rates
// on their common draws and targets: the ratio of their speeds per unit of
// time ηk, (Speed_a/η_a)/(Speed_b/η_b), smallest and largest over the runs.
// Both approximate gradient flow, so it is 1 up to O(ηλ_max).
func Fig6OrbitTime(a, b *Fig6OrbitResult) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for d := range min(a.Settings.Draws, b.Settings.Draws) {
		for _, act := range Fig6Acts {
			for i, q := range a.Settings.Q {
				j := slices.Index(b.Settings.Q, q)
				if j < 0 {
					continue
				}
				ra, rb := a.Run(d, act.Name, i), b.Run(d, act.Name, j)
				x := (ra.Speed / a.Settings.LR) / (rb.Speed / b.Settings.LR)
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	return lo, hi
}

// AddRows adds the checks of the move and, per activation, the speed-ups
// at the extreme targets with their intervals; spread is the run over
// draws (Settings.Spread) and init Fig. 6 itself, for the comparison at
// equal Q.
func (r *Fig6OrbitResult) AddRows(t *show.Table, spread *Fig6OrbitResult, init *Fig6Result) {
	on, offExact, offLo, offHi := 0.0, 0.0, math.Inf(1), 0.0
	rate := []float64{math.Inf(1), math.Inf(-1)}
	for _, run := range append(slices.Clone(r.Runs), spread.Runs...) {
		on = math.Max(on, run.OnData)
		if run.Act == nn.Linear.Name || run.Act == nn.ReLU.Name {
			offExact = math.Max(offExact, run.OffData)
		} else if run.Target != 0 || run.C != 1 {
			offLo, offHi = math.Min(offLo, run.OffData), math.Max(offHi, run.OffData)
		}
	}
	for _, run := range spread.Runs {
		if !math.IsNaN(run.Tail) {
			x := run.Tail / -math.Log1p(-spread.Settings.LR*run.LambdaMin)
			rate[0], rate[1] = math.Min(rate[0], x), math.Max(rate[1], x)
		}
	}
	t.AddRow("Q at a fixed function: Δf on the training inputs, max", fmt.Sprintf("%.0e", on), "0 (rounding, < 1e-13)")
	t.AddRow("… Δf on other inputs: linear, ReLU / tanh, sigmoid", fmt.Sprintf("%.0e / %.2g – %.2g", offExact, offLo, offHi),
		"0 (a symmetry) / ≠ 0 (none exists)")
	for _, act := range Fig6Acts {
		var cells []string
		for i, q := range spread.Settings.Q {
			if math.Abs(q) == slices.Max(spread.Settings.Q) {
				cells = append(cells, fmt.Sprintf("%g: %v", q, spread.Speedup(act.Name, i)))
			}
		}
		t.AddRow(fmt.Sprintf("… %s: speed at Q / at Q = 0, %d draws", act.Name, spread.Settings.Draws), strings.Join(cells, "; "),
			"> 1: larger |Q| converges faster")
	}
	t.AddRow(fmt.Sprintf("… final rate / −ln(1 − ηλ_min) at the end, %d draws, runs below %g", spread.Settings.Draws, Fig6Floor),
		fmt.Sprintf("%.3f – %.3f", rate[0], rate[1]), "1 (derived: the slowest direction; ≥ 1, within 10%)")
	lo, hi := Fig6OrbitTime(spread, r)
	t.AddRow(fmt.Sprintf("… speed per unit time, η = %g / η = %g, draw 0", spread.Settings.LR, r.Settings.LR),
		fmt.Sprintf("%.3f – %.3f", lo, hi), "1 (both follow the gradient flow)")
	for _, act := range Fig6Acts {
		if s, i, ok := fixqNearest(act.Name, r.Settings.Q, init); ok {
			run, orb := init.Run(act.Name, s), r.Run(0, act.Name, i)
			t.AddRow(fmt.Sprintf("… %s: first step < %g, init std %g (Q₀ = %.3g) / one function at Q = %g", act.Name, Fig6Floor, run.Scale,
				fixqCentre(act.Name, run.Q0, 500), orb.Target), fmt.Sprintf("%.0f / %.0f", run.Below, orb.Below), "the same if Q alone mattered")
		}
	}
}

// fixqNearest returns the largest scale s of Fig. 6 and the target i whose
// Q is within 10% of that run's centred Q₀, if there is one.
func fixqNearest(act string, qs []float64, init *Fig6Result) (s, i int, ok bool) {
	s = len(init.Settings.Scales) - 1
	q0 := fixqCentre(act, init.Run(act, s).Q0, 500)
	for i, q := range qs {
		if math.Abs(q-q0) <= 0.1*math.Abs(q0) {
			return s, i, true
		}
	}
	return s, 0, false
}

// Table lists draw 0's runs: per activation and target, the move and the
// end of training (Q, loss, λ_max, the 50th eigenvalue, nonzero count).
func (r *Fig9OrbitResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("One network of Fig. 9 (init std %g) moved to each Q, then GD with η = %g: the Hessian of ‖Y − f‖²_F at the end",
			r.Settings.Scale, r.Settings.LR),
		Header: []string{"σ", "Q", "c (V → cV)", "Δf training", "Δf other inputs", "Q at the end", "‖Y − f‖²_F", "λ_max", "λ₅₀", "nonzero"}}
	for _, act := range Fig6Acts {
		for i := range r.Settings.Q {
			run := r.Run(0, act.Name, i)
			t.AddRow(act.Name, fmt.Sprintf("%g", run.Target), fmt.Sprintf("%.3g", run.C), fmt.Sprintf("%.0e", run.OnData),
				fmt.Sprintf("%.2g", run.OffData), fmt.Sprintf("%.4g", run.Q), fmt.Sprintf("%.0e", run.Loss),
				fmt.Sprintf("%.1f", run.LambdaMax), fmt.Sprintf("%.3g", run.LambdaMin), run.Nonzero)
		}
	}
	return t
}

// SpreadTable lists, per activation and nonzero target, λ_max over λ_max at
// Q = 0 (Sharpening: geometric mean and 95% interval over the draws).
func (r *Fig9OrbitResult) SpreadTable() show.Table {
	return fixqSpreadTable(fmt.Sprintf("λ_max at Q over λ_max at Q = 0, one function per draw, %d draws: geometric mean [95%% interval]",
		r.Settings.Draws), r.Settings.Q, r.Sharpening)
}

// AddRows adds the checks of the move and, per activation, the sharpening
// at the extreme targets with their intervals, and λ_max of Fig. 9's
// largest scale beside the moved network at the nearest target (Nearest).
func (r *Fig9OrbitResult) AddRows(t *show.Table, init *Fig9Result) {
	on, loss := 0.0, 0.0
	for _, run := range r.Runs {
		on, loss = math.Max(on, run.OnData), math.Max(loss, run.Loss)
	}
	t.AddRow(fmt.Sprintf("Q at a fixed function, %d draws: Δf on the training inputs, max", r.Settings.Draws), fmt.Sprintf("%.0e", on), "0 (rounding, < 1e-13)")
	for _, act := range Fig6Acts {
		var cells []string
		for i, q := range r.Settings.Q {
			if math.Abs(q) == slices.Max(r.Settings.Q) {
				cells = append(cells, fmt.Sprintf("%g: %v", q, r.Sharpening(act.Name, i)))
			}
		}
		t.AddRow(fmt.Sprintf("… %s: λ_max at Q / at Q = 0", act.Name), strings.Join(cells, "; "), "> 1: sharper for larger |Q|")
	}
	for _, act := range Fig6Acts {
		run, orb := r.Nearest(act.Name, init)
		t.AddRow(fmt.Sprintf("… %s: λ_max, init std %g (Q₀ = %.3g) / one function at Q = %g", act.Name, run.Scale, fixqCentre(act.Name, run.Q0, 250), orb.Target),
			fmt.Sprintf("%.1f / %.1f", run.LambdaMax, orb.LambdaMax), "the same if Q alone mattered")
	}
}

// Nearest returns Fig. 9's run at its largest scale and draw 0's run at the
// target nearest to that run's centred Q₀.
func (r *Fig9OrbitResult) Nearest(act string, init *Fig9Result) (*Fig9Run, *Fig9OrbitRun) {
	run := init.Run(act, len(init.Settings.Scales)-1)
	q0 := fixqCentre(act, run.Q0, 250)
	best := 0
	for i, q := range r.Settings.Q {
		if math.Abs(q-q0) < math.Abs(r.Settings.Q[best]-q0) {
			best = i
		}
	}
	return run, r.Run(0, act, best)
}

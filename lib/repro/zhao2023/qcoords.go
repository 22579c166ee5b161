package zhao2023

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// This file is notebook 03: the conserved quantity Q as coordinates on a
// minimum. The paper states the claim (abstract; Figure 1 draws Q
// parametrising the points of the extended minimum); the numbers here are
// derived (notebooks/REFERENCES.md, section 03).

// QCoordsSettings is the set-up shared by notebook 03's experiments
// (QCoordsOrbit, QCoordsMove, QCoordsRank, QCoordsFlow, QCoordsPredict):
// the data and initialisation of the paper's Figure 3,
//
//	X = I₁₀,  Y ∈ R^{5×10} with N(0, 1) entries,  U, V ~ N(0, 0.1²),  L = mean squared error,
//
// for a linear network of width h = 3 and a ReLU network of width 50,
// trained by gradient flow (optim.Flow, from t = 0 until ‖∇L‖₂ ≤ GradTol)
// rather than the paper's gradient descent, so that Q is conserved to the
// integrator's accuracy rather than to O(η). The linear width is smaller
// than Figure 3's 50 so that the minimum is a single GL(3) orbit, the best
// rank-3 approximation of Y, on which P = UᵀU + VVᵀ is invertible (with
// h = 50, P has rank at most m + n = 15). Y is drawn from PCG(1, 2); the
// start θ₀ continues that stream, other starts ("seed k") come from
// PCG(k, k).
//
// The zero value is the notebook's setting; zero fields take its values.
type QCoordsSettings struct {
	// ReLUHidden is the ReLU network's width; 50, Figure 3's.
	ReLUHidden int
	// GradTol ends every flow at ‖∇L‖₂ ≤ GradTol; 1e-10.
	GradTol float64
}

// Fast returns the preset the tests run under -short (≈ 0.7 s instead of
// ≈ 3.5 s): a ReLU network of width 20 and flows stopped at ‖∇L‖₂ ≤ 1e-8.
// Every claim of the notebook holds there, with the tolerances on the ends
// scaled to the looser stop. (At width 10 one of the rescaled starts ends
// at a point that does not interpolate Y, loss 0.06: too narrow.)
func (s QCoordsSettings) Fast() QCoordsSettings {
	s.ReLUHidden, s.GradTol = 20, 1e-8
	return s
}

func (s QCoordsSettings) defaults() QCoordsSettings {
	if s.ReLUHidden == 0 {
		s.ReLUHidden = 50
	}
	if s.GradTol == 0 {
		s.GradTol = 1e-10
	}
	return s
}

func (s QCoordsSettings) check() error {
	if s.ReLUHidden < 1 || !(s.GradTol > 0) {
		return fmt.Errorf("zhao2023: QCoordsSettings: ReLU width %d and gradient tolerance %g, want ≥ 1 and > 0", s.ReLUHidden, s.GradTol)
	}
	return nil
}

// qcLinearHidden is the linear network's width (see QCoordsSettings).
const qcLinearHidden = 3

// qcProblem is Figure 3's regression problem for one network.
type qcProblem struct {
	net     nn.TwoLayer
	x, y    *mat.Dense
	gradTol float64
}

func qcNew(act nn.Activation, h int, gradTol float64) *qcProblem {
	return &qcProblem{
		net:     nn.TwoLayer{In: 10, Hidden: h, Out: 5, Act: act},
		x:       sym.Identity(10),
		y:       data.Normal(rand.New(rand.NewPCG(1, 2)), 5, 10, 1),
		gradTol: gradTol,
	}
}

// name is "linear h = 3", "ReLU h = 50", ….
func (pr *qcProblem) name() string {
	if pr.net.Act.Name == nn.ReLU.Name {
		return fmt.Sprintf("ReLU h = %d", pr.net.Hidden)
	}
	return fmt.Sprintf("%s h = %d", pr.net.Act.Name, pr.net.Hidden)
}

// start returns θ₀ ~ N(0, 0.1²): drawn after Y from Y's stream (seed 0) or from PCG(seed, seed).
func (pr *qcProblem) start(seed uint64) *nn.Params {
	rng := rand.New(rand.NewPCG(1, 2))
	data.Normal(rng, 5, 10, 1) // Y
	if seed != 0 {
		rng = rand.New(rand.NewPCG(seed, seed))
	}
	return pr.net.Init(rng, nn.Normal(0.1))
}

// objective is L(θ), a new one for each caller (an Objective is not safe for concurrent use).
func (pr *qcProblem) objective() *nn.Objective {
	return nn.NewObjective(pr.net, pr.x, pr.y, nn.MSE)
}

// flow returns the end of the gradient flow from p (not modified), an
// error if it did not reach ‖∇L‖₂ ≤ gradTol by t = 1e5.
func (pr *qcProblem) flow(p *nn.Params) (*nn.Params, error) {
	q := p.Clone()
	res, err := optim.Flow(pr.objective().Func, q.Vec(), optim.FlowSettings{T: 1e5, GradTol: pr.gradTol})
	if err != nil {
		return nil, fmt.Errorf("zhao2023: %s: %w", pr.name(), err)
	}
	if !(res.GradNorm <= pr.gradTol) {
		return nil, fmt.Errorf("zhao2023: %s: the flow stopped at t = %g with ‖∇L‖ = %.3g > %g", pr.name(), res.Time, res.GradNorm, pr.gradTol)
	}
	return q, nil
}

// trained is the end of the flow from θ₀.
func (pr *qcProblem) trained() (*nn.Params, error) { return pr.flow(pr.start(0)) }

// with returns a copy of p with weights (U, V).
func (pr *qcProblem) with(p *nn.Params, U, V mat.Matrix) *nn.Params {
	q := p.Clone()
	qU, qV := pr.net.UV(q)
	qU.Copy(U)
	qV.Copy(V)
	return q
}

// outChange is the relative change ‖f_b(X) − f_a(X)‖/‖f_a(X)‖ of the output from a to b.
func (pr *qcProblem) outChange(a, b *nn.Params) float64 {
	return sym.RelDiff(nn.Predict(pr.net, a, pr.x), nn.Predict(pr.net, b, pr.x))
}

// charges is Q at p: the upper triangle of UᵀU − VVᵀ (linear) or the Q_j = ‖U_{:,j}‖² − ‖V_{j,:}‖² (ReLU).
func (pr *qcProblem) charges(p *nn.Params) []float64 {
	if pr.net.Act.Name == nn.ReLU.Name {
		U, V := pr.net.UV(p)
		return conserved.Neurons(nil, 1, U, V, nil)
	}
	Q := pr.matrix(p)
	var q []float64
	for i := range pr.net.Hidden {
		for j := i; j < pr.net.Hidden; j++ {
			q = append(q, Q.At(i, j))
		}
	}
	return q
}

// matrix is the linear network's Q = UᵀU − VVᵀ at p.
func (pr *qcProblem) matrix(p *nn.Params) *mat.SymDense {
	U, V := pr.net.UV(p)
	return conserved.Matrix(nil, U, V)
}

// rescaleTo moves every unit of the ReLU network p to Q_j = q by (U_{:,j}/c_j, c_j V_{j,:}),
// c_j from conserved.ScaleForQ.
func (pr *qcProblem) rescaleTo(p *nn.Params, q float64) *nn.Params {
	U, V := pr.net.UV(p)
	c := make([]float64, pr.net.Hidden)
	for j := range c {
		u, v := mat.Col(nil, j, U), V.RawRowView(j)
		c[j] = conserved.ScaleForQ(q, floats.Dot(u, u), floats.Dot(v, v))
	}
	cU, cV := sym.Rescale(c, U, V)
	return pr.with(p, cU, cV)
}

// moveTo moves the linear network p to Q = target along its GL(h) orbit (conserved.MoveToQ).
func (pr *qcProblem) moveTo(p *nn.Params, target mat.Symmetric) (*nn.Params, error) {
	U, V := pr.net.UV(p)
	gU, gV, err := conserved.MoveToQ(target, U, V)
	if err != nil {
		return nil, fmt.Errorf("zhao2023: %s: %w", pr.name(), err)
	}
	return pr.with(p, gU, gV), nil
}

// qcMinima returns the linear and ReLU networks of s and their trained
// minima θ*, in that order.
func qcMinima(s QCoordsSettings) (lin, relu *qcProblem, mins []*nn.Params, err error) {
	s = s.defaults()
	if err := s.check(); err != nil {
		return nil, nil, nil, err
	}
	lin, relu = qcNew(nn.Linear, qcLinearHidden, s.GradTol), qcNew(nn.ReLU, s.ReLUHidden, s.GradTol)
	mins, err = par.MapErr(2, func(i int) (*nn.Params, error) { return []*qcProblem{lin, relu}[i].trained() })
	return lin, relu, mins, err
}

// qcDiag is the h×h diagonal matrix with d repeated along its diagonal.
func qcDiag(h int, d ...float64) *mat.SymDense {
	Q := mat.NewSymDense(h, nil)
	for i := range h {
		Q.SetSym(i, i, d[i%len(d)])
	}
	return Q
}

// QCoordsOrbitResult is Q along the symmetry orbits of two trained minima.
type QCoordsOrbitResult struct {
	// S holds the orbit parameters s_i, 101 evenly spaced in [−1.5, 1.5].
	S []float64
	// Eig[k][i] is the (k+1)-th largest eigenvalue of Q(s_i) on the linear network's orbit.
	Eig [][]float64
	// Units[j][i] is Q_j at the rescaling of every unit of the ReLU network by c = e^{s_i}.
	Units [][]float64
	// LinearZeros[k] and ReLUZeros[j] are where Eig[k] and Units[j] cross
	// zero (linear interpolation between the s_i; NaN if they do not cross
	// in the range): the balanced points.
	LinearZeros, ReLUZeros []float64
	// LinearOut and ReLUOut are the largest relative changes of the output on X along the orbits.
	LinearOut, ReLUOut float64
	// U, V are the trained linear minimum θ* and Y the targets (for At).
	U, V, Y *mat.Dense
}

// QCoordsOrbit follows Q along the orbits of the trained minima θ* of
// QCoordsSettings' two networks, and the output along the way. Linear: the
// orbit of the symmetric generator A = I, g(s) = e^{s}I, on which
//
//	Q(s) = e^{−2s}UᵀU − e^{2s}VVᵀ,   dQ/ds = −2(e^{−2s}UᵀU + e^{2s}VVᵀ) ≺ 0,
//
// so every eigenvalue of Q falls strictly, from +∞ to −∞. ReLU: every unit
// rescaled by c = e^{s} to (U_{:,j}/c, c V_{j,:}), on which
//
//	Q_j(c) = c⁻²‖U_{:,j}‖² − c²‖V_{j,:}‖²
//
// falls strictly from +∞ to −∞, crossing zero at the balanced point
// c = (‖U_{:,j}‖/‖V_{j,:}‖)^{1/2}. The function, and so the loss, does not move
// (the paper's Figure 1: Q parametrises the points of the extended minimum).
func QCoordsOrbit(s QCoordsSettings) (*QCoordsOrbitResult, error) {
	lin, relu, mins, err := qcMinima(s)
	if err != nil {
		return nil, err
	}
	U, V := lin.net.UV(mins[0])
	r := &QCoordsOrbitResult{U: mat.DenseCopyOf(U), V: mat.DenseCopyOf(V), Y: lin.y}
	for i := 0; i <= 100; i++ {
		r.S = append(r.S, -1.5+3*float64(i)/100)
	}
	r.Eig, r.LinearZeros, r.LinearOut = qcAlong(lin, mins[0], r.S)
	r.Units, r.ReLUZeros, r.ReLUOut = qcAlong(relu, mins[1], r.S)
	return r, nil
}

// act returns the point g(s)·p = (U g⁻¹, g V) of p's orbit: g = e^{s}I
// (sym.GL, linear) or every unit rescaled by c = e^{s} (sym.Rescale, ReLU).
func (pr *qcProblem) act(p *nn.Params, s float64) *nn.Params {
	U, V := pr.net.UV(p)
	var gU, gV *mat.Dense
	if pr.net.Act.Name == nn.ReLU.Name {
		gU, gV = sym.Rescale(qcRepeat(math.Exp(s), pr.net.Hidden), U, V)
	} else {
		gU, gV = sym.GL(qcScalar(pr.net.Hidden, math.Exp(s)), U, V)
	}
	return pr.with(p, gU, gV)
}

// qcAlong follows Q along p's orbit: curves[k][i] is the k-th eigenvalue
// of Q, largest first (linear), or Q_k (ReLU) at act(p, s[i]); zeros[k] is
// where curve k crosses zero; out is the largest relative change of the
// output.
func qcAlong(pr *qcProblem, p *nn.Params, s []float64) (curves [][]float64, zeros []float64, out float64) {
	curves = make([][]float64, pr.net.Hidden)
	for _, si := range s {
		q := pr.act(p, si)
		var coords []float64
		if pr.net.Act.Name == nn.ReLU.Name {
			coords = pr.charges(q)
		} else {
			coords = qcEigDesc(pr.matrix(q))
		}
		for k, v := range coords {
			curves[k] = append(curves[k], v)
		}
		out = math.Max(out, pr.outChange(p, q))
	}
	for _, y := range curves {
		zeros = append(zeros, qcZero(s, y))
	}
	return curves, zeros, out
}

// qcZero is the first x at which y crosses from positive to non-positive,
// interpolated linearly, or NaN.
func qcZero(x, y []float64) float64 {
	for i := 1; i < len(y); i++ {
		if y[i-1] > 0 && y[i] <= 0 {
			return x[i-1] + (x[i]-x[i-1])*y[i-1]/(y[i-1]-y[i])
		}
	}
	return math.NaN()
}

// qcScalar is the h×h matrix c·I.
func qcScalar(h int, c float64) *mat.Dense {
	var g mat.Dense
	g.Scale(c, sym.Identity(h))
	return &g
}

// qcRepeat is n copies of v.
func qcRepeat(v float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// qcEigDesc is the eigenvalues of Q, largest first.
func qcEigDesc(Q mat.Symmetric) []float64 {
	var es mat.EigenSym
	if !es.Factorize(Q, false) {
		panic(fmt.Sprintf("zhao2023: eigendecomposition of a %d×%d symmetric matrix failed", Q.SymmetricDim(), Q.SymmetricDim()))
	}
	v := es.Values(nil)
	for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
		v[i], v[j] = v[j], v[i]
	}
	return v
}

// Plots returns the figure's two panels: the eigenvalues of Q along the
// linear orbit, and Q_j of the ReLU network's first five units along theirs.
func (r *QCoordsOrbitResult) Plots() ([]*plot.Plot, error) {
	eig := make([]show.Series, len(r.Eig))
	for k := range eig {
		eig[k] = show.Series{Name: fmt.Sprintf("λ%d(Q)", k+1), X: r.S, Y: r.Eig[k]}
	}
	units := make([]show.Series, min(5, len(r.Units)))
	for j := range units {
		units[j] = show.Series{Name: fmt.Sprintf("unit j = %d", j), X: r.S, Y: r.Units[j]}
	}
	pl, err := show.Lines(show.Axes{Title: fmt.Sprintf("linear h = %d: Q along (exp(−s) U, exp(s) V)", len(r.Eig)), X: "s", Y: "eigenvalues of Q"}, eig...)
	if err != nil {
		return nil, err
	}
	pr, err := show.Lines(show.Axes{Title: fmt.Sprintf("ReLU h = %d: Q_j along (exp(−s) U_j, exp(s) V_j)", len(r.Units)), X: "s  (c = exp(s))", Y: "Q_j"}, units...)
	if err != nil {
		return nil, err
	}
	return []*plot.Plot{pl, pr}, nil
}

// At returns the point g·θ* = (U g⁻¹, g V), g = e^{s}I, of the linear
// minimum's orbit: the eigenvalues of Q there (largest first), its loss and
// the loss at θ*.
func (r *QCoordsOrbitResult) At(s float64) (eig []float64, loss, loss0 float64) {
	_, h := r.U.Dims()
	pr := &qcProblem{net: nn.TwoLayer{In: 10, Hidden: h, Out: 5, Act: nn.Linear}, x: sym.Identity(10), y: r.Y}
	star := pr.with(pr.net.Params(), r.U, r.V) // θ*
	p := pr.act(star, s)
	obj := pr.objective()
	return qcEigDesc(pr.matrix(p)), obj.Func(p.Vec(), nil), obj.Func(star.Vec(), nil)
}

// PlotAt draws the eigenvalue curves of Plots' first panel and marks the
// point At(s) on them, with its loss against θ*'s in the title: the
// figure of notebook 03's slider.
func (r *QCoordsOrbitResult) PlotAt(s float64) (*plot.Plot, error) {
	eig, L, L0 := r.At(s)
	title := fmt.Sprintf("s = %.2f: λ(Q) =", s)
	for _, v := range eig {
		title += fmt.Sprintf(" %.3g", v)
	}
	title += fmt.Sprintf(";  loss %.6f, |L − L(θ*)| = %.0e", L, math.Abs(L-L0))
	series := make([]show.Series, len(r.Eig))
	for k := range series {
		series[k] = show.Series{Name: fmt.Sprintf("λ%d(Q)", k+1), X: r.S, Y: r.Eig[k]}
	}
	pl, err := show.Lines(show.Axes{Title: title, X: "s", Y: "eigenvalues of Q"}, series...)
	if err != nil {
		return nil, err
	}
	return pl, show.Points(pl, show.Series{Name: "the point at s", X: qcRepeat(s, len(eig)), Y: eig})
}

// QCoordsMoveRow is one point of a minimum's orbit moved to a target Q.
type QCoordsMoveRow struct {
	Net, Target string
	// TargetNorm is ‖target‖_F (linear) or |q| (ReLU): the scale of the residual's tolerance.
	TargetNorm float64
	// Residual is ‖Q − target‖_∞, the largest row sum of |Q − target|
	// (linear), or max_j |Q_j − q| (ReLU; the same norm of a diagonal Q).
	Residual float64
	// OutChange is the relative change of the output on X; Dist is ‖θ − θ*‖/‖θ*‖.
	OutChange, Dist float64
}

// QCoordsMoveResult is QCoordsMove's table.
type QCoordsMoveResult struct {
	Rows []QCoordsMoveRow
}

// QCoordsMove moves the trained minima θ* of QCoordsSettings' two networks
// to prescribed values of Q without leaving their orbits, and so without
// changing the function. Linear: conserved.MoveToQ finds g with
// Q(U g⁻¹, g V) = target by Newton's method along symmetric generators A,
// solving the Lyapunov equation
//
//	A P + P A = Q − target,   P = UᵀU + VVᵀ ≻ 0,
//
// at each step (dQ = −(AP + PA) along A is a bijection of the symmetric
// matrices), for the targets 0 (the balanced point), diag(1, 0, −1), a
// random symmetric matrix with N(0, 4) entries (PCG(7, 7)) and 100·I. ReLU:
// conserved.ScaleForQ solves Q_j(c) = c⁻²‖U_{:,j}‖² − c²‖V_{j,:}‖² = q for
// c > 0 in closed form, for every unit and q = −1, 0, 1, 100.
func QCoordsMove(s QCoordsSettings) (*QCoordsMoveResult, error) {
	lin, relu, mins, err := qcMinima(s)
	if err != nil {
		return nil, err
	}
	res := &QCoordsMoveResult{}
	for _, t := range []struct {
		name string
		Q    *mat.SymDense
	}{{"0 (balanced)", qcDiag(qcLinearHidden, 0)}, {"diag(1, 0, −1)", qcDiag(qcLinearHidden, 1, 0, -1)},
		{"random symmetric, entries N(0, 4)", qcRandomSym(qcLinearHidden, 2, 7)}, {"100·I", qcDiag(qcLinearHidden, 100)}} {
		p, err := lin.moveTo(mins[0], t.Q)
		if err != nil {
			return nil, err
		}
		var d mat.Dense
		d.Sub(lin.matrix(p), t.Q)
		res.Rows = append(res.Rows, QCoordsMoveRow{lin.name(), t.name, mat.Norm(t.Q, 2), mat.Norm(&d, math.Inf(1)),
			lin.outChange(mins[0], p), qcDist(mins[0], p)})
	}
	for _, q := range []float64{-1, 0, 1, 100} {
		p := relu.rescaleTo(mins[1], q)
		resid := 0.0
		for _, qj := range relu.charges(p) {
			resid = math.Max(resid, math.Abs(qj-q))
		}
		res.Rows = append(res.Rows, QCoordsMoveRow{relu.name(), fmt.Sprintf("Qⱼ = %g for every unit", q), math.Abs(q), resid,
			relu.outChange(mins[1], p), qcDist(mins[1], p)})
	}
	return res, nil
}

// qcRandomSym is an h×h symmetric matrix with N(0, sd²) entries on and
// above the diagonal, drawn row by row from PCG(seed, seed).
func qcRandomSym(h int, sd float64, seed uint64) *mat.SymDense {
	rng := rand.New(rand.NewPCG(seed, seed))
	R := mat.NewSymDense(h, nil)
	for i := range h {
		for j := i; j < h; j++ {
			R.SetSym(i, j, sd*rng.NormFloat64())
		}
	}
	return R
}

// qcDist is ‖b − a‖/‖a‖ over all parameters.
func qcDist(a, b *nn.Params) float64 {
	return floats.Distance(a.Vec(), b.Vec(), 2) / floats.Norm(a.Vec(), 2)
}

// Table is the notebook's table of the moves.
func (r *QCoordsMoveResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "target", "‖Q − target‖∞", "output change", "‖θ − θ*‖/‖θ*‖"}, Format: "%.2g"}
	for _, m := range r.Rows {
		t.AddRow(m.Net, m.Target, m.Residual, m.OutChange, m.Dist)
	}
	return t
}

// QCoordsRankRow is the count of coordinates that Q gives at one point of
// the linear minimum.
type QCoordsRankRow struct {
	Point string
	// OrbitDim is the dimension of the point's GL(h) orbit (sym.OrbitDim).
	OrbitDim int
	// GL, Sym and Skew are the ranks of T ↦ dQ(T) (conserved.OrbitDerivative)
	// over all generators, the symmetric ones and the antisymmetric ones.
	GL, Sym, Skew int
}

// QCoordsRankResult is QCoordsRank's table, at θ* and at the balanced point.
type QCoordsRankResult struct {
	H    int
	Rows []QCoordsRankRow
}

// QCoordsRank counts the coordinates that Q gives on the orbit of the
// linear network's trained minimum θ* (h = 3), and at the balanced point
// of that orbit where Q = 0. The orbit has dimension h² = 9, Q has
// h(h+1)/2 = 6 entries; the derivative of Q along the orbit,
//
//	dQ(T) = −(TᵀUᵀU + UᵀU T) − (T VVᵀ + VVᵀTᵀ),   T ∈ gl(h),
//
// has rank h(h+1)/2, reached on the symmetric generators alone (where
// dQ = −(AP + PA)); its kernel, of dimension h(h−1)/2, moves along the
// valley without changing Q. For antisymmetric T, dQ = [T, Q], which
// vanishes at Q = 0: there the kernel is exactly the rotations O(h). A rank
// counts the singular values of the map above 1e-10‖P‖_F, P = UᵀU + VVᵀ
// (‖dQ(T)‖ ≤ 2‖T‖‖P‖, the largest possible change).
func QCoordsRank(s QCoordsSettings) (*QCoordsRankResult, error) {
	s = s.defaults()
	if err := s.check(); err != nil {
		return nil, err
	}
	lin := qcNew(nn.Linear, qcLinearHidden, s.GradTol)
	p, err := lin.trained()
	if err != nil {
		return nil, err
	}
	balanced, err := lin.moveTo(p, qcDiag(qcLinearHidden, 0))
	if err != nil {
		return nil, err
	}
	h := qcLinearHidden
	r := &QCoordsRankResult{H: h}
	for _, pt := range []struct {
		name string
		p    *nn.Params
	}{{"θ* (trained)", p}, {"balanced, Q = 0", balanced}} {
		U, V := lin.net.UV(pt.p)
		r.Rows = append(r.Rows, QCoordsRankRow{pt.name, sym.OrbitDim(sym.GLBasis(h), U, V),
			qcDQRank(sym.GLBasis(h), U, V), qcDQRank(sym.SymBasis(h), U, V), qcDQRank(sym.SkewBasis(h), U, V)})
	}
	return r, nil
}

// qcDQRank is the rank of T ↦ dQ(T) over basis (see QCoordsRank).
func qcDQRank(basis []*mat.Dense, U, V mat.Matrix) int {
	_, h := U.Dims()
	M := mat.NewDense(h*h, len(basis), nil)
	for k, T := range basis {
		M.SetCol(k, sym.Flatten(nil, conserved.OrbitDerivative(nil, T, U, V)))
	}
	var P, N mat.Dense
	P.Mul(U.T(), U)
	N.Mul(V, V.T())
	P.Add(&P, &N)
	var svd mat.SVD
	if !svd.Factorize(M, mat.SVDNone) {
		panic("zhao2023: SVD of dQ's matrix failed")
	}
	n := 0
	for _, sv := range svd.Values(nil) {
		if sv > 1e-10*mat.Norm(&P, 2) {
			n++
		}
	}
	return n
}

// Table is the notebook's table of the counts.
func (r *QCoordsRankResult) Table() show.Table {
	t := show.Table{Header: []string{"point", "orbit dimension", fmt.Sprintf("rank of dQ on gl(%d)", r.H),
		fmt.Sprintf("on Sym(%d)", r.H), fmt.Sprintf("on o(%d) (rotations)", r.H)}}
	for _, w := range r.Rows {
		t.AddRow(w.Point, w.OrbitDim, w.GL, w.Sym, w.Skew)
	}
	return t
}

// QCoordsRun is one run of gradient flow, compared with the first run of
// its network (from θ₀).
type QCoordsRun struct {
	Net, Name string
	// Moved marks a start g·θ₀ on θ₀'s orbit: the same function, another Q₀.
	Moved bool
	// QStart and QEnd are Q at the start and the end: the upper triangle of
	// UᵀU − VVᵀ (linear) or the Q_j (ReLU).
	QStart, QEnd []float64
	// StartOut and StartLoss are the relative differences of the start's
	// output on X and loss from θ₀'s.
	StartOut, StartLoss float64
	// EndOut is the relative difference of the end's output from the end
	// of θ₀'s run; Gap is ‖end − θ₀'s end‖/‖θ₀'s end‖; EndLoss is L(end).
	EndOut, Gap, EndLoss float64
	// StartNorm2 is ‖θ_start‖² = ‖U‖² + ‖V‖², the scale of Q (Figure 3's
	// normaliser), and DQ is max |Q(end) − Q(start)| / ‖θ_start‖².
	StartNorm2, DQ float64
}

// QCoordsFlowResult is QCoordsFlow's runs, θ₀'s first for each network.
type QCoordsFlowResult struct {
	Linear, ReLU []QCoordsRun
	// RankLoss is the loss of the best rank-3 approximation of Y, the
	// linear network's minimum (Eckart–Young; derived):
	// L* = Σ_{k>3} σ_k(Y)² / (m n).
	RankLoss float64
}

// qcStart is a run to make: a start of a network's flow.
type qcStart struct {
	pr    *qcProblem
	name  string
	p     *nn.Params
	moved bool
}

// QCoordsFlow runs gradient flow θ̇ = −∇L(θ), which conserves Q, from
// starts that are the same function with different Q₀, and compares where
// they end. Linear (h = 3): θ₀, its images g·θ₀ at Q₀ = −I, diag(1, 0, −1),
// I and 3I (conserved.MoveToQ), and two other initialisations (seeds 3 and
// 4). ReLU: θ₀ and its rescalings to Q_j = −0.1, 0, 0.1 and 1 for every
// unit (conserved.ScaleForQ). Since Q(θ(t)) = Q(θ₀) and Q is a coordinate
// on the minimum, runs that start as the same function end at the same
// function, at different points of the valley, set by Q₀.
func QCoordsFlow(s QCoordsSettings) (*QCoordsFlowResult, error) {
	s = s.defaults()
	if err := s.check(); err != nil {
		return nil, err
	}
	lin, relu := qcNew(nn.Linear, qcLinearHidden, s.GradTol), qcNew(nn.ReLU, s.ReLUHidden, s.GradTol)
	starts, err := qcLinearStarts(lin)
	if err != nil {
		return nil, err
	}
	nl := len(starts)
	starts = append(starts, qcReLUStarts(relu)...)
	ends, err := par.MapErr(len(starts), func(i int) (*nn.Params, error) { return starts[i].pr.flow(starts[i].p) })
	if err != nil {
		return nil, err
	}
	return &QCoordsFlowResult{Linear: qcCompare(starts[:nl], ends[:nl]), ReLU: qcCompare(starts[nl:], ends[nl:]),
		RankLoss: qcRankLoss(lin.y, qcLinearHidden)}, nil
}

// qcLinearStarts is θ₀, its images g·θ₀ at Q₀ = −I, diag(1, 0, −1), I
// and 3I, and two other initialisations.
func qcLinearStarts(lin *qcProblem) ([]qcStart, error) {
	l0 := lin.start(0)
	starts := []qcStart{{lin, "θ₀", l0, false}}
	for _, t := range []struct {
		name string
		d    []float64
	}{{"−I", []float64{-1}}, {"diag(1, 0, −1)", []float64{1, 0, -1}}, {"I", []float64{1}}, {"3I", []float64{3}}} {
		p, err := lin.moveTo(l0, qcDiag(qcLinearHidden, t.d...))
		if err != nil {
			return nil, err
		}
		starts = append(starts, qcStart{lin, "g·θ₀, Q₀ = " + t.name, p, true})
	}
	for _, seed := range []uint64{3, 4} {
		starts = append(starts, qcStart{lin, fmt.Sprintf("other init (seed %d)", seed), lin.start(seed), false})
	}
	return starts, nil
}

// qcReLUStarts is θ₀ and its rescalings to Q_j = q for every unit, q = −0.1, 0, 0.1, 1.
func qcReLUStarts(relu *qcProblem) []qcStart {
	r0 := relu.start(0)
	starts := []qcStart{{relu, "θ₀", r0, false}}
	for _, q := range []float64{-0.1, 0, 0.1, 1} {
		starts = append(starts, qcStart{relu, fmt.Sprintf("g·θ₀, Qⱼ = %g", q), relu.rescaleTo(r0, q), true})
	}
	return starts
}

// qcRankLoss is the mean squared error of the best rank-h approximation of Y.
func qcRankLoss(Y *mat.Dense, h int) float64 {
	var svd mat.SVD
	if !svd.Factorize(Y, mat.SVDNone) {
		panic("zhao2023: SVD of Y failed")
	}
	L := 0.0
	for _, sv := range svd.Values(nil)[h:] {
		L += sv * sv
	}
	m, n := Y.Dims()
	return L / float64(m*n)
}

// qcCompare compares each run of one network with the first.
func qcCompare(starts []qcStart, ends []*nn.Params) []QCoordsRun {
	pr := starts[0].pr
	obj := pr.objective()
	L := func(p *nn.Params) float64 { return obj.Func(p.Vec(), nil) }
	runs := make([]QCoordsRun, len(starts))
	for i, st := range starts {
		r := QCoordsRun{Net: pr.name(), Name: st.name, Moved: st.moved,
			QStart: pr.charges(st.p), QEnd: pr.charges(ends[i]),
			StartOut: pr.outChange(starts[0].p, st.p), StartLoss: math.Abs(L(st.p)-L(starts[0].p)) / L(starts[0].p),
			EndOut: pr.outChange(ends[0], ends[i]), Gap: qcDist(ends[0], ends[i]), EndLoss: L(ends[i])}
		r.StartNorm2 = floats.Dot(st.p.Vec(), st.p.Vec())
		for k := range r.QStart {
			r.DQ = math.Max(r.DQ, math.Abs(r.QEnd[k]-r.QStart[k])/r.StartNorm2)
		}
		runs[i] = r
	}
	return runs
}

// Plots returns the figure's 2×2 panels: for each network, Q at the end
// against Q at the start, every entry of every run (top), and the change
// |Q(end) − Q(start)| / ‖θ_start‖² on a logarithmic axis (bottom; a change
// that is exactly zero cannot be drawn there, and the axis label counts them).
func (r *QCoordsFlowResult) Plots() ([][]*plot.Plot, error) {
	var top, bottom []*plot.Plot
	for i, runs := range [][]QCoordsRun{r.Linear, r.ReLU} {
		var pts, dev show.Series
		exact := 0
		for _, run := range runs {
			for k := range run.QStart {
				pts.X, pts.Y = append(pts.X, run.QStart[k]), append(pts.Y, run.QEnd[k])
				change := math.Abs(run.QEnd[k]-run.QStart[k]) / run.StartNorm2
				if change == 0 {
					exact++
					change = math.NaN()
				}
				dev.X, dev.Y = append(dev.X, run.QStart[k]), append(dev.Y, change)
			}
		}
		title := fmt.Sprintf("%s: the %d entries of Q, %d runs", runs[0].Net, len(runs[0].QStart), len(runs))
		if i == 1 {
			title = fmt.Sprintf("%s: Q_j of all units, %d runs", runs[0].Net, len(runs))
		}
		lo, hi := floats.Min(pts.X)-0.2, floats.Max(pts.X)+0.2
		p, err := show.Lines(show.Axes{Title: title, X: "Q at the start", Y: "Q at the end"}, show.Series{Name: "Q(end) = Q(start)", X: []float64{lo, hi}, Y: []float64{lo, hi}})
		if err != nil {
			return nil, err
		}
		if err := show.Points(p, show.Series{Name: "runs", X: pts.X, Y: pts.Y}); err != nil {
			return nil, err
		}
		p.Legend.Top = false // bottom right, away from the identity line
		xlabel := "Q at the start"
		if exact > 0 {
			xlabel += fmt.Sprintf("   (%d of %d exactly 0: not drawn)", exact, len(dev.Y))
		}
		d, err := show.Scatter(show.Axes{Title: "|Q(end) − Q(start)| / ‖θ_start‖²", X: xlabel, Y: "change", LogY: true}, dev)
		if err != nil {
			return nil, err
		}
		top, bottom = append(top, p), append(bottom, d)
	}
	return [][]*plot.Plot{top, bottom}, nil
}

// Table is the notebook's table of the runs.
func (r *QCoordsFlowResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "run", "start: output vs θ₀", "start: loss vs θ₀", "end: output vs θ₀'s end",
		"‖end − θ₀'s end‖ (rel.)", "end: loss", "|Q(end) − Q(start)| / ‖θ_start‖²"}, Format: "%.2g"}
	for _, runs := range [][]QCoordsRun{r.Linear, r.ReLU} {
		for _, run := range runs {
			t.AddRow(run.Net, run.Name, run.StartOut, run.StartLoss, run.EndOut, run.Gap, run.EndLoss, run.DQ)
		}
	}
	t.Caption = fmt.Sprintf("The linear runs end at the loss of Y's best rank-%d approximation, (σ₄² + σ₅²)/50 = %.4g (Eckart–Young).",
		qcLinearHidden, r.RankLoss)
	return t
}

// QCoordsPredictResult is QCoordsPredict's table.
type QCoordsPredictResult struct {
	// Q0 holds the start values, Q₀ = q·I.
	Q0 []float64
	// Miss1[i] and Miss3[i] are ‖predicted − actual end‖/‖actual end‖ at
	// Q0[i] for h = 1 and h = 3, up to the sign of the orbit's halves.
	Miss1, Miss3 []float64
}

// QCoordsPredict predicts where gradient flow ends from Q₀ alone, for
// linear networks of widths 1 and 3 on QCoordsSettings' problem. One run
// from θ₀ finds a point θ_end of the valley; a start g·θ₀ with Q₀ = q·I
// (conserved.MoveToQ), for q = −1, −0.1, 0.1, 1, 3, is predicted to end at
// the point of θ_end's orbit where Q = Q₀ (MoveToQ again), since the flow
// keeps Q. With h = 1, f = u vᵀX, the minimum is the orbit {(u/c, c v)} and
// Q = ‖u‖² − ‖v‖² is a bijection of each half, c > 0 and c < 0, onto R: Q
// is a full coordinate and the prediction is exact, up to the sign c ≶ 0 (a
// discrete symmetry Q cannot see, set by the path). With h = 3, Q fixes
// only 6 of the 9 coordinates of the valley, and the prediction misses.
func QCoordsPredict(s QCoordsSettings) (*QCoordsPredictResult, error) {
	s = s.defaults()
	if err := s.check(); err != nil {
		return nil, err
	}
	r := &QCoordsPredictResult{Q0: []float64{-1, -0.1, 0.1, 1, 3}}
	for _, h := range []int{1, qcLinearHidden} {
		pr := qcNew(nn.Linear, h, s.GradTol)
		p0 := pr.start(0)
		end0, err := pr.flow(p0)
		if err != nil {
			return nil, err
		}
		miss, err := par.MapErr(len(r.Q0), func(i int) (float64, error) {
			Q := qcDiag(h, r.Q0[i])
			start, err := pr.moveTo(p0, Q)
			if err != nil {
				return 0, err
			}
			end, err := pr.flow(start)
			if err != nil {
				return 0, err
			}
			pred, err := pr.moveTo(end0, Q)
			if err != nil {
				return 0, err
			}
			d := floats.Distance(pred.Vec(), end.Vec(), 2)
			floats.Scale(-1, pred.Vec()) // the other half of the orbit
			return math.Min(d, floats.Distance(pred.Vec(), end.Vec(), 2)) / floats.Norm(end.Vec(), 2), nil
		})
		if err != nil {
			return nil, err
		}
		if h == 1 {
			r.Miss1 = miss
		} else {
			r.Miss3 = miss
		}
	}
	return r, nil
}

// Table is the notebook's table of the predictions.
func (r *QCoordsPredictResult) Table() show.Table {
	t := show.Table{Header: []string{"Q₀ (× I)", "h = 1: ‖predicted − actual end‖ (rel.)", "h = 3: same"}, Format: "%.2g"}
	for i, q := range r.Q0 {
		t.AddRow(q, r.Miss1[i], r.Miss3[i])
	}
	return t
}

// QCoordsClaim is one row of notebook 03's closing table: a measured value
// beside what the claim predicts for it.
type QCoordsClaim struct {
	Quantity string
	// Measured is a float64, or a string such as "6 / 9".
	Measured any
	Expected string
	// Source is "derived" for every row: the paper states the claim
	// (abstract, Figure 1), not these numbers (notebooks/REFERENCES.md, 03).
	Source string
	// Test is the Go test of this package that asserts the row.
	Test string
}

// QCoordsSummary is notebook 03's closing table.
type QCoordsSummary []QCoordsClaim

// NewQCoordsSummary gathers the measured values of notebook 03's claims
// from the results of its experiments.
func NewQCoordsSummary(o *QCoordsOrbitResult, m *QCoordsMoveResult, k *QCoordsRankResult, f *QCoordsFlowResult, p *QCoordsPredictResult) QCoordsSummary {
	var resid, out float64
	for _, r := range m.Rows {
		resid, out = math.Max(resid, r.Residual), math.Max(out, r.OutChange)
	}
	rankGap := 0.0
	for _, r := range f.Linear {
		rankGap = math.Max(rankGap, math.Abs(r.EndLoss-f.RankLoss)/f.RankLoss)
	}
	dQ, endOut, gap := 0.0, 0.0, math.Inf(1)
	for _, r := range append(append([]QCoordsRun(nil), f.Linear...), f.ReLU...) {
		dQ, endOut = math.Max(dQ, r.DQ), math.Max(endOut, r.EndOut)
		if r.Moved {
			gap = math.Min(gap, r.Gap)
		}
	}
	h, n := k.H, len(f.Linear)+len(f.ReLU)
	return QCoordsSummary{
		{"output change along the orbits (largest, rel.)", math.Max(o.LinearOut, o.ReLUOut), "0 (a symmetry)", "derived", "TestQCoordsOrbit"},
		{"targets reached by MoveToQ / ScaleForQ: largest ‖Q − target‖∞", resid, "0: dQ = −(AP + PA) onto Sym(h); Qⱼ(c) onto R", "derived", "TestQCoordsMove"},
		{"output change at those points (largest, rel.)", out, "0 (same function)", "derived", "TestQCoordsMove"},
		{fmt.Sprintf("linear h = %d: rank of dQ on gl(%d) / orbit dimension", h, h), fmt.Sprintf("%d / %d", k.Rows[0].GL, k.Rows[0].OrbitDim),
			fmt.Sprintf("h(h+1)/2 = %d coordinates of h² = %d", h*(h+1)/2, h*h), "derived", "TestQCoordsRank"},
		{fmt.Sprintf("gradient flow, %d runs: largest |Q(end) − Q(θ₀)| / ‖θ₀‖²", n), dQ, "0 (Q conserved: the end has Q = Q(θ₀))", "derived", "TestQCoordsFlow"},
		{"every run: end output vs θ₀'s end (largest, rel.)", endOut, "0 (the same minimum function)", "derived", "TestQCoordsFlow"},
		{fmt.Sprintf("linear h = %d: end loss vs best rank-%d loss (largest, rel.)", h, h), rankGap, "0 (Eckart–Young)", "derived", "TestQCoordsFlow"},
		{"g·θ₀ runs: end point distance from θ₀'s end (smallest, rel.)", gap, "> 0 (a different point, set by Q₀)", "derived", "TestQCoordsFlow"},
		{"h = 1: end predicted from Q₀ vs actual (largest, rel.)", floats.Max(p.Miss1), "0 (Q a full coordinate)", "derived", "TestQCoordsPredict"},
		{fmt.Sprintf("h = %d: the same prediction (smallest miss, rel.)", h), floats.Min(p.Miss3),
			fmt.Sprintf("≠ 0 (Q fixes %d of %d)", h*(h+1)/2, h*h), "derived", "TestQCoordsPredict"},
	}
}

// Table is the closing table; its caption names the tests that assert it.
func (s QCoordsSummary) Table() show.Table {
	t := show.Table{Header: []string{"quantity", "measured", "expected", "source", "asserted by"}, Format: "%.2g"}
	var tests []string
	for _, c := range s {
		t.AddRow(c.Quantity, c.Measured, c.Expected, c.Source, c.Test)
		if len(tests) == 0 || tests[len(tests)-1] != c.Test {
			tests = append(tests, c.Test)
		}
	}
	t.Caption = fmt.Sprintf("Asserted by %s in lib/repro/zhao2023: go test ./lib/repro/zhao2023 -run QCoords", strings.Join(tests, ", "))
	return t
}

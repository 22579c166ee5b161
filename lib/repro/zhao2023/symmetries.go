package zhao2023

// Notebook 01: the equivariances of activations that give the linear
// symmetries of parameter space (Sec. 3), each action of the paper's table
// leaving the loss unchanged, Figure 1's flat valley computed, and the
// valley's dimension measured as a tangent rank and as zero Hessian
// eigenvalues.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// SoftRadial is σ(z) = z/(1 + ‖z‖) on each column z: a radial activation
// σ(z) = f(‖z‖) z with f(r) = 1/(1 + r), bounded and not homogeneous, which
// nn does not provide. Like every radial σ it commutes with rotations,
// σ(g z) = g σ(z) for g ∈ O(h), since ‖g z‖ = ‖z‖ (Sec. 3); unlike nn.Radial
// it has no joint scale symmetry.
var SoftRadial = nn.Activation{
	Name: "soft_radial",
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node {
		ones := make([]float64, z.Rows())
		floats.AddConst(1, ones)
		d := t.MatMul(t.ConstData(z.Rows(), 1, ones), t.AddScalar(t.ColNorms(z), 1)) // d_ij = 1 + ‖z_{:,j}‖
		return t.Div(z, d)
	},
}

// symmSamples returns Z, k random pre-activations z ∈ R^h as columns, N(0, 1).
func symmSamples(h, k int) *mat.Dense { return data.Normal(rand.New(rand.NewPCG(1, 1)), h, k, 1) }

// symmDefault sets *p to v if it is zero: a zero setting takes the default.
func symmDefault[T int | float64](p *T, v T) {
	if *p == 0 {
		*p = v
	}
}

// symmSuperscript writes n ≥ 0 in superscript digits.
func symmSuperscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	var out []rune
	for _, d := range fmt.Sprint(n) {
		out = append(out, []rune(digits)[d-'0'])
	}
	return string(out)
}

// symmAlternating returns the signs (1, −1, 1, −1, …) of length h.
func symmAlternating(h int) []float64 {
	s := make([]float64, h)
	for i := range s {
		s[i] = 1 - 2*float64(i%2)
	}
	return s
}

// EquivariancesSettings configures Equivariances. The paper states the
// equivariances without numbers (Sec. 3); the zero value is the notebook's
// setting, h = 4 and k = 200.
type EquivariancesSettings struct {
	Units   int // h, the dimension of z; zero means 4
	Samples int // k, the number of random z; zero means 200 (FitPi needs k ≥ h)
}

func (s EquivariancesSettings) defaults() EquivariancesSettings {
	symmDefault(&s.Units, 4)
	symmDefault(&s.Samples, 200)
	return s
}

// EquivarianceRow is one activation and one group of Equivariances.
type EquivarianceRow struct {
	Act      string  // the activation's nn Name
	Group    string  // the group g is drawn from
	Pi       string  // the π(g) the paper's table gives; "" for a control
	Symmetry bool    // whether the paper's table makes g a symmetry of σ
	Error    float64 // ‖σ(gZ) − π(g) σ(Z)‖_F / ‖σ(gZ)‖_F; NaN for a control
	FitError float64 // the same with the least-squares π = σ(gZ) σ(Z)⁺
}

// EquivariancesResult is the table of Equivariances.
type EquivariancesResult struct {
	Settings EquivariancesSettings // with the defaults filled in
	Rows     []EquivarianceRow
}

// Equivariances checks the equivariances σ(g z) = π(g) σ(z) behind the
// paper's table of linear symmetries (Sec. 3), and that the pairs not in the
// table have none. Z holds k random z ∈ R^h, N(0, 1) entries, as columns;
// each row draws g from a group (GL(h) as e^T with T random, O(h) Haar,
// positive diagonal log-normal, permutations, the sign flips
// diag(1, −1, 1, …)) and measures
//
//	‖σ(gZ) − π σ(Z)‖_F / ‖σ(gZ)‖_F
//
// with the table's π(g) (sym.Equivariance), and with the best linear
// π = σ(gZ) σ(Z)⁺ (sym.FitPi). For the table's pairs both are rounding error;
// for the controls no linear π exists, and even the best one misses by an
// error of order one.
func Equivariances(s EquivariancesSettings) (*EquivariancesResult, error) {
	s = s.defaults()
	h := s.Units
	if h < 2 || s.Samples < h {
		return nil, fmt.Errorf("zhao2023: Equivariances: h = %d, k = %d samples; want h ≥ 2 and k ≥ h", h, s.Samples)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	gl, orth := sym.SampleGL(rng, h, 1), sym.SampleOrthogonal(rng, h)
	c := sym.SamplePositive(rng, h, 1)
	c2 := make([]float64, h)
	floats.MulTo(c2, c, c)
	pos, pos2 := mat.NewDiagDense(h, c), mat.NewDiagDense(h, c2)
	perm, flip := sym.PermMatrix(sym.SamplePerm(rng, h)), mat.NewDiagDense(h, symmAlternating(h))
	GL := fmt.Sprintf("GL(%d)", h)
	O := fmt.Sprintf("O(%d)", h)
	type pair struct {
		sigma    nn.Activation
		group    string
		g, pi    mat.Matrix
		piLabel  string
		symmetry bool
	}
	pairs := []pair{
		{nn.Linear, GL, gl, gl, "g", true},
		{nn.ReLU, "positive diagonal", pos, pos, "g", true},
		{nn.LeakyReLU(0.1), "positive diagonal", pos, pos, "g", true},
		{nn.Pow(2, 0), "positive diagonal", pos, pos2, "g^α = g² (α = 2)", true},
		{nn.Radial, O, orth, orth, "g", true},
		{SoftRadial, O, orth, orth, "g", true},
		{nn.Tanh, "permutations", perm, perm, "g", true},
		{nn.Tanh, "sign flips", flip, flip, "g", true},
		{nn.Sigmoid, "permutations", perm, perm, "g", true},
		{nn.ReLU, GL, gl, nil, "", false},
		{nn.ReLU, "sign flips", flip, nil, "", false},
		{nn.Tanh, "positive diagonal", pos, nil, "", false},
		{nn.Sigmoid, "sign flips", flip, nil, "", false},
		{SoftRadial, GL, gl, nil, "", false},
	}
	Z := symmSamples(h, s.Samples)
	r := &EquivariancesResult{Settings: s}
	for _, p := range pairs {
		row := EquivarianceRow{Act: p.sigma.Name, Group: p.group, Pi: p.piLabel, Symmetry: p.symmetry, Error: math.NaN()}
		if p.pi != nil {
			row.Error = sym.Equivariance(p.sigma, p.g, p.pi, Z)
		}
		_, row.FitError = sym.FitPi(p.sigma, p.g, Z)
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// MaxSymmetryError returns the largest Error and the largest FitError over
// the rows that are symmetries: both rounding error when every equivariance
// of the table holds.
func (r *EquivariancesResult) MaxSymmetryError() (withPi, withFit float64) {
	for _, row := range r.Rows {
		if row.Symmetry {
			withPi, withFit = math.Max(withPi, row.Error), math.Max(withFit, row.FitError)
		}
	}
	return withPi, withFit
}

// MinControlError returns the smallest FitError over the controls: of order
// one when no linear π exists for any of them.
func (r *EquivariancesResult) MinControlError() float64 {
	e := math.Inf(1)
	for _, row := range r.Rows {
		if !row.Symmetry {
			e = math.Min(e, row.FitError)
		}
	}
	return e
}

// SubgroupsSettings configures Subgroups. The zero value is the notebook's
// setting: h = 4, k = 200 samples (as Equivariances) and ε = 10^{−4},
// 10^{−3.75}, …, 1.
type SubgroupsSettings struct {
	Units   int       // h; zero means 4
	Samples int       // k; zero means 200
	Eps     []float64 // the ε of g = e^{εT}, increasing; nil means 10^{−4 + i/4}, i = 0, …, 16
}

func (s SubgroupsSettings) defaults() SubgroupsSettings {
	symmDefault(&s.Units, 4)
	symmDefault(&s.Samples, 200)
	if s.Eps == nil {
		for i := 0; i <= 16; i++ {
			s.Eps = append(s.Eps, math.Pow(10, -4+float64(i)/4))
		}
	}
	return s
}

// SubgroupCurve is the best-fit equivariance error of one activation along
// one one-parameter subgroup g = e^{εT}.
type SubgroupCurve struct {
	Act       string // the activation's nn Name
	Generator string // "diagonal" (rescalings), "antisymmetric" (rotations) or "generic"
	Symmetry  bool   // whether the subgroup is a symmetry of σ
	Eps       []float64
	Error     []float64 // FitPi's residual at each ε
	// Slope is the log–log slope of Error between the smallest ε and the
	// largest ε ≤ 10⁻²: 1 when the error grows in proportion to ε.
	Slope float64
}

// SubgroupsResult holds the curves of Subgroups.
type SubgroupsResult struct {
	Settings SubgroupsSettings // with the defaults filled in
	Curves   []SubgroupCurve
}

// Subgroups asks which one-parameter subgroups g = e^{εT} of GL(h) are
// symmetries of an activation: along each, the best linear π = σ(gZ) σ(Z)⁺
// (sym.FitPi, on Equivariances' samples Z) has a relative error at rounding
// level for every ε if the subgroup is a symmetry, and one that grows as
//
//	error(ε) ≈ C ε   (ε → 0)
//
// if it is not. T is diagonal (rescalings), antisymmetric (rotations) or
// generic, each of Frobenius norm 1. ReLU keeps the rescalings, a radial σ
// (SoftRadial) the rotations, and tanh neither: an elementwise tanh has only
// the discrete symmetries of Sec. 3 (permutations, sign flips).
func Subgroups(s SubgroupsSettings) (*SubgroupsResult, error) {
	s = s.defaults()
	h := s.Units
	if h < 2 || s.Samples < h || len(s.Eps) < 2 || !(s.Eps[0] > 0) || !symmIncreasing(s.Eps) {
		return nil, fmt.Errorf("zhao2023: Subgroups: h = %d, k = %d, %d values of ε; want h ≥ 2, k ≥ h and at least two increasing positive ε", h, s.Samples, len(s.Eps))
	}
	D, S, G := symmGenerators(h)
	curves := []SubgroupCurve{
		{Act: nn.ReLU.Name, Generator: "diagonal", Symmetry: true},
		{Act: SoftRadial.Name, Generator: "antisymmetric", Symmetry: true},
		{Act: nn.ReLU.Name, Generator: "generic"},
		{Act: nn.Tanh.Name, Generator: "diagonal"},
		{Act: nn.Tanh.Name, Generator: "antisymmetric"},
	}
	acts := map[string]nn.Activation{nn.ReLU.Name: nn.ReLU, SoftRadial.Name: SoftRadial, nn.Tanh.Name: nn.Tanh}
	gens := map[string]*mat.Dense{"diagonal": D, "antisymmetric": S, "generic": G}
	Z := symmSamples(h, s.Samples)
	for i := range curves {
		c := &curves[i]
		c.Eps = append([]float64(nil), s.Eps...)
		for _, e := range s.Eps {
			_, res := sym.FitPi(acts[c.Act], sym.Expm(e, gens[c.Generator]), Z)
			c.Error = append(c.Error, res)
		}
		c.Slope = symmSlope(c.Eps, c.Error)
	}
	return &SubgroupsResult{Settings: s, Curves: curves}, nil
}

// symmIncreasing reports whether x is strictly increasing (and has no NaN).
func symmIncreasing(x []float64) bool {
	for i := 1; i < len(x); i++ {
		if !(x[i] > x[i-1]) {
			return false
		}
	}
	return true
}

// symmSlope returns log(e_j/e_0)/log(ε_j/ε_0) for the largest ε_j ≤ 10⁻²,
// NaN if there is none past ε_0.
func symmSlope(eps, e []float64) float64 {
	j := 0
	for i, x := range eps {
		if x <= 1e-2 {
			j = i
		}
	}
	if j == 0 {
		return math.NaN()
	}
	return math.Log(e[j]/e[0]) / math.Log(eps[j]/eps[0])
}

// symmGenerators returns a diagonal, an antisymmetric and a generic T ∈ gl(h),
// each of Frobenius norm 1.
func symmGenerators(h int) (diag, skew, generic *mat.Dense) {
	rng := rand.New(rand.NewPCG(5, 5))
	generic = data.Normal(rng, h, h, 1)
	diag, skew = mat.NewDense(h, h, nil), mat.NewDense(h, h, nil)
	for i := range h {
		diag.Set(i, i, rng.NormFloat64())
	}
	skew.Sub(generic, generic.T())
	for _, T := range []*mat.Dense{diag, skew, generic} {
		T.Scale(1/mat.Norm(T, 2), T)
	}
	return diag, skew, generic
}

// MaxSymmetryError returns the largest error over the curves that are
// symmetries, at every ε.
func (r *SubgroupsResult) MaxSymmetryError() float64 {
	e := 0.0
	for _, c := range r.Curves {
		if c.Symmetry {
			e = math.Max(e, floats.Max(c.Error))
		}
	}
	return e
}

// SlopeRange returns the smallest and largest Slope over the curves that are
// not symmetries: both 1 when every one fails in proportion to ε.
func (r *SubgroupsResult) SlopeRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range r.Curves {
		if !c.Symmetry {
			lo, hi = math.Min(lo, c.Slope), math.Max(hi, c.Slope)
		}
	}
	return lo, hi
}

// ActionInvarianceSettings configures ActionInvariance. The zero value is the
// notebook's setting: a random network with m = 3 outputs, h = 6 hidden
// units, n = 5 inputs and k = 40 samples.
type ActionInvarianceSettings struct {
	In, Hidden, Out int // n, h, m; zero means 5, 6, 3
	Samples         int // k; zero means 40
}

func (s ActionInvarianceSettings) defaults() ActionInvarianceSettings {
	symmDefault(&s.In, 5)
	symmDefault(&s.Hidden, 6)
	symmDefault(&s.Out, 3)
	symmDefault(&s.Samples, 40)
	return s
}

// ActionRow is one action of ActionInvariance.
type ActionRow struct {
	Net      string  // "two-layer" or "deep" (n → h → h → m)
	Act      string  // the activation's nn Name
	Group    string  // the group
	Action   string  // the action on the parameters
	Symmetry bool    // whether the action is a symmetry of this network
	Moved    float64 // ‖θ' − θ‖/‖θ‖
	Change   float64 // |L(θ') − L(θ)|/L(θ)
}

// ActionInvarianceResult is the table of ActionInvariance.
type ActionInvarianceResult struct {
	Settings ActionInvarianceSettings // with the defaults filled in
	Rows     []ActionRow
}

type symmAction func(U, V mat.Matrix) (*mat.Dense, *mat.Dense)

// ActionInvariance applies each action of the paper's table of linear
// symmetries (Sec. 3) to a random two-layer network U σ(V X) with that
// activation (X, Y and the weights N(0, 1), mean squared error), and reports
// how far the parameters move and the relative change of the loss,
//
//	‖θ' − θ‖/‖θ‖   and   |L(θ') − L(θ)| / L(θ),
//
// rounding error for a symmetry, of order 10⁻³ or more for the controls
// (actions that are not symmetries of that network). The last two rows are a
// deep LeakyReLU network n → h → h → m with random biases, rescaled at its
// first hidden layer with the bias moved, b → c b (derived), and, as a
// control, with the bias left in place.
func ActionInvariance(s ActionInvarianceSettings) (*ActionInvarianceResult, error) {
	s = s.defaults()
	h := s.Hidden
	if s.In < 1 || h < 2 || s.Out < 1 || s.Samples < 1 {
		return nil, fmt.Errorf("zhao2023: ActionInvariance: n = %d, h = %d, m = %d, k = %d; want h ≥ 2 and the others ≥ 1", s.In, h, s.Out, s.Samples)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	g, o := sym.SampleGL(rng, h, 1), sym.SampleOrthogonal(rng, h)
	c, perm := sym.SamplePositive(rng, h, 1), sym.SamplePerm(rng, h)
	signs := symmAlternating(h)
	gl := func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.GL(g, U, V) }
	rescale := func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.Rescale(c, U, V) }
	flip := func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.SignFlip(signs, U, V) }
	permute := func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.Permute(perm, U, V) }
	GL, pos := fmt.Sprintf("GL(%d)", h), "(R>0)"+symmSuperscript(h)
	actions := []struct {
		act           nn.Activation
		group, action string
		apply         symmAction
		symmetry      bool
	}{
		{nn.Linear, GL, "(U g⁻¹, g V)", gl, true},
		{nn.ReLU, pos, "(U diag(c)⁻¹, diag(c) V)", rescale, true},
		{nn.LeakyReLU(0.1), pos, "(U diag(c)⁻¹, diag(c) V)", rescale, true},
		{nn.Pow(2, 0), pos, "(U diag(c)⁻², diag(c) V)", func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.RescaleAlpha(2, c, U, V) }, true},
		{nn.Radial, fmt.Sprintf("O(%d)", h), "(U gᵀ, g V)", func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.Orthogonal(o, U, V) }, true},
		{nn.Radial, "R>0", "(c U, c V), c = 2.5", func(U, V mat.Matrix) (*mat.Dense, *mat.Dense) { return sym.JointScale(2.5, U, V) }, true},
		{nn.Tanh, "permutations", "(U Pᵀ, P V)", permute, true},
		{nn.Tanh, "sign flips", "(U S, S V)", flip, true},
		{nn.Sigmoid, "permutations", "(U Pᵀ, P V)", permute, true},
		{nn.ReLU, GL, "(U g⁻¹, g V)", gl, false},
		{nn.Tanh, pos, "(U diag(c)⁻¹, diag(c) V)", rescale, false},
		{nn.Sigmoid, "sign flips", "(U S, S V)", flip, false},
		{nn.Radial, GL, "(U g⁻¹, g V)", gl, false},
	}
	r := &ActionInvarianceResult{Settings: s}
	for _, a := range actions {
		moved, dL := symmTwoLayerChange(s, a.act, a.apply)
		r.Rows = append(r.Rows, ActionRow{"two-layer", a.act.Name, a.group, a.action, a.symmetry, moved, dL})
	}
	for _, moveBias := range []bool{true, false} {
		row := ActionRow{Net: "deep", Act: nn.LeakyReLU(0.1).Name, Group: pos + ", layer 1", Action: "(W₂ c⁻¹, c W₁, c b₁)", Symmetry: true}
		if !moveBias {
			row.Action, row.Symmetry = "(W₂ c⁻¹, c W₁, b₁)", false
		}
		row.Moved, row.Change = symmDeepChange(s, moveBias)
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// symmTwoLayerChange returns ‖θ' − θ‖/‖θ‖ and |L(θ') − L(θ)|/L(θ) for
// θ' = apply(θ), θ a random two-layer network with activation act.
func symmTwoLayerChange(s ActionInvarianceSettings, act nn.Activation, apply symmAction) (moved, dL float64) {
	rng := rand.New(rand.NewPCG(3, 3))
	net := nn.TwoLayer{In: s.In, Hidden: s.Hidden, Out: s.Out, Act: act}
	X, Y := data.Normal(rng, s.In, s.Samples, 1), data.Normal(rng, s.Out, s.Samples, 1)
	p := net.Init(rng, nn.Normal(1))
	obj := nn.NewObjective(net, X, Y, nn.MSE)
	q := p.Clone()
	U, V := net.UV(q)
	gU, gV := apply(U, V)
	U.Copy(gU)
	V.Copy(gV)
	return symmChange(obj, p.Vec(), q.Vec())
}

// symmDeepChange rescales hidden layer 1 of a random deep LeakyReLU network
// n → h → h → m with random biases by diag(c), c > 0, moving its bias with
// it or, when moveBias is false, leaving it in place.
func symmDeepChange(s ActionInvarianceSettings, moveBias bool) (moved, dL float64) {
	rng := rand.New(rand.NewPCG(6, 6))
	net := nn.MLP{Sizes: []int{s.In, s.Hidden, s.Hidden, s.Out}, Act: nn.LeakyReLU(0.1)}
	p := net.Init(rng, nn.Normal(1))
	W, b := net.Layers(p)
	for _, bi := range b { // Init leaves the biases at zero
		bi.CopyVec(data.Normal(rng, bi.Len(), 1, 1).ColView(0))
	}
	obj := nn.NewObjective(net, data.Normal(rng, s.In, s.Samples, 1), data.Normal(rng, s.Out, s.Samples, 1), nn.MSE)
	W2, b2 := sym.DeepRescale(0, 1, sym.SamplePositive(rng, s.Hidden, 1), W, b)
	q := p.Clone()
	Wq, bq := net.Layers(q)
	for i := range Wq {
		Wq[i].Copy(W2[i])
	}
	if moveBias {
		bq[0].CopyVec(b2[0])
	}
	return symmChange(obj, p.Vec(), q.Vec())
}

// symmChange returns ‖θ' − θ‖/‖θ‖ and |L(θ') − L(θ)|/L(θ).
func symmChange(obj *nn.Objective, theta, moved []float64) (float64, float64) {
	l0, l1 := obj.Func(theta, nil), obj.Func(moved, nil)
	return floats.Distance(moved, theta, 2) / floats.Norm(theta, 2), math.Abs(l1-l0) / l0
}

// MaxSymmetryChange returns the largest relative change of the loss over the
// actions that are symmetries: rounding error.
func (r *ActionInvarianceResult) MaxSymmetryChange() float64 {
	e := 0.0
	for _, row := range r.Rows {
		if row.Symmetry {
			e = math.Max(e, row.Change)
		}
	}
	return e
}

// MinControlChange returns the smallest relative change of the loss over the
// controls.
func (r *ActionInvarianceResult) MinControlChange() float64 {
	e := math.Inf(1)
	for _, row := range r.Rows {
		if !row.Symmetry {
			e = math.Min(e, row.Change)
		}
	}
	return e
}

// Fig1Settings configures Fig1 and the first network of OrbitDimension. The
// paper's Figure 1 is a sketch; the zero value is the notebook's setting:
// the data of the paper's Figure 3 (X = I_n, Y m×n with N(0, 1) entries,
// m = 5, n = 10) and a narrower hidden layer, h = 3, initialised N(0, 0.1²)
// and trained by gradient flow on the mean squared error until
// ‖∇L‖ ≤ 10⁻¹⁰.
type Fig1Settings struct {
	In, Hidden, Out int     // n, h, m; zero means 10, 3, 5 (h ≤ min(m, n))
	Init            float64 // standard deviation of the initial weights; zero means 0.1
	GradTol         float64 // the flow stops at ‖∇L‖ ≤ GradTol; zero means 1e-10
	Grid            int     // the plane is sampled at Grid+1 points per axis over [−2.5, 2.5]; zero means 160
	Path            int     // points per path, less one; zero means 100
	S               float64 // the orbit e^{sA}θ* is followed for s ∈ [0, S]; zero means 1.5
}

func (s Fig1Settings) defaults() Fig1Settings {
	symmDefault(&s.In, 10)
	symmDefault(&s.Hidden, 3)
	symmDefault(&s.Out, 5)
	symmDefault(&s.Init, 0.1)
	symmDefault(&s.GradTol, 1e-10)
	symmDefault(&s.Grid, 160)
	symmDefault(&s.Path, 100)
	symmDefault(&s.S, 1.5)
	return s
}

// Fig1Curve is the loss along a path through θ*: L(θ) against ‖θ − θ*‖/‖θ*‖.
type Fig1Curve struct {
	Name     string
	Distance []float64 // ‖θ − θ*‖/‖θ*‖
	Loss     []float64 // L(θ)
}

// Fig1Result is the computed Figure 1: the trained minimum, the loss on a
// plane through it and along three paths.
type Fig1Result struct {
	Settings Fig1Settings // with the defaults filled in

	LStar       float64 // L(θ*), the mean squared error at the end of the flow
	GradNorm    float64 // ‖∇L(θ*)‖
	EckartYoung float64 // Σ_{i>h} s_i² / (m n), the minimum by Eckart–Young (derived)
	RankError   float64 // ‖U V − Y_h‖_F/‖Y_h‖_F, Y_h the truncated SVD of Y

	// The plane θ(x, y): θ* with U's column 1 scaled by x and V's row 1 by y.
	PlaneX     []float64  // the grid of x and of y
	PlaneLogL  *mat.Dense // log₁₀ L/L*; row i is y = PlaneX[i], column j is x = PlaneX[j]
	Hyperbola  float64    // max |L − L*|/L* on xy = 1 at x = ±0.4, 0.7, 1.5, ±2.5
	DiagonalUp float64    // L/L* at (x, y) = (2, 2), off the orbit

	// Paths through θ*: the orbit e^{sA}·θ* for a random symmetric A of
	// norm 1 (s ∈ [0, S]), the straight line along its tangent (−UA, AV),
	// and a random straight line, both to distance ‖θ*‖.
	Orbit, Tangent, Random Fig1Curve
	OrbitChange            float64 // max |L − L*|/L* along the orbit
	OrbitDistance          float64 // ‖e^{SA}·θ* − θ*‖/‖θ*‖
	TangentOrder           float64 // p in L − L* ∝ r^p along the tangent line (from r = 0.01, 0.02)
	RandomOrder            float64 // the same along the random line
}

// symmMinimum trains the network of Fig1Settings to its minimum θ* by
// gradient flow. It returns θ*, the network, its objective and Y.
func symmMinimum(s Fig1Settings) (*nn.Params, nn.TwoLayer, *nn.Objective, *mat.Dense, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.TwoLayer{In: s.In, Hidden: s.Hidden, Out: s.Out, Act: nn.Linear}
	Y := data.Normal(rng, s.Out, s.In, 1)
	p := net.Init(rng, nn.Normal(s.Init))
	obj := nn.NewObjective(net, sym.Identity(s.In), Y, nn.MSE)
	if _, err := optim.Flow(obj.Func, p.Vec(), optim.FlowSettings{T: 1e5, GradTol: s.GradTol}); err != nil {
		return nil, net, nil, nil, fmt.Errorf("zhao2023: training the h = %d network: %w", s.Hidden, err)
	}
	return p, net, obj, Y, nil
}

// Fig1 computes the paper's Figure 1, the sketch of "the extended minimum" of
// L = ‖Y − U V X‖²: points related by U → U g⁻¹, V → g V form a valley of
// minima. A two-layer linear network with h ≤ min(m, n) on X = I_n is trained
// to its minimum θ* = (U, V); by Eckart–Young U V is then the truncated SVD
// Y_h of Y and
//
//	L* = Σ_{i>h} s_i² / (m n)   (mean squared error),
//
// and the set of minima is exactly the GL(h) orbit of θ*. Fig1 samples the
// loss on a plane through θ* that contains the orbit of g = e^{s E₁₁} (the
// hyperbola xy = 1), and along a generic orbit e^{sA}·θ* (curved, flat) beside
// two straight lines through θ*: its tangent (UV changes by −r²UA²V, so
// L − L* ∝ r⁴) and a random direction (L − L* ∝ r²).
func Fig1(s Fig1Settings) (*Fig1Result, error) {
	s = s.defaults()
	if s.Hidden < 1 || s.Hidden > min(s.In, s.Out) || s.Init <= 0 || s.Grid < 2 || s.Path < 2 || s.S <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig1: %+v: want 1 ≤ h ≤ min(m, n) and positive Init, S, and Grid and Path ≥ 2", s)
	}
	p, net, obj, Y, err := symmMinimum(s)
	if err != nil {
		return nil, err
	}
	th := p.Vec()
	grad := make([]float64, len(th))
	r := &Fig1Result{Settings: s, LStar: obj.Func(th, grad), GradNorm: floats.Norm(grad, 2)}
	r.EckartYoung, r.RankError = symmEckartYoung(Y, p, net)
	symmPlane(r, p, net, obj)
	symmPaths(r, p, net, obj)
	return r, nil
}

// symmEckartYoung returns Σ_{i>h} s_i²/(m n) and ‖U V − Y_h‖_F/‖Y_h‖_F.
func symmEckartYoung(Y *mat.Dense, p *nn.Params, net nn.TwoLayer) (lstar, rankErr float64) {
	m, n, h := net.Out, net.In, net.Hidden
	var svd mat.SVD
	svd.Factorize(Y, mat.SVDThin)
	var u, v, us, Yh, W mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	sv := svd.Values(nil)
	us.Mul(u.Slice(0, m, 0, h), mat.NewDiagDense(h, sv[:h]))
	Yh.Mul(&us, v.Slice(0, n, 0, h).T())
	U, V := net.UV(p)
	W.Mul(U, V)
	for _, x := range sv[h:] {
		lstar += x * x
	}
	return lstar / float64(m*n), sym.RelDiff(&Yh, &W)
}

// symmPlane fills the plane of Fig1Result: L on θ(x, y).
func symmPlane(r *Fig1Result, p *nn.Params, net nn.TwoLayer, obj *nn.Objective) {
	U, V := net.UV(p)
	q := p.Clone()
	qU, qV := net.UV(q)
	at := func(x, y float64) float64 {
		qU.ColView(0).(*mat.VecDense).ScaleVec(x, U.ColView(0))
		qV.RowView(0).(*mat.VecDense).ScaleVec(y, V.RowView(0))
		return obj.Func(q.Vec(), nil) / r.LStar
	}
	n := r.Settings.Grid
	r.PlaneX = make([]float64, n+1)
	for i := range r.PlaneX {
		r.PlaneX[i] = -2.5 + 5*float64(i)/float64(n)
	}
	r.PlaneLogL = mat.NewDense(n+1, n+1, nil)
	for i, y := range r.PlaneX {
		for j, x := range r.PlaneX {
			r.PlaneLogL.Set(i, j, math.Log10(at(x, y)))
		}
	}
	for _, x := range []float64{0.4, 0.7, 1.5, 2.5, -0.4, -2.5} {
		r.Hyperbola = math.Max(r.Hyperbola, math.Abs(at(x, 1/x)-1))
	}
	r.DiagonalUp = at(2, 2)
}

// symmPaths fills the paths of Fig1Result.
func symmPaths(r *Fig1Result, p *nn.Params, net nn.TwoLayer, obj *nn.Objective) {
	U, V := net.UV(p)
	th := p.Vec()
	norm := floats.Norm(th, 2)
	rng := rand.New(rand.NewPCG(5, 6))
	A := data.Normal(rng, net.Hidden, net.Hidden, 1)
	A.Add(A, A.T())
	A.Scale(1/mat.Norm(A, 2), A)
	dU, dV := sym.GLTangent(A, U, V)
	tangent := sym.Flatten(nil, dU, dV)
	random := data.Normal(rng, len(th), 1, 1).RawMatrix().Data
	floats.Scale(norm/floats.Norm(tangent, 2), tangent) // both of length ‖θ*‖
	floats.Scale(norm/floats.Norm(random, 2), random)
	q := make([]float64, len(th))
	line := func(dir []float64, t float64) float64 { // L(θ* + t dir)
		floats.AddScaledTo(q, th, t, dir)
		return obj.Func(q, nil)
	}
	r.Orbit, r.Tangent, r.Random = Fig1Curve{Name: "orbit exp(sA)·θ*"}, Fig1Curve{Name: "tangent line θ* + r(−UA, AV)"}, Fig1Curve{Name: "random line"}
	n := r.Settings.Path
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		gU, gV := sym.GL(sym.Expm(t*r.Settings.S, A), U, V)
		sym.Flatten(q, gU, gV)
		l := obj.Func(q, nil)
		r.Orbit.Distance, r.Orbit.Loss = append(r.Orbit.Distance, floats.Distance(q, th, 2)/norm), append(r.Orbit.Loss, l)
		r.OrbitChange = math.Max(r.OrbitChange, math.Abs(l-r.LStar)/r.LStar)
		r.Tangent.Distance, r.Tangent.Loss = append(r.Tangent.Distance, t), append(r.Tangent.Loss, line(tangent, t))
		r.Random.Distance, r.Random.Loss = append(r.Random.Distance, t), append(r.Random.Loss, line(random, t))
	}
	r.OrbitDistance = r.Orbit.Distance[n]
	order := func(dir []float64) float64 { // log₂ of the rise ratio when the distance doubles
		return math.Log2((line(dir, 0.02) - r.LStar) / (line(dir, 0.01) - r.LStar))
	}
	r.TangentOrder, r.RandomOrder = order(tangent), order(random)
}

// OrbitDimensionSettings configures OrbitDimension: the h = 3 minimum of
// Fig1 and the linear network of the paper's Figure 9 (m = 10, n = 5,
// h = 50, X = I_5, Y with N(0, 1) entries, weights N(0, 0.3²) (one of the
// paper's four scales), gradient descent with η = 0.1 for 4000 steps on the
// mean squared error). The zero value is that setting.
type OrbitDimensionSettings struct {
	Fig1 Fig1Settings // the first network; only its network and training fields are used
	Fig9 OrbitDimensionNet
}

// Fast returns the settings with a smaller Figure 9 network, h = 20 instead
// of 50 (300 parameters, an orbit of dimension 250), for tests: the same
// claims at a twentieth of the cost.
func (s OrbitDimensionSettings) Fast() OrbitDimensionSettings {
	s.Fig9.Hidden = 20
	return s
}

// OrbitDimensionNet is the linear network of the paper's Figure 9 as
// OrbitDimension trains it.
type OrbitDimensionNet struct {
	In, Hidden, Out int     // n, h, m; zero means 5, 50, 10 (h ≥ max(m, n))
	Init            float64 // standard deviation of the initial weights; zero means 0.3
	LR              float64 // gradient descent's step η; zero means 0.1
	Steps           int     // zero means 4000
}

func (s OrbitDimensionNet) defaults() OrbitDimensionNet {
	symmDefault(&s.In, 5)
	symmDefault(&s.Hidden, 50)
	symmDefault(&s.Out, 10)
	symmDefault(&s.Init, 0.3)
	symmDefault(&s.LR, 0.1)
	symmDefault(&s.Steps, 4000)
	return s
}

// OrbitDimensionRow is one network and group of OrbitDimension.
type OrbitDimensionRow struct {
	Network string
	Group   string
	Params  int // the number of parameters, h(m + n)
	DimG    int // dim G
	// Predicted is dim G − dim stabiliser: for GL(h),
	// h² − (h − rank U)(h − rank V); for a subgroup of GL(h) whose
	// stabiliser in GL(h) is trivial, dim G.
	Predicted int
	OrbitDim  int // the rank of the orbit's tangent vectors (sym.OrbitDim)
	// ZeroEigenvalues counts the Hessian eigenvalues below 10⁻⁸ of the
	// largest, −1 where not measured (the subgroups).
	ZeroEigenvalues int
}

// OrbitDimensionResult is the table of OrbitDimension.
type OrbitDimensionResult struct {
	Settings OrbitDimensionSettings // with the defaults filled in
	Rows     []OrbitDimensionRow
}

// OrbitDimension measures the dimension of the valley through a minimum in
// two ways. The orbit's tangent space at θ = (U, V) is spanned by
// (−U T, T V) for T in a basis of the Lie algebra; its rank is, by the
// orbit–stabiliser theorem,
//
//	dim orbit = dim G − dim stabiliser,   dim stabiliser = (h − rank U)(h − rank V)   for GL(h).
//
// Every orbit direction through a minimum is a zero eigenvalue of the Hessian,
// so the Hessian has at least that many; the count of zero eigenvalues (full
// Hessian, hessian.Eigenvalues) tells whether every flat direction is a
// symmetry direction. Two networks: Fig1's h = 3 minimum (GL(3) and its
// subgroups (R>0)³ and O(3)), and the linear network of the paper's Figure 9,
// whose Hessian of ‖Y − U V X‖²_F over all h(m + n) = 750 parameters has
// m n = 50 nonzero eigenvalues (derived), hence 700 zero ones.
func OrbitDimension(s OrbitDimensionSettings) (*OrbitDimensionResult, error) {
	s.Fig1, s.Fig9 = s.Fig1.defaults(), s.Fig9.defaults()
	f9 := s.Fig9
	if f9.Hidden < 1 || f9.In < 1 || f9.Out < 1 || f9.Init <= 0 || f9.LR <= 0 || f9.Steps < 1 {
		return nil, fmt.Errorf("zhao2023: OrbitDimension: Figure 9 network %+v: want positive sizes, Init, LR and Steps", f9)
	}
	if f1 := s.Fig1; f1.Hidden < 1 || f1.Hidden > min(f1.In, f1.Out) || f1.Init <= 0 {
		return nil, fmt.Errorf("zhao2023: OrbitDimension: first network %+v: want 1 ≤ h ≤ min(m, n) and Init > 0", f1)
	}
	p, net, obj, _, err := symmMinimum(s.Fig1)
	if err != nil {
		return nil, err
	}
	r := &OrbitDimensionResult{Settings: s}
	name := fmt.Sprintf("linear, h = %d, trained", net.Hidden)
	zero, err := symmZeroEigenvalues(obj, p.Vec())
	if err != nil {
		return nil, err
	}
	r.Rows = append(r.Rows, symmOrbitRow(name, net, p, zero))
	h := net.Hidden
	U, V := net.UV(p)
	for _, g := range []struct {
		group string
		basis []*mat.Dense
	}{{"(R>0)" + symmSuperscript(h), sym.DiagBasis(h)}, {fmt.Sprintf("O(%d)", h), sym.SkewBasis(h)}} {
		row := OrbitDimensionRow{Network: name, Group: g.group, Params: len(p.Vec()), DimG: len(g.basis), Predicted: -1, OrbitDim: sym.OrbitDim(g.basis, U, V), ZeroEigenvalues: -1}
		if r.Rows[0].Predicted == h*h { // trivial stabiliser in GL(h), so in G
			row.Predicted = row.DimG
		}
		r.Rows = append(r.Rows, row)
	}
	p9, net9, sq, err := symmFig9Net(f9)
	if err != nil {
		return nil, err
	}
	if zero, err = symmZeroEigenvalues(sq, p9.Vec()); err != nil {
		return nil, err
	}
	r.Rows = append(r.Rows, symmOrbitRow(fmt.Sprintf("linear, Fig. 9 (h = %d)", f9.Hidden), net9, p9, zero))
	return r, nil
}

// symmFig9Net trains the Figure 9 linear network by gradient descent on the
// mean squared error and returns it with its loss ‖Y − U V X‖²_F.
func symmFig9Net(s OrbitDimensionNet) (*nn.Params, nn.TwoLayer, *nn.Objective, error) {
	net := nn.TwoLayer{In: s.In, Hidden: s.Hidden, Out: s.Out, Act: nn.Linear}
	rng := rand.New(rand.NewPCG(9, 10))
	X, Y := sym.Identity(s.In), data.Normal(rng, s.Out, s.In, 1)
	p := net.Init(rng, nn.Normal(s.Init))
	if _, err := optim.Run(nn.NewObjective(net, X, Y, nn.MSE).Func, p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: s.Steps}); err != nil {
		return nil, net, nil, fmt.Errorf("zhao2023: training the Figure 9 network: %w", err)
	}
	return p, net, nn.NewObjective(net, X, Y, nn.SquaredError), nil
}

// symmOrbitRow measures the GL(h) orbit of a trained linear network.
func symmOrbitRow(name string, net nn.TwoLayer, p *nn.Params, zero int) OrbitDimensionRow {
	U, V := net.UV(p)
	h := net.Hidden
	stab := (h - sym.NumRank(U, 1e-10)) * (h - sym.NumRank(V, 1e-10))
	return OrbitDimensionRow{
		Network: name, Group: fmt.Sprintf("GL(%d)", h), Params: len(p.Vec()),
		DimG: h * h, Predicted: h*h - stab, OrbitDim: sym.OrbitDim(sym.GLBasis(h), U, V), ZeroEigenvalues: zero,
	}
}

// symmZeroEigenvalues counts the eigenvalues of f's Hessian at θ below 10⁻⁸
// of the largest.
func symmZeroEigenvalues(obj hessian.Objective, theta []float64) (int, error) {
	vals, err := hessian.Eigenvalues(hessian.New(obj, theta))
	if err != nil {
		return 0, fmt.Errorf("zhao2023: Hessian eigenvalues: %w", err)
	}
	return len(vals) - hessian.Rank(vals, 1e-8), nil
}

// Tables, plots and the closing summary of notebook 01.

// Table lays out the rows of Equivariances: the error with the table's π(g)
// (blank for a control, which has none) and with the best linear π.
func (r *EquivariancesResult) Table() show.Table {
	t := show.Table{Header: []string{"σ", "g from", "π(g)", "error with π(g)", "error with the best linear π"}, Format: "%.1e"}
	for _, row := range r.Rows {
		if row.Symmetry {
			t.AddRow(row.Act, row.Group, row.Pi, row.Error, row.FitError)
		} else {
			t.AddRow(row.Act, row.Group, "none (control)", "", row.FitError)
		}
	}
	return t
}

// symmSubgroupLabel names a curve of Subgroups for a legend.
func symmSubgroupLabel(c SubgroupCurve) string {
	kind := map[string]string{"diagonal": " (rescaling)", "antisymmetric": " (rotation)"}[c.Generator]
	if !c.Symmetry {
		kind = ""
	}
	return fmt.Sprintf("%s, T %s%s", c.Act, c.Generator, kind)
}

// Plot draws the best-fit error against ε on log–log axes, one line per
// activation and generator.
func (r *SubgroupsResult) Plot() (*plot.Plot, error) {
	var series []show.Series
	for _, c := range r.Curves {
		series = append(series, show.Series{Name: symmSubgroupLabel(c), X: c.Eps, Y: c.Error})
	}
	p, err := show.Lines(show.Axes{Title: "relative error of the best fit σ(gZ) ≈ πσ(Z), g = exp(εT)", X: "ε", Y: "error", LogX: true, LogY: true}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Top = false
	p.Legend.YOffs = 1.2 * vg.Inch // in the empty band between the two groups of curves
	return p, nil
}

// Table lays out the rows of ActionInvariance.
func (r *ActionInvarianceResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "σ", "group", "action", "‖θ' − θ‖/‖θ‖", "relative change of L", "symmetry?"}, Format: "%.2g"}
	for _, row := range r.Rows {
		yes := "yes"
		if !row.Symmetry {
			yes = "no (control)"
		}
		t.AddRow(row.Net, row.Act, row.Group, row.Action, row.Moved, row.Change, yes)
	}
	return t
}

// PlanePlot draws log₁₀ L/L* on the plane θ(x, y) through θ* (x = y = 1),
// with the orbit of e^{s E₁₁}, the hyperbola xy = 1, and its sign-flipped
// branch.
func (r *Fig1Result) PlanePlot() (*plot.Plot, error) {
	hm, err := show.HeatMapXY(show.Axes{Title: "log10 L/L* on a plane through the minimum", X: "x  (U column 1 scaled by x)", Y: "y  (V row 1 scaled by y)"}, r.PlaneX, r.PlaneX, r.PlaneLogL)
	if err != nil {
		return nil, err
	}
	lim := math.Log(-r.PlaneX[0]) // to the edge of the plane
	var ox, oy, fx, fy []float64
	for s := -lim; s <= lim; s += 0.01 {
		ox, oy = append(ox, math.Exp(-s)), append(oy, math.Exp(s))
		fx, fy = append(fx, -math.Exp(-s)), append(fy, -math.Exp(s))
	}
	if err := show.Overlay(hm, show.Series{Name: "orbit exp(s·E11)·θ*", X: ox, Y: oy}, show.Series{Name: "its sign flip", X: fx, Y: fy}); err != nil {
		return nil, err
	}
	if err := show.Points(hm, show.Series{Name: "θ*", X: []float64{1}, Y: []float64{1}}); err != nil {
		return nil, err
	}
	hm.Legend.Left = true // top left, the quadrant with no valley
	return hm, nil
}

// PathsPlot draws the loss along the orbit e^{sA}·θ* and along the two
// straight lines through θ*, against the distance from θ*.
func (r *Fig1Result) PathsPlot() (*plot.Plot, error) {
	var series []show.Series
	for _, c := range []Fig1Curve{r.Orbit, r.Tangent, r.Random} {
		series = append(series, show.Series{Name: c.Name, X: c.Distance, Y: c.Loss})
	}
	p, err := show.Lines(show.Axes{Title: "loss along a generic orbit and off it", X: "‖θ − θ*‖ / ‖θ*‖", Y: "L(θ)  (mean squared error)"}, series...)
	if err != nil {
		return nil, err
	}
	p.Legend.Left = true
	return p, nil
}

// Table lays out the rows of OrbitDimension.
func (r *OrbitDimensionResult) Table() show.Table {
	t := show.Table{Header: []string{"network", "group G", "parameters", "dim G", "dim G − dim stabiliser", "orbit dimension (tangent rank)", "zero Hessian eigenvalues"}}
	for i, row := range r.Rows {
		network, params, zero := row.Network, any(row.Params), any(row.ZeroEigenvalues)
		if i > 0 && row.Network == r.Rows[i-1].Network {
			network, params = "", ""
		}
		if row.ZeroEigenvalues < 0 {
			zero = ""
		}
		t.AddRow(network, row.Group, params, row.DimG, row.Predicted, row.OrbitDim, zero)
	}
	return t
}

// SymmetriesSummary is notebook 01's closing table: each claim's measured
// value beside what the paper states ("paper", with the figure or section)
// or what follows from it ("derived", see notebooks/REFERENCES.md), and the
// test that asserts it.
func SymmetriesSummary(eq *EquivariancesResult, sub *SubgroupsResult, act *ActionInvarianceResult, f1 *Fig1Result, od *OrbitDimensionResult) show.Table {
	t := show.Table{
		Caption: "Asserted by TestEquivariances, TestSubgroups, TestActionInvariance, TestFig1 and TestOrbitDimension: go test ./lib/repro/zhao2023 -run 'Equivariances|Subgroups|ActionInvariance|Fig1|OrbitDimension'",
		Header:  []string{"quantity", "measured", "expected", "source", "test"},
		Format:  "%.2g",
	}
	lo, hi := sub.SlopeRange()
	withPi, withFit := eq.MaxSymmetryError()
	t.AddRow("equivariances σ(gz) = π(g)σ(z): largest error with π(g) / the best π", fmt.Sprintf("%.2g / %.2g", withPi, withFit), "0 (≤ 1e-13)", "paper, Sec. 3", "TestEquivariances")
	t.AddRow("controls: smallest error of the best linear π", eq.MinControlError(), "order 1 (≥ 0.05): no π", "paper, Sec. 3", "TestEquivariances")
	t.AddRow("symmetric subgroups e^{εT}: largest error over ε", sub.MaxSymmetryError(), "0 (≤ 1e-13)", "paper, Sec. 3", "TestSubgroups")
	t.AddRow("other subgroups: log–log slope of the error in ε", fmt.Sprintf("%.3f–%.3f", lo, hi), "1 (first order)", "derived", "TestSubgroups")
	t.AddRow("symmetry actions: largest relative change of L", act.MaxSymmetryChange(), "0 (≤ 1e-13)", "paper, Sec. 3", "TestActionInvariance")
	t.AddRow("control actions: smallest relative change of L", act.MinControlChange(), "≠ 0 (≥ 1e-3)", "—", "TestActionInvariance")
	t.AddRow(fmt.Sprintf("h = %d minimum: L* / Eckart–Young Σ_{i>h} s_i²/(mn)", f1.Settings.Hidden), fmt.Sprintf("%.6g / %.6g", f1.LStar, f1.EckartYoung), "equal", "derived", "TestFig1")
	t.AddRow(fmt.Sprintf("along the orbit e^{sA}θ* (to %.2f‖θ*‖): largest relative change of L", f1.OrbitDistance), f1.OrbitChange, "0 (a flat valley)", "paper, Fig. 1", "TestFig1")
	t.AddRow("order p of L − L* ∝ r^p: tangent line / random line", fmt.Sprintf("%.2f / %.2f", f1.TangentOrder, f1.RandomOrder), "4 / 2", "derived", "TestFig1")
	for _, row := range od.Rows {
		if row.ZeroEigenvalues < 0 {
			continue
		}
		t.AddRow(fmt.Sprintf("%s: orbit dimension / zero Hessian eigenvalues", row.Network), fmt.Sprintf("%d / %d", row.OrbitDim, row.ZeroEigenvalues), fmt.Sprintf("dim G − dim stabiliser = %d", row.Predicted), "derived", "TestOrbitDimension")
	}
	return t
}

package zhao2023

// Notebook 06: the conserved quantity and the sharpness of the minimum (Zhao
// et al., ICLR 2023, Fig. 9).

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
)

// ScalarSharpnessSettings sets up ScalarSharpness. The zero value is notebook
// 06's example: y = 1 and Q from −6 to 6 in steps of ½.
type ScalarSharpnessSettings struct {
	Y float64   // the target y; 0 means 1
	Q []float64 // the points of the valley, by their Q; nil means −6, −5.5, …, 6
}

// ScalarSharpnessResult is what ScalarSharpness measured, one entry per Q.
type ScalarSharpnessResult struct {
	Settings ScalarSharpnessSettings // with the defaults filled in
	Min, Max []float64               // the two Hessian eigenvalues, measured
	Closed   []float64               // 2√(Q² + 4y²)
	// Worst is max over Q of max(|Max − Closed|, |Min|)/Closed.
	Worst float64
}

// ScalarSharpness measures the Hessian of L(u, v) = (y − uv)² at points of
// its valley of minima uv = y, one orbit of the symmetry (u, v) ↦ (u/c, cv),
// labelled by the conserved quantity Q = u² − v². There u² + v² = √(Q² + 4y²)
// and the Hessian
//
//	⎡ 2v²  2y  ⎤
//	⎣ 2y   2u² ⎦
//
// (its determinant 4u²v² − 4y² vanishes) has the eigenvalues
//
//	{0, 2(u² + v²)} = {0, 2√(Q² + 4y²)}:
//
// the flat direction along the valley, and the sharpness, lowest at the
// balanced point Q = 0 and growing like 2|Q|. Fig. 9 of Zhao et al. in its
// smallest form (notebooks/REFERENCES.md, 06). The eigenvalues are measured
// with hessian.NewHVP (finite differences of the exact gradient), so they
// agree with the closed form to about 1e-12.
func ScalarSharpness(s ScalarSharpnessSettings) (*ScalarSharpnessResult, error) {
	s.Y = cmp.Or(s.Y, 1)
	if s.Q == nil {
		for i := -12; i <= 12; i++ {
			s.Q = append(s.Q, float64(i)/2)
		}
	}
	y := s.Y
	loss := func(theta, grad []float64) float64 {
		u, v := theta[0], theta[1]
		r := y - u*v
		grad[0], grad[1] = -2*r*v, -2*r*u
		return r * r
	}
	res := &ScalarSharpnessResult{Settings: s}
	for _, q := range s.Q {
		u, v := convOnCurve(y, q)
		vals, err := hessian.Eigenvalues(hessian.NewHVP(loss, []float64{u, v}))
		if err != nil {
			return nil, fmt.Errorf("zhao2023: ScalarSharpness at Q = %g: %w", q, err)
		}
		want := 2 * math.Hypot(q, 2*y)
		res.Min, res.Max, res.Closed = append(res.Min, vals[0]), append(res.Max, vals[1]), append(res.Closed, want)
		res.Worst = math.Max(res.Worst, math.Max(math.Abs(vals[1]-want), math.Abs(vals[0]))/want)
	}
	return res, nil
}

// Plot shows the closed form as a line and the measured eigenvalues as points.
func (r *ScalarSharpnessResult) Plot() error {
	qs := r.Settings.Q
	p, err := show.Lines(show.Axes{Title: fmt.Sprintf("Hessian of (%g − uv)² on the valley uv = %g", r.Settings.Y, r.Settings.Y),
		X: "Q = u² − v²", Y: "eigenvalue"}, show.Series{Name: "2√(Q² + 4y²)", X: qs, Y: r.Closed})
	if err != nil {
		return err
	}
	if err := show.Points(p, show.Series{Name: "measured (hessian.NewHVP)", X: qs, Y: r.Max}, show.Series{X: qs, Y: r.Min}); err != nil {
		return err
	}
	p.Legend.Top, p.Legend.Left = false, true // in the empty space between the branches, above the zeros
	p.Legend.XOffs, p.Legend.YOffs = 1.7*vg.Inch, 0.35*vg.Inch
	return show.Plot(p)
}

// AddRows adds the largest deviation from the closed form to a closing table.
func (r *ScalarSharpnessResult) AddRows(t *show.Table) {
	t.AddRow(fmt.Sprintf("scalar: max |λ − {0, 2√(Q² + 4y²)}| / λ_max, Q ∈ [%g, %g]", slices.Min(r.Settings.Q), slices.Max(r.Settings.Q)),
		fmt.Sprintf("%.0e", r.Worst), "0 (identity; finite differences ≈ 1e-12)")
}

// Fig9Settings sets up Fig9 and Fig9Spread. The zero value is the paper's
// setting (Q_hessian_eigenvalues.py): init std s ∈ {0.001, 0.3, 0.6, 0.9},
// η = 0.1, 4000 steps (8000 for the sigmoid).
type Fig9Settings struct {
	Scales       []float64 // init std s of U and V; nil means {0.001, 0.3, 0.6, 0.9}
	Steps        int       // GD steps for linear, ReLU and tanh; 0 means 4000
	SigmoidSteps int       // GD steps for the sigmoid; 0 means 8000
	LR           float64   // learning rate η; 0 means 0.1
	// Top, if positive, computes only the Top largest eigenvalues of each
	// Hessian, by hessian.Lanczos (to about 1e-8 of λ_max), instead of all
	// of them from the full matrix. The paper computes the full spectrum.
	Top int
}

// Fast returns s computing the top 60 eigenvalues by Lanczos, which hold the
// 50 nonzero ones and the gap after them (about 1 s of CPU for the sixteen
// runs, against 10 s for the full spectra): the preset of the tests.
func (s Fig9Settings) Fast() Fig9Settings {
	s.Top = 60
	return s
}

func (s Fig9Settings) defaults() Fig9Settings {
	s.Scales = convOrSlice(s.Scales, []float64{0.001, 0.3, 0.6, 0.9})
	s.Steps = cmp.Or(s.Steps, 4000)
	s.SigmoidSteps = cmp.Or(s.SigmoidSteps, 8000)
	s.LR = cmp.Or(s.LR, 0.1)
	return s
}

// Fig9RTol is the threshold of a nonzero eigenvalue: |λ| > Fig9RTol·λ_max.
const Fig9RTol = 1e-6

// Fig9Reference holds reference values of λ_max in Fig. 9, per activation
// (in the order of Fig6Acts) and the paper's scales, with their label:
// "derived", from runs of the official script with PyTorch's random draws
// (notebooks/REFERENCES.md, 06). NaN where there is none.
type Fig9Reference struct {
	Label     string
	LambdaMax [][]float64
	Nonzero   int // the number of nonzero eigenvalues, m·n
}

var sharpFig9Ref = Fig9Reference{Label: "derived", Nonzero: 50, LambdaMax: [][]float64{
	{21, 32, 109, 243}, {22, 27, 84, 183}, {19, 27, 70, 121}, {127, math.NaN(), math.NaN(), 143}}}

// Fig9Result is what Fig9 measured.
type Fig9Result struct {
	Settings Fig9Settings // with the defaults filled in
	Runs     []Fig9Run    // activation a (of Fig6Acts) and scale s at a·len(Scales) + s
	Linear   []Fig9Exact  // the linear runs against the exact Hessian, one per scale
	// Reference holds the derived λ_max at the paper's scales (the zero
	// value at other scales).
	Reference Fig9Reference
}

// Fig9Run is one trained network of Fig9 and its Hessian spectrum.
type Fig9Run struct {
	Act         string    // the activation's Name
	Scale       float64   // the init std s
	Q0          float64   // conserved.Official at initialisation
	Loss        float64   // ‖Y − f(X)‖²_F after training
	Eigenvalues []float64 // all 750 eigenvalues of the Hessian of ‖Y − f(X)‖²_F, ascending
	LambdaMax   float64   // the largest
	Nonzero     int       // how many exceed Fig9RTol·λ_max
}

// Fig9Exact compares a trained linear network's Hessian as the runs compute
// it (hessian.New: forward-over-reverse automatic differentiation) with
// the closed form, hessian.TwoLayerLinear.
type Fig9Exact struct {
	Scale float64
	// Diff is ‖H_ad − H‖₂/‖H‖₂ (Frobenius norms), H_ad the Hessian from
	// automatic differentiation and H the closed form.
	Diff float64
	// Nonzero counts the exact Hessian's eigenvalues above Fig9RTol·λ_max;
	// Gap50 and Gap51 are its 50th and 51st largest over λ_max.
	Nonzero      int
	Gap50, Gap51 float64
	// LambdaMax is the exact Hessian's largest eigenvalue, and Closed the
	// closed form 2(‖U‖₂² + ‖V‖₂²) at a zero-loss minimum.
	LambdaMax, Closed float64
}

// Fig9 reproduces Zhao et al.'s Fig. 9: two-layer networks f(X) = U σ(V X)
// with U ∈ R^{10×50}, V ∈ R^{50×5}, X = I₅ and targets Y ∈ R^{10×5} with
// N(0, 1) entries, for σ linear, ReLU, tanh and sigmoid, trained by
// full-batch gradient descent on the mean squared error from U, V ~ N(0, s²)
// (the same normals at every s). At the end it computes the full Hessian of
// the sum of squares ‖Y − U σ(V X)‖²_F over all mh + hn = 750 parameters
// (hessian.Full from 750 exact Hessian-vector products, hessian.New)
// and its eigenvalues. Each run is labelled by Q₀ in the official code's form
// (conserved.Official). The paper's finding: the spectrum moves right, the
// minimum gets sharper, as Q₀ (with the scale) grows.
//
// For the linear network the Hessian at a zero-loss minimum is 2JᵀJ, J the
// Jacobian of UVX; for X = I its nonzero eigenvalues are 2(α_i + β_j) with α_i
// the eigenvalues of UUᵀ and β_j those of VᵀV: exactly m·n = 50, the largest
//
//	λ_max = 2(‖U‖₂² + ‖V‖₂²).
//
// Fig9 checks these against the exact Hessian (Result.Linear).
func Fig9(s Fig9Settings) (*Fig9Result, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps <= 0 || s.SigmoidSteps <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig9 needs positive η and steps, have %+v", s)
	}
	n := len(s.Scales)
	res := &Fig9Result{Settings: s, Linear: make([]Fig9Exact, n)}
	if slices.Equal(s.Scales, []float64{0.001, 0.3, 0.6, 0.9}) {
		res.Reference = sharpFig9Ref
	}
	runs, err := par.MapErr(len(Fig6Acts)*n, func(i int) (Fig9Run, error) {
		act, scale := Fig6Acts[i/n], s.Scales[i%n]
		net, p, X, Y, q0, err := sharpTrain(s, act, scale, 0)
		if err != nil {
			return Fig9Run{}, err
		}
		sq := nn.NewObjective(net, X, Y, nn.SquaredError) // ‖Y − f‖²_F
		hvp := hessian.New(sq, p.Vec())
		var full *mat.SymDense // the full Hessian, when the whole spectrum is asked for
		var vals []float64
		if s.Top <= 0 {
			full = hessian.Full(nil, hvp)
			vals, err = hessian.SymEigenvalues(full)
		} else {
			vals, err = sharpSpectrum(hvp, s.Top)
		}
		if err != nil {
			return Fig9Run{}, fmt.Errorf("zhao2023: Fig9 %s, s = %g: %w", act.Name, scale, err)
		}
		run := Fig9Run{Act: act.Name, Scale: scale, Q0: q0, Loss: sq.Func(p.Vec(), nil), Eigenvalues: vals,
			LambdaMax: vals[len(vals)-1], Nonzero: hessian.Rank(vals, Fig9RTol)}
		if act.Name == nn.Linear.Name { // each linear run writes its own entry
			e, err := sharpExact(hvp, full, s.Top, p, X, Y)
			e.Scale = scale
			res.Linear[i%n] = e
			return run, err
		}
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	res.Runs = runs
	return res, nil
}

// sharpTrain trains Fig. 9's network with activation act from U, V ~ N(0, s²)
// on the data of draw d (0: the figure's seeds) and returns it with its data
// and Q at initialisation.
func sharpTrain(s Fig9Settings, act nn.Activation, scale float64, d uint64) (net nn.TwoLayer, p *nn.Params, X, Y *mat.Dense, q0 float64, err error) {
	X, Y = convData(5, 10)
	if d > 0 {
		nn.Normal(1)(rand.New(rand.NewPCG(1+d, 2)), Y)
	}
	net = nn.TwoLayer{In: 5, Hidden: 50, Out: 10, Act: act}
	p = net.Init(rand.New(rand.NewPCG(12345, d)), nn.Normal(scale))
	q0 = conserved.Official(act, p.M("U"), p.M("V"))
	steps := s.Steps
	if act.Name == nn.Sigmoid.Name {
		steps = s.SigmoidSteps
	}
	if _, err := optim.Run(nn.NewObjective(net, X, Y, nn.MSE).Func, p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: steps}); err != nil {
		return net, p, X, Y, q0, fmt.Errorf("zhao2023: Fig. 9 training, %s, s = %g, draw %d: %w", act.Name, scale, d, err)
	}
	return net, p, X, Y, q0, nil
}

// sharpSpectrum returns the eigenvalues of op in ascending order: all of
// them from the full matrix if top is zero, else the top largest by Lanczos.
func sharpSpectrum(op hessian.Operator, top int) ([]float64, error) {
	if top <= 0 {
		return hessian.Eigenvalues(op)
	}
	e := hessian.Lanczos(op, top, hessian.LanczosSettings{})
	if !e.Converged {
		return nil, fmt.Errorf("Lanczos did not converge in %d products", e.Steps)
	}
	vals := slices.Clone(e.Values)
	slices.Sort(vals)
	return vals, nil
}

// sharpExact compares the Hessian hvp (hessian.New) of a trained linear
// network, whose full matrix is full if not nil, with
// hessian.TwoLayerLinear; top is as in sharpSpectrum.
func sharpExact(hvp hessian.Operator, full *mat.SymDense, top int, p *nn.Params, X, Y *mat.Dense) (Fig9Exact, error) {
	U, V := p.M("U"), p.M("V")
	op := hessian.TwoLayerLinear(U, V, X, Y)
	exact := hessian.Full(nil, op)
	if full == nil {
		full = hessian.Full(nil, hvp)
	}
	var d mat.Dense
	d.Sub(full, exact)
	vals, err := sharpSpectrum(op, top)
	if err != nil {
		return Fig9Exact{}, fmt.Errorf("zhao2023: Fig9, exact linear Hessian: %w", err)
	}
	n, lmax := len(vals), vals[len(vals)-1]
	u2, v2 := sharpSpectral(U), sharpSpectral(V)
	return Fig9Exact{Diff: mat.Norm(&d, 2) / mat.Norm(exact, 2), Nonzero: hessian.Rank(vals, Fig9RTol),
		Gap50: vals[n-50] / lmax, Gap51: math.Abs(vals[n-51]) / lmax, LambdaMax: lmax, Closed: 2 * (u2*u2 + v2*v2)}, nil
}

// sharpSpectral returns the spectral norm ‖M‖₂, the largest singular value.
func sharpSpectral(M *mat.Dense) float64 {
	var svd mat.SVD
	if !svd.Factorize(M, mat.SVDNone) {
		return math.NaN()
	}
	return svd.Values(nil)[0]
}

// Run returns the run with activation act (a Name) and scale index s.
func (r *Fig9Result) Run(act string, s int) *Fig9Run {
	for i := range r.Runs {
		if r.Runs[i].Act == act && r.Runs[i].Scale == r.Settings.Scales[s] {
			return &r.Runs[i]
		}
	}
	panic(fmt.Sprintf("zhao2023: Fig9Result has no run %s at scale index %d", act, s))
}

// Plot shows the figure: per activation, the outline of the histogram of the
// nonzero eigenvalues (above Fig9RTol·λ_max) in bins of width 4, as the
// official histograms, one outline per scale with Q₀ in the legend.
func (r *Fig9Result) Plot() error {
	var panels []*plot.Plot
	for _, act := range Fig6Acts {
		top := 0.0
		for s := range r.Settings.Scales {
			top = math.Max(top, r.Run(act.Name, s).LambdaMax)
		}
		const w = 4
		hi := w * math.Ceil(1.05*top/w)
		var series []show.Series
		for s, scale := range r.Settings.Scales {
			run := r.Run(act.Name, s)
			xs, ys := sharpOutline(run.Eigenvalues, w, hi)
			series = append(series, show.Series{Name: fmt.Sprintf("s = %g, Q₀ = %.3g", scale, run.Q0), X: xs, Y: ys})
		}
		p, err := show.Lines(show.Axes{Title: act.Name + ": nonzero Hessian eigenvalues", X: "eigenvalue λ", Y: "count per bin of 4"}, series...)
		if err != nil {
			return err
		}
		var ticks plot.ConstantTicks
		for x := 0.0; x <= hi; x += 50 {
			ticks = append(ticks, plot.Tick{Value: x, Label: fmt.Sprint(x)})
		}
		p.X.Tick.Marker = ticks
		panels = append(panels, p)
	}
	return show.Grid([][]*plot.Plot{panels[:2], panels[2:]}, show.Settings{})
}

// sharpOutline returns the outline of the histogram of the values above
// Fig9RTol·max, in bins [kw, (k+1)w) up to hi, as a staircase for show.Lines.
func sharpOutline(vals []float64, w, hi float64) (xs, ys []float64) {
	counts := make([]float64, int(math.Ceil(hi/w)))
	top := slices.Max(vals)
	for _, v := range vals {
		if v > Fig9RTol*top {
			counts[min(int(v/w), len(counts)-1)]++
		}
	}
	xs, ys = []float64{0}, []float64{0}
	for k, c := range counts {
		xs, ys = append(xs, float64(k)*w, float64(k+1)*w), append(ys, c, c)
	}
	return append(xs, hi), append(ys, 0)
}

// LinearTable returns the checks of the linear runs against the exact Hessian.
func (r *Fig9Result) LinearTable() show.Table {
	t := show.Table{Header: []string{"s", "‖H_ad − H‖/‖H‖", "nonzero", "50th/λ_max", "51st/λ_max", "λ_max", "2(‖U‖₂² + ‖V‖₂²)"}}
	for _, e := range r.Linear {
		t.AddRow(fmt.Sprintf("%g", e.Scale), fmt.Sprintf("%.0e", e.Diff), e.Nonzero, fmt.Sprintf("%.2g", e.Gap50),
			fmt.Sprintf("%.0e", e.Gap51), fmt.Sprintf("%.2f", e.LambdaMax), fmt.Sprintf("%.2f", e.Closed))
	}
	return t
}

// AddRows adds, per activation, Q₀, the final loss, λ_max beside the derived
// values and the count of nonzero eigenvalues.
func (r *Fig9Result) AddRows(t *show.Table) {
	scales := convJoin("%g", r.Settings.Scales)
	for a, act := range Fig6Acts {
		var q0, loss, top, nonzero []float64
		for s := range r.Settings.Scales {
			run := r.Run(act.Name, s)
			q0, loss = append(q0, run.Q0), append(loss, run.Loss)
			top, nonzero = append(top, run.LambdaMax), append(nonzero, float64(run.Nonzero))
		}
		refTop, refNonzero := "", ""
		if ref := r.Reference; ref.Label != "" {
			refTop = convJoin("%g", ref.LambdaMax[a])
			if act.Name == nn.Sigmoid.Name {
				refTop = fmt.Sprintf("%g → %g (weak)", ref.LambdaMax[a][0], ref.LambdaMax[a][3])
			}
			refTop += " (" + ref.Label + ")"
			refNonzero = fmt.Sprintf("exactly m·n = %d (%s)", ref.Nonzero, ref.Label)
		}
		t.AddRow(act.Name+": Q₀ at s = "+scales, convJoin("%.3g", q0), "")
		t.AddRow(act.Name+": ‖Y − f‖²_F after training", convJoin("%.0e", loss), "")
		t.AddRow(act.Name+": λ_max", convJoin("%.1f", top), refTop)
		t.AddRow(act.Name+": eigenvalues > 1e-6·λ_max", convJoin("%.0f", nonzero), refNonzero)
	}
}

// Fig9SpreadSettings sets up Fig9Spread: the set-up of Fig. 9 and the number
// of random draws; the zero value is Fig. 9 at the paper's setting over 8
// draws.
type Fig9SpreadSettings struct {
	Fig9  Fig9Settings
	Draws int // draws of Y and the initial weights; 0 means 8
}

// Fig9SpreadResult is what Fig9Spread measured, per activation (in the order
// of Fig6Acts) and scale.
type Fig9SpreadResult struct {
	Settings     Fig9SpreadSettings // with the defaults filled in
	Mean, RelStd [][]float64        // the mean of λ_max over draws, and its standard deviation over the mean
	// Median is the median of RelStd over activations and scales.
	Median float64
}

// Fig9Spread measures how much λ_max of Fig. 9 varies from one random draw
// of the targets Y and the initial normals to another, at each activation and
// scale: draw 0 is Fig9's, draw d > 0 seeds Y and the weights differently.
// λ_max is the top eigenvalue by Lanczos (hessian.Lanczos, converged to about
// 1e-10), not from the full spectrum. The spread is the scale of the
// agreement to expect between our λ_max and values derived from other draws,
// such as the official script's with PyTorch's generator.
func Fig9Spread(s Fig9SpreadSettings) (*Fig9SpreadResult, error) {
	s.Fig9 = s.Fig9.defaults()
	s.Draws = cmp.Or(s.Draws, 8)
	if s.Draws < 2 {
		return nil, fmt.Errorf("zhao2023: Fig9Spread needs at least 2 draws, have %d", s.Draws)
	}
	n := len(s.Fig9.Scales)
	cells := len(Fig6Acts) * n
	tops, err := par.MapErr(cells*s.Draws, func(i int) (float64, error) {
		cell, d := i%cells, uint64(i/cells)
		net, p, X, Y, _, err := sharpTrain(s.Fig9, Fig6Acts[cell/n], s.Fig9.Scales[cell%n], d)
		if err != nil {
			return 0, err
		}
		sq := nn.NewObjective(net, X, Y, nn.SquaredError)
		e := hessian.Lanczos(hessian.New(sq, p.Vec()), 1, hessian.LanczosSettings{})
		return e.Values[0], nil
	})
	if err != nil {
		return nil, err
	}
	res := &Fig9SpreadResult{Settings: s}
	var all []float64
	for a := range Fig6Acts {
		var mean, rel []float64
		for sc := range n {
			v := make([]float64, s.Draws)
			for d := range v {
				v[d] = tops[d*cells+a*n+sc]
			}
			m, sd := stat.MeanStdDev(v, nil)
			mean, rel = append(mean, m), append(rel, sd/m)
		}
		res.Mean, res.RelStd = append(res.Mean, mean), append(res.RelStd, rel)
		all = append(all, rel...)
	}
	slices.Sort(all)
	res.Median = stat.Quantile(0.5, stat.Empirical, all, nil)
	return res, nil
}

// Table returns the relative standard deviation of λ_max per activation and
// scale, with the median in the caption.
func (r *Fig9SpreadResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("λ_max over %d draws of Y and the weights: std/mean, median %.0f%%", r.Settings.Draws, 100*r.Median),
		Header:  []string{"std/mean of λ_max"}}
	for _, s := range r.Settings.Fig9.Scales {
		t.Header = append(t.Header, fmt.Sprintf("s = %g", s))
	}
	for a, act := range Fig6Acts {
		row := []any{act.Name}
		for _, v := range r.RelStd[a] {
			row = append(row, fmt.Sprintf("%.0f%%", 100*v))
		}
		t.AddRow(row...)
	}
	return t
}

// AddRows adds the median and largest spread over draws, and per activation
// the spread σ pooled over the scales with the tolerance 3√2σ it implies for
// comparing λ_max with a value from another draw (two independent draws
// differ by √2σ).
func (r *Fig9SpreadResult) AddRows(t *show.Table) {
	largest := 0.0
	for a := range r.RelStd {
		largest = math.Max(largest, slices.Max(r.RelStd[a]))
	}
	t.AddRow(fmt.Sprintf("λ_max over %d draws: std/mean σ, median / largest of the 16", r.Settings.Draws),
		fmt.Sprintf("%.0f%% / %.0f%%", 100*r.Median, 100*largest), "")
	for a, act := range Fig6Acts {
		t.AddRow(act.Name+": σ pooled over the scales", fmt.Sprintf("%.0f%%", 100*r.Pooled(a)),
			fmt.Sprintf("λ_max vs derived: within 3√2σ = %.0f%%", 100*3*math.Sqrt2*r.Pooled(a)))
	}
}

// Pooled returns the spread of activation a pooled over the scales: the
// root mean square of RelStd[a].
func (r *Fig9SpreadResult) Pooled(a int) float64 {
	s := 0.0
	for _, v := range r.RelStd[a] {
		s += v * v
	}
	return math.Sqrt(s / float64(len(r.RelStd[a])))
}

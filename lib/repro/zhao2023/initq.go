package zhao2023

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// Notebook 04: Figs. 4–5 of the paper (Q at initialisation sits in a narrow
// band) and the scaling orbit of a minimum, on which Q takes every value.

// InitQSettings are the settings of InitQ. The zero value is the paper's
// setting (the official script Q_distribution.py).
type InitQSettings struct {
	// Draws is the number of initialisations drawn per shape; 0 means the
	// paper's 1000.
	Draws int
}

// Fast returns the preset the tests run: 200 draws (the first 200 of the
// paper's), whose sample mean and sd have standard errors of 7% and 5% of
// the sd of Q.
func (s InitQSettings) Fast() InitQSettings {
	s.Draws = 200
	return s
}

func (s InitQSettings) withDefaults() InitQSettings {
	if s.Draws == 0 {
		s.Draws = 1000
	}
	return s
}

// InitQRef is a reference mean and standard deviation of Q at
// initialisation, as printed to MeanDecimals and SDDecimals decimals.
type InitQRef struct {
	Mean, SD                 float64
	MeanDecimals, SDDecimals int
	// Label is "paper" when the paper prints the value and "derived"
	// otherwise (notebooks/REFERENCES.md says how it was obtained).
	Label string
}

// Rounding returns half a unit in the last printed decimal of Mean and SD.
func (r InitQRef) Rounding() (mean, sd float64) {
	return 0.5 * math.Pow10(-r.MeanDecimals), 0.5 * math.Pow10(-r.SDDecimals)
}

// InitQDist is the distribution of the official Q of one activation at one
// shape (m, h, n) over the draws of InitQ.
type InitQDist struct {
	Act     string // the activation's nn name: "linear", "relu", "tanh", "sigmoid"
	M, H, N int

	Q        []float64 // Q of draw i
	Mean, SD float64   // sample mean and standard deviation (divisor draws − 1)
	Min, Max float64   // the band the draws occupy

	// ClosedMean and ClosedSD are E[Q] and √Var[Q] from conserved.InitMoments.
	ClosedMean, ClosedSD float64

	Ref InitQRef // the moments of the paper's histogram
}

// Name returns "act (m, h, n)", the label of the distribution in tables.
func (d InitQDist) Name() string {
	return fmt.Sprintf("%s (%d, %d, %d)", d.Act, d.M, d.H, d.N)
}

// InitQResult holds the distributions of Figs. 4–5.
type InitQResult struct {
	Draws int
	// Dists are Fig. 4's four forms at (100, 100, 100) (linear, relu, tanh,
	// sigmoid, in that order, all on the same draws), then Fig. 5's linear
	// form at (100, 200, 100) and (200, 100, 100).
	Dists []InitQDist
}

// initqPaper is the paper's set-up: the shapes, the forms evaluated on each
// shape's draws, and the moments of the official histograms ("derived": the
// paper prints only the histograms).
var initqPaper = []struct {
	m, h, n int
	acts    []nn.Activation
	refs    []InitQRef
}{
	{100, 100, 100, OfficialActs, []InitQRef{
		{0.09, 1.98, 2, 2, "derived"}, {50.1, 1.8, 1, 1, "derived"},
		{-10001, 2.0, 0, 1, "derived"}, {-9999, 19.9, 0, 1, "derived"},
	}},
	{100, 200, 100, []nn.Activation{nn.Linear}, []InitQRef{{-100.1, 2.3, 1, 1, "derived"}}},
	{200, 100, 100, []nn.Activation{nn.Linear}, []InitQRef{{100.1, 2.5, 1, 1, "derived"}}},
}

// InitQ reproduces Figs. 4–5 of Zhao et al. (2023): the distribution of the
// conserved quantity at initialisation. For each shape (m, h, n) it draws
// a two-layer network f(X) = U σ(V X), U m×h, V h×n, Draws times with
// nn.PaperInit,
//
//	U_{ij} ~ N(0, 1/h),  V_{ij} ~ N(0, 1/n)
//
// (the variance 1/fan-in, which the official code calls Xavier), draw i from
// rand.NewPCG(i, 4), and evaluates the official forms of conserved.Official
// on it, Q = a‖U‖² − Σ_{ij} φ(V_{ij}). Fig. 4 is the four forms at
// (100, 100, 100), on the same draws; Fig. 5 the linear form at
// (100, 200, 100) and (200, 100, 100).
//
// Each distribution carries the closed forms of conserved.InitMoments; for
// the linear form, ‖U‖² = χ²_{mh}/h and ‖V‖² = χ²_{hn}/n are independent, so
//
//	E[Q] = m − h,  Var[Q] = 2m/h + 2h/n,
//
// a band of width O(1) although the minimum allows any Q (AnyQ).
func InitQ(s InitQSettings) (*InitQResult, error) {
	s = s.withDefaults()
	if s.Draws < 2 {
		return nil, fmt.Errorf("zhao2023: InitQ: %d draws, want at least 2", s.Draws)
	}
	res := &InitQResult{Draws: s.Draws}
	for _, c := range initqPaper {
		net := nn.TwoLayer{In: c.n, Hidden: c.h, Out: c.m}
		q := par.Map(s.Draws, func(i int) []float64 {
			U, V := net.UV(net.Init(rand.New(rand.NewPCG(uint64(i), 4)), nn.PaperInit))
			qi := make([]float64, len(c.acts))
			for a, act := range c.acts {
				qi[a] = conserved.Official(act, U, V)
			}
			return qi
		})
		for a, act := range c.acts {
			d := InitQDist{Act: act.Name, M: c.m, H: c.h, N: c.n, Ref: c.refs[a], Q: make([]float64, s.Draws)}
			for i := range q {
				d.Q[i] = q[i][a]
			}
			d.Mean, d.SD = stat.Mean(d.Q, nil), stat.StdDev(d.Q, nil)
			d.Min, d.Max = floats.Min(d.Q), floats.Max(d.Q)
			mean, variance := conserved.InitMoments(act, c.m, c.h, c.n, 1/math.Sqrt(float64(c.h)), 1/math.Sqrt(float64(c.n)))
			d.ClosedMean, d.ClosedSD = mean, math.Sqrt(variance)
			res.Dists = append(res.Dists, d)
		}
	}
	return res, nil
}

// Histogram returns the histogram of d.Q in 25 bins with the normal density
// N(ClosedMean, ClosedSD²) drawn over it, scaled to draws per bin.
func (d InitQDist) Histogram() (*plot.Plot, error) {
	const bins = 25
	p, err := show.Histogram(show.Axes{
		Title: fmt.Sprintf("%s, (m, h, n) = (%d, %d, %d)", d.Act, d.M, d.H, d.N),
		X:     "Q at initialisation", Y: "draws per bin",
	}, d.Q, bins)
	if err != nil {
		return nil, err
	}
	p.X.Tick.Marker = initqTicks{}
	w := (d.Max - d.Min) / bins
	pts := make(plotter.XYs, 200)
	for i := range pts {
		x := d.Min - w + (d.Max-d.Min+2*w)*float64(i)/float64(len(pts)-1)
		z := (x - d.ClosedMean) / d.ClosedSD
		pts[i] = plotter.XY{X: x, Y: float64(len(d.Q)) * w * math.Exp(-z*z/2) / (d.ClosedSD * math.Sqrt(2*math.Pi))}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width = color.Black, vg.Points(1.5)
	p.Add(l)
	p.Legend.Add("closed form", l)
	return p, nil
}

// initqTicks are gonum's default ticks labelled with at most six
// significant digits (−10075, not −10075.00).
type initqTicks struct{}

func (initqTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

// histograms returns the histograms of the distributions d selects, in
// rows of cols panels.
func (r *InitQResult) histograms(cols int, keep func(d InitQDist) bool) ([][]*plot.Plot, error) {
	var rows [][]*plot.Plot
	k := 0
	for _, d := range r.Dists {
		if !keep(d) {
			continue
		}
		p, err := d.Histogram()
		if err != nil {
			return nil, err
		}
		if k%cols == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], p)
		k++
	}
	return rows, nil
}

// Fig4 returns the panels of Fig. 4, for show.Grid: the histograms of the
// four forms at (100, 100, 100), two by two.
func (r *InitQResult) Fig4() ([][]*plot.Plot, error) {
	return r.histograms(2, func(d InitQDist) bool { return d.M == 100 && d.H == 100 && d.N == 100 })
}

// Fig5 returns the panels of Fig. 5, for show.Grid: the histograms of the
// linear form at the three shapes, in one row ((100, 100, 100) is Fig. 4's
// panel, for comparison).
func (r *InitQResult) Fig5() ([][]*plot.Plot, error) {
	return r.histograms(3, func(d InitQDist) bool { return d.Act == nn.Linear.Name })
}

// Table returns the sample moments beside the closed forms and the moments
// of the paper's histograms (labelled as their Ref), one row per
// distribution.
func (r *InitQResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("Q at initialisation, %d draws. Asserted by TestInitQMoments and TestInitQClosedForms: go test ./lib/repro/zhao2023 -run InitQ", r.Draws),
		Header:  []string{"form (m, h, n)", "sample mean", "closed form E[Q]", "reference mean", "sample sd", "closed form sd", "reference sd"},
	}
	f2 := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	for _, d := range r.Dists {
		ref := func(v float64, decimals int) string {
			return fmt.Sprintf("%s (%s)", strconv.FormatFloat(v, 'f', decimals, 64), d.Ref.Label)
		}
		t.AddRow(d.Name(), f2(d.Mean), f2(d.ClosedMean), ref(d.Ref.Mean, d.Ref.MeanDecimals),
			f2(d.SD), f2(d.ClosedSD), ref(d.Ref.SD, d.Ref.SDDecimals))
	}
	return t
}

// AnyQSettings are the settings of AnyQ. The zero value is the notebook's
// setting, at the shape of Fig. 4.
type AnyQSettings struct {
	// Size is m = h = n; 0 means 100.
	Size int
	// Points is the number of values of c on the drawn curve, log-spaced
	// from 10⁻² to 10²; 0 means 401 (100 per decade).
	Points int
	// Targets are the values of Tr Q that ScaleForQ is asked to reach; nil
	// means −10⁶, −10³, −6, 0, 6, 10³, 10⁶.
	Targets []float64
}

// Fast returns the preset the tests run: 41 points on the curve (10 per
// decade), at the notebook's size.
func (s AnyQSettings) Fast() AnyQSettings {
	s.Points = 41
	return s
}

func (s AnyQSettings) withDefaults() AnyQSettings {
	if s.Size == 0 {
		s.Size = 100
	}
	if s.Points == 0 {
		s.Points = 401
	}
	if s.Targets == nil {
		s.Targets = []float64{-1e6, -1e3, -6, 0, 6, 1e3, 1e6}
	}
	return s
}

// AnyQTarget is one target value of Tr Q and the point of the orbit found
// for it.
type AnyQTarget struct {
	Want     float64 // the wanted Tr Q
	C        float64 // conserved.ScaleForQ(Want, ‖U‖², ‖V‖²)
	TrQ      float64 // Tr Q at (U/C, C V)
	Residual float64 // ‖Y − UV‖_F / ‖Y‖_F there
}

// AnyQResult is the scaling orbit of a minimum of ‖Y − UV‖²_F.
type AnyQResult struct {
	Size int
	// Nuclear is ‖Y‖_* = Σ s_i, which is ‖U‖²_F = ‖V‖²_F at the balanced point.
	Nuclear float64
	// Balanced is Tr Q at the balanced point c = 1: zero up to rounding.
	Balanced float64
	// C, TrQ and Residual are the curve: Tr Q and ‖Y − UV‖_F / ‖Y‖_F at
	// (U/c, cV) for each c.
	C, TrQ, Residual []float64
	Targets          []AnyQTarget
}

// AnyQ shows that a minimum allows any value of Q. For the regression
// problem at m = h = n = Size with whitened input X = I and targets
// Y ~ N(0, 1) (m×n, drawn by data.Whitened from rand.NewPCG(7, 8)), the
// loss ‖Y − UV‖²_F of the linear network has the minimum {UV = Y}. A point
// on it is the balanced factorisation of the SVD Y = P S Rᵀ,
//
//	U = P S^½,  V = S^½ Rᵀ,  Q = UᵀU − VVᵀ = S − S = 0.
//
// The scaling (U/c, cV), the element g = cI of GL(h) (sym.Rescale with all
// c_j = c), keeps UV = Y, and
//
//	Tr Q(c) = ‖U‖²/c² − c²‖V‖² = (1/c² − c²) ‖Y‖_*
//
// falls strictly from +∞ to −∞ on (0, ∞): every real Q is taken at exactly
// one point of this curve of minima, which conserved.ScaleForQ finds: the
// paper's conserved quantities are coordinates on the minimum (notebook 03),
// and initialisation (InitQ) picks which of them gradient flow can reach.
func AnyQ(s AnyQSettings) (*AnyQResult, error) {
	s = s.withDefaults()
	if s.Size < 1 || s.Points < 2 {
		return nil, fmt.Errorf("zhao2023: AnyQ: size %d, %d points; want size ≥ 1 and ≥ 2 points", s.Size, s.Points)
	}
	Y, U, V, err := initqMinimum(s.Size)
	if err != nil {
		return nil, err
	}
	res := &AnyQResult{Size: s.Size, Nuclear: initqSq(U), Balanced: conserved.Official(nn.Linear, U, V)}
	res.C = make([]float64, s.Points)
	for i := range res.C {
		res.C[i] = math.Pow(10, -2+4*float64(i)/float64(s.Points-1))
	}
	at := par.Map(s.Points, func(i int) [2]float64 { return initqOnOrbit(Y, U, V, res.C[i]) })
	for _, a := range at {
		res.TrQ, res.Residual = append(res.TrQ, a[0]), append(res.Residual, a[1])
	}
	for _, q := range s.Targets {
		c := conserved.ScaleForQ(q, initqSq(U), initqSq(V))
		a := initqOnOrbit(Y, U, V, c)
		res.Targets = append(res.Targets, AnyQTarget{Want: q, C: c, TrQ: a[0], Residual: a[1]})
	}
	return res, nil
}

// initqMinimum returns Y ~ N(0, 1) (size×size) and its balanced
// factorisation U = P S^½, V = S^½ Rᵀ.
func initqMinimum(size int) (Y, U, V *mat.Dense, err error) {
	_, Yt := data.Whitened(rand.New(rand.NewPCG(7, 8)), size, size)
	Y = mat.DenseCopyOf(Yt.T())
	var svd mat.SVD
	if !svd.Factorize(Y, mat.SVDThin) {
		return nil, nil, nil, fmt.Errorf("zhao2023: AnyQ: the SVD of Y (%d×%d) failed", size, size)
	}
	var P, R mat.Dense
	svd.UTo(&P)
	svd.VTo(&R)
	root := svd.Values(nil)
	for i, s := range root {
		root[i] = math.Sqrt(s)
	}
	S := mat.NewDiagDense(size, root)
	U, V = new(mat.Dense), new(mat.Dense)
	U.Mul(&P, S)
	V.Mul(S, R.T())
	return Y, U, V, nil
}

// initqOnOrbit returns Tr Q and ‖Y − UV‖_F / ‖Y‖_F at (U/c, cV).
func initqOnOrbit(Y, U, V *mat.Dense, c float64) [2]float64 {
	_, h := U.Dims()
	cs := make([]float64, h)
	for j := range cs {
		cs[j] = c
	}
	Uc, Vc := sym.Rescale(cs, U, V)
	var R mat.Dense
	R.Mul(Uc, Vc)
	R.Sub(Y, &R)
	return [2]float64{conserved.Official(nn.Linear, Uc, Vc), mat.Norm(&R, 2) / mat.Norm(Y, 2)}
}

// initqSq is ‖A‖²_F.
func initqSq(A mat.Matrix) float64 { f := mat.Norm(A, 2); return f * f }

// MaxResidual returns the largest ‖Y − UV‖_F / ‖Y‖_F on the drawn curve.
func (r *AnyQResult) MaxResidual() float64 { return floats.Max(r.Residual) }

// Crossing returns the interval of c on which the curve's Tr Q lies in
// [lo, hi]: from c at Tr Q = hi to c at Tr Q = lo, since Tr Q falls with c.
func (r *AnyQResult) Crossing(lo, hi float64) (cLo, cHi float64) {
	return conserved.ScaleForQ(hi, r.Nuclear, r.Nuclear), conserved.ScaleForQ(lo, r.Nuclear, r.Nuclear)
}

// TargetTable returns the targets: wanted Tr Q, the c found, Tr Q there and
// the relative residual.
func (r *AnyQResult) TargetTable() show.Table {
	t := show.Table{Header: []string{"wanted Tr Q", "c", "Tr Q at (U/c, cV)", "‖Y − UV‖ / ‖Y‖"}, Format: "%.4g"}
	for _, g := range r.Targets {
		t.AddRow(g.Want, g.C, g.TrQ, fmt.Sprintf("%.1e", g.Residual))
	}
	return t
}

// Plot returns Tr Q along the curve on a logarithmic c axis and a
// symmetric-logarithmic Q axis (show.SetSymLog), with the band
// [band.Min, band.Max] of the initial values of a distribution of InitQ.
func (r *AnyQResult) Plot(band InitQDist) (*plot.Plot, error) {
	p, err := show.Lines(show.Axes{
		Title: "Tr Q along the orbit (U/c, cV) of a minimum of ‖Y − UV‖²: the loss is 0 throughout",
		X:     "c", Y: "Tr Q = ‖U‖² − ‖V‖²", LogX: true,
	}, show.Series{Name: "Tr Q(c) = (1/c² − c²) ‖Y‖_*", X: r.C, Y: r.TrQ})
	if err != nil {
		return nil, err
	}
	show.SetSymLog(&p.Y, 10)
	c0, c1 := r.C[0], r.C[len(r.C)-1]
	poly, err := plotter.NewPolygon(plotter.XYs{{X: c0, Y: band.Min}, {X: c1, Y: band.Min}, {X: c1, Y: band.Max}, {X: c0, Y: band.Max}})
	if err != nil {
		return nil, err
	}
	poly.Color, poly.LineStyle.Width = color.NRGBA{R: 230, G: 120, B: 30, A: 110}, 0
	p.Add(poly)
	p.Legend.Add(fmt.Sprintf("Q₀ of %d initialisations, in [%.1f, %.1f]", len(band.Q), band.Min, band.Max), poly)
	p.Legend.Top, p.Legend.Left = false, true // the lower left is empty
	p.Legend.XOffs, p.Legend.YOffs = 0.2*vg.Inch, 0.1*vg.Inch
	return p, nil
}

// Table returns the orbit's measured values beside the expected ones, with
// the band of initial values of band (a linear distribution of InitQ at the
// orbit's size).
func (r *AnyQResult) Table(band InitQDist) show.Table {
	t := show.Table{
		Caption: "The minimum allows any Q. Asserted by TestAnyQ and TestInitQBand: go test ./lib/repro/zhao2023 -run 'AnyQ|InitQ'",
		Header:  []string{"quantity", "measured", "expected"},
	}
	c0, c1 := r.C[0], r.C[len(r.C)-1]
	lo, hi := band.ClosedMean-4*band.ClosedSD, band.ClosedMean+4*band.ClosedSD
	eLo, eHi := r.Crossing(lo, hi)
	cLo, cHi := r.Crossing(band.Min, band.Max)
	t.AddRow("Tr Q at the balanced minimum (c = 1)", fmt.Sprintf("%.1e", r.Balanced), "0 (rounding)")
	t.AddRow(fmt.Sprintf("Tr Q on the orbit, c from %g to %g", c0, c1), fmt.Sprintf("%.3g … %.3g", r.TrQ[0], r.TrQ[len(r.TrQ)-1]),
		fmt.Sprintf("(1/c² − c²)‖Y‖_* = %.3g … %.3g; all of R as c → 0, ∞", (1/(c0*c0)-c0*c0)*r.Nuclear, (1/(c1*c1)-c1*c1)*r.Nuclear))
	t.AddRow("largest ‖Y − UV‖ / ‖Y‖ on the orbit", fmt.Sprintf("%.1e", r.MaxResidual()), "0 (rounding): a minimum")
	t.AddRow(fmt.Sprintf("Q₀ of %d initialisations", len(band.Q)), fmt.Sprintf("[%.2f, %.2f]", band.Min, band.Max),
		fmt.Sprintf("within E ± 4 sd = [%.2f, %.2f] (closed form)", lo, hi))
	t.AddRow("c where the orbit crosses that band", fmt.Sprintf("[%.5f, %.5f]", cLo, cHi),
		fmt.Sprintf("within [%.5f, %.5f], c at E ± 4 sd", eLo, eHi))
	return t
}

package zhao2023

// Notebook 05: the conserved quantity and the convergence rate (Zhao et al.,
// ICLR 2023, Figs. 6 and 7).

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"
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
	"github.com/noetherlab/noether/lib/sym"
)

// ScalarRateSettings sets up ScalarRate. The zero value is notebook 05's
// example: y = 1, η = 0.1, Q₀ ∈ {0, 1, 2, 4}, 60 steps.
type ScalarRateSettings struct {
	Y     float64   // the target y; 0 means 1
	LR    float64   // the learning rate η; 0 means 0.1
	Q0    []float64 // Q = u² − v² at the start of each run; nil means {0, 1, 2, 4}
	Steps int       // gradient-descent steps per run; 0 means 60
}

func (s ScalarRateSettings) defaults() ScalarRateSettings {
	s.Y = cmp.Or(s.Y, 1)
	s.LR = cmp.Or(s.LR, 0.1)
	s.Q0 = convOrSlice(s.Q0, []float64{0, 1, 2, 4})
	s.Steps = cmp.Or(s.Steps, 60)
	return s
}

// ScalarRateResult is what ScalarRate measured.
type ScalarRateResult struct {
	Settings ScalarRateSettings // with the defaults filled in
	Runs     []ScalarRateRun    // one per Settings.Q0, in order
}

// ScalarRateRun is one run of ScalarRate.
type ScalarRateRun struct {
	Q0, Q float64   // u² − v² at the start and after the last step
	Loss  []float64 // L before each step
	// Rate is the measured factor by which a step shrinks the residual
	// y − uv late in the run: √(L_{t+1}/L_t) at the first t with L_t < 1e-12.
	Rate float64
	// Want is the derived factor 1 − ηλ(Q) at the final Q.
	Want float64
}

// ScalarRate runs gradient descent with learning rate η on
//
//	L(u, v) = (y − uv)²,
//
// whose gradient flow conserves Q = u² − v², from points of the same curve
// uv = y/2 (one function, one loss) with different Q₀, and measures how fast
// the residual shrinks near the minimum. On the valley of minima uv = y the
// point with conserved quantity Q has u² + v² = √(Q² + 4y²), and the Hessian
// there has the eigenvalue 0 along the valley and
//
//	λ(Q) = 2(u² + v²) = 2√(Q² + 4y²)
//
// across it, so that one step multiplies the residual by 1 − ηλ(Q): at a
// fixed stable η a larger |Q| converges faster. This is the mechanism behind
// Zhao et al.'s Fig. 6 in its smallest form (notebooks/REFERENCES.md, 05).
// Gradient descent keeps Q only up to O(η²) a step, so Want uses the Q at the
// end of the run.
func ScalarRate(s ScalarRateSettings) (*ScalarRateResult, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps < 2 {
		return nil, fmt.Errorf("zhao2023: ScalarRate needs η > 0 and at least 2 steps, have η = %g, %d steps", s.LR, s.Steps)
	}
	y, eta := s.Y, s.LR
	res := &ScalarRateResult{Settings: s}
	for _, q0 := range s.Q0 {
		u, v := convOnCurve(y/2, q0)
		run := ScalarRateRun{Q0: q0, Rate: math.NaN()}
		for range s.Steps {
			r := y - u*v
			run.Loss = append(run.Loss, r*r)
			u, v = u+2*eta*r*v, v+2*eta*r*u // ∂L/∂u = −2rv, ∂L/∂v = −2ru
		}
		run.Q = u*u - v*v
		for t := 0; t+1 < len(run.Loss); t++ {
			if run.Loss[t] < 1e-12 {
				run.Rate = math.Sqrt(run.Loss[t+1] / run.Loss[t])
				break
			}
		}
		run.Want = 1 - eta*2*math.Hypot(run.Q, 2*y)
		res.Runs = append(res.Runs, run)
	}
	return res, nil
}

// convOnCurve returns the point with uv = c, u² − v² = Q and u > 0.
func convOnCurve(c, Q float64) (u, v float64) {
	u = math.Sqrt((Q + math.Hypot(Q, 2*c)) / 2)
	return u, c / u
}

// Plot shows the loss of every run against the step on a log scale, down to
// the rounding floor (ε·y)² ≈ 5e-32 of the residual.
func (r *ScalarRateResult) Plot() error {
	var series []show.Series
	for _, run := range r.Runs {
		loss := run.Loss
		for i, l := range loss {
			if l < 1e-30 {
				loss = loss[:i]
				break
			}
		}
		lambda := 2 * math.Hypot(run.Q0, 2*r.Settings.Y)
		series = append(series, show.Series{Name: fmt.Sprintf("Q = %g (ηλ = %.2f)", run.Q0, r.Settings.LR*lambda), Y: loss})
	}
	p, err := show.Lines(show.Axes{
		Title: fmt.Sprintf("GD on L = (%g − uv)², η = %g, from uv = %g", r.Settings.Y, r.Settings.LR, r.Settings.Y/2),
		X:     "step", Y: "loss", LogY: true}, series...)
	if err != nil {
		return err
	}
	return show.Plot(p)
}

// AddRows adds the measured factors beside 1 − ηλ(Q) to a closing table.
func (r *ScalarRateResult) AddRows(t *show.Table) {
	var got, want, q0 []float64
	for _, run := range r.Runs {
		got, want, q0 = append(got, run.Rate), append(want, run.Want), append(q0, run.Q0)
	}
	t.AddRow("scalar: residual factor per step, Q₀ = "+convJoin("%g", q0), convJoin("%.4f", got),
		convJoin("%.4f", want)+" = 1 − ηλ(Q) (derived)")
}

// Fig6Settings sets up Fig6. The zero value is the paper's setting
// (Q_convergence_elementwise.py): init std s ∈ {0.01, 0.1, 1}, η = 10⁻³,
// 4·10⁵ steps (8·10⁵ for the sigmoid), ‖Y − f(X)‖_F recorded every 1000.
type Fig6Settings struct {
	Scales       []float64 // init std s of U and V; nil means {0.01, 0.1, 1}
	Steps        int       // GD steps for linear, ReLU and tanh; 0 means 4·10⁵
	SigmoidSteps int       // GD steps for the sigmoid; 0 means 8·10⁵
	LR           float64   // learning rate η; 0 means 10⁻³
	Every        int       // record ‖Y − f(X)‖_F every this many steps; 0 means 1000
}

// Fast returns s with the horizon cut to 5·10⁴ steps for every activation,
// recorded every 10⁴ (a few seconds of CPU for the twelve runs, an eighth of
// the paper's horizon): the preset of the tests, enough for the order of the
// scales to show in every panel.
func (s Fig6Settings) Fast() Fig6Settings {
	s.Steps, s.SigmoidSteps, s.Every = 50_000, 50_000, 10_000
	return s
}

func (s Fig6Settings) defaults() Fig6Settings {
	s.Scales = convOrSlice(s.Scales, []float64{0.01, 0.1, 1})
	s.Steps = cmp.Or(s.Steps, 400_000)
	s.SigmoidSteps = cmp.Or(s.SigmoidSteps, 800_000)
	s.LR = cmp.Or(s.LR, 1e-3)
	s.Every = cmp.Or(s.Every, 1000)
	return s
}

// Fig6Acts are the activations of Figs. 6 and 9, in the order of their panels.
var Fig6Acts = OfficialActs

// Fig6Reference holds reference values of Fig. 6's linear panel at
// s = 0.01, 0.1, 1, with their label: "derived", from runs of the official
// script with its own random draws (notebooks/REFERENCES.md, 05).
type Fig6Reference struct {
	Label          string
	LinearQ0       []float64 // Q₀ = ‖U‖² − ‖V‖²
	LinearAfter1e4 []float64 // ‖Y − f(X)‖_F after 10⁴ steps
	// LinearQ0Mean and LinearQ0Std are the mean and standard deviation of
	// Q₀ over random draws at s = 1 (both scale as s²): ‖U‖² and ‖V‖² are
	// sums of mh and hn squared N(0, 1) entries, so
	//
	//	E[Q₀] = mh − hn = −250,  sd[Q₀] = √(2(mh + hn)) = √1500 ≈ 38.7.
	LinearQ0Mean, LinearQ0Std float64
}

var convFig6Ref = Fig6Reference{Label: "derived",
	LinearQ0: []float64{-0.028, -2.85, -285}, LinearAfter1e4: []float64{8.1, 3.1, 8e-8},
	LinearQ0Mean: 5*50 - 50*10, LinearQ0Std: math.Sqrt(2 * (5*50 + 50*10))}

// Fig6Result is what Fig6 measured.
type Fig6Result struct {
	Settings Fig6Settings // with the defaults filled in
	NormY    float64      // ‖Y‖_F, the residual at f = 0
	Runs     []Fig6Run    // activation a and scale s at a·len(Scales) + s
	// Reference holds the linear panel's reference values at the paper's
	// scales (the zero value at other scales).
	Reference Fig6Reference
}

// Fig6Run is one training run of Fig6.
type Fig6Run struct {
	Act      string    // the activation's Name
	Scale    float64   // the init std s
	Q0       float64   // conserved.Official at initialisation
	Step     []float64 // the recorded steps
	Residual []float64 // ‖Y − f(X)‖_F at those steps
	Below    float64   // the first recorded step with ‖Y − f(X)‖_F < Fig6Floor, −1 if none
}

// Fig6Floor is the residual ‖Y − f(X)‖_F below which Fig6 counts a run as
// converged: a hundred times the rounding floor, about 1e-12, where the
// converged runs level off.
const Fig6Floor = 1e-10

// At returns the residual at the first recorded step ≥ step, or NaN if the
// run stopped before.
func (r *Fig6Run) At(step float64) float64 {
	for i, k := range r.Step {
		if k >= step {
			return r.Residual[i]
		}
	}
	return math.NaN()
}

// Run returns the run with activation act (a Name) and scale index s.
func (r *Fig6Result) Run(act string, s int) *Fig6Run {
	for i := range r.Runs {
		if r.Runs[i].Act == act && r.Runs[i].Scale == r.Settings.Scales[s] {
			return &r.Runs[i]
		}
	}
	panic(fmt.Sprintf("zhao2023: Fig6Result has no run %s at scale index %d", act, s))
}

// Fig6 reproduces Zhao et al.'s Fig. 6: two-layer networks f(X) = U σ(V X)
// with U ∈ R^{5×50}, V ∈ R^{50×10}, X = I₁₀ and targets Y ∈ R^{5×10} with
// N(0, 1) entries (the setting of Fig. 3), for σ linear, ReLU, tanh and
// sigmoid, trained by full-batch gradient descent on the mean squared error
// from U, V ~ N(0, s²) — the same normals at every s, multiplied by s, as in
// the official script. Each run is labelled by Q₀ in the official code's form
// (conserved.Official) and records the residual ‖Y − f(X)‖_F = √(mn·MSE), the
// quantity the paper plots. The paper's finding: for every activation the
// larger |Q₀| converges faster.
func Fig6(s Fig6Settings) (*Fig6Result, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps <= 0 || s.SigmoidSteps <= 0 || s.Every <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig6 needs positive η, steps and record interval, have %+v", s)
	}
	X, Y := convData(10, 5)
	res := &Fig6Result{Settings: s, NormY: mat.Norm(Y, 2)}
	if slices.Equal(s.Scales, []float64{0.01, 0.1, 1}) {
		res.Reference = convFig6Ref
	}
	runs, err := par.MapErr(len(Fig6Acts)*len(s.Scales), func(i int) (Fig6Run, error) {
		act, scale := Fig6Acts[i/len(s.Scales)], s.Scales[i%len(s.Scales)]
		steps := s.Steps
		if act.Name == nn.Sigmoid.Name {
			steps = s.SigmoidSteps
		}
		net := nn.TwoLayer{In: 10, Hidden: 50, Out: 5, Act: act}
		p := net.Init(rand.New(rand.NewPCG(12345, 0)), nn.Normal(scale))
		run := Fig6Run{Act: act.Name, Scale: scale, Q0: conserved.Official(act, p.M("U"), p.M("V")), Below: -1}
		obj := nn.NewObjective(net, X, Y, nn.MSE)
		rec := optim.NewRecorder(s.Every).Add("res", func(st *optim.State) float64 { return math.Sqrt(50 * st.Loss) })
		if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: steps, Observers: []optim.Observer{rec}}); err != nil {
			return run, fmt.Errorf("zhao2023: Fig6 %s, s = %g: %w", act.Name, scale, err)
		}
		run.Residual = rec.Series("res")
		for i, k := range rec.Step {
			run.Step = append(run.Step, float64(k))
			if run.Below < 0 && run.Residual[i] < Fig6Floor {
				run.Below = float64(k)
			}
		}
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	res.Runs = runs
	return res, nil
}

// convData returns X = I_n and Y ∈ R^{m×n} with N(0, 1) entries from the seed
// the notebooks share.
func convData(n, m int) (X, Y *mat.Dense) {
	X = sym.Identity(n)
	Y = mat.NewDense(m, n, nil)
	nn.Normal(1)(rand.New(rand.NewPCG(1, 2)), Y)
	return X, Y
}

// Plot shows the figure: one panel per activation, the residual of the runs
// at every scale against the step, with Q₀ in the legend.
func (r *Fig6Result) Plot() error {
	var panels []*plot.Plot
	for _, act := range Fig6Acts {
		var series []show.Series
		for s, scale := range r.Settings.Scales {
			run := r.Run(act.Name, s)
			series = append(series, show.Series{Name: fmt.Sprintf("s = %g, Q₀ = %.3g", scale, run.Q0), X: run.Step, Y: run.Residual})
		}
		p, err := show.Lines(show.Axes{Title: fmt.Sprintf("%s: ‖Y − f(X)‖_F, η = %g", act.Name, r.Settings.LR),
			X: "GD step", Y: "‖Y − f‖", LogY: true}, series...)
		if err != nil {
			return err
		}
		p.Y.Max = 1e4 // headroom for the legend above the curves
		panels = append(panels, p)
	}
	return show.Grid([][]*plot.Plot{panels[:2], panels[2:]}, show.Settings{})
}

// ScalePlot draws the four activations at the scale of index s on axes that
// do not depend on s (residual 1e-15 to 1e9), so that the frames of a slider
// over s compare: show.Explore's figure in notebook 05.
func (r *Fig6Result) ScalePlot(s int) (*plot.Plot, error) {
	var series []show.Series
	for _, act := range Fig6Acts {
		run := r.Run(act.Name, s)
		series = append(series, show.Series{Name: fmt.Sprintf("%s, Q₀ = %.3g", act.Name, run.Q0), X: run.Step, Y: run.Residual})
	}
	p, err := show.Lines(show.Axes{Title: fmt.Sprintf("init std s = %.3g: ‖Y − f(X)‖_F, η = %g", r.Settings.Scales[s], r.Settings.LR),
		X: "GD step", Y: "‖Y − f‖", LogY: true}, series...)
	if err != nil {
		return nil, err
	}
	p.Y.Min, p.Y.Max = 1e-15, 1e9 // the same axes at every s, the legend above the curves
	last := max(r.Settings.Steps, r.Settings.SigmoidSteps)
	var ticks []plot.Tick
	for k := 0; k <= last; k += last / 5 {
		ticks = append(ticks, plot.Tick{Value: float64(k), Label: fmt.Sprint(k)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	return p, nil
}

// AddRows adds the linear panel's numbers beside the derived references, and
// for every activation Q₀ with the residuals after 5·10⁴ steps and the first
// step below Fig6Floor.
func (r *Fig6Result) AddRows(t *show.Table) {
	ref := r.Reference
	q0 := func(act string) []float64 {
		var v []float64
		for s := range r.Settings.Scales {
			v = append(v, r.Run(act, s).Q0)
		}
		return v
	}
	at := func(act string, step float64) []float64 {
		var v []float64
		for s := range r.Settings.Scales {
			v = append(v, r.Run(act, s).At(step))
		}
		return v
	}
	refQ0, refAfter := "", ""
	if ref.Label != "" {
		refQ0 = convJoin("%.3g", ref.LinearQ0) + " (" + ref.Label + ")"
		refAfter = convJoin("%.2g", ref.LinearAfter1e4) + fmt.Sprintf(" (%s; 8.1 ≈ ‖Y‖_F, here %.2f)", ref.Label, r.NormY)
	}
	t.AddRow("Fig. 6 linear: Q₀ at s = "+convJoin("%g", r.Settings.Scales), convJoin("%.3g", q0("linear")), refQ0)
	if ref.Label != "" {
		t.AddRow("Fig. 6 linear: Q₀ at s = 1 over random draws", fmt.Sprintf("%.3g (this draw)", r.Run("linear", 2).Q0),
			fmt.Sprintf("%.0f ± %.0f = (mh − hn) ± √(2(mh + hn)) (derived)", ref.LinearQ0Mean, ref.LinearQ0Std))
	}
	t.AddRow("Fig. 6 linear: ‖Y − f‖_F after 10⁴ steps", convJoin("%.3g", at("linear", 1e4)), refAfter)
	for _, act := range Fig6Acts {
		t.AddRow(fmt.Sprintf("Fig. 6 %s: Q₀ → ‖Y − f‖_F after 5·10⁴ steps", act.Name),
			convJoin("%.3g", q0(act.Name))+" → "+convJoin("%.2g", at(act.Name, 5e4)), "larger |Q₀| converges faster")
	}
	for _, act := range Fig6Acts {
		var below []float64
		for s := range r.Settings.Scales {
			below = append(below, r.Run(act.Name, s).Below)
		}
		t.AddRow(fmt.Sprintf("Fig. 6 %s: first step with ‖Y − f‖_F < %g (−1: none in %s)", act.Name, Fig6Floor, convSteps(r.Run(act.Name, 0).Step)),
			convJoin("%.0f", below), "larger |Q₀| converges faster")
	}
}

// convSteps formats the last recorded step, e.g. "4·10⁵".
func convSteps(step []float64) string {
	k := step[len(step)-1]
	e := math.Floor(math.Log10(k))
	m := k / math.Pow(10, e)
	sup := strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹").Replace(fmt.Sprint(e))
	if m == 1 {
		return "10" + sup
	}
	return fmt.Sprintf("%g·10%s", m, sup)
}

// Fig6SpreadSettings sets up Fig6Spread: Fig. 6's linear network at its
// scales over several draws. The zero value is Fig. 6's setting, 8 draws,
// 10⁴ steps (the step of the derived residuals).
type Fig6SpreadSettings struct {
	Fig6  Fig6Settings // scales and learning rate (its steps are not used)
	Draws int          // draws of Y and the initial weights; 0 means 8
	Steps int          // GD steps; 0 means 10⁴
}

// Fig6SpreadResult is what Fig6Spread measured, per scale.
type Fig6SpreadResult struct {
	Settings Fig6SpreadSettings // with the defaults filled in
	// Residual[s][d] is ‖Y − f(X)‖_F after Steps steps at scale s, draw d
	// (draw 0 is Fig6's).
	Residual [][]float64
	// Mean and Std are the mean and standard deviation over the draws of
	// log₁₀ Residual, per scale.
	Mean, Std []float64
}

// Fig6Spread measures how much the residual of Fig. 6's linear network after
// Steps steps varies from one draw of Y and the initial normals to another,
// at each scale: draw 0 is Fig6's, draw d > 0 seeds Y with rand.NewPCG(1 + d,
// 2) and the weights with rand.NewPCG(12345, d). The residual falls
// exponentially once the network leaves the saddle, so it is compared on a
// log scale. The spread is the agreement to expect with the residuals derived
// from the official script's run, another draw.
func Fig6Spread(s Fig6SpreadSettings) (*Fig6SpreadResult, error) {
	s.Fig6 = s.Fig6.defaults()
	s.Draws = cmp.Or(s.Draws, 8)
	s.Steps = cmp.Or(s.Steps, 10_000)
	if s.Draws < 2 {
		return nil, fmt.Errorf("zhao2023: Fig6Spread needs at least 2 draws, have %d", s.Draws)
	}
	n := len(s.Fig6.Scales)
	res, err := par.MapErr(n*s.Draws, func(i int) (float64, error) {
		sc, d := i/s.Draws, uint64(i%s.Draws)
		net, p, X, Y := fixqNet(nn.Linear, 10, 5, s.Fig6.Scales[sc], d)
		obj := nn.NewObjective(net, X, Y, nn.MSE)
		if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: s.Fig6.LR}, optim.Settings{Steps: s.Steps}); err != nil {
			return 0, fmt.Errorf("zhao2023: Fig6Spread s = %g, draw %d: %w", s.Fig6.Scales[sc], d, err)
		}
		return math.Sqrt(float64(len(Y.RawMatrix().Data)) * obj.Func(p.Vec(), nil)), nil
	})
	if err != nil {
		return nil, err
	}
	out := &Fig6SpreadResult{Settings: s}
	for sc := range n {
		r := res[sc*s.Draws : (sc+1)*s.Draws]
		logs := make([]float64, len(r))
		for d, v := range r {
			logs[d] = math.Log10(v)
		}
		m, sd := stat.MeanStdDev(logs, nil)
		out.Residual, out.Mean, out.Std = append(out.Residual, r), append(out.Mean, m), append(out.Std, sd)
	}
	return out, nil
}

// Within reports whether ref, a residual from another draw at the scale of
// index s, is within 3√2σ of draw 0's on the log scale (σ = Std[s]: two
// independent draws differ by √2σ), and the distance in units of σ.
func (r *Fig6SpreadResult) Within(s int, ref float64) (ok bool, sigmas float64) {
	d := math.Abs(math.Log10(ref)-math.Log10(r.Residual[s][0])) / r.Std[s]
	return d <= 3*math.Sqrt2, d
}

// AddRows adds, per scale, log₁₀ of the residual at draw 0 and over the
// draws, beside the derived value and its distance in σ.
func (r *Fig6SpreadResult) AddRows(t *show.Table) {
	ref := convFig6Ref
	for s, scale := range r.Settings.Fig6.Scales {
		want := ""
		if slices.Equal(r.Settings.Fig6.Scales, []float64{0.01, 0.1, 1}) && r.Settings.Steps == 10_000 {
			ok, sig := r.Within(s, ref.LinearAfter1e4[s])
			verdict := "within 3√2σ"
			if !ok {
				verdict = "NOT within 3√2σ: not reproduced"
			}
			want = fmt.Sprintf("%.2f (%s %g): %.1fσ from ours, %s", math.Log10(ref.LinearAfter1e4[s]), ref.Label, ref.LinearAfter1e4[s], sig, verdict)
		}
		t.AddRow(fmt.Sprintf("Fig. 6 linear, s = %g: log₁₀‖Y − f‖_F after %d steps, draw 0 / %d draws (mean ± σ)", scale, r.Settings.Steps, r.Settings.Draws),
			fmt.Sprintf("%.2f / %.2f ± %.2f", math.Log10(r.Residual[s][0]), r.Mean[s], r.Std[s]), want)
	}
}

// Fig7Settings sets up Fig7 and Fig7Start. The zero value is the paper's
// setting (Q_convergence_radial.py): mean = std ∈ {0.01, 0.1, 1, 10} of the
// aligned initialisation's diagonals, η = 10⁻⁵, 10⁶ steps, MSE/‖Y‖_F recorded
// every 100.
type Fig7Settings struct {
	Scales []float64 // mean = std s of the diagonals; nil means {0.01, 0.1, 1, 10}
	Steps  int       // GD steps; 0 means 10⁶
	LR     float64   // learning rate η; 0 means 10⁻⁵
	Every  int       // record MSE/‖Y‖_F every this many steps; 0 means 100
}

// Fast returns s with the horizon cut to 10⁵ steps (about 0.6 s of CPU for
// the four runs): the smallest Q has converged, the order of the others shows.
func (s Fig7Settings) Fast() Fig7Settings {
	s.Steps = 100_000
	return s
}

func (s Fig7Settings) defaults() Fig7Settings {
	s.Scales = convOrSlice(s.Scales, []float64{0.01, 0.1, 1, 10})
	s.Steps = cmp.Or(s.Steps, 1_000_000)
	s.LR = cmp.Or(s.LR, 1e-5)
	s.Every = cmp.Or(s.Every, 100)
	return s
}

// Fig7Net is the official code's "radial" model of Fig. 7 (its
// TwoLayerRadial) with m = 5, n = 10, h = 5: f = U N(V), each hidden unit's
// weight row divided by its squared norm, which with X = I is nn.RadialUnits.
var Fig7Net = nn.TwoLayer{In: 10, Hidden: 5, Out: 5, Act: nn.RadialUnits}

// Fig7Init returns the initialisation of Q_convergence_radial.py at scale s,
// aligned with the singular value decomposition Y = Φ S Ψᵀ (nn.SVDAligned):
// U = Φ diag(dU), V = diag(dV) Ψ₅ᵀ with dU_j = s(1 + z_j), dV_j = s(1 + z′_j),
// z, z′ ~ N(0, 1), the same z, z′ for every s.
func Fig7Init(Y *mat.Dense, s float64) *nn.Params {
	rng := rand.New(rand.NewPCG(12345, 0))
	du, dv := make([]float64, 5), make([]float64, 5)
	for j := range du {
		du[j] = s * (1 + rng.NormFloat64())
	}
	for j := range dv {
		dv[j] = s * (1 + rng.NormFloat64())
	}
	return nn.SVDAligned(Y, du, dv)
}

// Fig7StartResult is what Fig7Start measured.
type Fig7StartResult struct {
	Settings Fig7Settings
	Q0       []float64 // Q = ‖U‖² + ‖V‖² at each scale
	// OutputChange is ‖f_s − f₁‖/‖f₁‖ at each scale: f_s the output at scale
	// s, f₁ at s = 1.
	OutputChange []float64
	// UnitScaleChange and RotationChange are the relative changes of f₁
	// under (U diag(c), diag(c) V) with random c > 0 and under (U gᵀ, g V)
	// with a random g ∈ O(5).
	UnitScaleChange, RotationChange float64
}

// Fig7Start checks the set-up of Fig. 7 before training. The aligned network
// computes Σ_j (dU_j/dV_j) φ_j ψ_jᵀ, which does not depend on s: the runs
// start as the same function, with Q = ‖U‖² + ‖V‖² ∝ s². The model is
// invariant under scaling one hidden unit, (U_{:,j}, V_{j,:}) ↦ (c U_{:,j},
// c V_{j,:}) (sym.UnitScale), whence gradient flow conserves every
// Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖² and their sum Q; O(h), the symmetry of the
// per-sample radial activation, is not a symmetry of this model.
func Fig7Start(s Fig7Settings) (*Fig7StartResult, error) {
	s = s.defaults()
	X, Y := convData(10, 5)
	p1 := Fig7Init(Y, 1)
	f1 := nn.Predict(Fig7Net, p1, X)
	res := &Fig7StartResult{Settings: s}
	for _, scale := range s.Scales {
		p := Fig7Init(Y, scale)
		res.Q0 = append(res.Q0, conserved.Radial(p.M("U"), p.M("V")))
		res.OutputChange = append(res.OutputChange, sym.RelDiff(f1, nn.Predict(Fig7Net, p, X)))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	c := make([]float64, 5)
	for j := range c {
		c[j] = math.Exp(rng.NormFloat64()) // a random positive scale per unit
	}
	U, V := Fig7Net.UV(p1)
	res.UnitScaleChange = sym.RelDiff(f1, convRadialOut(sym.UnitScale(c, U, V)))
	res.RotationChange = sym.RelDiff(f1, convRadialOut(sym.Orthogonal(sym.SampleOrthogonal(rng, 5), U, V)))
	return res, nil
}

// convRadialOut returns Fig7Net's output at X = I for the weights U, V.
func convRadialOut(U, V *mat.Dense) *mat.Dense {
	p := Fig7Net.Params()
	p.M("U").Copy(U)
	p.M("V").Copy(V)
	return nn.Predict(Fig7Net, p, sym.Identity(10))
}

// Table returns the check as a table, captioned with the model: Q and the
// change of the output per scale, then the two transformations.
func (r *Fig7StartResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("%v from Fig7Init at each scale, X = I₁₀", Fig7Net),
		Header: []string{"", "Q = ‖U‖² + ‖V‖²", "‖f − f(s = 1)‖/‖f(s = 1)‖"}}
	for i, s := range r.Settings.Scales {
		t.AddRow(fmt.Sprintf("s = %g", s), fmt.Sprintf("%.4g", r.Q0[i]), fmt.Sprintf("%.0e", r.OutputChange[i]))
	}
	t.AddRow("per-unit scaling (U diag(c), diag(c) V)", "", fmt.Sprintf("%.0e", r.UnitScaleChange))
	t.AddRow("rotation (U gᵀ, g V), g ∈ O(5)", "", fmt.Sprintf("%.2f", r.RotationChange))
	return t
}

// Fig7Floor is the level below which Fig7 counts a run as converged: the
// lowest tick of the official figure.
const Fig7Floor = 1e-10

// Fig7Result is what Fig7 measured.
type Fig7Result struct {
	Settings Fig7Settings // with the defaults filled in
	Runs     []Fig7Run    // one per scale, in order
}

// Fig7Run is one training run of Fig7.
type Fig7Run struct {
	Scale float64
	Q0, Q float64   // ‖U‖² + ‖V‖² at the start and at the end
	Step  []float64 // the recorded steps
	Loss  []float64 // MSE/‖Y‖_F at those steps, as the official script plots
	Below float64   // the first recorded step with MSE/‖Y‖_F < Fig7Floor, −1 if none
}

// Fig7 reproduces Zhao et al.'s Fig. 7: the official "radial" model Fig7Net,
// from the aligned initialisation Fig7Init at each scale (one function, with
// Q ∝ s²), trained by full-batch gradient descent on the mean squared error;
// it records MSE/‖Y‖_F, as the official script plots. The paper's finding,
// the reverse of Fig. 6: the smallest Q converges first.
//
// Why: gradient descent keeps the alignment, so hidden unit j is a problem of
// two scalars, U_{:,j} = a φ_j, V_{j,:} = b ψ_jᵀ, with loss (s_j − a/b)²/mn
// (s_j the j-th singular value of Y) and Q_j = a² + b². At its minimum
// a = s_j b, b² = Q_j/(1 + s_j²), and the nonzero Hessian eigenvalue is
//
//	λ_j = 2(1 + s_j²)²/(mn Q_j),
//
// inversely proportional to Q_j: a larger Q is a flatter minimum, slower at
// a fixed learning rate (Fig7Units checks this).
func Fig7(s Fig7Settings) (*Fig7Result, error) {
	s = s.defaults()
	if s.LR <= 0 || s.Steps <= 0 || s.Every <= 0 {
		return nil, fmt.Errorf("zhao2023: Fig7 needs positive η, steps and record interval, have %+v", s)
	}
	X, Y := convData(10, 5)
	normY := mat.Norm(Y, 2)
	runs, err := par.MapErr(len(s.Scales), func(i int) (Fig7Run, error) {
		p := Fig7Init(Y, s.Scales[i])
		run := Fig7Run{Scale: s.Scales[i], Q0: conserved.Radial(p.M("U"), p.M("V")), Below: -1}
		obj := nn.NewObjective(Fig7Net, X, Y, nn.MSE)
		rec := optim.NewRecorder(s.Every).Add("loss", func(st *optim.State) float64 { return st.Loss / normY })
		if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: s.Steps, Observers: []optim.Observer{rec}}); err != nil {
			return run, fmt.Errorf("zhao2023: Fig7 s = %g: %w", s.Scales[i], err)
		}
		run.Q = conserved.Radial(p.M("U"), p.M("V"))
		run.Loss = rec.Series("loss")
		for i, k := range rec.Step {
			run.Step = append(run.Step, float64(k))
			if run.Below < 0 && run.Loss[i] < Fig7Floor {
				run.Below = float64(k)
			}
		}
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	return &Fig7Result{Settings: s, Runs: runs}, nil
}

// Plot shows MSE/‖Y‖_F against the step for every scale, with Q₀ in the legend.
func (r *Fig7Result) Plot() error {
	var series []show.Series
	for _, run := range r.Runs {
		series = append(series, show.Series{Name: fmt.Sprintf("s = %g, Q₀ = %.3g", run.Scale, run.Q0), X: run.Step, Y: run.Loss})
	}
	p, err := show.Lines(show.Axes{Title: fmt.Sprintf("official radial model (m = 5, n = 10, h = 5): MSE/‖Y‖_F, η = %g", r.Settings.LR),
		X: "GD step", Y: "MSE/‖Y‖", LogY: true}, series...)
	if err != nil {
		return err
	}
	p.Legend.YOffs = -vg.Inch // below the two slow curves at the top, right of the falling one
	return show.Plot(p)
}

// AddRows adds Q₀, its drift, the final loss and the step of convergence.
func (r *Fig7Result) AddRows(t *show.Table) {
	var scales, q0, drift, start, final, below []float64
	for _, run := range r.Runs {
		scales, q0, drift = append(scales, run.Scale), append(q0, run.Q0), append(drift, run.Q/run.Q0)
		start = append(start, run.Loss[0])
		final, below = append(final, run.Loss[len(run.Loss)-1]), append(below, run.Below)
	}
	t.AddRow("Fig. 7: Q₀ at s = "+convJoin("%g", scales), convJoin("%.3g", q0), "∝ s², the same function")
	t.AddRow("Fig. 7: Q at the end / Q₀", convJoin("%.4f", drift), "1: conserved by gradient flow")
	t.AddRow("Fig. 7: MSE/‖Y‖_F at the start", convJoin("%.2g", start), "the same function")
	t.AddRow("Fig. 7: MSE/‖Y‖_F after "+convSteps(r.Runs[0].Step)+" steps", convJoin("%.2g", final), "smaller Q converges faster")
	t.AddRow(fmt.Sprintf("Fig. 7: first step with MSE/‖Y‖_F < %g (−1: none in %s)", Fig7Floor, convSteps(r.Runs[0].Step)), convJoin("%.0f", below), "smaller Q converges faster")
}

// Fig7UnitsResult is what Fig7Units measured.
type Fig7UnitsResult struct {
	Settings Fig7Settings
	// Split is ‖θ_full − θ_pairs‖/‖θ_pairs‖ after Steps of gradient descent
	// from Fig7Init at the second scale: the 75-parameter model against the
	// five two-scalar problems.
	Split float64
	Steps int // the steps of that comparison
	// Lambda[i][j] is the nonzero Hessian eigenvalue of unit j's problem at
	// its minimum with the Q_j of scale i, measured by finite differences;
	// Closed[i][j] is 2(1 + s_j²)²/(mn Q_j).
	Lambda, Closed [][]float64
}

// Fig7Units checks the explanation of Fig. 7 given in Fig7's documentation:
// gradient descent on the aligned radial model is five independent problems
// of two scalars (a, b) with loss (s_j − a/b)²/mn, and the minimum with
// Q_j = a² + b² has the Hessian eigenvalues {0, 2(1 + s_j²)²/(mn Q_j)}. It runs
// the full model and the five pairs side by side for 10⁴ steps from the
// initialisation at the second scale (0.1), and measures the Hessian of every
// pair at the Q_j of every scale; the factor by which a step shrinks unit j's
// residual near the minimum is 1 − ηλ_j.
func Fig7Units(s Fig7Settings) (*Fig7UnitsResult, error) {
	s = s.defaults()
	if len(s.Scales) < 2 {
		return nil, errors.New("zhao2023: Fig7Units needs at least two scales")
	}
	const steps, mn = 10_000, 50.0
	X, Y := convData(10, 5)
	var svd mat.SVD
	if !svd.Factorize(Y, mat.SVDThin) {
		return nil, errors.New("zhao2023: Fig7Units: SVD of Y failed")
	}
	sv := svd.Values(nil)
	var phi, psi mat.Dense
	svd.UTo(&phi)
	svd.VTo(&psi)
	coords := func(p *nn.Params) (a, b []float64) { // U_{:,j} = a_j φ_j, V_{j,:} = b_j ψ_jᵀ
		U, V := Fig7Net.UV(p)
		for j := range 5 {
			a = append(a, floats.Dot(mat.Col(nil, j, &phi), mat.Col(nil, j, U)))
			b = append(b, floats.Dot(mat.Col(nil, j, &psi), V.RawRowView(j)))
		}
		return a, b
	}

	res := &Fig7UnitsResult{Settings: s, Steps: steps}
	p := Fig7Init(Y, s.Scales[1])
	a, b := coords(p)
	if _, err := optim.Run(nn.NewObjective(Fig7Net, X, Y, nn.MSE).Func, p.Vec(), &optim.GD{LR: s.LR}, optim.Settings{Steps: steps}); err != nil {
		return nil, fmt.Errorf("zhao2023: Fig7Units: %w", err)
	}
	for j := range 5 {
		f := convPair(sv[j], mn)
		theta := []float64{a[j], b[j]}
		if _, err := optim.Run(f, theta, &optim.GD{LR: s.LR}, optim.Settings{Steps: steps}); err != nil {
			return nil, fmt.Errorf("zhao2023: Fig7Units, unit %d: %w", j, err)
		}
		a[j], b[j] = theta[0], theta[1]
	}
	want := Fig7Net.Params()
	for j := range 5 {
		for i := range 5 {
			want.M("U").Set(i, j, a[j]*phi.At(i, j))
		}
		for k := range 10 {
			want.M("V").Set(j, k, b[j]*psi.At(k, j))
		}
	}
	d := make([]float64, p.Len())
	floats.SubTo(d, p.Vec(), want.Vec())
	res.Split = floats.Norm(d, 2) / floats.Norm(want.Vec(), 2)

	for _, scale := range s.Scales {
		a0, b0 := coords(Fig7Init(Y, scale))
		var lambda, closed []float64
		for j := range 5 {
			q := a0[j]*a0[j] + b0[j]*b0[j]
			bb := math.Sqrt(q / (1 + sv[j]*sv[j]))
			vals, err := hessian.Eigenvalues(hessian.NewHVP(convPair(sv[j], mn), []float64{sv[j] * bb, bb}))
			if err != nil {
				return nil, fmt.Errorf("zhao2023: Fig7Units: %w", err)
			}
			lambda = append(lambda, vals[1])
			closed = append(closed, 2*(1+sv[j]*sv[j])*(1+sv[j]*sv[j])/(mn*q))
		}
		res.Lambda, res.Closed = append(res.Lambda, lambda), append(res.Closed, closed)
	}
	return res, nil
}

// convPair is unit j's problem: L(a, b) = (s − a/b)²/mn with its gradient.
func convPair(s, mn float64) optim.Func {
	return func(theta, grad []float64) float64 {
		a, b := theta[0], theta[1]
		r := s - a/b
		grad[0] = -2 * r / (b * mn)
		grad[1] = 2 * r * a / (b * b * mn)
		return r * r / mn
	}
}

// Table lists, per scale, the range of ηλ_j over the five units and the
// largest deviation of the measured λ_j from the closed form; its caption
// gives the difference between the full model and the pairs.
func (r *Fig7UnitsResult) Table() show.Table {
	t := show.Table{
		Caption: fmt.Sprintf("GD on the full model vs the five pairs, %d steps from s = %g: relative difference %.0e",
			r.Steps, r.Settings.Scales[1], r.Split),
		Header: []string{"s", "ηλ_j: slowest … fastest unit", "max |λ_j − 2(1 + s_j²)²/(mn Q_j)| / λ_j"}}
	for i, s := range r.Settings.Scales {
		t.AddRow(fmt.Sprintf("%g", s), fmt.Sprintf("%.2g … %.2g", r.Settings.LR*floats.Min(r.Lambda[i]), r.Settings.LR*floats.Max(r.Lambda[i])),
			fmt.Sprintf("%.0e", r.MaxDeviation(i)))
	}
	return t
}

// AddRows adds the comparison of the full model with the pairs, the largest
// deviation of λ_j from the closed form, and the ratio of the rates at the
// second and last scales.
func (r *Fig7UnitsResult) AddRows(t *show.Table) {
	worst := 0.0
	for i := range r.Lambda {
		worst = math.Max(worst, r.MaxDeviation(i))
	}
	n := len(r.Settings.Scales) - 1
	var ratio []float64
	for j := range r.Lambda[1] {
		ratio = append(ratio, r.Lambda[1][j]/r.Lambda[n][j])
	}
	s1, sn := r.Settings.Scales[1], r.Settings.Scales[n]
	t.AddRow(fmt.Sprintf("Fig. 7 units: GD on the model vs the five pairs, %d steps", r.Steps), fmt.Sprintf("%.0e", r.Split), "0 (the same arithmetic, to rounding)")
	t.AddRow("Fig. 7 units: max |λ_j − 2(1 + s_j²)²/(mn Q_j)| / λ_j", fmt.Sprintf("%.0e", worst), "0 (finite differences ≈ 1e-11)")
	t.AddRow(fmt.Sprintf("Fig. 7 units: λ_j(s = %g)/λ_j(s = %g), j = 1…5", s1, sn), convJoin("%.6g", ratio),
		fmt.Sprintf("(%g/%g)² = %g, as Q_j ∝ s² (derived)", sn, s1, (sn/s1)*(sn/s1)))
}

// MaxDeviation returns max_j |Lambda[i][j] − Closed[i][j]|/Closed[i][j].
func (r *Fig7UnitsResult) MaxDeviation(i int) float64 {
	worst := 0.0
	for j, l := range r.Lambda[i] {
		worst = math.Max(worst, math.Abs(l-r.Closed[i][j])/r.Closed[i][j])
	}
	return worst
}

// convJoin formats values as "a / b / c".
func convJoin(format string, v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(s, " / ")
}

// convOrSlice returns v, or def if v is nil.
func convOrSlice(v, def []float64) []float64 {
	if v == nil {
		return def
	}
	return v
}

package zhao2023

import (
	"fmt"
	"math"
	"math/rand/v2"

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

// WelcomeNetwork returns notebook 00's network, its initial parameters and
// its loss: the linear network of the paper's Fig. 3,
//
//	f(X) = U V X,  U ∈ R^{5×50},  V ∈ R^{50×10},  X = I₁₀,  Y ~ N(0, 1) (5×10),
//	U, V ~ N(0, 0.1²),  L = ‖Y − U V X‖²_F / 50,
//
// drawn from rand.NewPCG(1, 2), U and V first, then Y (Fig3Network draws
// the data first: the tour keeps the order it was written with).
func WelcomeNetwork() (nn.TwoLayer, *nn.Params, *nn.Objective) {
	net := nn.TwoLayer{In: 10, Hidden: 50, Out: 5, Act: nn.Linear}
	rng := rand.New(rand.NewPCG(1, 2))
	p := net.Init(rng, nn.Normal(0.1))
	Y := data.Normal(rng, 5, 10, 1)
	return net, p, nn.NewObjective(net, sym.Identity(10), Y, nn.MSE)
}

// WelcomeSettings sets up Welcome. The zero value is notebook 00's tour.
type WelcomeSettings struct {
	T   float64   // training time; 0 means 100
	LRs []float64 // GD learning rates beside gradient flow; nil means {0.1, 0.01}
}

func (s WelcomeSettings) defaults() WelcomeSettings {
	if s.T == 0 {
		s.T = 100
	}
	if s.LRs == nil {
		s.LRs = []float64{0.1, 0.01}
	}
	return s
}

// WelcomeRun is one training run of the tour, recorded at every unit of
// time t = η·step (gradient flow: LR = 0).
type WelcomeRun struct {
	LR    float64
	Time  []float64
	Loss  []float64 // the mean squared error
	Drift []float64 // ‖Q(t) − Q(0)‖_F / ‖Q(0)‖_F, Q = UᵀU − VVᵀ
}

// Name is "gradient flow" or "GD, η = …".
func (r WelcomeRun) Name() string {
	if r.LR == 0 {
		return "gradient flow"
	}
	return fmt.Sprintf("GD, η = %g", r.LR)
}

// WelcomeResult is the library tour of notebook 00 in numbers.
type WelcomeResult struct {
	Settings     WelcomeSettings
	OutputChange float64 // ‖f_{g·θ} − f_θ‖/‖f_θ‖ for g ∈ GL(50) (rounding)
	VMoved       float64 // ‖gV − V‖/‖V‖: how far g moved the parameters
	Runs         []WelcomeRun
}

// Welcome runs the tour of notebook 00 on WelcomeNetwork: one g = exp(T) ∈
// GL(50) (sym.SampleGL, rand.NewPCG(3, 4)) acting as (U g⁻¹, g V) leaves the
// output unchanged while moving V by its own size; gradient flow (Dormand–
// Prince, optim.Flow) to time T keeps Q = UᵀU − VVᵀ (conserved.Matrix) to
// the integrator's accuracy, while gradient descent to the same time drifts
// in proportion to η (the one-step law ΔQ = η²(G_UᵀG_U − G_VG_Vᵀ), summed
// over T/η steps).
func Welcome(s WelcomeSettings) (*WelcomeResult, error) {
	s = s.defaults()
	if s.T <= 0 {
		return nil, fmt.Errorf("zhao2023: Welcome: time %g, want positive", s.T)
	}
	net, p, _ := WelcomeNetwork()
	g := sym.SampleGL(rand.New(rand.NewPCG(3, 4)), 50, 1)
	U0, V0 := net.UV(p)
	gU, gV := sym.GL(g, U0, V0)
	q := p.Clone()
	U, V := net.UV(q)
	U.Copy(gU)
	V.Copy(gV)
	X := sym.Identity(10)
	res := &WelcomeResult{
		Settings:     s,
		OutputChange: sym.RelDiff(nn.Predict(net, q, X), nn.Predict(net, p, X)),
		VMoved:       sym.RelDiff(gV, V0),
	}
	lrs := append([]float64{0}, s.LRs...)
	runs, err := par.MapErr(len(lrs), func(i int) (WelcomeRun, error) { return welcomeTrain(s.T, lrs[i]) })
	res.Runs = runs
	return res, err
}

// welcomeTrain trains WelcomeNetwork to time T by gradient flow (lr = 0) or
// GD at rate lr, recording loss and drift of Q at every unit of time.
func welcomeTrain(T, lr float64) (WelcomeRun, error) {
	net, p, obj := WelcomeNetwork()
	Q0 := conserved.Matrix(nil, p.M("U"), p.M("V"))
	view := net.Params()
	drift := func(st *optim.State) float64 {
		view.Bind(st.Theta) // U and V inside θ, no copy
		var d mat.Dense
		d.Sub(conserved.Matrix(nil, view.M("U"), view.M("V")), Q0)
		return mat.Norm(&d, 2) / mat.Norm(Q0, 2)
	}
	every := 1
	if lr > 0 {
		every = int(math.Round(1 / lr))
	}
	rec := optim.NewRecorder(every).Add("loss", optim.Loss).Add("drift", drift)
	var err error
	if lr == 0 {
		_, err = optim.Flow(obj.Func, p.Vec(), optim.FlowSettings{T: T, Dt: 1, Observers: []optim.Observer{rec}})
	} else {
		_, err = optim.Run(obj.Func, p.Vec(), &optim.GD{LR: lr}, optim.Settings{Steps: int(math.Round(T / lr)), Observers: []optim.Observer{rec}})
	}
	if err != nil {
		return WelcomeRun{}, fmt.Errorf("zhao2023: Welcome, η = %g: %w", lr, err)
	}
	return WelcomeRun{LR: lr, Time: rec.Time, Loss: rec.Series("loss"), Drift: rec.Series("drift")}, nil
}

// Final returns the last loss and drift of run i.
func (r *WelcomeResult) Final(i int) (loss, drift float64) {
	run := r.Runs[i]
	return run.Loss[len(run.Loss)-1], run.Drift[len(run.Drift)-1]
}

// Plot shows the loss of the runs (they coincide) and the drift of Q, on
// log axes from t = 1 (the drift is exactly 0 at t = 0).
func (r *WelcomeResult) Plot() error {
	var loss, drift []show.Series
	for _, run := range r.Runs {
		loss = append(loss, show.Series{X: run.Time[1:], Y: run.Loss[1:]})
		drift = append(drift, show.Series{Name: run.Name(), X: run.Time[1:], Y: run.Drift[1:]})
	}
	pl, err := show.Lines(show.Axes{Title: "loss (the three runs coincide)", X: "t", Y: "mean squared error", LogY: true}, loss...)
	if err != nil {
		return err
	}
	pd, err := show.Lines(show.Axes{Title: "drift of Q = UᵀU − VVᵀ", X: "t", Y: "‖Q(t) − Q(0)‖ / ‖Q(0)‖", LogY: true}, drift...)
	if err != nil {
		return err
	}
	pd.Legend.Top = false
	pd.Legend.YOffs = vg.Inch / 2 // mid-height, between the curves
	return show.Grid([][]*plot.Plot{{pl, pd}}, show.Settings{})
}

// Table is the tour's closing table: each measured value beside what the
// theory says, naming the test that asserts it.
func (r *WelcomeResult) Table() show.Table {
	t := show.Table{
		Caption: "Checked by TestWelcome in lib/repro/zhao2023: go test ./lib/repro/zhao2023 -run Welcome",
		Header:  []string{"quantity", "measured", "expected"},
		Format:  "%.2g",
	}
	t.AddRow("output change under g ∈ GL(50)", r.OutputChange, "0 (rounding, < 1e-12)")
	l0 := r.Runs[0].Loss[0]
	lf, df := r.Final(0)
	t.AddRow(fmt.Sprintf("loss at t = 0 → gradient flow at t = %g", r.Settings.T), fmt.Sprintf("%.3g → %.1g", l0, lf), "falls")
	t.AddRow("drift of Q, gradient flow", df, "0 (integrator, < 1e-8)")
	for i := 1; i < len(r.Runs); i++ {
		_, d := r.Final(i)
		t.AddRow(fmt.Sprintf("drift of Q, GD η = %g", r.Runs[i].LR), d, "O(η)")
	}
	if len(r.Runs) == 3 {
		_, d1 := r.Final(1)
		_, d2 := r.Final(2)
		t.AddRow("ratio of the two GD drifts", d1/d2, fmt.Sprintf("%g (drift ∝ η)", r.Runs[1].LR/r.Runs[2].LR))
	}
	return t
}

package ziyin2024

// Notebook 16: warm-up and sharpness (the paper's Fig. 4). A rank-1
// factorisation initialised by Kaiming's rule is badly unbalanced and
// sharp; SGD's noise drives it to its balanced, flat noise equilibrium, at a
// rate ∝ η², which a short phase of small learning rate (a warm-up) lets
// happen before the large learning rate would diverge.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
)

// WarmupSettings are the settings of Warmup. The learning rates and the
// warm-up are the paper's (0.008; 0.001 for 5000 steps); the paper does not
// print the sizes, the data or the batch size, which are notebook 16's,
// chosen so that the constant rate diverges from Kaiming's init.
type WarmupSettings struct {
	Dim       int     // d: f(x) = u wᵀx with u ∈ R^{d×1}, w ∈ R^{1×d}; 0 means 30
	Samples   int     // 0 means 1000
	Noise     float64 // σ of y = a bᵀx + σε; 0 means 0.5
	LR        float64 // 0 means 0.008
	WarmLR    float64 // 0 means 0.001
	WarmSteps int     // 0 means 5000
	Steps     int     // 0 means 20000
	BatchSize int     // SGD's S; 0 means 1
	Seed      uint64  // init (the same draw for every run of one rule) and batches
}

// Fast returns the preset of the tests: 8000 steps (the warm-up ends at
// 5000 all the same).
func (s WarmupSettings) Fast() WarmupSettings {
	s.Steps = 8000
	return s
}

func (s WarmupSettings) withDefaults() WarmupSettings {
	if s.Dim == 0 {
		s.Dim = 30
	}
	if s.Samples == 0 {
		s.Samples = 1000
	}
	if s.Noise == 0 {
		s.Noise = 0.5
	}
	if s.LR == 0 {
		s.LR = 0.008
	}
	if s.WarmLR == 0 {
		s.WarmLR = 0.001
	}
	if s.WarmSteps == 0 {
		s.WarmSteps = 5000
	}
	if s.Steps == 0 {
		s.Steps = 20000
	}
	if s.BatchSize == 0 {
		s.BatchSize = 1
	}
	return s
}

// WarmupRun is one run of Warmup.
type WarmupRun struct {
	Name      string
	Step      []int
	Sharpness []float64 // S = Tr ∇²L (noise.LinearSharpness)
	Charge    []float64 // q = ‖u‖² − ‖w‖², the charge of the rescaling (e^λ u, e^{−λ} w)
	Loss      []float64 // loss of the batch
	// Err is the error that stopped the run ("" if it ran to the end): a
	// diverging run stops at the first non-finite loss or gradient, and
	// DivergedAt is that step (−1 if none).
	Err        string
	DivergedAt int
}

// WarmupResult holds Fig. 4's runs.
type WarmupResult struct {
	Settings WarmupSettings
	Runs     []WarmupRun
	// EquilibriumSharpness is S at the noise equilibrium on the orbit of
	// GD's minimum (noise.Balance.Equilibrate for SGD's noise at η = LR):
	// where the warmed-up run should end. GDSharpness is S at that minimum.
	EquilibriumSharpness, GDSharpness float64
}

// Problem returns the network, the data (d×N, samples as columns) and the
// initialisation of Warmup: init drawn from rand.NewPCG(Seed, 2), as every
// run of Warmup draws it.
func (s WarmupSettings) Problem(init nn.Initializer) (net nn.TwoLayer, x, y *mat.Dense, theta []float64) {
	s = s.withDefaults()
	x, y = warmupData(s)
	net = nn.TwoLayer{In: s.Dim, Hidden: 1, Out: s.Dim, Act: nn.Linear}
	return net, x, y, net.Init(rand.New(rand.NewPCG(s.Seed, 2)), init).Vec()
}

// warmupData returns x ~ N(0, I_d) and y = a bᵀx + σε (a, b unit vectors),
// d×N, samples as columns.
func warmupData(s WarmupSettings) (x, y *mat.Dense) {
	rng := rand.New(rand.NewPCG(s.Seed, 16))
	d, N := s.Dim, s.Samples
	a, b := make([]float64, d), make([]float64, d)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	na, nb := math.Sqrt(dot(a, a)), math.Sqrt(dot(b, b))
	x, y = mat.NewDense(d, N, nil), mat.NewDense(d, N, nil)
	for k := 0; k < N; k++ {
		var bx float64
		for i := 0; i < d; i++ {
			v := rng.NormFloat64()
			x.Set(i, k, v)
			bx += b[i] / nb * v
		}
		for i := 0; i < d; i++ {
			y.Set(i, k, a[i]/na*bx+s.Noise*rng.NormFloat64())
		}
	}
	return x, y
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Warmup reproduces the paper's Fig. 4: the rank-1 factorisation
// f(x) = u wᵀx (nn.TwoLayer with one hidden unit, u d×1, w 1×d) of the
// target y = a bᵀx + σε, x ~ N(0, I_d), per-sample loss ½‖f(x) − y‖²
// (nn.HalfSquaredError). Kaiming's rule draws u with variance 2/fan_in = 2
// and w with 2/d, so ‖u‖² ≈ 2d ≫ ‖w‖² ≈ 2: the charge q = ‖u‖² − ‖w‖² of the
// rescaling (e^λu, e^{−λ}w) is large, and so is the sharpness
// S = Tr ∇²L = d‖w‖² + ‖u‖² Tr Σ̂ₓ (noise.LinearSharpness with α = ½; at a
// minimum uwᵀ = M it grows with |q|). Xavier's rule draws both with variance 2/(d + 1):
// balanced. The runs:
//
//	"SGD, Kaiming, η = LR"          diverges within a few steps (the error names the step);
//	"SGD, Kaiming, warm-up"         WarmLR for WarmSteps steps, then LR: stable;
//	"SGD, Xavier, η = LR"           stable from the start;
//	"GD, Kaiming, η = LR"           full batch: stable, and stays sharp.
//
// During the warm-up the Noether flow drives q towards its noise
// equilibrium (notebook 15) at a rate ∝ η²: the sharpness falls
// (progressive flattening), and by the time η = LR the point is flat enough
// for it. GD has no noise and keeps q up to O(η): it converges to a sharp
// minimum. The sharpness the warmed-up run should reach is that of the
// noise equilibrium on the orbit of GD's minimum.
func Warmup(s WarmupSettings) (*WarmupResult, error) {
	s = s.withDefaults()
	if s.Dim <= 0 || s.Samples <= 0 || !(s.Noise > 0) || !(s.LR > 0) || !(s.WarmLR > 0) || s.WarmSteps < 0 || s.Steps <= 0 || s.BatchSize <= 0 {
		return nil, fmt.Errorf("ziyin2024: Warmup: invalid settings %+v", s)
	}
	x, y := warmupData(s)
	net := nn.TwoLayer{In: s.Dim, Hidden: 1, Out: s.Dim, Act: nn.Linear}
	type job struct {
		name string
		init nn.Initializer
		warm bool
		gd   bool
	}
	jobs := []job{
		{fmt.Sprintf("SGD, Kaiming, η = %g", s.LR), nn.KaimingNormal, false, false},
		{fmt.Sprintf("SGD, Kaiming, warm-up (η = %g for %d steps)", s.WarmLR, s.WarmSteps), nn.KaimingNormal, true, false},
		{fmt.Sprintf("SGD, Xavier, η = %g", s.LR), nn.XavierNormal, false, false},
		{fmt.Sprintf("GD, Kaiming, η = %g", s.LR), nn.KaimingNormal, false, true},
	}
	every := max(s.Steps/400, 1)
	var gdU, gdV *mat.Dense
	runs, err := par.MapErr(len(jobs), func(i int) (WarmupRun, error) {
		j := jobs[i]
		p := net.Init(rand.New(rand.NewPCG(s.Seed, 2)), j.init)
		U, V := net.UV(p)
		obj := nn.NewObjective(net, x, y, nn.HalfSquaredError)
		rule := &optim.GD{LR: s.LR}
		r := WarmupRun{Name: j.name, DivergedAt: -1}
		var serr error
		obs := optim.ObserverFunc(func(st *optim.State) {
			if j.warm && st.Step < s.WarmSteps {
				rule.LR = s.WarmLR
			} else {
				rule.LR = s.LR
			}
			if st.Step%every != 0 && !st.Done {
				return
			}
			sh, err := noise.LinearSharpness(U, V, x, nn.HalfSquaredError)
			if err != nil {
				serr = err
			}
			nu, nv := mat.Norm(U, 2), mat.Norm(V, 2)
			r.Step = append(r.Step, st.Step)
			r.Sharpness = append(r.Sharpness, sh)
			r.Charge = append(r.Charge, nu*nu-nv*nv)
			r.Loss = append(r.Loss, st.Loss)
		})
		bs := s.BatchSize
		if j.gd {
			bs = s.Samples
		}
		_, err := optim.RunBatch(obj.Batch, s.Samples, p.Vec(), rule, optim.BatchSettings{
			BatchSize: bs, Steps: s.Steps, Rand: rand.New(rand.NewPCG(s.Seed, 3)), Observers: []optim.Observer{obs}})
		var nf *optim.NonFiniteError
		switch {
		case errors.As(err, &nf):
			r.Err, r.DivergedAt = err.Error(), nf.Step
		case err != nil:
			return r, err
		}
		if j.gd {
			gdU, gdV = mat.DenseCopyOf(U), mat.DenseCopyOf(V)
		}
		return r, serr
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: Warmup: %w", err)
	}
	res := &WarmupResult{Settings: s, Runs: runs}
	b, err := noise.LinearBalance(gdU, gdV, x, y, nn.HalfSquaredError, noise.SGD{LR: s.LR, BatchSize: s.BatchSize})
	if err != nil {
		return nil, err
	}
	Us, Vs, err := b.Equilibrate(gdU, gdV)
	if err != nil {
		return nil, err
	}
	if res.EquilibriumSharpness, err = noise.LinearSharpness(Us, Vs, x, nn.HalfSquaredError); err != nil {
		return nil, err
	}
	res.GDSharpness, err = noise.LinearSharpness(gdU, gdV, x, nn.HalfSquaredError)
	return res, err
}

// Plot returns Fig. 4: the sharpness along each run (log scale; a diverged
// run stops where it diverged), with the equilibrium's.
func (r *WarmupResult) Plot() (*plot.Plot, error) {
	var ss []show.Series
	for _, run := range r.Runs {
		ss = append(ss, show.Series{Name: run.Name, X: ints(run.Step), Y: run.Sharpness})
	}
	last := float64(r.Settings.Steps)
	ss = append(ss, show.Series{Name: "noise equilibrium", X: []float64{0, last}, Y: []float64{r.EquilibriumSharpness, r.EquilibriumSharpness}})
	p, err := show.Lines(show.Axes{Title: "sharpness S = Tr H along training", X: "step", Y: "Tr H", LogY: true}, ss...)
	if err != nil {
		return nil, err
	}
	for _, run := range r.Runs {
		if run.DivergedAt >= 0 {
			n := len(run.Step) - 1
			name := fmt.Sprintf("diverged at step %d", run.DivergedAt)
			if err := show.Points(p, show.Series{Name: name, X: []float64{float64(run.DivergedAt)}, Y: run.Sharpness[n:]}); err != nil {
				return nil, err
			}
		}
	}
	p.Legend.YOffs = -0.4 * vg.Inch // below GD's line, above the flat runs
	return p, nil
}

// Table lists each run's fate and its sharpness at the start, at the end
// of the warm-up and at the end.
func (r *WarmupResult) Table() show.Table {
	t := show.Table{Caption: "Fig. 4: sharpness S = Tr ∇²L and charge q = ‖u‖² − ‖w‖² (NaN: the run had diverged)",
		Header: []string{"run", "outcome", "S at 0", fmt.Sprintf("S at %d", r.Settings.WarmSteps), "S at the end", "q at 0", "q at the end"}, Format: "%.4g"}
	for _, run := range r.Runs {
		out := "ran to the end"
		if run.Err != "" {
			out = run.Err
		}
		n := len(run.Step)
		mid := math.NaN()
		for i, k := range run.Step {
			if k <= r.Settings.WarmSteps {
				mid = run.Sharpness[i]
			}
		}
		if run.DivergedAt >= 0 && run.DivergedAt < r.Settings.WarmSteps {
			mid = math.NaN()
		}
		end, qend := run.Sharpness[n-1], run.Charge[n-1]
		if run.DivergedAt >= 0 {
			end, qend = math.NaN(), math.NaN()
		}
		t.AddRow(run.Name, out, run.Sharpness[0], mid, end, run.Charge[0], qend)
	}
	t.AddRow("noise equilibrium on GD's orbit", "", "", "", r.EquilibriumSharpness, "", "")
	return t
}

// Run returns the run whose name starts with prefix, or nil.
func (r *WarmupResult) Run(prefix string) *WarmupRun {
	for i := range r.Runs {
		if len(r.Runs[i].Name) >= len(prefix) && r.Runs[i].Name[:len(prefix)] == prefix {
			return &r.Runs[i]
		}
	}
	return nil
}

// Notebook16Table is the closing table of notebook 16.
func Notebook16Table(r *WarmupResult) show.Table {
	t := show.Table{
		Caption: "Notebook 16, measured beside the reference. Asserted by TestWarmup: go test ./lib/repro/ziyin2024 -run Warmup",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	s := r.Settings
	k := r.Runs[0]
	t.AddRow(fmt.Sprintf("SGD from Kaiming's init at constant η = %g", s.LR), fmt.Sprintf("diverges at step %d", k.DivergedAt), "diverges", "paper (Fig. 4)")
	w := r.Runs[1]
	t.AddRow(fmt.Sprintf("with warm-up (η = %g for %d steps)", s.WarmLR, s.WarmSteps), fmt.Sprintf("stable, S %.0f → %.1f", w.Sharpness[0], w.Sharpness[len(w.Sharpness)-1]), "stable, S falls", "paper (Fig. 4)")
	x := r.Runs[2]
	t.AddRow("SGD from Xavier's init, S at the end", fmt.Sprintf("%.1f", x.Sharpness[len(x.Sharpness)-1]), "flat from the start", "paper (Fig. 4)")
	g := r.Runs[3]
	t.AddRow("GD from Kaiming's init, S at the end", fmt.Sprintf("%.0f", g.Sharpness[len(g.Sharpness)-1]), "stays sharp", "paper (Fig. 4)")
	t.AddRow("S at the noise equilibrium on GD's orbit", fmt.Sprintf("%.1f", r.EquilibriumSharpness), fmt.Sprintf("SGD ends at %.1f (+O(η))", w.Sharpness[len(w.Sharpness)-1]), "derived")
	return t
}

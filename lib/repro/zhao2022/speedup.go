// Package zhao2022 reproduces symmetry teleportation: Zhao, Dehmamy,
// Walters, Yu, "Symmetry Teleportation for Accelerated Optimization"
// (NeurIPS 2022), and its follow-up Zhao, Gower, Walters, Yu, "Improving
// Convergence and Generalization Using Parameter Symmetries" (ICLR 2024):
// one function per claim, each with a Settings struct whose zero value is the
// paper's setting where the paper has one (else ours, documented on the
// struct), a fast preset for the tests and a typed result (see package
// repro). The teleport itself is package teleport.
//
//	speedup.go    19  teleporting to a larger gradient norm speeds up GD (the MLP regression of the NeurIPS paper)
//	sharpness.go  19  teleporting to change sharpness, and the test error after (Fashion-MNIST)
package zhao2022

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/stats"
	"github.com/noetherlab/noether/lib/teleport"
)

// SpeedupSettings set up Speedup. The zero value is the NeurIPS paper's
// multi-layer regression (its multi_layer_regression.py): widths 5 → 6 → 7 → 8
// without biases, 4 samples, inputs, targets and weights drawn from U[0, 1),
// loss ½‖Y − f(X)‖², GD at η = 10⁻⁴ for 300 steps, one teleport of 8 ascent
// steps after step 5; and 10 seeds (the paper has 5).
type SpeedupSettings struct {
	Steps      int     // GD steps; 0 means 300
	LR         float64 // η for ½‖Y − f‖²; 0 means 1e-4
	TeleportAt int     // the teleport comes after this many GD steps; 0 means 5
	TeleSteps  int     // ascent steps of the teleport; 0 means 8
	StepSize   float64 // teleport.Settings.StepSize; 0 means 0.2
	// Targets are the losses to reach, as fractions of the loss at step 0;
	// nil means 3e-2, 1e-2, 3e-3, 1e-3.
	Targets []float64
	Seeds   int // 0 means 10
}

// Fast returns the preset of the tests, which is the full setting: the
// 40 runs of 300 steps take about 0.1 s.
func (s SpeedupSettings) Fast() SpeedupSettings { return s }

func (s SpeedupSettings) withDefaults() SpeedupSettings {
	if s.Steps == 0 {
		s.Steps = 300
	}
	if s.LR == 0 {
		s.LR = 1e-4
	}
	if s.TeleportAt == 0 {
		s.TeleportAt = 5
	}
	if s.TeleSteps == 0 {
		s.TeleSteps = 8
	}
	if s.StepSize == 0 {
		s.StepSize = 0.2
	}
	if s.Targets == nil {
		s.Targets = []float64{3e-2, 1e-2, 3e-3, 1e-3}
	}
	if s.Seeds == 0 {
		s.Seeds = 10
	}
	return s
}

// SpeedupCase is one network of Speedup: every seed trained with and
// without the teleport.
type SpeedupCase struct {
	Name  string // "linear, GL(h)", "LeakyReLU(0.1), rescaling" or "LeakyReLU(0.1), nonlinear action"
	Group teleport.Group
	// Loss[k] and LossTele[k] are the loss at step k averaged over seeds
	// (geometric mean), without and with the teleport.
	Loss, LossTele []float64
	// Per seed: the teleport's cost in gradient evaluations, ‖∇L‖² before
	// and after it, and |ΔL|/L across it.
	Cost                  []int
	GradBefore, GradAfter []float64
	LossChange            []float64
	// Per target (index of Settings.Targets), per seed: the steps to
	// reach it without and with the teleport (Steps+1 when it is not
	// reached) and the wall time to it (seconds, the teleport's included).
	Steps, StepsTele     [][]int
	Seconds, SecondsTele [][]float64
	// Per target: steps saved, gradient evaluations saved (the teleport's
	// cost counted) and seconds saved, over seeds.
	Gain, GainCost, GainTime []stats.Interval
}

// SpeedupResult holds Speedup's two networks.
type SpeedupResult struct {
	Settings SpeedupSettings
	Cases    []SpeedupCase
}

// SpeedupProblem returns the network, the objective ½‖Y − f(X)‖² (as
// nn.SquaredError, which is twice it: Speedup halves the learning rate) and
// the initial parameters of one seed of Speedup, for act nn.Linear or
// nn.LeakyReLU(0.1).
func SpeedupProblem(act nn.Activation, seed int) (nn.MLP, *nn.Objective, []float64) {
	net, obj, theta, _ := speedupProblem(act, seed)
	return net, obj, theta
}

// speedupProblem is SpeedupProblem with the inputs X (5×4) as well.
func speedupProblem(act nn.Activation, seed int) (nn.MLP, *nn.Objective, []float64, *mat.Dense) {
	rng := rand.New(rand.NewPCG(uint64(seed), 2022))
	net := nn.MLP{Sizes: []int{5, 6, 7, 8}, Act: act, NoBias: true}
	x, y := mat.NewDense(5, 4, nil), mat.NewDense(8, 4, nil)
	uniform := func(m *mat.Dense) {
		r, c := m.Dims()
		for i := range r {
			for j := range c {
				m.Set(i, j, rng.Float64())
			}
		}
	}
	uniform(x)
	uniform(y)
	p := net.Params()
	for i := range p.Vec() {
		p.Vec()[i] = rng.Float64()
	}
	return net, nn.NewObjective(net, x, y, nn.SquaredError), p.Vec(), x
}

// Speedup measures symmetry teleportation's speed-up of gradient descent
// (Zhao et al. 2022, Sec. 5 and Fig. 4's MLP): each seed's network is trained
// by GD from the same start twice, once plainly and once with a teleport
// after TeleportAt steps that maximises ‖∇L‖² on the orbit (package teleport:
// exact GL(h) for the linear network; for LeakyReLU(0.1) the rescalings,
// exact for every input, and the paper's data-dependent nonlinear action of
// GL(h), exact on these 4 ≤ h samples, whose ascent direction takes central
// differences along all 6² + 7² directions). The loss is unchanged by the
// teleport; what changes is how fast GD goes from there. The steps to reach
// Target × L(θ₀), the same count with the teleport's cost added (in gradient
// evaluations), and the wall time are compared seed by seed.
func Speedup(s SpeedupSettings) (*SpeedupResult, error) {
	s = s.withDefaults()
	if s.Steps <= 0 || !(s.LR > 0) || s.TeleportAt < 0 || s.TeleportAt >= s.Steps || s.TeleSteps <= 0 || len(s.Targets) == 0 || s.Seeds <= 0 {
		return nil, fmt.Errorf("zhao2022: Speedup: invalid settings %+v", s)
	}
	res := &SpeedupResult{Settings: s}
	for _, c := range []struct {
		name  string
		act   nn.Activation
		group teleport.Group
	}{
		{"linear, GL(h)", nn.Linear, teleport.GL},
		{"LeakyReLU(0.1), rescaling", nn.LeakyReLU(0.1), teleport.Rescale},
		{"LeakyReLU(0.1), nonlinear action", nn.LeakyReLU(0.1), teleport.Nonlinear},
	} {
		nt := len(s.Targets)
		sc := SpeedupCase{Name: c.name, Group: c.group, Loss: make([]float64, s.Steps+1), LossTele: make([]float64, s.Steps+1),
			Steps: make([][]int, nt), StepsTele: make([][]int, nt), Seconds: make([][]float64, nt), SecondsTele: make([][]float64, nt)}
		for seed := range s.Seeds {
			net, obj, theta0, x := speedupProblem(c.act, seed)
			l0 := obj.Func(theta0, nil)
			for _, tele := range []bool{false, true} {
				theta := append([]float64(nil), theta0...)
				var losses []float64
				reached := make([]int, nt)
				secs := make([]float64, nt)
				for i := range reached {
					reached[i] = -1
				}
				t0 := time.Now()
				obs := optim.ObserverFunc(func(st *optim.State) {
					if len(losses) == s.TeleportAt+1 && st.Step == 0 {
						return // the state after the last step before the teleport, seen again
					}
					losses = append(losses, st.Loss)
					for i, tg := range s.Targets {
						if reached[i] < 0 && st.Loss <= tg*l0 {
							reached[i] = len(losses) - 1
							secs[i] = time.Since(t0).Seconds()
						}
					}
				})
				rule := &optim.GD{LR: s.LR / 2}
				if _, err := optim.Run(obj.Func, theta, rule, optim.Settings{Steps: s.TeleportAt, Observers: []optim.Observer{obs}}); err != nil {
					return nil, fmt.Errorf("zhao2022: Speedup: %w", err)
				}
				if tele {
					r, err := teleport.Teleport(obj, net, theta, teleport.Settings{Group: c.group, Steps: s.TeleSteps, StepSize: s.StepSize, Inputs: x})
					if err != nil {
						return nil, fmt.Errorf("zhao2022: Speedup: %w", err)
					}
					sc.Cost = append(sc.Cost, r.Cost)
					sc.GradBefore = append(sc.GradBefore, r.Before)
					sc.GradAfter = append(sc.GradAfter, r.After)
					sc.LossChange = append(sc.LossChange, math.Abs(r.LossAfter-r.LossBefore)/r.LossBefore)
				}
				if _, err := optim.Run(obj.Func, theta, rule, optim.Settings{Steps: s.Steps - s.TeleportAt, Observers: []optim.Observer{obs}}); err != nil {
					return nil, fmt.Errorf("zhao2022: Speedup: %w", err)
				}
				for i := range reached {
					if reached[i] < 0 {
						reached[i], secs[i] = s.Steps+1, time.Since(t0).Seconds()
					}
				}
				dst := sc.Loss
				if tele {
					dst = sc.LossTele
				}
				for k := range dst {
					dst[k] += math.Log(losses[k]) / float64(s.Seeds)
				}
				for i := range reached {
					if tele {
						sc.StepsTele[i] = append(sc.StepsTele[i], reached[i])
						sc.SecondsTele[i] = append(sc.SecondsTele[i], secs[i])
					} else {
						sc.Steps[i] = append(sc.Steps[i], reached[i])
						sc.Seconds[i] = append(sc.Seconds[i], secs[i])
					}
				}
			}
		}
		for k := range sc.Loss {
			sc.Loss[k], sc.LossTele[k] = math.Exp(sc.Loss[k]), math.Exp(sc.LossTele[k])
		}
		for i := range s.Targets {
			var gain, gainCost, gainTime []float64
			for seed := range s.Seeds {
				d := float64(sc.Steps[i][seed] - sc.StepsTele[i][seed])
				gain = append(gain, d)
				gainCost = append(gainCost, d-float64(sc.Cost[seed]))
				gainTime = append(gainTime, sc.Seconds[i][seed]-sc.SecondsTele[i][seed])
			}
			sc.Gain = append(sc.Gain, stats.MeanCI(gain))
			sc.GainCost = append(sc.GainCost, stats.MeanCI(gainCost))
			sc.GainTime = append(sc.GainTime, stats.MeanCI(gainTime))
		}
		res.Cases = append(res.Cases, sc)
	}
	return res, nil
}

// Plot returns the loss curves (geometric means over seeds), with and
// without the teleport, for both networks.
func (r *SpeedupResult) Plot() (*plot.Plot, error) {
	var ss []show.Series
	plain := map[string]bool{}
	for _, c := range r.Cases {
		// Cases of one activation share the network and plain GD's curve.
		act, _, _ := strings.Cut(c.Name, ",")
		if !plain[act] {
			plain[act] = true
			ss = append(ss, show.Series{Name: act + ", GD", Y: c.Loss})
		}
		ss = append(ss, show.Series{Name: c.Name + ", GD + teleport", Y: c.LossTele})
	}
	return show.Lines(show.Axes{Title: fmt.Sprintf("GD with a teleport after step %d (mean of %d seeds)", r.Settings.TeleportAt, r.Settings.Seeds), X: "step", Y: "loss ½‖Y − f‖²", LogY: true}, ss...)
}

// Table lists, per network and target, the steps to the target with and
// without the teleport, the steps saved, the gradient evaluations saved
// (the teleport's cost counted) and the wall time saved, with 95% intervals
// over seeds. A run that does not reach the target counts Steps + 1.
func (r *SpeedupResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("steps to reach a fraction of the initial loss, mean [95%% interval] over %d seeds (%d steps at most)", r.Settings.Seeds, r.Settings.Steps),
		Header: []string{"network", "target", "GD", "GD + teleport", "steps saved", "saved, teleport's cost counted", "ms saved"}}
	for _, c := range r.Cases {
		for i, tg := range r.Settings.Targets {
			ms := c.GainTime[i]
			t.AddRow(c.Name, fmt.Sprintf("%g L₀", tg), stats.MeanCI(ints(c.Steps[i])).Sig(3), stats.MeanCI(ints(c.StepsTele[i])).Sig(3),
				c.Gain[i].Sig(3), c.GainCost[i].Sig(3), fmt.Sprintf("%.2f [%.2f, %.2f]", 1e3*ms.Mean, 1e3*ms.Lo, 1e3*ms.Hi))
		}
	}
	return t
}

// TeleportTable lists the teleport itself: its cost, and how much it
// raised ‖∇L‖² and changed the loss.
func (r *SpeedupResult) TeleportTable() show.Table {
	t := show.Table{Caption: fmt.Sprintf("the teleport after step %d (%d ascent steps), over %d seeds", r.Settings.TeleportAt, r.Settings.TeleSteps, r.Settings.Seeds),
		Header: []string{"network", "cost (gradient evaluations)", "‖∇L‖² after / before", "largest |ΔL|/L"}}
	for _, c := range r.Cases {
		ratio := make([]float64, len(c.GradAfter))
		for i := range ratio {
			ratio[i] = c.GradAfter[i] / c.GradBefore[i]
		}
		t.AddRow(c.Name, stats.MeanCI(ints(c.Cost)).Sig(3), stats.MeanCI(ratio).Sig(3), fmt.Sprintf("%.1e", floats.Max(c.LossChange)))
	}
	return t
}

func ints(x []int) []float64 {
	f := make([]float64, len(x))
	for i, v := range x {
		f[i] = float64(v)
	}
	return f
}

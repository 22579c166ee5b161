package zhao2022

// Notebook 19, second half: teleporting to change sharpness (Zhao, Gower,
// Walters, Yu, ICLR 2024, Sec. 5 and Fig. 4), and what it does to the test
// error after training continues.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/stats"
	"github.com/noetherlab/noether/lib/teleport"
)

// SharpnessSettings set up Sharpness. The network, optimiser and batch
// size are the official code's for (Fashion-)MNIST (teleport_sharpness_
// curvature.py: MLP 784 → 16 → 10 → 10 without biases, LeakyReLU(0.1), SGD at
// η = 10⁻², batch 20, cross-entropy); the data are a subset and the epochs
// fewer, so that six seeds run in under a minute on two cores.
type SharpnessSettings struct {
	Train, Test int // samples of Fashion-MNIST's train and test splits; 0 means 4000 each
	// Curvature is the number of training samples on which λ_max is
	// measured and teleported; 0 means 500.
	Curvature  int
	LR         float64 // 0 means 1e-2
	BatchSize  int     // 0 means 20
	PreEpochs  int     // epochs before the teleport; 0 means 10
	PostEpochs int     // epochs after it; 0 means 10
	TeleSteps  int     // ascent steps of each teleport; 0 means 10
	// MaxRatio caps the teleport up: it stops once λ_max exceeds MaxRatio
	// times its value before; 0 means 4.
	MaxRatio float64
	Seeds    int // 0 means 6
	// Dir is the Fashion-MNIST directory ("" = data.FashionMNIST's default).
	Dir string
}

// Fast returns the preset of the tests: 3 seeds, 2000 samples of each
// split.
func (s SharpnessSettings) Fast() SharpnessSettings {
	s.Seeds, s.Train, s.Test = 3, 2000, 2000
	return s
}

func (s SharpnessSettings) withDefaults() SharpnessSettings {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Train, 4000)
	def(&s.Test, 4000)
	def(&s.Curvature, 500)
	def(&s.BatchSize, 20)
	def(&s.PreEpochs, 10)
	def(&s.PostEpochs, 10)
	def(&s.TeleSteps, 10)
	def(&s.Seeds, 6)
	if s.LR == 0 {
		s.LR = 1e-2
	}
	if s.MaxRatio == 0 {
		s.MaxRatio = 4
	}
	return s
}

// SharpnessBranch is one way of continuing from the pre-trained network:
// "SGD" (no teleport), "teleport up" or "teleport down".
type SharpnessBranch struct {
	Name string
	// Per seed: λ_max right after the teleport (the pre-trained value for
	// SGD), λ_max and the test error at the end, the teleport's cost in
	// gradient evaluations and |ΔL|/L across it on the curvature batch.
	LambdaAfter, LambdaEnd, TestError []float64
	Cost                              []int
	LossChange                        []float64
	// Per seed and epoch after the teleport: the test error.
	Curve [][]float64
	// DError and DLambdaEnd are the differences from the SGD branch, seed
	// by seed (zero intervals for SGD itself).
	DError, DLambdaEnd stats.Interval
}

// SharpnessResult holds Sharpness's three branches.
type SharpnessResult struct {
	Settings SharpnessSettings
	// LambdaBefore is λ_max of each seed's pre-trained network, and
	// TestBefore its test error.
	LambdaBefore, TestBefore []float64
	Branches                 []SharpnessBranch
}

// Sharpness pre-trains the MLP by SGD for PreEpochs, then continues for
// PostEpochs three ways from the same point: plainly; after a teleport that
// raises the top Hessian eigenvalue λ_max of the training loss; after one
// that lowers it (package teleport, exact rescaling of the LeakyReLU hidden
// units, λ_max on Curvature training samples by Lanczos). The teleport does
// not change the function, so the test error right after it is the same;
// any difference at the end comes from how SGD continues from a sharper or
// flatter point of the same orbit.
func Sharpness(s SharpnessSettings) (*SharpnessResult, error) {
	s = s.withDefaults()
	if s.Train <= 0 || s.Test <= 0 || s.Curvature <= 0 || s.Curvature > s.Train || !(s.LR > 0) || s.BatchSize <= 0 ||
		s.PreEpochs <= 0 || s.PostEpochs <= 0 || s.TeleSteps <= 0 || !(s.MaxRatio > 1) || s.Seeds <= 0 {
		return nil, fmt.Errorf("zhao2022: Sharpness: invalid settings %+v", s)
	}
	train, err := data.FashionMNIST(data.Train, &data.Settings{Dir: s.Dir, Limit: s.Train})
	if err != nil {
		return nil, fmt.Errorf("zhao2022: Sharpness: %w", err)
	}
	test, err := data.FashionMNIST(data.Test, &data.Settings{Dir: s.Dir, Limit: s.Test})
	if err != nil {
		return nil, fmt.Errorf("zhao2022: Sharpness: %w", err)
	}
	net := nn.MLP{Sizes: []int{784, 16, 10, 10}, Act: nn.LeakyReLU(0.1), NoBias: true}
	labels := func(set *data.Set, n int) *mat.Dense {
		y := mat.NewDense(n, 1, nil)
		for i := range n {
			y.Set(i, 0, float64(set.Labels[i]))
		}
		return y
	}
	curvX := train.X.Slice(0, s.Curvature, 0, 784).(*mat.Dense)
	// The test set is evaluated 31 times a seed: turned into columns once,
	// not at every evaluation (the small MLP takes it whole).
	testX := data.Columns(test.X)
	names := []string{"SGD", "teleport up", "teleport down"}
	type seedOut struct {
		lamBefore, testBefore                 float64
		lamAfter, lamEnd, testErr, lossChange [3]float64
		cost                                  [3]int
		curve                                 [3][]float64
	}
	outs, err := par.MapErr(s.Seeds, func(seed int) (seedOut, error) {
		var o seedOut
		obj := nn.NewObjectiveRows(net, train.X, labels(train, s.Train), nn.CrossEntropy)
		curv := nn.NewObjectiveRows(net, curvX, labels(train, s.Curvature), nn.CrossEntropy)
		// PyTorch's default for nn.Linear, as the official init_param_MLP:
		// W_ij ~ U(−1/√fan_in, 1/√fan_in).
		rng := rand.New(rand.NewPCG(uint64(seed), 19))
		p := net.Params()
		W, _ := net.Layers(p)
		for _, w := range W {
			_, in := w.Dims()
			nn.Uniform(1/math.Sqrt(float64(in)))(rng, w)
		}
		testErr := func(theta []float64) float64 {
			q := net.Params()
			q.Bind(theta)
			return 1 - nn.Accuracy(nn.Predict(net, q, testX), test.Labels)
		}
		lambda := func(theta []float64) float64 {
			e := hessian.Lanczos(hessian.NewExact(curv, theta), 1, hessian.LanczosSettings{MaxSteps: 30, Tol: 1e-6})
			return e.Values[0]
		}
		sgd := func(theta []float64, epochs int, rngSeed uint64, each func()) error {
			for range epochs {
				if _, err := optim.RunBatch(obj.Batch, s.Train, theta, &optim.GD{LR: s.LR}, optim.BatchSettings{
					BatchSize: s.BatchSize, Epochs: 1, Rand: rand.New(rand.NewPCG(uint64(seed), rngSeed))}); err != nil {
					return err
				}
				rngSeed++
				if each != nil {
					each()
				}
			}
			return nil
		}
		theta0 := p.Vec()
		if err := sgd(theta0, s.PreEpochs, 1000, nil); err != nil {
			return o, err
		}
		o.lamBefore, o.testBefore = lambda(theta0), testErr(theta0)
		for b := range names {
			theta := append([]float64(nil), theta0...)
			o.lamAfter[b] = o.lamBefore
			if b > 0 {
				ts := teleport.Settings{Group: teleport.Rescale, Target: teleport.SharpnessUp, Steps: s.TeleSteps, StepSize: 0.2, MaxRatio: s.MaxRatio, LanczosSteps: 12}
				if b == 2 {
					ts.Target = teleport.SharpnessDown
				}
				r, err := teleport.Teleport(curv, net, theta, ts)
				if err != nil {
					return o, err
				}
				o.cost[b] = r.Cost
				o.lossChange[b] = math.Abs(r.LossAfter-r.LossBefore) / r.LossBefore
				o.lamAfter[b] = lambda(theta)
			}
			// The same minibatch order in every branch: only the starting
			// point on the orbit differs.
			if err := sgd(theta, s.PostEpochs, 2000, func() { o.curve[b] = append(o.curve[b], testErr(theta)) }); err != nil {
				return o, fmt.Errorf("%s: %w", names[b], err)
			}
			o.lamEnd[b], o.testErr[b] = lambda(theta), o.curve[b][len(o.curve[b])-1]
		}
		return o, nil
	})
	if err != nil {
		return nil, fmt.Errorf("zhao2022: Sharpness: %w", err)
	}
	res := &SharpnessResult{Settings: s}
	for _, o := range outs {
		res.LambdaBefore = append(res.LambdaBefore, o.lamBefore)
		res.TestBefore = append(res.TestBefore, o.testBefore)
	}
	for b, name := range names {
		br := SharpnessBranch{Name: name}
		var de, dl []float64
		for _, o := range outs {
			br.LambdaAfter = append(br.LambdaAfter, o.lamAfter[b])
			br.LambdaEnd = append(br.LambdaEnd, o.lamEnd[b])
			br.TestError = append(br.TestError, o.testErr[b])
			br.Cost = append(br.Cost, o.cost[b])
			br.LossChange = append(br.LossChange, o.lossChange[b])
			br.Curve = append(br.Curve, o.curve[b])
			de = append(de, o.testErr[b]-o.testErr[0])
			dl = append(dl, o.lamEnd[b]-o.lamEnd[0])
		}
		br.DError, br.DLambdaEnd = stats.MeanCI(de), stats.MeanCI(dl)
		res.Branches = append(res.Branches, br)
	}
	return res, nil
}

// Plot returns the test error after the teleport, epoch by epoch, averaged
// over seeds, for the three branches.
func (r *SharpnessResult) Plot() (*plot.Plot, error) {
	var ss []show.Series
	for _, b := range r.Branches {
		n := len(b.Curve[0])
		x, y := make([]float64, n+1), make([]float64, n+1)
		for i := range n + 1 {
			x[i] = float64(r.Settings.PreEpochs + i)
			for s := range b.Curve {
				if i == 0 {
					y[i] += r.TestBefore[s] / float64(len(b.Curve))
				} else {
					y[i] += b.Curve[s][i-1] / float64(len(b.Curve))
				}
			}
		}
		ss = append(ss, show.Series{Name: b.Name, X: x, Y: y})
	}
	return show.Lines(show.Axes{Title: fmt.Sprintf("test error after the teleport (mean of %d seeds)", r.Settings.Seeds), X: "epoch", Y: "test error"}, ss...)
}

// Table lists, per branch, λ_max after the teleport and at the end, the
// test error at the end, and the differences from plain SGD with 95%
// intervals over seeds.
func (r *SharpnessResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("λ_max (on %d training samples) and test error (%d samples), mean [95%% interval] over %d seeds; before the teleport λ_max = %s, test error %s",
		r.Settings.Curvature, r.Settings.Test, r.Settings.Seeds, stats.MeanCI(r.LambdaBefore), stats.MeanCI(r.TestBefore)),
		Header: []string{"branch", "λ_max after teleport", "teleport cost (grads)", "λ_max at the end", "Δλ_max at the end vs SGD", "test error at the end", "Δ test error vs SGD"}}
	for _, b := range r.Branches {
		t.AddRow(b.Name, stats.MeanCI(b.LambdaAfter).Sig(3), stats.MeanCI(ints(b.Cost)).Sig(3), stats.MeanCI(b.LambdaEnd).Sig(3), b.DLambdaEnd.Sig(3),
			stats.MeanCI(b.TestError).Sig(3), b.DError.Sig(3))
	}
	return t
}

// Notebook19Table is the closing table of notebook 19: measured values
// beside the papers' claims (none of them prints a number for these
// settings) and the derived ones.
func Notebook19Table(sp *SpeedupResult, sh *SharpnessResult) show.Table {
	t := show.Table{
		Caption: "Notebook 19, measured beside the reference. Asserted by TestSpeedup and TestSharpness (go test ./lib/repro/zhao2022), TestTeleport, TestTeleportNonlinear and TestAlgebraGradient (go test ./lib/teleport)",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	var change float64
	for _, c := range sp.Cases {
		for _, v := range c.LossChange {
			change = math.Max(change, v)
		}
	}
	for _, b := range sh.Branches[1:] {
		for _, v := range b.LossChange {
			change = math.Max(change, v)
		}
	}
	t.AddRow("a teleport changes the loss by (largest |ΔL|/L)", fmt.Sprintf("%.1e", change), "0 up to rounding", "derived")
	for _, c := range sp.Cases {
		ratio := make([]float64, len(c.GradAfter))
		for i := range ratio {
			ratio[i] = c.GradAfter[i] / c.GradBefore[i]
		}
		t.AddRow(c.Name+": ‖∇L‖² after / before the teleport", stats.MeanCI(ratio).Sig(3), "larger", "paper (NeurIPS 2022)")
		i := 2 // the target 3e-3 L₀ of the default settings
		t.AddRow(fmt.Sprintf("%s: steps saved to %g L₀", c.Name, sp.Settings.Targets[i]), c.Gain[i].Sig(3), "fewer steps with the teleport", "paper (NeurIPS 2022, MLP figure)")
		t.AddRow(fmt.Sprintf("%s: saved to %g L₀, the teleport's %.4g gradient evaluations counted", c.Name, sp.Settings.Targets[i], stats.MeanCI(ints(c.Cost)).Mean), c.GainCost[i].Sig(3), "not reported", "—")
		t.AddRow(fmt.Sprintf("%s: saved to %g L₀, teleport's cost counted", c.Name, sp.Settings.Targets[0]), c.GainCost[0].Sig(3), "not reported", "—")
		ms := c.GainTime[i]
		t.AddRow(fmt.Sprintf("%s: wall time saved to %g L₀ (ms)", c.Name, sp.Settings.Targets[i]), fmt.Sprintf("%.2f [%.2f, %.2f]", 1e3*ms.Mean, 1e3*ms.Lo, 1e3*ms.Hi), "plotted by the official script, no number printed", "—")
	}
	up, down := sh.Branches[1], sh.Branches[2]
	t.AddRow("Fashion-MNIST MLP: λ_max before → after the teleport up", fmt.Sprintf("%s → %s", stats.MeanCI(sh.LambdaBefore), stats.MeanCI(up.LambdaAfter)), "sharpness can be raised", "paper (ICLR 2024, Fig. 4)")
	t.AddRow("… before → after the teleport down", fmt.Sprintf("%s → %s", stats.MeanCI(sh.LambdaBefore), stats.MeanCI(down.LambdaAfter)), "sharpness can be lowered", "paper (ICLR 2024, Fig. 4)")
	t.AddRow("… λ_max at the end, up minus plain SGD", up.DLambdaEnd.Sig(3), "not reported", "—")
	for _, b := range []SharpnessBranch{up, down} {
		verdict := "no effect detected"
		if b.DError.Excludes(0) {
			verdict = "an effect"
		}
		t.AddRow(fmt.Sprintf("… test error at the end, %s minus plain SGD", b.Name), fmt.Sprintf("%s (%s)", b.DError, verdict), "teleporting to a different curvature changes generalisation", "paper (ICLR 2024, abstract)")
	}
	return t
}

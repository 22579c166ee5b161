// Package kunin2024 reproduces the lazy-to-rich transition of Kunin,
// Raventós, Dominé, Chen, Klindt, Saxe, Ganguli, "Get rich quick: exact
// solutions reveal how unbalanced initializations promote rapid feature
// learning" (NeurIPS 2024, arXiv:2406.06158): the layer imbalance of each
// hidden unit, conserved by gradient flow, decides how far the network's
// tangent kernel and its features move. See package repro for the shape.
//
//	lazyrich.go  21  the imbalance swept at a fixed function: kernel movement, feature alignment, time to fit
package kunin2024

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// LazyRichSettings set up LazyRich. The paper's minimal model is the single
// neuron f(x) = a wᵀx; its sizes, data and imbalances are not the paper's
// (it states its results as exact solutions), but ours, chosen so that each
// flow takes well under a second.
type LazyRichSettings struct {
	Dim     int // input dimension d; 0 means 10
	Samples int // N; 0 means 100
	Hidden  int // units of the ReLU network; 0 means 20
	// Scale is the standard deviation s of the base draw: a_j ~ N(0, s²),
	// w_j ~ N(0, s²/d); 0 means 0.1 (small: the function starts near 0).
	Scale float64
	// Deltas is the sweep of the per-unit imbalance δ = a_j² − ‖w_j‖²;
	// nil means 0, ±0.01, ±0.1, ±1, ±10, ±100.
	Deltas []float64
	// T bounds the training time t = Σ η; 0 means 200. A run stops earlier
	// when the loss reaches Target times its initial value (0 means 1e-3).
	T, Target float64
	// LR sets the learning rate of gradient descent at imbalance δ,
	// η = LR/(1 + |δ|); 0 means 0.1.
	LR    float64
	Seeds int // base draws; 0 means 3
}

// Fast returns the preset of the tests: δ ∈ {−10, −1, 0, 1, 10}, 2 seeds.
func (s LazyRichSettings) Fast() LazyRichSettings {
	s.Deltas, s.Seeds = []float64{-10, -1, 0, 1, 10}, 2
	return s
}

func (s LazyRichSettings) withDefaults() LazyRichSettings {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&s.Dim, 10)
	def(&s.Samples, 100)
	def(&s.Hidden, 20)
	def(&s.Seeds, 3)
	if s.Scale == 0 {
		s.Scale = 0.1
	}
	if s.Deltas == nil {
		s.Deltas = []float64{-100, -10, -1, -0.1, -0.01, 0, 0.01, 0.1, 1, 10, 100}
	}
	if s.T == 0 {
		s.T = 200
	}
	if s.LR == 0 {
		s.LR = 0.1
	}
	if s.Target == 0 {
		s.Target = 1e-3
	}
	return s
}

// LazyRichPoint is one imbalance δ of one model, averaged over seeds.
type LazyRichPoint struct {
	Delta float64
	// KernelDistance is 1 − ⟨K₀, K_T⟩_F/(‖K₀‖_F‖K_T‖_F), how far the
	// tangent kernel on the training inputs turned between the start and
	// the end of the flow (0: lazy, the kernel did not change).
	KernelDistance float64
	// Alignment is the feature alignment at the end (see LazyRich), and
	// AlignmentStart at the start.
	Alignment, AlignmentStart float64
	// TimeToFit is the time t = Σ η at which the loss reached Target × L₀
	// (+Inf if it did not by T, for any seed), Loss the final loss over
	// L₀.
	TimeToFit, Loss float64
	// Function is the largest relative change of the outputs on the
	// training inputs made by moving to δ (rounding: the same function),
	// and DeltaDrift the largest |δ_j(T) − δ| over units (gradient flow
	// conserves it; gradient descent breaks it at O(η)).
	Function, DeltaDrift float64
}

// LazyRichModel is one model's sweep.
type LazyRichModel struct {
	Name   string
	Points []LazyRichPoint
	// Features are the learned first-layer features of the first seed,
	// one per point of the sweep.
	Features []LazyRichFeatures
}

// LazyRichFeatures are the hidden units of one trained network: for unit
// j, the cosines of w_j with the teacher directions β₁ (and β₂ for the ReLU
// teacher) at the start and at the end, and its contribution |a_j|‖w_j‖ at
// the end.
type LazyRichFeatures struct {
	Delta                float64
	Cos1, Cos2           []float64
	Cos1Start, Cos2Start []float64
	Contribution         []float64
}

// LazyRichResult holds the two models' sweeps.
type LazyRichResult struct {
	Settings LazyRichSettings
	Models   []LazyRichModel
}

// ToImbalance moves a two-layer network (U 1×h, V h×d; U σ(V X) with σ
// 1-homogeneous) along its rescaling orbit to per-unit imbalance δ: unit j
// is rescaled by c_j with
//
//	c_j² = (−δ + √(δ² + 4 a_j² ‖w_j‖²)) / (2‖w_j‖²),
//
// the positive root of ‖w_j‖² c⁴ + δ c² − a_j² = 0 (computed as
// 2a_j²/(δ + √(δ² + 4a_j²‖w_j‖²)) for δ > 0, free of cancellation), so that
// (a_j/c_j)² − c_j²‖w_j‖² = δ. The function is unchanged (sym.Rescale). It
// panics if a unit has w_j = 0.
func ToImbalance(delta float64, U, V mat.Matrix) (*mat.Dense, *mat.Dense) {
	h, _ := V.Dims()
	c := make([]float64, h)
	for j := range h {
		a := U.At(0, j)
		w2 := floats.Dot(mat.Row(nil, j, V), mat.Row(nil, j, V))
		if w2 == 0 {
			panic(fmt.Sprintf("kunin2024: ToImbalance: unit %d has zero incoming weights", j))
		}
		r := math.Sqrt(delta*delta + 4*a*a*w2)
		if delta > 0 {
			c[j] = math.Sqrt(2 * a * a / (delta + r)) // the same root, without cancellation
		} else {
			c[j] = math.Sqrt((r - delta) / (2 * w2))
		}
	}
	return sym.Rescale(c, U, V)
}

// Kernel returns the neural tangent kernel of f(x) = Σ_j a_j σ(w_jᵀx) on the
// samples X (d×N, columns),
//
//	K(x, x') = Σ_j σ(w_jᵀx) σ(w_jᵀx') + Σ_j a_j² σ′(w_jᵀx) σ′(w_jᵀx') xᵀx',
//
// the first sum from the gradient in a, the second from the gradient in w.
func Kernel(act nn.Activation, U, V, X mat.Matrix) *mat.SymDense {
	h, _ := V.Dims()
	_, n := X.Dims()
	var Z mat.Dense
	Z.Mul(V, X) // h×N
	var G mat.Dense
	G.Mul(X.T(), X)
	K := mat.NewSymDense(n, nil)
	s, d := make([]float64, n), make([]float64, n)
	for j := range h {
		a := U.At(0, j)
		for i := range n {
			s[i], d[i] = act.F(Z.At(j, i)), act.D(Z.At(j, i))
		}
		for p := range n {
			for q := p; q < n; q++ {
				K.SetSym(p, q, K.At(p, q)+s[p]*s[q]+a*a*d[p]*d[q]*G.At(p, q))
			}
		}
	}
	return K
}

// kernelDistance is 1 − ⟨A, B⟩_F/(‖A‖_F‖B‖_F).
func kernelDistance(A, B *mat.SymDense) float64 {
	n := A.SymmetricDim()
	var ab, aa, bb float64
	for i := range n {
		for j := range n {
			x, y := A.At(i, j), B.At(i, j)
			ab += x * y
			aa += x * x
			bb += y * y
		}
	}
	return 1 - ab/math.Sqrt(aa*bb)
}

// alignment is the feature alignment of a network with the teacher
// directions: Σ_j |a_j|‖w_j‖ max_k |cos(w_j, β_k)| / Σ_j |a_j|‖w_j‖, the
// cosine of each unit's weights with its nearest teacher direction, weighted
// by the unit's contribution to the output; 1 when every unit that matters
// points along a teacher direction.
func alignment(U, V mat.Matrix, teachers [][]float64) float64 {
	h, _ := V.Dims()
	var num, den float64
	for j := range h {
		w := mat.Row(nil, j, V)
		nw := floats.Norm(w, 2)
		if nw == 0 {
			continue
		}
		best := 0.0
		for _, b := range teachers {
			best = math.Max(best, math.Abs(floats.Dot(w, b))/(nw*floats.Norm(b, 2)))
		}
		wt := math.Abs(U.At(0, j)) * nw
		num += wt * best
		den += wt
	}
	return num / den
}

// LazyRich sweeps the per-unit layer imbalance δ_j = a_j² − ‖w_j‖² of two
// networks f(x) = Σ_j a_j σ(w_jᵀx) at a FIXED initial function, and trains
// each by gradient descent with a small step (time t = Σ η, close to gradient
// flow) on ½ mean (f(x) − y)², x ~ N(0, I_d):
//
//	"single neuron, linear"  h = 1, σ(x) = x, the paper's minimal model; y = βᵀx, ‖β‖ = 1
//	"two-layer ReLU"         h = Hidden, σ = ReLU; y = relu(β₁ᵀx) + relu(β₂ᵀx), β₁ ⟂ β₂ unit vectors
//
// For each seed a base network is drawn small (Scale); ToImbalance moves it
// along its rescaling orbit to each δ without changing its outputs, so every
// point of the sweep starts as the same function and differs only in the
// conserved quantity. Measured at the end of each flow, and averaged over
// seeds: the kernel distance (how far the tangent kernel moved), the
// alignment of the first-layer weights with the teacher directions, the time
// to fit, and, as checks, the function's change by the move and δ's drift.
func LazyRich(s LazyRichSettings) (*LazyRichResult, error) {
	s = s.withDefaults()
	if s.Dim < 2 || s.Samples <= 0 || s.Hidden <= 0 || !(s.Scale > 0) || len(s.Deltas) == 0 || !(s.T > 0) || !(s.LR > 0) || !(s.Target > 0 && s.Target < 1) || s.Seeds <= 0 {
		return nil, fmt.Errorf("kunin2024: LazyRich: invalid settings %+v", s)
	}
	res := &LazyRichResult{Settings: s}
	for mi, m := range []struct {
		name string
		act  nn.Activation
		h    int
	}{
		{"single neuron, linear", nn.Linear, 1},
		{"two-layer ReLU", nn.ReLU, s.Hidden},
	} {
		type job struct{ seed, k int }
		var jobs []job
		for seed := range s.Seeds {
			for k := range s.Deltas {
				jobs = append(jobs, job{seed, k})
			}
		}
		type out struct {
			pt LazyRichPoint
			f  LazyRichFeatures
		}
		outs, err := par.MapErr(len(jobs), func(i int) (out, error) {
			pt, f, err := lazyRichRun(s, m.act, m.h, mi, jobs[i].seed, s.Deltas[jobs[i].k])
			return out{pt, f}, err
		})
		if err != nil {
			return nil, fmt.Errorf("kunin2024: LazyRich: %s: %w", m.name, err)
		}
		lm := LazyRichModel{Name: m.name}
		pts := make([]LazyRichPoint, len(outs))
		for i, o := range outs {
			pts[i] = o.pt
			if jobs[i].seed == 0 {
				lm.Features = append(lm.Features, o.f)
			}
		}
		for k, d := range s.Deltas {
			p := LazyRichPoint{Delta: d}
			var tf []float64
			for i, jb := range jobs {
				if jb.k != k {
					continue
				}
				q := pts[i]
				w := 1 / float64(s.Seeds)
				p.KernelDistance += w * q.KernelDistance
				p.Alignment += w * q.Alignment
				p.AlignmentStart += w * q.AlignmentStart
				p.Loss += w * q.Loss
				p.Function = math.Max(p.Function, q.Function)
				p.DeltaDrift = math.Max(p.DeltaDrift, q.DeltaDrift)
				tf = append(tf, q.TimeToFit)
			}
			p.TimeToFit = stat.Mean(tf, nil) // +Inf if any seed did not fit
			lm.Points = append(lm.Points, p)
		}
		res.Models = append(res.Models, lm)
	}
	return res, nil
}

// lazyRichProblem draws the data, the teacher directions and the base
// network of one seed for model mi.
func lazyRichProblem(s LazyRichSettings, act nn.Activation, h, mi, seed int) (net nn.TwoLayer, X, Y *mat.Dense, teachers [][]float64, p *nn.Params) {
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(2024+mi)))
	d, n := s.Dim, s.Samples
	X = mat.NewDense(d, n, nil)
	for i := range d {
		for k := range n {
			X.Set(i, k, rng.NormFloat64())
		}
	}
	b1 := make([]float64, d)
	for i := range b1 {
		b1[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(b1, 2), b1)
	teachers = [][]float64{b1}
	if mi == 1 {
		b2 := make([]float64, d)
		for i := range b2 {
			b2[i] = rng.NormFloat64()
		}
		floats.AddScaled(b2, -floats.Dot(b1, b2), b1)
		floats.Scale(1/floats.Norm(b2, 2), b2)
		teachers = append(teachers, b2)
	}
	Y = mat.NewDense(1, n, nil)
	for k := range n {
		x := mat.Col(nil, k, X)
		var y float64
		for _, b := range teachers {
			y += act.F(floats.Dot(b, x))
		}
		Y.Set(0, k, y)
	}
	net = nn.TwoLayer{In: d, Hidden: h, Out: 1, Act: act}
	p = net.Params()
	U, V := net.UV(p)
	for j := range h {
		U.Set(0, j, s.Scale*rng.NormFloat64())
		for i := range d {
			V.Set(j, i, s.Scale/math.Sqrt(float64(d))*rng.NormFloat64())
		}
	}
	return net, X, Y, teachers, p
}

func lazyRichRun(s LazyRichSettings, act nn.Activation, h, mi, seed int, delta float64) (LazyRichPoint, LazyRichFeatures, error) {
	net, X, Y, teachers, p := lazyRichProblem(s, act, h, mi, seed)
	U, V := net.UV(p)
	f0 := nn.Predict(net, p, X)
	nU, nV := ToImbalance(delta, U, V)
	U.Copy(nU)
	V.Copy(nV)
	pt := LazyRichPoint{Delta: delta, TimeToFit: math.Inf(1)}
	pt.Function = sym.RelDiff(f0, nn.Predict(net, p, X))
	K0 := Kernel(act, U, V, X)
	pt.AlignmentStart = alignment(U, V, teachers)
	feat := LazyRichFeatures{Delta: delta}
	feat.Cos1Start, feat.Cos2Start, _ = unitCosines(U, V, teachers)
	obj := nn.NewObjective(net, X, Y, nn.HalfSquaredError)
	l0 := obj.Func(p.Vec(), nil)
	obs := optim.ObserverFunc(func(st *optim.State) {
		if math.IsInf(pt.TimeToFit, 1) && st.Loss <= s.Target*l0 {
			pt.TimeToFit = st.Time
		}
	})
	// Gradient descent with a step small against the sharpness, which grows
	// with |δ| (the larger layer sets it): time t = kη follows the flow up
	// to O(η), and δ drifts by O(η) (GD breaks the law at second order).
	lr := s.LR / (1 + math.Abs(delta))
	if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: lr}, optim.Settings{Steps: int(math.Ceil(s.T / lr)), LossTol: s.Target * l0 * 0.999, Observers: []optim.Observer{obs}}); err != nil {
		return pt, feat, fmt.Errorf("δ = %g, seed %d: %w", delta, seed, err)
	}
	pt.Loss = obj.Func(p.Vec(), nil) / l0
	pt.KernelDistance = kernelDistance(K0, Kernel(act, U, V, X))
	pt.Alignment = alignment(U, V, teachers)
	feat.Cos1, feat.Cos2, feat.Contribution = unitCosines(U, V, teachers)
	q := conserved.Neurons(nil, 1, U, V, nil)
	for _, v := range q {
		pt.DeltaDrift = math.Max(pt.DeltaDrift, math.Abs(v-delta))
	}
	return pt, feat, nil
}

// unitCosines returns, per hidden unit, cos(w_j, β₁), cos(w_j, β₂) (nil
// with one teacher) and |a_j|‖w_j‖.
func unitCosines(U, V mat.Matrix, teachers [][]float64) (c1, c2, contrib []float64) {
	h, _ := V.Dims()
	for j := range h {
		w := mat.Row(nil, j, V)
		nw := floats.Norm(w, 2)
		c1 = append(c1, floats.Dot(w, teachers[0])/nw)
		if len(teachers) > 1 {
			c2 = append(c2, floats.Dot(w, teachers[1])/nw)
		}
		contrib = append(contrib, math.Abs(U.At(0, j))*nw)
	}
	return c1, c2, contrib
}

// FeaturesPlot returns the learned features of the ReLU network (first
// seed) at the imbalances deltas: each hidden unit's weights as the point
// (cos(w_j, β₁), cos(w_j, β₂)) at the start (grey) and at the end, the units
// that carry at least a tenth of the largest contribution |a_j|‖w_j‖ drawn
// apart. Rich learning moves the units that matter to (1, 0) and (0, 1),
// the two teacher directions.
func (r *LazyRichResult) FeaturesPlot(deltas ...float64) ([]*plot.Plot, error) {
	var out []*plot.Plot
	m := r.Models[len(r.Models)-1]
	for _, d := range deltas {
		var f *LazyRichFeatures
		for i := range m.Features {
			if m.Features[i].Delta == d {
				f = &m.Features[i]
			}
		}
		if f == nil {
			return nil, fmt.Errorf("kunin2024: FeaturesPlot: no δ = %g in the sweep", d)
		}
		big := floats.Max(f.Contribution) / 10
		var bx, by, sx, sy []float64
		for j := range f.Cos1 {
			if f.Contribution[j] >= big {
				bx, by = append(bx, f.Cos1[j]), append(by, f.Cos2[j])
			} else {
				sx, sy = append(sx, f.Cos1[j]), append(sy, f.Cos2[j])
			}
		}
		ss := []show.Series{{Name: "start", X: f.Cos1Start, Y: f.Cos2Start}, {Name: "end: units that matter", X: bx, Y: by}}
		if len(sx) > 0 {
			ss = append(ss, show.Series{Name: "end: the others", X: sx, Y: sy})
		}
		p, err := show.Scatter(show.Axes{Title: fmt.Sprintf("ReLU net, δ = %g", d), X: "cos(w_j, β₁)", Y: "cos(w_j, β₂)"}, ss...)
		if err != nil {
			return nil, err
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1, 1, -1, 1
		out = append(out, p)
	}
	return out, nil
}

// Plot returns the transition: kernel distance and feature alignment at the
// end against δ (symmetric-log axis), for both models.
func (r *LazyRichResult) Plot() (*plot.Plot, error) {
	var ss []show.Series
	for _, m := range r.Models {
		x, kd, al := make([]float64, len(m.Points)), make([]float64, len(m.Points)), make([]float64, len(m.Points))
		for i, p := range m.Points {
			x[i], kd[i], al[i] = p.Delta, p.KernelDistance, p.Alignment
		}
		ss = append(ss, show.Series{Name: m.Name + ": kernel distance", X: x, Y: kd})
		if m.Name != "single neuron, linear" {
			ss = append(ss, show.Series{Name: m.Name + ": feature alignment", X: x, Y: al})
		}
	}
	p, err := show.Lines(show.Axes{Title: "lazy or rich, at a fixed initial function", X: "imbalance δ = a² − ‖w‖² (← second layer faster · first layer faster →)", Y: "at the end of training"}, ss...)
	if err != nil {
		return nil, err
	}
	show.SetSymLog(&p.X, 0.01)
	p.Y.Min, p.Y.Max = 0, 1.3 // room for the legend above the curves
	return p, nil
}

// Table lists every point of both sweeps.
func (r *LazyRichResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("gradient descent from one function at every δ, mean over %d seeds (time to fit: to %g L₀)", r.Settings.Seeds, r.Settings.Target),
		Header: []string{"model", "δ", "kernel distance", "alignment start → end", "time to fit", "final L/L₀", "function change by the move", "δ drift"}}
	for _, m := range r.Models {
		for _, p := range m.Points {
			t.AddRow(m.Name, p.Delta, fmt.Sprintf("%.3f", p.KernelDistance), fmt.Sprintf("%.2f → %.2f", p.AlignmentStart, p.Alignment),
				fmt.Sprintf("%.3g", p.TimeToFit), fmt.Sprintf("%.1e", p.Loss), fmt.Sprintf("%.0e", p.Function), fmt.Sprintf("%.0e", p.DeltaDrift))
		}
	}
	return t
}

// Notebook21Table is the closing table of notebook 21: the measured
// transition beside the paper's qualitative claims.
func Notebook21Table(r *LazyRichResult) show.Table {
	t := show.Table{
		Caption: "Notebook 21, measured beside the reference. Asserted by TestLazyRich and TestToImbalance (go test ./lib/repro/kunin2024)",
		Header:  []string{"claim", "measured", "reference", "source"},
	}
	at := func(m int, d float64) *LazyRichPoint {
		for i := range r.Models[m].Points {
			if r.Models[m].Points[i].Delta == d {
				return &r.Models[m].Points[i]
			}
		}
		return &LazyRichPoint{Delta: d, KernelDistance: math.NaN(), Alignment: math.NaN(), TimeToFit: math.NaN()}
	}
	var fn, drift float64
	for _, m := range r.Models {
		for _, p := range m.Points {
			fn, drift = math.Max(fn, p.Function), math.Max(drift, p.DeltaDrift)
		}
	}
	t.AddRow("moving to any δ keeps the function (largest relative change)", fmt.Sprintf("%.0e", fn), "0 up to rounding", "derived")
	t.AddRow("δ = a² − ‖w‖² per unit is conserved (largest drift under GD)", fmt.Sprintf("%.0e", drift), "conserved by gradient flow (GD: O(η) drift)", "paper (abstract)")
	l0, lUp, lDown := at(0, 0), at(0, 10), at(0, -10)
	t.AddRow("linear neuron, δ = 10: kernel distance", fmt.Sprintf("%.1e", lUp.KernelDistance), "≈ 0: lazy, K ≈ a² XᵀX stays put", "derived")
	t.AddRow("linear neuron, kernel distance at δ = −10 / 0", fmt.Sprintf("%.2f / %.2f", lDown.KernelDistance, l0.KernelDistance), "the kernel turns with w", "derived")
	t.AddRow("linear neuron, time to fit at δ = −10 / 0 / 10", fmt.Sprintf("%.3g / %.3g / %.3g", lDown.TimeToFit, l0.TimeToFit, lUp.TimeToFit),
		"rapid feature learning only from balanced initialisations", "paper (abstract)")
	r0, rUp, rDown := at(1, 0), at(1, 10), at(1, -10)
	t.AddRow("ReLU net, δ = 10: alignment start → end, time to fit", fmt.Sprintf("%.2f → %.2f, %.3g", rUp.AlignmentStart, rUp.Alignment, rUp.TimeToFit),
		"unbalanced initialisations that make earlier layers learn faster accelerate rich learning", "paper (abstract)")
	t.AddRow("ReLU net, δ = 0: alignment, time to fit", fmt.Sprintf("%.2f, %.3g", r0.Alignment, r0.TimeToFit), "rich: the features align", "derived")
	t.AddRow("ReLU net, δ = −10: kernel distance, alignment", fmt.Sprintf("%.3f, %.2f", rDown.KernelDistance, rDown.Alignment), "≈ lazy: random features while a learns", "derived")
	return t
}

package pittorino2022

// Notebook 10: symmetry removal. A trained net and its canonical form
// compute the same function; a planted copy (hidden units permuted,
// rescaled, or sign-flipped) maps to the same canonical point; and a toy
// net's landscape, with rescalings removed, lives on a torus.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/classify"
	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// SymmetrySettings are the settings of Symmetry. The zero value trains
// each net for 4 epochs on all 60 000 training images.
type SymmetrySettings struct {
	Epochs int // 0 means 4
	Train  int // training images; 0 means all
}

// Fast returns the preset the tests run: 1 epoch on 10 000 images.
func (s SymmetrySettings) Fast() SymmetrySettings {
	s.Epochs, s.Train = 1, 10000
	return s
}

// SymmetryRow is the check of one activation.
type SymmetryRow struct {
	Act string
	// Removed says what Canonicalize removed: "rescaling" or "sign flips".
	Removed string
	// Scale is ρ, the last layer's norm divided out.
	Scale float64
	// Output is ‖ρ f_canonical − f‖_F / ‖f‖_F over the test logits.
	Output float64
	// TestErr and CanonTestErr are the test errors of the net and of its
	// canonical form; Flipped counts test images whose predicted class
	// differs between them.
	TestErr, CanonTestErr float64
	Flipped               int
	// Idempotent is the relative change of the canonical point when
	// canonicalised again.
	Idempotent float64
	// OnSphere is the largest |‖w_S‖ − 1| over the spheres.
	OnSphere float64
	// Spheres is the number of factors of the product (hidden units + 1).
	Spheres int
	// Planted is the relative distance between the raw parameters of the
	// net and of its planted copy; PlantedCanon that between their
	// canonical forms before alignment (permutations are not removed yet).
	Planted, PlantedCanon float64
	// Aligned is the relative distance between the canonical forms after
	// aligning the copy's (Cosine, then Weights), and Recovered whether the
	// planted permutations were recovered exactly.
	Aligned   [2]float64
	Recovered [2]bool
}

// SymmetryResult holds the rows for ReLU and tanh.
type SymmetryResult struct {
	Data string
	Rows []SymmetryRow
}

// Symmetry trains Model() (ReLU) and the same architecture with tanh by
// SGD (batch 32, learning rate 0.02, momentum 0.9; seed 0) and checks the
// canonical form of each (landscape.Canonicalize) on the 10 000 test
// images: the function is unchanged, the error identical, the operation
// idempotent. It then plants a copy, every hidden layer permuted at
// random and, for ReLU, each unit rescaled by c = e^u, u ~ U(−ln 10, ln 10)
// (sym.DeepRescale), for tanh each unit's sign flipped at random
// (sym.DeepSignFlip), and checks that canonical form plus alignment
// (landscape.Align, cosine and weight matching) returns the identical
// point and the planted permutations.
func Symmetry(s SymmetrySettings) (*SymmetryResult, error) {
	if s.Epochs <= 0 {
		s.Epochs = 4
	}
	d, err := loadData(s.Train, 0)
	if err != nil {
		return nil, err
	}
	res := &SymmetryResult{Data: d.Name}
	for _, act := range []nn.Activation{nn.ReLU, nn.Tanh} {
		m := nn.MLP{Sizes: Sizes, Act: act}
		p := m.Init(rand.New(rand.NewPCG(0, 1)), nn.KaimingUniform)
		if err := landscape.Train(m, p, d.Train, landscape.Sampler{BatchSize: 32, LR: 0.02, Epochs: s.Epochs}, 0); err != nil {
			return nil, err
		}
		row, err := symmetryRow(m, p, d)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

func symmetryRow(m nn.MLP, p *nn.Params, d *classify.Data) (SymmetryRow, error) {
	row := SymmetryRow{Act: m.Act.Name}
	c, err := landscape.Canonicalize(m, p)
	if err != nil {
		return row, err
	}
	if c.Rescaled {
		row.Removed = "rescaling"
	}
	if c.SignFixed {
		row.Removed = "sign flips"
	}
	row.Scale = c.Scale
	f := classify.Logits(m, p, d.Test.X)
	fc := classify.Logits(m, c.Function(), d.Test.X)
	row.Output = rel(f.RawMatrix().Data, fc.RawMatrix().Data)
	pred, cpred := nn.Argmax(f), nn.Argmax(classify.Logits(m, c.Params, d.Test.X))
	for i := range pred {
		if pred[i] != cpred[i] {
			row.Flipped++
		}
	}
	row.TestErr = 1 - nn.Accuracy(f, d.Test.Labels)
	row.CanonTestErr = 1 - nn.Accuracy(classify.Logits(m, c.Params, d.Test.X), d.Test.Labels)
	c2, err := landscape.Canonicalize(m, c.Params)
	if err != nil {
		return row, err
	}
	row.Idempotent = rel(c.Params.Vec(), c2.Params.Vec())
	v := c.Params.Vec()
	sp := c.Spheres()
	row.Spheres = len(sp)
	for _, s := range sp {
		var ss float64
		for _, i := range s.Idx {
			ss += v[i] * v[i]
		}
		if c.Rescaled || s.Unit < 0 {
			row.OnSphere = math.Max(row.OnSphere, math.Abs(math.Sqrt(ss)-1))
		}
	}
	q, planted := Plant(m, p, rand.New(rand.NewPCG(1, 1)))
	row.Planted = rel(p.Vec(), q.Vec())
	cq, err := landscape.Canonicalize(m, q)
	if err != nil {
		return row, err
	}
	row.PlantedCanon = rel(v, cq.Params.Vec())
	for k, match := range []landscape.Matching{landscape.Cosine, landscape.Weights} {
		a, perms, err := landscape.Align(c, cq, landscape.AlignSettings{Matching: match})
		if err != nil {
			return row, err
		}
		row.Aligned[k] = rel(v, a.Params.Vec())
		row.Recovered[k] = true
		for l, perm := range perms {
			for i, j := range perm {
				if planted[l][j] != i {
					row.Recovered[k] = false
				}
			}
		}
	}
	return row, nil
}

// Plant returns a copy of p, a parameter vector of m, with the hidden units
// of every layer permuted at random, and rescaled by c = e^u,
// u ~ U(−ln 10, ln 10) if m's activation is homogeneous, or sign-flipped at
// random if it is odd; and the permutations (unit j of the copy is unit
// perm[j] of p).
func Plant(m nn.MLP, p *nn.Params, rng *rand.Rand) (*nn.Params, [][]int) {
	W, b := m.Layers(p)
	var perms [][]int
	for l := 0; l < len(W)-1; l++ {
		h := m.Sizes[l+1]
		if m.Act.Degree > 0 {
			W, b = sym.DeepRescale(l, m.Act.Degree, sym.SamplePositive(rng, h, math.Log(10)), W, b)
		}
		if landscape.Odd(m.Act) {
			W, b = sym.DeepSignFlip(l, sym.SampleSigns(rng, h), W, b)
		}
		perm := rng.Perm(h)
		W, b = sym.DeepPermute(l, perm, W, b)
		perms = append(perms, perm)
	}
	q := m.Params()
	W2, b2 := m.Layers(q)
	for l := range W {
		W2[l].Copy(W[l])
		if b != nil {
			b2[l].CopyVec(b[l])
		}
	}
	return q, perms
}

// rel returns ‖a − b‖/‖a‖.
func rel(a, b []float64) float64 {
	var d, s float64
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		s += a[i] * a[i]
	}
	return math.Sqrt(d / s)
}

// Table returns the checks, one column per activation, with the bounds the
// tests assert.
func (r *SymmetryResult) Table() show.Table {
	t := show.Table{
		Caption: "Canonical form of trained 784-64-64-10 nets on " + r.Data + ". Asserted by TestSymmetry (go test ./lib/repro/pittorino2022 -run Symmetry) and, on random nets, TestCanonical (./lib/landscape).",
		Header:  []string{"check", "bound"},
	}
	for _, row := range r.Rows {
		t.Header = append(t.Header, row.Act)
	}
	add := func(name, bound string, f func(SymmetryRow) string) {
		cells := []any{name, bound}
		for _, row := range r.Rows {
			cells = append(cells, f(row))
		}
		t.AddRow(cells...)
	}
	e := func(v float64) string { return fmt.Sprintf("%.1e", v) }
	add("symmetry removed", "", func(w SymmetryRow) string { return w.Removed })
	add("product of spheres (factors)", "", func(w SymmetryRow) string { return fmt.Sprint(w.Spheres) })
	add("‖ρ f_canon − f‖ / ‖f‖ on the test set", "≤ 1e-12", func(w SymmetryRow) string { return e(w.Output) })
	add("test error: net / canonical", "identical", func(w SymmetryRow) string {
		return fmt.Sprintf("%.4f / %.4f", w.TestErr, w.CanonTestErr)
	})
	add("test predictions changed", "0", func(w SymmetryRow) string { return fmt.Sprint(w.Flipped) })
	add("largest |‖w_S‖ − 1| (rescaled spheres)", "≤ 1e-12", func(w SymmetryRow) string { return e(w.OnSphere) })
	add("idempotent: relative change", "≤ 1e-12", func(w SymmetryRow) string { return e(w.Idempotent) })
	add("planted copy: raw distance", "large", func(w SymmetryRow) string { return fmt.Sprintf("%.2f", w.Planted) })
	add("planted copy: canonical, not aligned", "large", func(w SymmetryRow) string { return fmt.Sprintf("%.2f", w.PlantedCanon) })
	add("planted copy: canonical + cosine alignment", "≤ 1e-12", func(w SymmetryRow) string { return e(w.Aligned[0]) })
	add("planted copy: canonical + weight matching", "≤ 1e-12", func(w SymmetryRow) string { return e(w.Aligned[1]) })
	add("planted permutations recovered (cosine, weights)", "yes", func(w SymmetryRow) string {
		return fmt.Sprintf("%v, %v", yes(w.Recovered[0]), yes(w.Recovered[1]))
	})
	return t
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// TorusSettings are the settings of Torus. The zero value is a 121×121
// grid.
type TorusSettings struct {
	Grid int // points per angle; 0 means 121
}

// TorusResult is the landscape of the toy net on its torus.
type TorusResult struct {
	// Theta are the grid's angles in [0, 2π].
	Theta []float64
	// LogLoss[i][j] is log₁₀ of the least mean squared error at
	// (θ₁, θ₂) = (Theta[j], Theta[i]), the output layer fitted, floored at
	// 10⁻⁵ so that the colours show the landscape, not the rounding at the
	// minima.
	LogLoss *mat.Dense
	// Minima are the points of the grid (the edge θ = 2π left out: it is
	// θ = 0) where the loss is below 1e-20, zero up to rounding, as
	// (θ₁, θ₂) pairs; MinLoss is the least loss on the grid.
	Minima  [][2]float64
	MinLoss float64
	// RescaledLoss is the fitted loss at the minimum (0, π) after its units
	// were rescaled by (3, 1/5): the same function, the same point of the
	// torus.
	RescaledLoss, MinimumLoss float64
}

// Torus draws the toroidal topology on the smallest example: a net with
// one input, two ReLU hidden units with biases and one output,
//
//	f(x) = a₁ relu(w₁x + b₁) + a₂ relu(w₂x + b₂),
//
// fitted to y = |x| on 201 points of [−1, 1] by mean squared error. Each
// unit's (w_j, b_j) has its norm removed, (w_j, b_j) = (cos θ_j, sin θ_j),
// so the hidden layer lives on the torus S¹ × S¹; the output layer
// (a₁, a₂) is fitted by least squares at every point (the minimum over the
// last factor). The output has no bias: with one, a unit active on all of
// [−1, 1] (θ ∈ (π/4, 3π/4)) acts as an affine term and |x| = x + 2 relu(−x)
// is fitted exactly along whole circles of the torus. The global minima are |x| = relu(x) + relu(−x) at
// (θ₁, θ₂) = (0, π) and its permuted copy (π, 0): the permutation symmetry
// is the reflection in the diagonal θ₁ = θ₂, and every rescaling of a
// minimum (a line in raw parameters) is the same point here.
func Torus(s TorusSettings) (*TorusResult, error) {
	g := s.Grid
	if g == 0 {
		g = 121
	}
	if g < 3 {
		return nil, fmt.Errorf("pittorino2022: Torus: grid of %d points, want at least 3", g)
	}
	res := &TorusResult{Theta: make([]float64, g), LogLoss: mat.NewDense(g, g, nil), MinLoss: math.Inf(1)}
	for i := range res.Theta {
		res.Theta[i] = 2 * math.Pi * float64(i) / float64(g-1)
	}
	for i, t2 := range res.Theta {
		for j, t1 := range res.Theta {
			l := torusLoss(math.Cos(t1), math.Sin(t1), math.Cos(t2), math.Sin(t2))
			res.LogLoss.Set(i, j, math.Log10(math.Max(l, lossFloor)))
			res.MinLoss = math.Min(res.MinLoss, l)
			// The edge θ = 2π is θ = 0: count each minimum once.
			if i < g-1 && j < g-1 && l <= 1e-20 { // zero up to rounding
				res.Minima = append(res.Minima, [2]float64{t1, t2})
			}
		}
	}
	res.MinimumLoss = torusLoss(1, 0, -1, 0)
	res.RescaledLoss = torusLoss(3, 0, -1.0/5, 0)
	return res, nil
}

// lossFloor is the smallest loss the heat map distinguishes.
const lossFloor = 1e-5

// torusLoss is the least mean squared error of the toy net with hidden
// units (w1, b1), (w2, b2), the output layer fitted.
func torusLoss(w1, b1, w2, b2 float64) float64 {
	const n = 201
	A := mat.NewDense(n, 2, nil)
	y := mat.NewVecDense(n, nil)
	for k := range n {
		x := -1 + 2*float64(k)/float64(n-1)
		A.Set(k, 0, math.Max(0, w1*x+b1))
		A.Set(k, 1, math.Max(0, w2*x+b2))
		y.SetVec(k, math.Abs(x))
	}
	var sol mat.VecDense
	// Least squares by the normal equations with a tiny ridge (a unit
	// that is never active gives a zero column).
	var AtA mat.Dense
	AtA.Mul(A.T(), A)
	for i := range 2 {
		AtA.Set(i, i, AtA.At(i, i)+1e-12)
	}
	var Aty mat.VecDense
	Aty.MulVec(A.T(), y)
	if err := sol.SolveVec(&AtA, &Aty); err != nil {
		return math.NaN()
	}
	var r mat.VecDense
	r.MulVec(A, &sol)
	r.SubVec(&r, y)
	return mat.Dot(&r, &r) / n
}

// Plot returns the heat map of log₁₀ of the fitted loss on the torus, with
// its minima marked. Opposite edges of the square are the same points.
func (r *TorusResult) Plot() (*plot.Plot, error) {
	p, err := show.HeatMapXY(show.Axes{
		Title: "log₁₀ loss of f(x) = Σ_j a_j relu(cos θ_j x + sin θ_j), fitted to |x|",
		X:     "θ₁ (unit 1)", Y: "θ₂ (unit 2)",
	}, r.Theta, r.Theta, r.LogLoss)
	if err != nil {
		return nil, err
	}
	var xs, ys []float64
	for _, m := range r.Minima {
		xs, ys = append(xs, m[0]), append(ys, m[1])
	}
	if err := show.Points(p, show.Series{Name: "global minima (loss 0)", X: xs, Y: ys}); err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// minimaAt reports whether the minima are (0, π) and (π, 0), to the grid's
// spacing.
func (r *TorusResult) minimaAt() bool {
	h := r.Theta[1]
	want := [][2]float64{{0, math.Pi}, {math.Pi, 0}}
	if len(r.Minima) != 2 {
		return false
	}
	return slices.ContainsFunc(r.Minima, func(m [2]float64) bool { return near(m, want[0], h) }) &&
		slices.ContainsFunc(r.Minima, func(m [2]float64) bool { return near(m, want[1], h) })
}

func near(a, b [2]float64, h float64) bool {
	return math.Abs(a[0]-b[0]) <= h/2 && math.Abs(a[1]-b[1]) <= h/2
}

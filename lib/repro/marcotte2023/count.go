package marcotte2023

// Notebook 18: how many conservation laws are there? For each network, the
// span of the per-sample gradient fields and of their brackets at a random
// point, its dimension read from a singular-value gap, and the laws of
// package conserved checked against it.

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/lie"
	"github.com/noetherlab/noether/lib/nn"
)

// Case is one network of Count: an MLP with layer widths Sizes
// (input, hidden…, output), activation Act (nn.Linear or nn.ReLU) and
// biases when Bias is set.
type Case struct {
	Name  string
	Sizes []int
	Act   nn.Activation
	Bias  bool
}

// Net returns the case's network.
func (c Case) Net() nn.MLP { return nn.MLP{Sizes: c.Sizes, Act: c.Act, NoBias: !c.Bias} }

// Laws returns the values at θ of the case's conserved quantities from
// package conserved: the upper triangle of every Q_i = W[i+1]ᵀW[i+1] −
// W[i]W[i]ᵀ − b[i]b[i]ᵀ (conserved.DeepMatrix) for a linear network, the
// per-unit Q_{i,j} = ‖W[i+1]_{:,j}‖² − ‖W[i]_{j,:}‖² − b[i]_j²
// (conserved.DeepNeurons) for a ReLU one.
func (c Case) Laws(theta []float64) []float64 {
	net := c.Net()
	p := net.Params()
	p.Bind(theta)
	W, b := net.Layers(p)
	var q []float64
	if c.Act.Name == nn.Linear.Name {
		for _, Q := range conserved.DeepMatrix(W, b) {
			h := Q.SymmetricDim()
			for i := 0; i < h; i++ {
				for j := i; j < h; j++ {
					q = append(q, Q.At(i, j))
				}
			}
		}
		return q
	}
	for _, Q := range conserved.DeepNeurons(1, W, b) {
		q = append(q, Q...)
	}
	return q
}

// Expected returns the number of laws of package conserved for the case:
// Σ h_i(h_i+1)/2 over the hidden widths of a linear network, Σ h_i for a
// ReLU one.
func (c Case) Expected() int {
	n := 0
	for _, h := range c.Sizes[1 : len(c.Sizes)-1] {
		if c.Act.Name == nn.Linear.Name {
			n += h * (h + 1) / 2
		} else {
			n += h
		}
	}
	return n
}

// DefaultCases are the networks of notebook 18: two-layer linear networks of
// several shapes (including one with h > n), two-layer ReLU networks, both
// with biases, and three-layer linear and ReLU networks.
func DefaultCases() []Case {
	return []Case{
		{Name: "linear 5-3-4", Sizes: []int{5, 3, 4}, Act: nn.Linear},
		{Name: "linear 6-4-5", Sizes: []int{6, 4, 5}, Act: nn.Linear},
		{Name: "linear 3-2-6", Sizes: []int{3, 2, 6}, Act: nn.Linear},
		{Name: "linear 3-5-4 (h > n)", Sizes: []int{3, 5, 4}, Act: nn.Linear},
		{Name: "ReLU 5-4-3", Sizes: []int{5, 4, 3}, Act: nn.ReLU},
		{Name: "ReLU 4-6-2", Sizes: []int{4, 6, 2}, Act: nn.ReLU},
		{Name: "linear 5-3-4 + biases", Sizes: []int{5, 3, 4}, Act: nn.Linear, Bias: true},
		{Name: "ReLU 5-4-3 + biases", Sizes: []int{5, 4, 3}, Act: nn.ReLU, Bias: true},
		{Name: "linear 4-3-3-4", Sizes: []int{4, 3, 3, 4}, Act: nn.Linear},
		{Name: "ReLU 5-4-3-2", Sizes: []int{5, 4, 3, 2}, Act: nn.ReLU},
	}
}

// CountSettings are the settings of Count. The paper's claims are about
// gradient flow on any data; here the data are Samples inputs x ~ N(0, I)
// with targets y ~ N(0, I), the loss per sample is ½‖f(x) − y‖², and θ has
// independent N(0, 1) entries, redrawn for a ReLU network until every hidden
// unit is active on between a quarter and three quarters of the samples.
type CountSettings struct {
	Cases   []Case  // nil means DefaultCases()
	Samples int     // N, the number of per-sample fields; 0 means 100
	MinGap  float64 // the singular-value ratio a rank needs; 0 means lie.MinGap
	Seed    uint64
}

// Fast returns the preset of the tests: the same cases and samples (the
// whole computation takes a few seconds).
func (s CountSettings) Fast() CountSettings { return s }

func (s CountSettings) withDefaults() CountSettings {
	if s.Cases == nil {
		s.Cases = DefaultCases()
	}
	if s.Samples == 0 {
		s.Samples = 100
	}
	if s.MinGap == 0 {
		s.MinGap = lie.MinGap
	}
	return s
}

// CaseResult is Count's result on one case.
type CaseResult struct {
	Case string
	// Sizes, Act and Bias are the case's network (Act by name).
	Sizes []int
	Act   string
	Bias  bool
	D     int // number of parameters
	// Expected is the number of laws of package conserved (Case.Expected),
	// Count = D − dim W_1(θ), the upper bound from the span of the fields
	// and their first brackets with all Samples fields.
	Expected, Count int
	// Saturated is the smallest number of samples in Saturation from which
	// on the count is Count.
	Saturated int
	// Depth2Rank is dim W_2(θ), the span with second brackets
	// [V_k, [V_i, V_j]] as well (lie.Deeper with Count + 5 random triples):
	// equal to SpanRank.Rank when the first brackets already span all.
	Depth2Rank int
	// FieldRank is dim W_0(θ), the span of the fields alone; SpanRank is
	// dim W_1(θ), with the singular values at its cut.
	FieldRank       int
	SpanRank        lie.RankResult
	Check           lie.Check
	Complete        bool // the laws are independent, conserved and span the complement
	Saturation      []int
	SaturationCount []int // Count with the first Saturation[k] samples
}

// CountResult holds Count's cases.
type CountResult struct {
	Settings CountSettings
	Cases    []CaseResult
}

// Count computes, for each case, the span at a random θ of the N per-sample
// gradient fields V_i = ∇ℓ_i and of their N(N−1)/2 brackets (lie.Generate),
// the upper bound D − dim on the number of conserved functions, whether
// second brackets make the span grow any further (lie.Deeper), and checks
// the laws of package conserved against it (lie.Compare): independent,
// orthogonal to the span (|cos| ≤ 1e-10) and with it spanning R^D. It also
// recounts with the first 1, 2, … N samples, to show where the count
// saturates.
func Count(s CountSettings) (*CountResult, error) {
	s = s.withDefaults()
	res := &CountResult{Settings: s}
	for ci, c := range s.Cases {
		r, err := countCase(c, s, uint64(ci))
		if err != nil {
			return nil, fmt.Errorf("marcotte2023: Count: %s: %w", c.Name, err)
		}
		res.Cases = append(res.Cases, r)
	}
	return res, nil
}

// CosTol bounds |cos| between a law's gradient and a vector of the span:
// both are computed to rounding (about 1e-15 relative, times the few hundred
// terms of a product), so 1e-10 leaves a wide margin while any real
// component is many orders larger.
const CosTol = 1e-10

// Problem returns the case's network, data (inputs and targets, one sample
// per column) and point θ for settings s and case index ci.
func Problem(c Case, s CountSettings, ci uint64) (nn.MLP, *mat.Dense, *mat.Dense, []float64) {
	s = s.withDefaults()
	rng := rand.New(rand.NewPCG(s.Seed, 18+ci))
	net := c.Net()
	n, m := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
	x := mat.NewDense(n, s.Samples, nil)
	y := mat.NewDense(m, s.Samples, nil)
	for _, a := range []*mat.Dense{x, y} {
		r, k := a.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < k; j++ {
				a.Set(i, j, rng.NormFloat64())
			}
		}
	}
	p := net.Params()
	theta := p.Vec()
	for {
		for i := range theta {
			theta[i] = rng.NormFloat64()
		}
		if c.Act.Name != nn.ReLU.Name || balanced(net, p, x) {
			return net, x, y, theta
		}
	}
}

// balanced reports whether every hidden ReLU unit of net at p is active on
// between a quarter and three quarters of the inputs x. A unit active on no
// sample has weights the loss does not see near θ, each of them a conserved
// function of its own; the counts of the paper are for points where every
// unit takes part, which Problem draws by rejecting the others.
func balanced(net nn.MLP, p *nn.Params, x *mat.Dense) bool {
	W, b := net.Layers(p)
	_, k := x.Dims()
	a := mat.DenseCopyOf(x)
	for l := 0; l < len(W)-1; l++ {
		var z mat.Dense
		z.Mul(W[l], a)
		r, _ := z.Dims()
		for i := 0; i < r; i++ {
			on := 0
			for j := 0; j < k; j++ {
				v := z.At(i, j)
				if b != nil {
					v += b[l].AtVec(i)
				}
				if v > 0 {
					on++
				} else {
					v = 0
				}
				z.Set(i, j, v)
			}
			if 4*on < k || 4*on > 3*k {
				return false
			}
		}
		a = &z
	}
	return true
}

// Fields returns the per-sample gradient fields of ½‖f(x_i) − y_i‖², one
// nn.Objective per column of x and y.
func Fields(net nn.Model, x, y *mat.Dense) []lie.Field {
	_, k := x.Dims()
	f := make([]lie.Field, k)
	for i := range f {
		xi := mat.DenseCopyOf(x.Slice(0, x.RawMatrix().Rows, i, i+1))
		yi := mat.DenseCopyOf(y.Slice(0, y.RawMatrix().Rows, i, i+1))
		f[i] = lie.Gradient{L: nn.NewObjective(net, xi, yi, nn.HalfSquaredError)}
	}
	return f
}

func countCase(c Case, s CountSettings, ci uint64) (CaseResult, error) {
	net, x, y, theta := Problem(c, s, ci)
	f2 := Fields2(net, x, y)
	f1 := make([]lie.Field, len(f2))
	for i, f := range f2 {
		f1[i] = f
	}
	span, err := lie.Generate(f1, theta, s.MinGap)
	if err != nil {
		return CaseResult{}, err
	}
	deep, _, err := lie.Deeper(span, f2, theta, span.Upper()+5, rand.New(rand.NewPCG(s.Seed, 1800+ci)), s.MinGap)
	if err != nil {
		return CaseResult{}, err
	}
	grads := lie.QuadraticJacobian(c.Laws, theta)
	chk, err := lie.Compare(span, grads, s.MinGap)
	if err != nil {
		return CaseResult{}, err
	}
	r := CaseResult{
		Case: c.Name, Sizes: c.Sizes, Act: c.Act.Name, Bias: c.Bias, D: len(theta), Expected: c.Expected(), Count: span.Upper(),
		FieldRank: span.FieldRank.Rank, SpanRank: span.Rank, Depth2Rank: deep.Rank, Check: chk,
		Complete: chk.Complete(span, CosTol),
	}
	for _, n := range saturationGrid(s.Samples) {
		sub, err := span.Sub(n, s.MinGap)
		if err != nil {
			return CaseResult{}, fmt.Errorf("with %d samples: %w", n, err)
		}
		r.Saturation = append(r.Saturation, n)
		r.SaturationCount = append(r.SaturationCount, sub.Upper())
	}
	for k := len(r.Saturation) - 1; k >= 0 && r.SaturationCount[k] == r.Count; k-- {
		r.Saturated = r.Saturation[k]
	}
	return r, nil
}

// saturationGrid returns 1, 2, …, 20, then every fifth number up to N, and N.
func saturationGrid(N int) []int {
	var g []int
	for n := 1; n <= N; n++ {
		if n <= 20 || n%5 == 0 || n == N {
			g = append(g, n)
		}
	}
	return g
}

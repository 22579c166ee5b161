package conserved_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/sym"
)

// The claims of notebooks/00-welcome.ipynb's library tour, on exactly its
// setting and seeds: the paper's Fig. 3 linear net (m=5, n=10, h=50, X = I,
// Y ~ N(0,1), init N(0, 0.1²), mean squared error).

func tourProblem() (nn.TwoLayer, *nn.Params, *nn.Objective) {
	net := nn.TwoLayer{In: 10, Hidden: 50, Out: 5, Act: nn.Linear}
	rng := rand.New(rand.NewPCG(1, 2))
	p := net.Init(rng, nn.Normal(0.1))
	X := identity(10)
	Y := mat.NewDense(5, 10, nil)
	for i := range 5 {
		for j := range 10 {
			Y.Set(i, j, rng.NormFloat64())
		}
	}
	return net, p, nn.NewObjective(net, X, Y, nn.MSE)
}

func identity(n int) *mat.Dense {
	X := mat.NewDense(n, n, nil)
	for i := range n {
		X.Set(i, i, 1)
	}
	return X
}

func qDrift(net nn.TwoLayer, theta []float64, Q0 *mat.SymDense) float64 {
	view := net.Params()
	view.Bind(theta)
	var d mat.Dense
	d.Sub(conserved.Matrix(nil, view.M("U"), view.M("V")), Q0)
	return mat.Norm(&d, 2) / mat.Norm(Q0, 2)
}

func TestLibraryTour(t *testing.T) {
	net, p, obj := tourProblem()

	// A GL(h) element moves the parameters far but leaves the function, and
	// so the loss, alone. Tolerance 1e-12: each output entry is a sum of 50
	// products computed through g and g⁻¹ (condition number of g ≈ 10), so
	// rounding contributes ~1e-15 relative. (The loss alone is a weak check
	// here: at this small init UV ≈ 0.07 ≪ Y, and its rounding vanishes in
	// Y − UV, so the two losses agree to the last bit.)
	g := sym.SampleGL(rand.New(rand.NewPCG(3, 4)), 50, 1)
	gU, gV := sym.GL(g, p.M("U"), p.M("V"))
	q := p.Clone()
	q.M("U").Copy(gU)
	q.M("V").Copy(gV)
	X := identity(10)
	if rel := sym.RelDiff(nn.Predict(net, q, X), nn.Predict(net, p, X)); rel > 1e-12 {
		t.Errorf("output changed by %.2e under GL(h)", rel)
	}
	before, after := obj.Func(p.Vec(), nil), obj.Func(q.Vec(), nil)
	if rel := math.Abs(after-before) / before; rel > 1e-12 {
		t.Errorf("loss changed by %.2e under GL(h)", rel)
	}
	var dv mat.Dense
	dv.Sub(gV, p.M("V"))
	if moved := mat.Norm(&dv, 2) / mat.Norm(p.M("V"), 2); moved < 0.5 {
		t.Errorf("g moved V by only %.2f: the check above would be weak", moved)
	}

	// Gradient flow to t = 100: the loss falls by orders of magnitude while
	// Q = UᵀU − VVᵀ stays put to the integrator's accuracy (RTol 1e-10;
	// the drift bound 1e-8 leaves two orders for the error's growth).
	Q0 := conserved.Matrix(nil, p.M("U"), p.M("V"))
	theta := slices.Clone(p.Vec())
	res, err := optim.Flow(obj.Func, theta, optim.FlowSettings{T: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loss > before/1e3 {
		t.Errorf("flow: loss %.3g → %.3g, want a fall of at least 1000×", before, res.Loss)
	}
	if d := qDrift(net, theta, Q0); d > 1e-8 {
		t.Errorf("flow: Q drifted by %.2e", d)
	}

	// GD to the same time drifts, in proportion to the learning rate: the
	// one-step law ΔQ = η²(G_UᵀG_U − G_V G_Vᵀ) summed over T/η steps is O(ηT).
	// The ratio is 10 up to O(η) corrections to the path: ±10%.
	drift := map[float64]float64{}
	for _, lr := range []float64{0.1, 0.01} {
		theta := slices.Clone(p.Vec())
		if _, err := optim.Run(obj.Func, theta, &optim.GD{LR: lr}, optim.Settings{Steps: int(math.Round(100 / lr))}); err != nil {
			t.Fatal(err)
		}
		drift[lr] = qDrift(net, theta, Q0)
	}
	if r := drift[0.1] / drift[0.01]; math.Abs(r-10) > 1 {
		t.Errorf("GD drift at lr 0.1 / lr 0.01 = %.3g / %.3g = %.2f, want 10 ± 1", drift[0.1], drift[0.01], r)
	}
	t.Logf("output change under g %.1e; flow drift %.1e; GD drift %.2e (lr 0.1), %.2e (lr 0.01)",
		sym.RelDiff(nn.Predict(net, q, X), nn.Predict(net, p, X)), qDrift(net, theta, Q0), drift[0.1], drift[0.01])
}

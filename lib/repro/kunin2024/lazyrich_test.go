package kunin2024_test

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/kunin2024"
	"github.com/noetherlab/noether/lib/show"
	"github.com/noetherlab/noether/lib/sym"
)

// ToImbalance reaches the requested per-unit imbalance exactly (to 1e-12
// relative to the larger of |δ| and the squared norms: the rounding of a
// square root and two products) without changing the network's outputs
// (1e-14: the rescaling's rounding).
func TestToImbalance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	net := nn.TwoLayer{In: 6, Hidden: 5, Out: 1, Act: nn.ReLU}
	p := net.Init(rng, nn.LeCunNormal)
	U, V := net.UV(p)
	X := mat.NewDense(6, 30, nil)
	for i := range 6 {
		for k := range 30 {
			X.Set(i, k, rng.NormFloat64())
		}
	}
	f0 := nn.Predict(net, p, X)
	for _, d := range []float64{-100, -1, 0, 0.5, 100} {
		nU, nV := kunin2024.ToImbalance(d, U, V)
		q := conserved.Neurons(nil, 1, nU, nV, nil)
		for j, v := range q {
			if math.Abs(v-d) > 1e-12*math.Max(1, math.Abs(d)) {
				t.Errorf("δ = %g: unit %d has %.15g", d, j, v)
			}
		}
		p2 := net.Params()
		U2, V2 := net.UV(p2)
		U2.Copy(nU)
		V2.Copy(nV)
		if r := sym.RelDiff(f0, nn.Predict(net, p2, X)); r > 1e-14 {
			t.Errorf("δ = %g: outputs changed by %.1e", d, r)
		}
	}
}

// Notebook 21's sweep, fast preset (δ ∈ {−10, −1, 0, 1, 10}, 2 seeds):
// every point starts as the same function (1e-14) and gradient descent
// keeps δ to 0.05 (its O(η) drift, η ≤ 0.1, measured below 0.03). The
// single linear neuron is lazy at δ = 10 (kernel distance below 1e-3),
// moves its kernel more at δ = 0 and far more at δ = −10, where it fits
// more slowly. The ReLU network at δ = 10 (first layer learning faster)
// aligns its features with the teacher (alignment above 0.8 from 0.35) and
// fits faster than at δ = 0, and at δ = −10 stays close to lazy (kernel
// distance below 0.05, alignment below 0.6) and does not fit by T.
func TestLazyRich(t *testing.T) {
	r, err := kunin2024.LazyRich(kunin2024.LazyRichSettings{}.Fast())
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + r.Table().Text())
	at := func(m int, d float64) kunin2024.LazyRichPoint {
		for _, p := range r.Models[m].Points {
			if p.Delta == d {
				return p
			}
		}
		t.Fatalf("no point at δ = %g", d)
		return kunin2024.LazyRichPoint{}
	}
	for _, m := range r.Models {
		for _, p := range m.Points {
			if p.Function > 1e-14 || p.DeltaDrift > 0.05 {
				t.Errorf("%s δ = %g: function change %.1e, δ drift %.1e", m.Name, p.Delta, p.Function, p.DeltaDrift)
			}
		}
	}
	lin0, linUp, linDown := at(0, 0), at(0, 10), at(0, -10)
	if linUp.KernelDistance > 1e-3 || lin0.KernelDistance < 10*linUp.KernelDistance || linDown.KernelDistance < 5*lin0.KernelDistance {
		t.Errorf("linear kernel distance: δ = −10: %g, 0: %g, 10: %g", linDown.KernelDistance, lin0.KernelDistance, linUp.KernelDistance)
	}
	if !(linDown.TimeToFit > lin0.TimeToFit && lin0.TimeToFit > linUp.TimeToFit) {
		t.Errorf("linear time to fit: δ = −10: %g, 0: %g, 10: %g", linDown.TimeToFit, lin0.TimeToFit, linUp.TimeToFit)
	}
	r0, rUp, rDown := at(1, 0), at(1, 10), at(1, -10)
	if rUp.Alignment < 0.8 || rUp.AlignmentStart > 0.4 || rUp.TimeToFit >= r0.TimeToFit {
		t.Errorf("ReLU δ = 10: alignment %.2f → %.2f, time to fit %g (δ = 0: %g)", rUp.AlignmentStart, rUp.Alignment, rUp.TimeToFit, r0.TimeToFit)
	}
	if rDown.KernelDistance > 0.05 || rDown.Alignment > 0.6 || !math.IsInf(rDown.TimeToFit, 1) {
		t.Errorf("ReLU δ = −10: kernel distance %.3f, alignment %.2f, time to fit %g", rDown.KernelDistance, rDown.Alignment, rDown.TimeToFit)
	}
	old, had := os.LookupEnv(show.DirEnv)
	os.Setenv(show.DirEnv, t.TempDir())
	defer func() {
		if had {
			os.Setenv(show.DirEnv, old)
		} else {
			os.Unsetenv(show.DirEnv)
		}
	}()
	p, err := r.Plot()
	if err == nil {
		err = show.Plot(p)
	}
	if err != nil {
		t.Errorf("figure: %v", err)
	}
	fp, err := r.FeaturesPlot(-10, 0, 10)
	if err == nil {
		err = show.Grid([][]*plot.Plot{fp}, show.Settings{})
	}
	if err != nil {
		t.Errorf("features figure: %v", err)
	}
	if _, err := r.FeaturesPlot(3); err == nil {
		t.Error("FeaturesPlot at a δ not in the sweep: no error")
	}
}

package zhao2023_test

import (
	"bytes"
	"image/png"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/repro/zhao2023"
	"github.com/noetherlab/noether/lib/show"
)

// The claims of notebooks/04-initialisation.ipynb. InitQ runs at the
// paper's 1000 draws (about 1 s), or at its fast preset under -short; AnyQ
// runs at the fast preset (the notebook's orbit at fewer points).

var initqRun struct {
	sync.Once
	q   *zhao2023.InitQResult
	o   *zhao2023.AnyQResult
	err error
}

// initqResults returns the results the tests share, computed once.
func initqResults(t *testing.T) (*zhao2023.InitQResult, *zhao2023.AnyQResult) {
	t.Helper()
	initqRun.Do(func() {
		s := zhao2023.InitQSettings{}
		if testing.Short() {
			s = s.Fast()
		}
		if initqRun.q, initqRun.err = zhao2023.InitQ(s); initqRun.err != nil {
			return
		}
		initqRun.o, initqRun.err = zhao2023.AnyQ(zhao2023.AnyQSettings{}.Fast())
	})
	if initqRun.err != nil {
		t.Fatal(initqRun.err)
	}
	return initqRun.q, initqRun.o
}

// initqRefDraws is the number of draws behind the reference moments (the
// official script's 1000 seeds).
const initqRefDraws = 1000

// Sample moments against the closed forms of conserved.InitMoments and
// against the moments of the official histograms (other draws). Q is a sum
// of ≥ 10⁴ independent terms, so nearly Gaussian: over N draws the sample
// mean has standard error σ/√N and the sample sd σ/√(2N). Bounds are 4
// standard errors; against the reference, an independent sample of 1000
// draws, the two standard errors add in quadrature, plus half a unit in the
// last digit the reference is printed to.
func TestInitQMoments(t *testing.T) {
	q, _ := initqResults(t)
	want := []string{"linear (100, 100, 100)", "relu (100, 100, 100)", "tanh (100, 100, 100)",
		"sigmoid (100, 100, 100)", "linear (100, 200, 100)", "linear (200, 100, 100)"}
	if len(q.Dists) != len(want) {
		t.Fatalf("%d distributions, want %d", len(q.Dists), len(want))
	}
	N := float64(q.Draws)
	for k, d := range q.Dists {
		if d.Name() != want[k] || len(d.Q) != q.Draws {
			t.Fatalf("distribution %d is %s with %d draws, want %s with %d", k, d.Name(), len(d.Q), want[k], q.Draws)
		}
		sigma := d.ClosedSD
		seMean, seSD := sigma/math.Sqrt(N), sigma/math.Sqrt(2*N)
		if math.Abs(d.Mean-d.ClosedMean) > 4*seMean || math.Abs(d.SD-sigma) > 4*seSD {
			t.Errorf("%s: sample %.3f ± %.3f, closed form %.3f ± %.3f (bounds %.2g, %.2g)",
				d.Name(), d.Mean, d.SD, d.ClosedMean, sigma, 4*seMean, 4*seSD)
		}
		mRnd, sRnd := d.Ref.Rounding()
		refMean := 4*sigma*math.Sqrt(1/N+1.0/initqRefDraws) + mRnd
		refSD := 4*sigma*math.Sqrt(1/(2*N)+1.0/(2*initqRefDraws)) + sRnd
		if math.Abs(d.Mean-d.Ref.Mean) > refMean || math.Abs(d.SD-d.Ref.SD) > refSD {
			t.Errorf("%s: sample %.3f ± %.3f, reference %g ± %g (bounds %.2g, %.2g)",
				d.Name(), d.Mean, d.SD, d.Ref.Mean, d.Ref.SD, refMean, refSD)
		}
		if d.Ref.Label != "derived" { // the paper prints only the histograms
			t.Errorf("%s: reference labelled %q, want derived", d.Name(), d.Ref.Label)
		}
	}
}

// The closed forms the notebook explains. Linear: E[Q] = m − h, Var[Q] =
// 2m/h + 2h/n (to rounding, 1e-12 relative). ReLU keeps half of ‖V‖² on
// average: E[Q] = m − h/2. Tanh and sigmoid sit near −hn (within 1%:
// E[cosh² v] = (1 + e^{2s²})/2 and E[v + eᵛ] = e^{s²/2} exceed 1 by O(s²),
// s² = 1/n = 1%). Sigmoid: v + eᵛ ≈ 1 + 2v at first order, so Var[Q] ≈
// 4hn s² = 4h = 400, ten times the linear form's sd of 2; the first
// neglected terms are (5/8)s² relative from φ and 2a²m/h from ‖U‖² (0.75%
// together): allow s² = 1%.
func TestInitQClosedForms(t *testing.T) {
	q, _ := initqResults(t)
	for _, d := range q.Dists {
		m, h, n := float64(d.M), float64(d.H), float64(d.N)
		mean, variance := d.ClosedMean, d.ClosedSD*d.ClosedSD
		switch d.Act {
		case "linear":
			if math.Abs(mean-(m-h)) > 1e-12*m || math.Abs(variance-(2*m/h+2*h/n)) > 1e-12 {
				t.Errorf("%s: E, Var = %g, %g, want m − h = %g, 2m/h + 2h/n = %g", d.Name(), mean, variance, m-h, 2*m/h+2*h/n)
			}
		case "relu":
			if math.Abs(mean-(m-h/2)) > 1e-12*m {
				t.Errorf("%s: E = %g, want m − h/2 = %g", d.Name(), mean, m-h/2)
			}
		case "tanh", "sigmoid":
			if math.Abs(mean+h*n) > h*n/n {
				t.Errorf("%s: E = %g, want −hn = %g within 1%%", d.Name(), mean, -h*n)
			}
		}
		if d.Act == "sigmoid" && math.Abs(variance-4*h) > 4*h/n {
			t.Errorf("%s: Var = %g, want 4h = %g within 1%%", d.Name(), variance, 4*h)
		}
	}
}

// The initial values of the linear form at (100, 100, 100) lie within
// E ± 4 sd = [−8, 8] (these draws; for 1000 Gaussian draws that fails with
// probability 6%, and the draws are fixed).
func TestInitQBand(t *testing.T) {
	q, _ := initqResults(t)
	d := q.Dists[0]
	lo, hi := d.ClosedMean-4*d.ClosedSD, d.ClosedMean+4*d.ClosedSD
	if d.Min < lo || d.Max > hi {
		t.Errorf("%s: Q₀ in [%.3f, %.3f], want within E ± 4 sd = [%.3f, %.3f]", d.Name(), d.Min, d.Max, lo, hi)
	}
}

// On the scaling orbit (U/c, cV) of a minimum of ‖Y − UV‖² the loss stays 0
// and Tr Q = (1/c² − c²)‖Y‖_* takes every value: ScaleForQ hits any target.
// Rounding: Tr Q is a difference of two sums of 10⁴ squares, each of size
// ‖Y‖_*/c² or c²‖Y‖_* (‖Y‖_* ≈ 850): 1e-12 relative to their sum; the
// product UV of an SVD reconstruction is exact to ~1e-15 relative (1e-13).
// The initial band is crossed near c = 1, where dTr Q/dc = −4‖Y‖_*: |c − 1|
// ≈ 8/(4·850) = 0.24% for the band E ± 4 sd = ±8; allow 0.3%.
func TestAnyQ(t *testing.T) {
	q, o := initqResults(t)
	nuc := o.Nuclear
	if math.Abs(o.Balanced) > 1e-12*2*nuc {
		t.Errorf("balanced minimum: Tr Q = %.2g, want 0", o.Balanced)
	}
	if o.C[0] != 0.01 || o.C[len(o.C)-1] != 100 {
		t.Errorf("c from %g to %g, want 0.01 to 100", o.C[0], o.C[len(o.C)-1])
	}
	for i, c := range o.C {
		if want := (1/(c*c) - c*c) * nuc; math.Abs(o.TrQ[i]-want) > 1e-12*(1/(c*c)+c*c)*nuc {
			t.Errorf("c = %g: Tr Q = %.15g, want (1/c² − c²)‖Y‖_* = %.15g", c, o.TrQ[i], want)
		}
		if i > 0 && !(o.TrQ[i] < o.TrQ[i-1]) {
			t.Errorf("Tr Q not decreasing at c = %g", c)
		}
	}
	if r := o.MaxResidual(); r > 1e-13 {
		t.Errorf("‖Y − UV‖/‖Y‖ = %.2g on the orbit, want 0", r)
	}
	if len(o.Targets) != 7 {
		t.Errorf("%d targets, want the notebook's 7", len(o.Targets))
	}
	for _, g := range o.Targets {
		if math.Abs(g.TrQ-g.Want) > 1e-12*(1/(g.C*g.C)+g.C*g.C)*nuc || g.Residual > 1e-13 {
			t.Errorf("ScaleForQ(%g): c = %g, Tr Q = %.15g, residual %.2g", g.Want, g.C, g.TrQ, g.Residual)
		}
	}
	d := q.Dists[0]
	eLo, eHi := o.Crossing(d.ClosedMean-4*d.ClosedSD, d.ClosedMean+4*d.ClosedSD)
	cLo, cHi := o.Crossing(d.Min, d.Max)
	if eLo < 0.997 || eHi > 1.003 || cLo < eLo || cHi > eHi || !(cLo < cHi) {
		t.Errorf("band crossed for c in [%.5f, %.5f], want within [%.5f, %.5f] ⊂ 1 ± 0.3%%", cLo, cHi, eLo, eHi)
	}
}

// The notebook's three figures render: Fig. 4 (2×2), Fig. 5 (1×3) and the
// orbit with the band.
func TestInitQFigures(t *testing.T) {
	q, o := initqResults(t)
	check := func(name string, b []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := img.Bounds(); r.Dx() < 600 || r.Dy() < 300 || r.Dx() > 4000 || r.Dy() > 4000 {
			t.Errorf("%s is %v pixels", name, r.Size())
		}
	}
	for _, f := range []struct {
		name       string
		fig        func() ([][]*plot.Plot, error)
		rows, cols int
	}{{"Fig. 4", q.Fig4, 2, 2}, {"Fig. 5", q.Fig5, 1, 3}} {
		panels, err := f.fig()
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if len(panels) != f.rows || len(panels[0]) != f.cols {
			t.Errorf("%s: %d×%d panels, want %d×%d", f.name, len(panels), len(panels[0]), f.rows, f.cols)
		}
		b, err := show.GridPNG(panels, show.Settings{})
		check(f.name, b, err)
	}
	p, err := o.Plot(q.Dists[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := show.PNG(p, show.Settings{})
	check("the orbit", b, err)
}

package zhao2023

import (
	"math"
	"testing"
)

// The claims of notebooks/01-symmetries.ipynb, on the notebook's settings
// (every experiment here takes well under a second).
//
// Rounding tolerance: the identities below are relative errors of a few
// matrix products, one activation and one loss, ≈1e-16 times the condition
// number of g (≲ 20 for the sampled elements); 1e-13 leaves two orders of
// margin and is still twelve orders below the controls.
const symmRounding = 1e-13

// Sec. 3's equivariances hold to rounding, with the table's π(g) and with the
// least-squares π; for the controls even the best linear π fails.
func TestEquivariances(t *testing.T) {
	r, err := Equivariances(EquivariancesSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 14 {
		t.Fatalf("%d rows, want the notebook's 10 symmetries and 4 controls", len(r.Rows))
	}
	for _, row := range r.Rows {
		if row.Symmetry {
			if row.Error > symmRounding || row.FitError > symmRounding {
				t.Errorf("%s, g from %s: σ(gZ) = π σ(Z) fails by %.2g with π = %s and by %.2g with the best π", row.Act, row.Group, row.Error, row.Pi, row.FitError)
			}
			continue
		}
		// 200 samples for h² = 16 unknowns: a real π would fit to rounding.
		// The measured errors are 0.19–0.62; 0.05 is the bound.
		if row.FitError < 0.05 {
			t.Errorf("%s, g from %s (control): best linear π has error %.2g, want ≥ 0.05", row.Act, row.Group, row.FitError)
		}
	}
	if _, err := Equivariances(EquivariancesSettings{Units: 4, Samples: 3}); err == nil {
		t.Error("k = 3 < h = 4 samples: no error")
	}
}

// Along e^{εT} the best-fit error is rounding for the symmetric subgroups and
// grows in proportion to ε for the others: tanh has no continuous symmetry.
func TestSubgroups(t *testing.T) {
	r, err := Subgroups(SubgroupsSettings{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Curves {
		if c.Symmetry {
			for i, e := range c.Error {
				if e > symmRounding {
					t.Errorf("%s, %s T, ε = %.3g: error %.2g", c.Act, c.Generator, c.Eps[i], e)
				}
			}
			continue
		}
		// First order in ε: from ε = 1e-4 to 1e-2 the error grows a
		// hundredfold, to within the O(ε) relative correction (±20% at
		// ε = 1e-2), that is a slope of 1 ± log₁₀(1.2)/2 = 1 ± 0.04.
		if c.Error[0] < 1e-6 || math.Abs(c.Slope-1) > 0.04 {
			t.Errorf("%s, %s T: error %.3g at ε = %g, slope %.3g; want ≥ 1e-6 and 1 ± 0.04", c.Act, c.Generator, c.Error[0], c.Eps[0], c.Slope)
		}
	}
	if lo, hi := r.SlopeRange(); lo > hi || math.IsNaN(lo) {
		t.Errorf("SlopeRange = %g, %g", lo, hi)
	}
	if _, err := Subgroups(SubgroupsSettings{Eps: []float64{1e-2, 1e-3}}); err == nil {
		t.Error("decreasing ε: no error")
	}
}

// Every action of the paper's table leaves the loss of a random network
// unchanged while moving its parameters far; the controls do not.
func TestActionInvariance(t *testing.T) {
	r, err := ActionInvariance(ActionInvarianceSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 15 {
		t.Fatalf("%d rows, want 13 two-layer actions and 2 deep ones", len(r.Rows))
	}
	for _, row := range r.Rows {
		if row.Moved < 0.3 {
			t.Errorf("%s %s, %s: θ moved only %.2g of its norm: a weak check", row.Net, row.Act, row.Group, row.Moved)
		}
		switch {
		case row.Symmetry && row.Change > symmRounding:
			t.Errorf("%s %s, %s: loss changed by %.2g (relative), want rounding", row.Net, row.Act, row.Group, row.Change)
		case !row.Symmetry && row.Change < 1e-3:
			// The smallest measured change is 0.0044 (tanh rescaled,
			// nearly linear there); deterministic seeds, so 1e-3 is a bound.
			t.Errorf("%s %s, %s (control): loss changed by only %.2g", row.Net, row.Act, row.Group, row.Change)
		}
	}
}

// Figure 1: the trained θ* is the best rank-h approximation of Y; its orbit
// is flat; straight lines leave the valley, the tangent at fourth order.
func TestFig1(t *testing.T) {
	r, err := Fig1(Fig1Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if r.GradNorm > 1e-10 {
		t.Fatalf("‖∇L‖ = %.2g at the end of the flow", r.GradNorm)
	}
	// Eckart–Young. At ‖∇L‖ ≤ 1e-10 and a Hessian gap ≈ 0.03 (smallest
	// nonzero eigenvalue) θ* is within ~3e-9 of the valley: 1e-7 for UV,
	// and L* − L_min is second order in that distance.
	if r.RankError > 1e-7 {
		t.Errorf("UV differs from the best rank-%d approximation by %.2g", r.Settings.Hidden, r.RankError)
	}
	if math.Abs(r.LStar-r.EckartYoung) > 1e-12 {
		t.Errorf("L* = %.15g, Eckart–Young gives %.15g", r.LStar, r.EckartYoung)
	}
	// The plane: flat on the hyperbola xy = 1 (both branches), rising on
	// the diagonal. The heat map is log₁₀ L/L*, ≥ 0 up to rounding.
	if r.Hyperbola > symmRounding {
		t.Errorf("plane: L on xy = 1 differs from L* by %.2g", r.Hyperbola)
	}
	if r.DiagonalUp < 2 {
		t.Errorf("plane: L(2, 2)/L* = %.3g, want a rise", r.DiagonalUp)
	}
	if n := r.Settings.Grid + 1; len(r.PlaneX) != n || r.PlaneLogL.RawMatrix().Rows != n {
		t.Errorf("plane: %d grid values, want %d", len(r.PlaneX), n)
	}
	// The generic orbit is flat over more than ‖θ*‖; the straight lines
	// through θ* rise by an order of magnitude at that distance.
	if r.OrbitChange > symmRounding || r.OrbitDistance < 1 {
		t.Errorf("orbit: largest relative change of L %.2g over %.2g‖θ*‖; want ≤ 1e-13 over ≥ 1", r.OrbitChange, r.OrbitDistance)
	}
	for _, c := range []Fig1Curve{r.Tangent, r.Random} {
		if l := c.Loss[len(c.Loss)-1] / r.LStar; l < 10 {
			t.Errorf("%s at distance ‖θ*‖: L/L* = %.3g, want a rise", c.Name, l)
		}
	}
	// Orders from r = 0.01 and 0.02 (log₂ of the rise ratio). Along the
	// tangent UV − W* = −r²UA²V exactly and the gradient terms vanish at θ*,
	// so L − L* ∝ r⁴ to rounding; along the random line the cubic term adds
	// a relative correction O(r) (measured 0.2% on the ratio). The bounds,
	// ±1 on 16 and ±0.25 on 4 (6%), are ±log₂(17/16) = ±0.09 on p.
	t.Logf("L* = %.6g; orbit: max change %.2g over %.2f‖θ*‖; orders: tangent %.4g, random %.4g", r.LStar, r.OrbitChange, r.OrbitDistance, r.TangentOrder, r.RandomOrder)
	if math.Abs(r.TangentOrder-4) > 0.09 {
		t.Errorf("tangent line: L − L* ∝ r^%.3g, want r⁴", r.TangentOrder)
	}
	if math.Abs(r.RandomOrder-2) > 0.09 {
		t.Errorf("random line: L − L* ∝ r^%.3g, want r²", r.RandomOrder)
	}
	if _, err := Fig1(Fig1Settings{Hidden: 6}); err == nil {
		t.Error("h = 6 > min(m, n) = 5: no error")
	}
}

// Orbit dimension = dim G − dim stabiliser = number of zero Hessian
// eigenvalues, for the h = 3 network and in the Figure 9 setting (under
// -short its h = 20 variant, Fast). Counts are exact: the zero and nonzero
// singular values and eigenvalues are separated by many orders of magnitude
// at the rank tolerances used (1e-10 and 1e-8).
func TestOrbitDimension(t *testing.T) {
	s := OrbitDimensionSettings{}
	if testing.Short() {
		s = s.Fast()
	}
	r, err := OrbitDimension(s)
	if err != nil {
		t.Fatal(err)
	}
	f9 := r.Settings.Fig9
	// At the Figure 9 minimum rank U = m and rank V = n (h ≥ m, n), so
	// dim G − dim stabiliser = h² − (h − m)(h − n) = h(m + n) − m n: all
	// parameters but m·n, the rank of the Hessian 2JᵀJ of a zero-loss fit.
	fig9 := f9.Hidden*(f9.In+f9.Out) - f9.In*f9.Out
	if !testing.Short() && fig9 != 700 {
		t.Fatalf("Figure 9 setting %+v gives %d, want the paper's network (700)", f9, fig9)
	}
	want := []struct{ predicted, orbit, zero int }{
		{9, 9, 9},          // GL(3): h² = 9, trivial stabiliser
		{3, 3, -1},         // (R>0)³
		{3, 3, -1},         // O(3)
		{fig9, fig9, fig9}, // GL(50), Fig. 9: 2500 − 40·45 = 750 − m·n
	}
	if len(r.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(r.Rows), len(want))
	}
	for i, w := range want {
		row := r.Rows[i]
		if row.Predicted != w.predicted || row.OrbitDim != w.orbit || row.ZeroEigenvalues != w.zero {
			t.Errorf("%s, %s: dim G − dim stabiliser %d, orbit dimension %d, zero eigenvalues %d; want %d, %d, %d",
				row.Network, row.Group, row.Predicted, row.OrbitDim, row.ZeroEigenvalues, w.predicted, w.orbit, w.zero)
		}
	}
}

package zhao2023

import (
	"math"
	"slices"
	"testing"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/show"
)

// The claims of notebooks/07-nonlinear-action.ipynb, each asserted once on
// the typed results of the experiments in nonlinear.go. Every experiment but
// the sweep over nets takes milliseconds and runs in its paper setting; the
// sweep runs its Fast preset under -short.

// nlRun fails the test on an error.
func nlRun[S, R any](t *testing.T, f func(S) (R, error), s S) R {
	t.Helper()
	r, err := f(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A π fits k ≤ h = 16 samples exactly and k > h samples not at all, by an
// amount that grows with k; the control (a true symmetry) fits every k.
// Tolerances: for k ≤ h the residual is rounding (1e-16) times the condition
// number of σ(g Z_k), below 1e4 for these random columns (measured worst
// 3e-15), so 1e-12; for k > h the best misfit is a property of σ, of order
// 1e-2 (measured at least 1.2e-2), far above 1e-3.
func TestNonlinearBatchLimit(t *testing.T) {
	r := nlRun(t, NonlinearBatchLimit, NonlinearBatchLimitSettings{})
	if len(r.Rows) != 8 {
		t.Fatalf("%d rows, want 8", len(r.Rows))
	}
	for i, row := range r.Rows {
		if row.Control > 1e-12 {
			t.Errorf("k = %d: the control's residual %.2g, want ≤ 1e-12", row.K, row.Control)
		}
		for a, res := range row.Residual {
			act := NonlinearActs()[a]
			switch {
			case row.K <= r.H && res > 1e-12:
				t.Errorf("%s k = %d ≤ h: residual %.2g, want ≤ 1e-12", act, row.K, res)
			case row.K > r.H && res < 1e-3:
				t.Errorf("%s k = %d > h: residual %.2g, want ≥ 1e-3", act, row.K, res)
			case row.K > r.H+1 && res <= r.Rows[i-1].Residual[a]:
				t.Errorf("%s: residual %.2g at k = %d does not grow from %.2g at k = %d", act, res, row.K, r.Rows[i-1].Residual[a], r.Rows[i-1].K)
			}
		}
	}
}

// On net 0 at ε = 0.01: V moves by about ε, π by more; the outputs on the
// batch are unchanged to rounding and those on new inputs change by at least
// a percent, most for relu², whose σ(VX) is the worst conditioned.
// Tolerances: ‖(e^{εT} − I)V‖/‖V‖ ≈ ε‖TV‖/‖V‖ with E‖TV‖²_F = ‖V‖²_F, so
// within a factor 1.5 of ε; the batch's change is rounding times the
// condition number of σ(gVX) (below 1e4, measured 2e-15), so 1e-10.
func TestNonlinearOnBatch(t *testing.T) {
	r := nlRun(t, NonlinearOnBatch, NonlinearOnBatchSettings{})
	var worstCond, worstOff string
	cond, off := 0.0, 0.0
	for _, row := range r.Rows {
		if row.VMove < r.Eps/1.5 || row.VMove > 1.5*r.Eps {
			t.Errorf("%s: ‖gV − V‖/‖V‖ = %.3g, want ε = %g within a factor 1.5", row.Act, row.VMove, r.Eps)
		}
		if row.PiMove <= row.VMove {
			t.Errorf("%s: π moves by %.3g, not more than V (%.3g)", row.Act, row.PiMove, row.VMove)
		}
		if row.OnBatch > 1e-10 {
			t.Errorf("%s: the batch's outputs changed by %.2g, want ≤ 1e-10", row.Act, row.OnBatch)
		}
		if row.OffBatch < 0.01 {
			t.Errorf("%s: new inputs changed by %.2g, want at least a percent", row.Act, row.OffBatch)
		}
		if row.Cond > cond {
			cond, worstCond = row.Cond, row.Act
		}
		if row.OffBatch > off {
			off, worstOff = row.OffBatch, row.Act
		}
	}
	if worstCond != "relu2" || worstOff != "relu2" {
		t.Errorf("worst conditioned %s, largest change %s, want relu2 for both", worstCond, worstOff)
	}
}

// Off the batch the median change over nets grows with ε, first order for
// small ε, while the batch stays exact; the medians lie within a factor 5 of
// the derived one-net values (full run only: one net can sit a quartile
// span, a factor of about 3, from the median; the Fast preset's 7 nets give a
// noisier median). Bands of the growth: per net the change is
// a ε (1 + c ε + …) with |c| up to about 50 (the change reaches order one
// near ε ≈ 0.1), so from 1e-4 to 1e-3 the ratio is 10 within 5%, and from
// 1e-3 to 1e-2 within [7, 13] (measured 9.5–11.4).
func TestNonlinearOffBatch(t *testing.T) {
	s := NonlinearOffBatchSettings{}
	if testing.Short() {
		s = s.Fast()
	}
	r := nlRun(t, NonlinearOffBatch, s)
	if w := r.WorstOnBatch(); w > 1e-10 {
		t.Errorf("a fitted batch changed by %.2g, want ≤ 1e-10 (as TestNonlinearOnBatch)", w)
	}
	for _, c := range r.Curves {
		if !slices.IsSorted(c.Median) {
			t.Errorf("%s: the median change %.3g does not grow with ε %v", c.Act, c.Median, r.Eps)
		}
		for e := range r.Eps {
			if !(c.Q1[e] <= c.Median[e] && c.Median[e] <= c.Q3[e]) {
				t.Errorf("%s ε = %g: quartiles %.3g, %.3g around the median %.3g", c.Act, r.Eps[e], c.Q1[e], c.Q3[e], c.Median[e])
			}
		}
		if g := r.Growth(c.Act, 1e-4); math.Abs(g-10) > 0.5 {
			t.Errorf("%s: change(1e-3)/change(1e-4) = %.3g, want 10 ± 0.5", c.Act, g)
		}
		if g := r.Growth(c.Act, 1e-3); !(g >= 7 && g <= 13) {
			t.Errorf("%s: change(1e-2)/change(1e-3) = %.3g, want in [7, 13]", c.Act, g)
		}
	}
	if len(r.Rows) != 12 {
		t.Fatalf("%d rows at the derived table's ε, want 3 σ × 4 ε", len(r.Rows))
	}
	if testing.Short() {
		return
	}
	for _, row := range r.Rows {
		if f := row.MeasuredOverDerived; f < 0.2 || f > 5 {
			t.Errorf("%s ε = %g: median %.3g, derived %.3g: more than a factor 5 apart", row.Act, row.Eps, row.Median, row.Derived)
		}
	}
}

// For k = h the cocycle holds and π(e) = I, to rounding; the product in the
// other order misses by order one. Tolerance 1e-10: each π carries rounding
// times the condition number of its σ(gVX) (measured worst 9e-14). The
// other order differs by a commutator, of order ε²‖[T₁, T₂]‖ ≈ 0.5 at
// ε = 0.5 (measured at least 1.2): at least 0.1.
func TestNonlinearCocycle(t *testing.T) {
	r := nlRun(t, NonlinearCocycle, NonlinearCocycleSettings{})
	for _, row := range r.Rows {
		if row.Law > 1e-10 || row.Identity > 1e-10 {
			t.Errorf("%s: cocycle off by %.2g, π(e) − I by %.2g, want both ≤ 1e-10", row.Act, row.Law, row.Identity)
		}
		if row.OtherOrder < 0.1 {
			t.Errorf("%s: the other order misses by %.2g only, want ≥ 0.1", row.Act, row.OtherOrder)
		}
	}
}

// For k < h, π(e) is a projection of rank k, not I, and new inputs change at
// g = e. Tolerances: the trace and P² − P are rounding (measured 4e-15); a
// projection dropping h − k = 8 of the 16 directions of σ(Vx) changes the
// outputs by order one (measured 49–74%), at least 20%.
func TestNonlinearSmallBatch(t *testing.T) {
	r := nlRun(t, NonlinearSmallBatch, NonlinearSmallBatchSettings{})
	for _, row := range r.Rows {
		if math.Abs(row.Trace-float64(r.K)) > 1e-10 || row.Idempotence > 1e-12 {
			t.Errorf("%s: Tr π(e) = %v, ‖π(e)² − π(e)‖ = %.2g, want k = %d and ≤ 1e-12", row.Act, row.Trace, row.Idempotence, r.K)
		}
		if row.ChangeAtE < 0.2 {
			t.Errorf("%s: new inputs changed by %.2g at g = e, want ≥ 0.2", row.Act, row.ChangeAtE)
		}
	}
}

// The arccos and atan2 angles agree except the last, whose sign arccos loses,
// so the arccos frame's first column has +|z_h|; the atan2 frame is the
// library's and has first column z. Tolerance 1e-14: sines and cosines of
// angles computed to rounding, multiplied h = 4 times.
func TestNonlinearSpherical(t *testing.T) {
	r := nlRun(t, NonlinearSpherical, NonlinearSphericalSettings{})
	h := len(r.Z)
	for i := range h - 1 {
		want := r.Atan2Angles[i]
		if i == h-2 {
			want = -want
		}
		if math.Abs(r.ArccosAngles[i]-want) > 1e-14 {
			t.Errorf("angle α_%d: arccos %v, atan2 %v", i+1, r.ArccosAngles[i], r.Atan2Angles[i])
		}
	}
	for i, z := range r.Z {
		want := z
		if i == h-1 {
			want = math.Abs(z)
		}
		if math.Abs(r.Atan2Column[i]-z) > 1e-14 || math.Abs(r.ArccosColumn[i]-want) > 1e-14 {
			t.Errorf("R e₁[%d]: atan2 %v, arccos %v, want %v and %v", i, r.Atan2Column[i], r.ArccosColumn[i], z, want)
		}
	}
	if r.Z[h-1] >= 0 {
		t.Errorf("z_h = %v: the example must have a negative last entry", r.Z[h-1])
	}
	if r.FrameDiff > 1e-14 || r.Orthogonality > 1e-14 {
		t.Errorf("sym.SphericalFrame vs the atan2 frame %.2g, ‖R Rᵀ − ‖z‖² I‖ = %.2g, want ≤ 1e-14", r.FrameDiff, r.Orthogonality)
	}
}

// sym.ExactPi maps z′ to z and e to I for inputs of every sign pattern, some
// negative everywhere; the arccos frames fail on every input with a clearly
// negative last entry. Tolerance 1e-12: products of h = 16 sines and
// cosines, each to rounding (measured 5e-15).
func TestNonlinearExact(t *testing.T) {
	r := nlRun(t, NonlinearExact, NonlinearExactSettings{})
	if r.Worst > 1e-12 || r.WorstIdentity > 1e-12 {
		t.Errorf("worst ‖π z′ − z‖/‖z‖ = %.2g, ‖π(e) − I‖/‖I‖ = %.2g, want ≤ 1e-12", r.Worst, r.WorstIdentity)
	}
	if r.AllNegative < 1 {
		t.Error("no input with z and z′ negative in every entry: the cases do not test the signs")
	}
	if r.LastNegative < 1 || r.ArccosFails != r.LastNegative {
		t.Errorf("the arccos frames fail on %d of %d inputs with a negative last entry, want all, and some", r.ArccosFails, r.LastNegative)
	}
}

func TestNonlinearBadSettings(t *testing.T) {
	for name, err := range map[string]error{
		"k = 0":           nlErr(NonlinearBatchLimit(NonlinearBatchLimitSettings{Ks: []int{0, 4}})),
		"nets < 0":        nlErr(NonlinearOffBatch(NonlinearOffBatchSettings{Nets: -1})),
		"ε = 0":           nlErr(NonlinearOffBatch(NonlinearOffBatchSettings{Eps: []float64{0, 1}})),
		"ε decreasing":    nlErr(NonlinearOffBatch(NonlinearOffBatchSettings{Eps: []float64{1, 0.1}})),
		"k = h":           nlErr(NonlinearSmallBatch(NonlinearSmallBatchSettings{K: 16})),
		"len(z) = 1":      nlErr(NonlinearSpherical(NonlinearSphericalSettings{Z: []float64{1}})),
		"z = 0":           nlErr(NonlinearSpherical(NonlinearSphericalSettings{Z: []float64{0, 0}})),
		"inputs negative": nlErr(NonlinearExact(NonlinearExactSettings{Inputs: -2})),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func nlErr[R any](_ R, err error) error { return err }

// The notebook draws and caches the sweep: its result survives the cache's
// round trip, and its figure and tables render.
func TestNonlinearPresentation(t *testing.T) {
	t.Setenv(cache.Env, t.TempDir())
	s := NonlinearOffBatchSettings{}.Fast()
	a, err := cache.Call(NonlinearOffBatch, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cache.Call(NonlinearOffBatch, s) // from the file
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Curves[2].Q3, b.Curves[2].Q3) || a.WorstOnBatch() != b.WorstOnBatch() {
		t.Error("the cached sweep differs from the computed one")
	}
	p, err := b.Plot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := show.PNG(p, show.Settings{}); err != nil {
		t.Fatal(err)
	}
	co := nlRun(t, NonlinearCocycle, NonlinearCocycleSettings{})
	ex := nlRun(t, NonlinearExact, NonlinearExactSettings{})
	if n := len(NonlinearTable(b, co, ex).Rows); n != 13 {
		t.Errorf("the closing table has %d rows, want 13", n)
	}
}

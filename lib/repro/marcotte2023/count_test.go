package marcotte2023

import (
	"sync"
	"testing"

	"github.com/noetherlab/noether/lib/lie"
	"github.com/noetherlab/noether/lib/nn"
)

// TestCount asserts the counts of notebook 18: at a random point, with 100
// samples, D − dim W_1(θ) equals the number of laws of package conserved in
// every case, second brackets add nothing (dim W_2 = dim W_1), and those laws
// are independent, orthogonal to every field and bracket (|cos| ≤ CosTol)
// and with them span R^D, so that they are complete.
// The counts are integers read off a gap (TestCountGap): no tolerance.
func TestCount(t *testing.T) {
	r, err := fastCount()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Cases {
		if c.Count != c.Expected {
			t.Errorf("%s: D − dim W₁ = %d, want %d", c.Case, c.Count, c.Expected)
		}
		if !c.Check.Independent() {
			t.Errorf("%s: the %d laws have gradients of rank %d", c.Case, c.Check.Laws, c.Check.LawRank.Rank)
		}
		if c.Check.MaxCos > CosTol {
			t.Errorf("%s: a law's gradient has |cos| = %.2g with the span", c.Case, c.Check.MaxCos)
		}
		if c.Depth2Rank != c.SpanRank.Rank {
			t.Errorf("%s: second brackets grow the span from %d to %d", c.Case, c.SpanRank.Rank, c.Depth2Rank)
		}
		if c.Check.Joint.Rank != c.D || !c.Complete {
			t.Errorf("%s: span and laws have joint rank %d of %d (complete %v)", c.Case, c.Check.Joint.Rank, c.D, c.Complete)
		}
		// The count falls with the number of samples and saturates well
		// before the last one.
		if c.Saturated > r.Settings.Samples/2 {
			t.Errorf("%s: saturated only at %d samples", c.Case, c.Saturated)
		}
		for i := 1; i < len(c.SaturationCount); i++ {
			if c.SaturationCount[i] > c.SaturationCount[i-1] {
				t.Errorf("%s: count rose from %d to %d between %d and %d samples", c.Case, c.SaturationCount[i-1], c.SaturationCount[i], c.Saturation[i-1], c.Saturation[i])
			}
		}
	}
	// The brackets are needed: for the two-layer linear network the fields
	// alone span less than D − h(h+1)/2.
	if c := r.Cases[0]; c.FieldRank >= c.SpanRank.Rank {
		t.Errorf("%s: the fields alone span %d, with brackets %d", c.Case, c.FieldRank, c.SpanRank.Rank)
	}
}

// TestCountGap asserts that every rank of notebook 18 is read off a gap of
// many orders of magnitude: the zero singular values are rounding (below
// 1e-12 for a few thousand unit vectors in float64) and the non-zero ones
// geometry (above 1e-3).
func TestCountGap(t *testing.T) {
	r, err := fastCount()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Cases {
		if c.SpanRank.LargestZero > 1e-12 || c.SpanRank.SmallestNonZero < 1e-3 {
			t.Errorf("%s: largest zero singular value %.2g, smallest non-zero %.2g", c.Case, c.SpanRank.LargestZero, c.SpanRank.SmallestNonZero)
		}
	}
}

// TestCountDeadUnit shows why Problem draws points where every ReLU unit is
// active: a unit whose incoming weights are zero outputs relu(0) = 0 with
// derivative 0 on every sample, so no field moves its 5 incoming and 3
// outgoing weights, and the count rises from 4 to 4 − 1 + 8 = 11 (its own
// law is among the 8 free coordinates).
func TestCountDeadUnit(t *testing.T) {
	c := Case{Name: "ReLU 5-4-3", Sizes: []int{5, 4, 3}, Act: nn.ReLU}
	s := CountSettings{Cases: []Case{c}, Samples: 40}
	net, x, y, theta := Problem(c, s, 0)
	p := net.Params()
	p.Bind(theta)
	W, _ := net.Layers(p)
	for j := 0; j < 5; j++ {
		W[0].Set(0, j, 0)
	}
	span, err := lie.Generate(Fields(net, x, y), theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := span.Upper(); got != 11 {
		t.Errorf("dead unit: count %d, want 11", got)
	}
}

// fastCount is Count on the fast preset, computed once for the tests that
// assert on it.
var fastCount = sync.OnceValues(func() (*CountResult, error) { return Count(CountSettings{}.Fast()) })

// TestCountSeeds repeats the counts at the points and data of two more
// seeds: the count is a property of generic points, not of one draw.
func TestCountSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("two more Count runs")
	}
	for _, seed := range []uint64{1, 2} {
		r, err := Count(CountSettings{Seed: seed}.Fast())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Cases {
			if c.Count != c.Expected || !c.Complete || c.Depth2Rank != c.SpanRank.Rank {
				t.Errorf("seed %d, %s: count %d, want %d (complete %v, dim W₂ %d, dim W₁ %d)", seed, c.Case, c.Count, c.Expected, c.Complete, c.Depth2Rank, c.SpanRank.Rank)
			}
		}
	}
}

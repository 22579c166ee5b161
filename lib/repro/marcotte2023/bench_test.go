package marcotte2023

import (
	"testing"

	"github.com/noetherlab/noether/lib/lie"
	"github.com/noetherlab/noether/lib/nn"
)

// BenchmarkSpan480 measures the Lie-algebra rank for D ≈ 500: a two-layer
// ReLU network 20-16-10 (D = 480) with 60 per-sample fields, their 1770
// brackets (3540 Hessian-vector products) and the SVD of the 1830×480 matrix
// of the span (40 samples do not saturate the count: 39 instead of 16).
// Target: at most 10 s on 2 cores; measured 0.22 s on a quiet machine and
// 0.3–1.3 s with a load average of 15 on its 2 cores.
func BenchmarkSpan480(b *testing.B) {
	c := Case{Name: "ReLU 20-16-10", Sizes: []int{20, 16, 10}, Act: nn.ReLU}
	s := CountSettings{Cases: []Case{c}, Samples: 60}
	net, x, y, theta := Problem(c, s, 0)
	for b.Loop() {
		span, err := lie.Generate(Fields(net, x, y), theta, 0)
		if err != nil {
			b.Fatal(err)
		}
		if span.Upper() != 16 {
			b.Fatalf("count %d, want 16", span.Upper())
		}
	}
}

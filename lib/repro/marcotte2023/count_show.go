package marcotte2023

import (
	"fmt"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/show"
)

// Plot draws, for each case, the upper bound D − dim W_1(θ) against the
// number of samples whose fields generate the span, divided by the number of
// laws of package conserved: every curve falls to 1 when the known laws are
// all there are.
func (r *CountResult) Plot() (*plot.Plot, error) {
	var ss []show.Series
	for _, c := range r.Cases {
		x := make([]float64, len(c.Saturation))
		y := make([]float64, len(c.Saturation))
		for i, n := range c.Saturation {
			x[i] = float64(n)
			y[i] = float64(c.SaturationCount[i]) / float64(c.Expected)
		}
		ss = append(ss, show.Series{Name: c.Case, X: x, Y: y})
	}
	return show.Lines(show.Axes{Title: "conserved functions left by the span of N fields and their brackets",
		X: "samples N", Y: "(D − dim W₁) / known laws", LogX: true, LogY: true}, ss...)
}

// Table lists each case's count with the singular values at its cut and the
// checks of the laws of package conserved.
func (r *CountResult) Table() show.Table {
	t := show.Table{Caption: fmt.Sprintf("Conservation laws at a random θ, %d samples: D − dim W₁(θ) against the laws of package conserved", r.Settings.Samples),
		Header: []string{"network", "D", "dim W₀", "dim W₁", "dim W₂", "D − dim W₁", "known laws", "rank of their gradients", "max |cos|", "smallest non-zero σ", "largest zero σ", "saturated at N"},
		Format: "%.2g"}
	for _, c := range r.Cases {
		t.AddRow(c.Case, c.D, c.FieldRank, c.SpanRank.Rank, c.Depth2Rank, c.Count, c.Expected, c.Check.LawRank.Rank, c.Check.MaxCos,
			c.SpanRank.SmallestNonZero, c.SpanRank.LargestZero, c.Saturated)
	}
	return t
}

// Notebook18Table is the closing table of notebook 18.
func Notebook18Table(r *CountResult) show.Table {
	t := show.Table{
		Caption: "Notebook 18, measured beside the reference. Asserted by TestCount, TestCountGap and TestCountSeeds (two more random points): go test ./lib/repro/marcotte2023 -run Count",
		Header:  []string{"network", "laws measured (D − dim Lie)", "reference", "source"},
	}
	for _, c := range r.Cases {
		src := "derived (laws of package conserved, independent and complete)"
		ref := fmt.Sprintf("%d", c.Expected)
		if twoLayer := len(c.Sizes) == 3 && !c.Bias; twoLayer {
			n, h, m := c.Sizes[0], c.Sizes[1], c.Sizes[2]
			switch {
			case c.Act == nn.Linear.Name && h <= min(n, m):
				src, ref = "paper (h(h+1)/2, two-layer linear)", fmt.Sprintf("%d = %d·%d/2", c.Expected, h, h+1)
			case c.Act == nn.Linear.Name:
				src, ref = "derived (h(h+1)/2 at this h > n, by the two bounds)", fmt.Sprintf("%d = %d·%d/2", c.Expected, h, h+1)
			case c.Act == nn.ReLU.Name:
				src, ref = "paper (h, two-layer ReLU)", fmt.Sprintf("%d = h", c.Expected)
			}
		}
		t.AddRow(c.Case, fmt.Sprintf("%d", c.Count), ref, src)
	}
	var lo, hi float64 = 0, 1e300
	for _, c := range r.Cases {
		lo = max(lo, c.SpanRank.LargestZero)
		hi = min(hi, c.SpanRank.SmallestNonZero)
	}
	t.AddRow("singular-value gap, all cases", fmt.Sprintf("largest zero %.1e, smallest non-zero %.2g", lo, hi), "> 10⁶ apart", "derived (rounding against geometry)")
	return t
}

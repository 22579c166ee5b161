package show

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
)

// SymLog is an axis scale for values of both signs that span many decades,
// such as a quantity that ranges over all of R but matters most near zero. It
// is linear within about ±C and logarithmic beyond, through
//
//	x ↦ asinh(x/C) = ln(x/C + √((x/C)² + 1)),
//
// which is odd, increasing, ≈ x/C for |x| ≪ C and ≈ sign(x)·ln(2|x|/C) for
// |x| ≫ C. Use it with SymLogTicks of the same C, or set both with SetSymLog.
// C must be positive.
type SymLog struct{ C float64 }

// Normalize implements plot.Normalizer: it returns the position of x in
// [min, max] on the scale, 0 at min and 1 at max.
func (s SymLog) Normalize(min, max, x float64) float64 {
	c := s.c("SymLog")
	lo, hi := math.Asinh(min/c), math.Asinh(max/c)
	if hi == lo {
		return 0.5
	}
	return (math.Asinh(x/c) - lo) / (hi - lo)
}

func (s SymLog) c(fn string) float64 {
	if !(s.C > 0) || math.IsInf(s.C, 1) {
		panic(fmt.Sprintf("show: %s: C = %g, want a finite C > 0", fn, s.C))
	}
	return s.C
}

// SymLogTicks marks 0 and the decades ±10^e at or beyond C on a SymLog axis,
// labelled exactly (−1000, −10, 0, 10, 1000, 1e+06). When more than about
// eight decades of one sign are in range only every other (or every k-th) one
// is labelled.
type SymLogTicks struct{ C float64 }

// Ticks implements plot.Ticker.
func (t SymLogTicks) Ticks(min, max float64) []plot.Tick {
	c := SymLog(t).c("SymLogTicks")
	var ticks []plot.Tick
	if min <= 0 && max >= 0 {
		ticks = append(ticks, plot.Tick{Value: 0, Label: "0"})
	}
	first := int(math.Ceil(math.Log10(c)))
	top := math.Max(math.Abs(min), math.Abs(max))
	if top < decadeValue(first) {
		return plot.DefaultTicks{}.Ticks(min, max) // the range is within the linear part
	}
	last := int(math.Floor(math.Log10(top)))
	every := 1 + (last-first)/8
	for e := first; e <= last; e++ {
		d := decadeValue(e)
		label := ""
		if (e-first)%every == 0 {
			label = decadeLabel(e)
		}
		if d >= min && d <= max {
			ticks = append(ticks, plot.Tick{Value: d, Label: label})
		}
		if -d >= min && -d <= max {
			if label != "" {
				label = "−" + label
			}
			ticks = append(ticks, plot.Tick{Value: -d, Label: label})
		}
	}
	return ticks
}

// SetSymLog gives ax the SymLog scale with linear part ±C and its ticks.
func SetSymLog(ax *plot.Axis, c float64) {
	SymLog{C: c}.c("SetSymLog")
	ax.Scale = SymLog{C: c}
	ax.Tick.Marker = SymLogTicks{C: c}
}

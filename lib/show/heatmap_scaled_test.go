package show

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/palette/moreland"
)

// The scale is the one given, not the matrix's range; a range across zero
// gets the diverging palette, pale in the middle; bad ranges are errors.
func TestHeatMapScaled(t *testing.T) {
	a := mat.NewDense(2, 2, []float64{-0.5, 0, 0.1, 2})
	h, bar := scaledHeatMap(a, -1, 1)
	if h.Min != -1 || h.Max != 1 || bar.min != -1 || bar.max != 1 {
		t.Errorf("scale [%g, %g], bar [%g, %g], want [−1, 1]", h.Min, h.Max, bar.min, bar.max)
	}
	d := moreland.SmoothBlueRed()
	d.SetMin(-1)
	d.SetMax(1)
	want := d.Palette(256).Colors()
	got := h.Palette.Colors()
	if len(got) != 256 || got[0] != want[0] || got[128] != want[128] || h.Overflow != want[255] {
		t.Error("a range across zero does not use the diverging palette")
	}
	if _, err := HeatMapScaled(Axes{}, a, -1, 1); err != nil {
		t.Error(err)
	}
	for _, r := range [][2]float64{{1, 1}, {2, 1}, {math.NaN(), 1}, {0, math.Inf(1)}} {
		if _, err := HeatMapScaled(Axes{}, a, r[0], r[1]); err == nil {
			t.Errorf("range %v accepted", r)
		}
	}
}

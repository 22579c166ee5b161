package show

import (
	"fmt"
	"image/color"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// HeatMapScaled is HeatMap with the colour scale fixed to [lo, hi] instead
// of fitted to m, so that several panels can share one scale: the diverging
// blue–red palette when lo < 0 < hi (pale at the middle of the range: give
// lo = −hi to make it zero), the sequential one otherwise. Entries below lo
// or above hi take the extreme colours; NaN entries are grey. It returns an
// error unless lo < hi are finite, or if m is empty or the axes are log.
func HeatMapScaled(a Axes, m mat.Matrix, lo, hi float64) (*plot.Plot, error) {
	const fn = "show.HeatMapScaled"
	if a.LogX || a.LogY {
		return nil, fmt.Errorf("%s: log axes not supported", fn)
	}
	if !(finite(lo) && finite(hi) && lo < hi) {
		return nil, fmt.Errorf("%s: colour range [%g, %g] is not an interval", fn, lo, hi)
	}
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("%s: empty %d×%d matrix", fn, r, c)
	}
	h, bar := scaledHeatMap(m, lo, hi)
	p := newPlot(a)
	p.Add(h, bar)
	p.X.Tick.Marker = indexTicks{}
	p.Y.Tick.Marker = indexTicks{flip: r}
	p.X.Padding, p.Y.Padding = 0, 0
	return p, nil
}

// scaledHeatMap returns the heat map of m on the colour scale [lo, hi] and
// its colour bar.
func scaledHeatMap(m mat.Matrix, lo, hi float64) (heatMap, *colorBar) {
	var cmap palette.ColorMap = moreland.Kindlmann()
	if lo < 0 && hi > 0 {
		cmap = moreland.SmoothBlueRed()
	}
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	pal := cmap.Palette(256)
	colors := pal.Colors()
	h := plotter.NewHeatMap(matrixGrid{m}, pal)
	h.Min, h.Max = lo, hi
	h.Rasterized = true
	h.Underflow = colors[0]
	h.Overflow = colors[len(colors)-1]
	h.NaN = color.Gray{Y: 160}
	return heatMap{h}, &colorBar{colors: colors, min: lo, max: hi}
}

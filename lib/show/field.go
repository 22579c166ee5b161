package show

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatMapXY returns a heat map of a function sampled on a grid, drawn over
// its coordinates: z.At(i, j) is the value at the point (xs[j], ys[i]), so
// row 0 of z is at the bottom (the smallest y), unlike HeatMap, which lays a
// matrix out as it is written. The axes show the coordinates; a colour bar
// on the right shows the values. Values of both signs get the diverging
// palette centred on zero, others the sequential one, as in HeatMap; NaN
// values are grey.
//
// xs and ys must be strictly increasing with at least two values each, and z
// must be len(ys)×len(xs) with some finite entry; log axes are not supported.
// Plot a logarithm of the values (log₁₀ L, say) when they span decades.
func HeatMapXY(a Axes, xs, ys []float64, z mat.Matrix) (*plot.Plot, error) {
	const fn = "show.HeatMapXY"
	if a.LogX || a.LogY {
		return nil, fmt.Errorf("%s: log axes not supported", fn)
	}
	for _, c := range []struct {
		name string
		v    []float64
	}{{"xs", xs}, {"ys", ys}} {
		if len(c.v) < 2 {
			return nil, fmt.Errorf("%s: %s has %d values, want at least 2", fn, c.name, len(c.v))
		}
		for k := 1; k < len(c.v); k++ {
			if !(c.v[k] > c.v[k-1]) || !finite(c.v[k]) || !finite(c.v[k-1]) {
				return nil, fmt.Errorf("%s: %s is not strictly increasing and finite at index %d", fn, c.name, k)
			}
		}
	}
	if r, c := z.Dims(); r != len(ys) || c != len(xs) {
		return nil, fmt.Errorf("%s: z is %d×%d, want len(ys)×len(xs) = %d×%d", fn, r, c, len(ys), len(xs))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range ys {
		for j := range xs {
			if v := z.At(i, j); finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("%s: no finite value in z", fn)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	var cmap palette.ColorMap
	if lo < 0 && hi > 0 {
		mx := math.Max(-lo, hi)
		lo, hi = -mx, mx
		cmap = moreland.SmoothBlueRed()
	} else {
		cmap = moreland.Kindlmann()
	}
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	colors := cmap.Palette(256).Colors()

	h := plotter.NewHeatMap(xyGrid{xs, ys, z}, cmap.Palette(256))
	h.Min, h.Max = lo, hi
	h.Rasterized = true
	h.Underflow = colors[0]
	h.Overflow = colors[len(colors)-1]
	h.NaN = color.Gray{Y: 160}

	p := newPlot(a)
	p.Add(heatMap{h}, &colorBar{colors: colors, min: lo, max: hi})
	p.X.Padding, p.Y.Padding = 0, 0
	return p, nil
}

// xyGrid presents z over coordinates as a plotter.GridXYZ.
type xyGrid struct {
	xs, ys []float64
	z      mat.Matrix
}

func (g xyGrid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g xyGrid) Z(c, r int) float64 { return g.z.At(r, c) }
func (g xyGrid) X(c int) float64    { return g.xs[c] }
func (g xyGrid) Y(r int) float64    { return g.ys[r] }

// Overlay draws the series as lines on an existing plot (a heat map, for
// instance), in the colours Lines gives series 0, 1, …, each over a white
// halo so that it stays visible on any background, and adds the named ones
// to the plot's legend. Points with a NaN or infinite coordinate are left
// out; a series with no finite point, an empty series, or x and y of
// different lengths are errors, and p is then unchanged.
func Overlay(p *plot.Plot, series ...Series) error {
	const fn = "show.Overlay"
	var add []plot.Plotter
	type entry struct {
		name string
		th   plot.Thumbnailer
	}
	var legend []entry
	for i, s := range series {
		xy, err := s.points(fn, i, Axes{})
		if err != nil {
			return err
		}
		halo, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("%s: series %s: %w", fn, s.label(i), err)
		}
		halo.Color = color.White
		halo.Width = vg.Points(3.5)
		l, _ := plotter.NewLine(xy)
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.75)
		l.Dashes = plotutil.Dashes(i)
		add = append(add, halo, l)
		if s.Name != "" {
			legend = append(legend, entry{s.Name, l})
		}
	}
	p.Add(add...)
	for _, e := range legend {
		p.Legend.Add(e.name, e.th)
	}
	return nil
}

// Points marks points (a minimum, a start) on an existing plot with black
// dots in a white ring, visible on any background and distinct from the
// coloured lines of Overlay, and adds the named series to the legend. Input
// is checked as by Overlay.
func Points(p *plot.Plot, series ...Series) error {
	const fn = "show.Points"
	var add []plot.Plotter
	var names []string
	var ths []plot.Thumbnailer
	for i, s := range series {
		xy, err := s.points(fn, i, Axes{})
		if err != nil {
			return err
		}
		ring, err := plotter.NewScatter(xy)
		if err != nil {
			return fmt.Errorf("%s: series %s: %w", fn, s.label(i), err)
		}
		ring.GlyphStyle = draw.GlyphStyle{Color: color.White, Radius: vg.Points(4.5), Shape: draw.CircleGlyph{}}
		dot, _ := plotter.NewScatter(xy)
		dot.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}
		add = append(add, ring, dot)
		if s.Name != "" {
			names = append(names, s.Name)
			ths = append(ths, dot)
		}
	}
	p.Add(add...)
	for k := range names {
		p.Legend.Add(names[k], ths[k])
	}
	return nil
}

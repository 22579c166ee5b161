package show

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatMap returns a heat map of m laid out as a matrix is written: row 0 at
// the top, column 0 at the left, axes labelled with row and column indices,
// and a colour bar on the right. A matrix with entries of both signs gets a
// diverging blue–red palette centred on zero (its pale middle is zero); other
// matrices a sequential one. NaN entries are grey; infinite entries take
// the extreme colours. A matrix with no finite entry, or log axes, are
// errors.
//
// The map is rasterized, one image pixel per entry, and drawn with
// nearest-neighbour scaling: large matrices stay cheap and small ones
// sharp.
func HeatMap(a Axes, m mat.Matrix) (*plot.Plot, error) {
	const fn = "show.HeatMap"
	if a.LogX || a.LogY {
		return nil, fmt.Errorf("%s: log axes not supported", fn)
	}
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("%s: empty %d×%d matrix", fn, r, c)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range r {
		for j := range c {
			if v := m.At(i, j); finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("%s: no finite entry in the %d×%d matrix", fn, r, c)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}

	if lo < 0 && hi > 0 { // centre a diverging palette on zero
		mx := math.Max(-lo, hi)
		lo, hi = -mx, mx
	}
	h, bar := scaledHeatMap(m, lo, hi)
	p := newPlot(a)
	p.Add(h, bar)
	p.X.Tick.Marker = indexTicks{}
	p.Y.Tick.Marker = indexTicks{flip: r}
	p.X.Padding, p.Y.Padding = 0, 0
	return p, nil
}

// matrixGrid presents a matrix as a plotter.GridXYZ with row 0 at the top:
// grid column c is matrix column c, grid row y is matrix row r-1-y.
type matrixGrid struct{ m mat.Matrix }

func (g matrixGrid) Dims() (c, r int) {
	r, c = g.m.Dims()
	return c, r
}

func (g matrixGrid) Z(c, y int) float64 {
	r, _ := g.m.Dims()
	return g.m.At(r-1-y, c)
}

func (g matrixGrid) X(c int) float64 { return float64(c) }
func (g matrixGrid) Y(y int) float64 { return float64(y) }

// heatMap draws a plotter.HeatMap without its glyph boxes: they are a box
// of ±5 points around every cell centre, which for a matrix with small
// cells pads the data area away from the axes and costs one box per entry.
// It also frames the map, whose palette may reach the white of the page.
type heatMap struct{ *plotter.HeatMap }

func (heatMap) GlyphBoxes(*plot.Plot) []plot.GlyphBox { return nil }

func (h heatMap) Plot(c draw.Canvas, p *plot.Plot) {
	h.HeatMap.Plot(c, p)
	xmin, xmax, ymin, ymax := h.DataRange()
	tx, ty := p.Transforms(&c)
	frame(c, p.Y.LineStyle, vg.Rectangle{
		Min: vg.Point{X: tx(xmin), Y: ty(ymin)},
		Max: vg.Point{X: tx(xmax), Y: ty(ymax)},
	})
}

func frame(c draw.Canvas, sty draw.LineStyle, r vg.Rectangle) {
	c.StrokeLines(sty, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
}

// indexTicks marks integer positions as matrix indices: a labelled tick
// every 1, 2, 5, 10, 20, … indices (at most 8 labels), unlabelled ones at
// the indices between when they are not too dense. With flip = r > 0 the
// position y is labelled r-1-y, the matrix row drawn there.
type indexTicks struct{ flip int }

func (t indexTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := int(math.Ceil(min)), int(math.Floor(max))
	if hi < lo {
		return nil
	}
	step := 1
	for k := 0; (hi-lo)/step >= 8; k++ {
		step = []int{2, 5, 10}[k%3] * pow10(k/3)
	}
	var ticks []plot.Tick
	for v := lo; v <= hi; v++ {
		i := v
		if t.flip > 0 {
			i = t.flip - 1 - v
		}
		switch {
		case i%step == 0:
			ticks = append(ticks, plot.Tick{Value: float64(v), Label: fmt.Sprint(i)})
		case step <= 5:
			ticks = append(ticks, plot.Tick{Value: float64(v)})
		}
	}
	return ticks
}

func pow10(k int) int {
	p := 1
	for range k {
		p *= 10
	}
	return p
}

// colorBar draws the palette of a heat map as a vertical bar, with value
// ticks, to the right of the data area. It reserves its room through its
// glyph boxes, so the plot's data area shrinks to make space for it and
// the figure stays a single *plot.Plot.
type colorBar struct {
	colors   []color.Color
	min, max float64
}

const (
	barGap   = 0.12 * vg.Inch
	barWidth = 0.18 * vg.Inch
)

func (b *colorBar) ticks() []plot.Tick {
	var ts []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(b.min, b.max) {
		if t.Label != "" && t.Value >= b.min && t.Value <= b.max {
			ts = append(ts, t)
		}
	}
	return ts
}

func (b *colorBar) labelWidth(p *plot.Plot) vg.Length {
	var w vg.Length
	for _, t := range b.ticks() {
		w = max(w, p.Y.Tick.Label.Width(t.Label))
	}
	return w
}

// Plot draws the bar beside c, the data area.
func (b *colorBar) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(b.colors)
	img := image.NewNRGBA(image.Rect(0, 0, 1, n))
	for i, col := range b.colors {
		img.Set(0, n-1-i, col)
	}
	x0 := c.Max.X + barGap
	x1 := x0 + barWidth
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}}, img)
	frame(c, p.Y.LineStyle, vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x1, Y: c.Max.Y}})

	sty := p.Y.Tick.Label
	sty.XAlign = draw.XLeft
	sty.YAlign = draw.YCenter
	tl := p.Y.Tick.Length
	for _, t := range b.ticks() {
		y := c.Min.Y + vg.Length((t.Value-b.min)/(b.max-b.min))*(c.Max.Y-c.Min.Y)
		c.StrokeLine2(p.Y.Tick.LineStyle, x1, y, x1+tl, y)
		c.FillText(sty, vg.Point{X: x1 + tl + tl/2, Y: y}, t.Label)
	}
}

// GlyphBoxes reserves room right of the data area, and half a label above
// and below it for the end labels.
func (b *colorBar) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	w := barGap + barWidth + 1.5*p.Y.Tick.Length + b.labelWidth(p)
	hh := p.Y.Tick.Label.Height("0") / 2
	return []plot.GlyphBox{
		{X: 1, Y: 1, Rectangle: vg.Rectangle{Min: vg.Point{Y: -hh}, Max: vg.Point{X: w, Y: hh}}},
		{X: 1, Y: 0, Rectangle: vg.Rectangle{Min: vg.Point{Y: -hh}, Max: vg.Point{X: w, Y: hh}}},
	}
}

package show

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Axes titles a figure, labels its axes and chooses their scales. The zero
// value has no labels and linear axes.
type Axes struct {
	Title, X, Y string

	// LogX and LogY make an axis logarithmic; every value drawn on it must
	// then be positive.
	LogX, LogY bool
}

// Series is one named set of points: Y against X, or against the index
// 0, 1, 2, … when X is nil.
type Series struct {
	Name string
	X, Y []float64
}

// Lines returns a line plot of the series, one colour each, with a legend of
// the named ones. Points with a NaN or infinite coordinate are left out (a
// diverging run stops where it diverged); a series with no finite point,
// an empty series, x and y of different lengths, and a non-positive value on
// a log axis are errors.
func Lines(a Axes, series ...Series) (*plot.Plot, error) {
	return xyPlot("show.Lines", a, series, func(i int, xy plotter.XYs) (plot.Plotter, plot.Thumbnailer, error) {
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, nil, err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		return l, l, nil
	})
}

// Scatter returns a scatter plot of the series, one colour each, with a
// legend of the named ones; input is checked as by Lines.
func Scatter(a Axes, series ...Series) (*plot.Plot, error) {
	return xyPlot("show.Scatter", a, series, func(i int, xy plotter.XYs) (plot.Plotter, plot.Thumbnailer, error) {
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{
			Color:  plotutil.Color(i),
			Radius: vg.Points(2),
			Shape:  draw.CircleGlyph{},
		}
		return s, s, nil
	})
}

func xyPlot(fn string, a Axes, series []Series,
	mk func(i int, xy plotter.XYs) (plot.Plotter, plot.Thumbnailer, error)) (*plot.Plot, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("%s: no series", fn)
	}
	p := newPlot(a)
	p.Add(plotter.NewGrid())
	for i, s := range series {
		xy, err := s.points(fn, i, a)
		if err != nil {
			return nil, err
		}
		pl, th, err := mk(i, xy)
		if err != nil {
			return nil, fmt.Errorf("%s: series %s: %w", fn, s.label(i), err)
		}
		p.Add(pl)
		if s.Name != "" {
			p.Legend.Add(s.Name, th)
		}
	}
	fixLogRange(&p.X, a.LogX)
	fixLogRange(&p.Y, a.LogY)
	return p, nil
}

// newPlot returns an empty plot titled, labelled and scaled as a says.
func newPlot(a Axes) *plot.Plot {
	p := plot.New()
	p.Title.Text = a.Title
	p.X.Label.Text = a.X
	p.Y.Label.Text = a.Y
	p.Legend.Top = true
	p.Legend.XOffs = -0.1 * vg.Inch
	if a.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{}
	}
	if a.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	return p
}

// fixLogRange widens the range of a log axis drawing a single value, which
// gonum/plot would widen additively, possibly to a non-positive minimum.
func fixLogRange(ax *plot.Axis, log bool) {
	if log && ax.Min == ax.Max {
		ax.Min /= 10
		ax.Max *= 10
	}
}

// logTicks marks decades when the range spans one, and falls back to evenly
// spaced ticks on a narrower range, where decades would label nothing.
// Decades are labelled exactly (0.001, 1, 1e-05, 1e+06): gonum's
// LogTicks derives them by floating-point arithmetic and prints the rounded
// values, such as 9.999999999999999e-05.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || max < 10*min {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	every := 1 + (hi-lo)/8 // at most about 8 labelled decades
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		decade := decadeValue(e)
		if decade >= min && decade <= max {
			t := plot.Tick{Value: decade}
			if (e-lo)%every == 0 || every == 1 {
				t.Label = decadeLabel(e)
			}
			ticks = append(ticks, t)
		}
		if every > 1 {
			continue // minor ticks would be a smear
		}
		for k := 2; k <= 9; k++ {
			if v := float64(k) * decade; v >= min && v <= max {
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// decadeValue returns 10^e correctly rounded.
func decadeValue(e int) float64 {
	v, _ := strconv.ParseFloat("1e"+strconv.Itoa(e), 64)
	return v
}

// decadeLabel writes 10^e as Go's shortest exact form of the correctly
// rounded value: 0.001, 1, 1000, 1e-05, 1e+06. (Superscript exponents would
// read better, but the fonts compiled into gonum/plot lack the superscript
// minus and most superscript digits, and drop them silently.)
func decadeLabel(e int) string {
	return strconv.FormatFloat(decadeValue(e), 'g', -1, 64)
}

func (s Series) label(i int) string {
	if s.Name != "" {
		return fmt.Sprintf("%q", s.Name)
	}
	return fmt.Sprintf("#%d", i)
}

// points returns the finite points of s, checked for drawing on a.
func (s Series) points(fn string, i int, a Axes) (plotter.XYs, error) {
	if len(s.Y) == 0 {
		return nil, fmt.Errorf("%s: series %s is empty", fn, s.label(i))
	}
	if s.X != nil && len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("%s: series %s has %d x values and %d y values", fn, s.label(i), len(s.X), len(s.Y))
	}
	xy := make(plotter.XYs, 0, len(s.Y))
	for k, y := range s.Y {
		x := float64(k)
		if s.X != nil {
			x = s.X[k]
		}
		if !finite(x) || !finite(y) {
			continue
		}
		if a.LogX && x <= 0 {
			hint := ""
			if s.X == nil {
				hint = " (with X nil, x is the index 0, 1, 2, …)"
			}
			return nil, fmt.Errorf("%s: log x axis needs x > 0, series %s has x[%d] = %g%s", fn, s.label(i), k, x, hint)
		}
		if a.LogY && y <= 0 {
			return nil, fmt.Errorf("%s: log y axis needs y > 0, series %s has y[%d] = %g", fn, s.label(i), k, y)
		}
		xy = append(xy, plotter.XY{X: x, Y: y})
	}
	if len(xy) == 0 {
		return nil, fmt.Errorf("%s: series %s has no finite point among %d", fn, s.label(i), len(s.Y))
	}
	return xy, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Histogram returns a histogram of values in bins equal bins spanning their
// range; bins ≤ 0 chooses about √n. Empty input, a NaN or infinite value and
// a log y axis (empty bins have no logarithm) are errors; a log x axis needs
// positive values.
func Histogram(a Axes, values []float64, bins int) (*plot.Plot, error) {
	const fn = "show.Histogram"
	if len(values) == 0 {
		return nil, fmt.Errorf("%s: no values", fn)
	}
	if a.LogY {
		return nil, fmt.Errorf("%s: log y axis not supported: empty bins have no logarithm", fn)
	}
	for k, v := range values {
		if !finite(v) {
			return nil, fmt.Errorf("%s: value[%d] is %g", fn, k, v)
		}
		if a.LogX && v <= 0 {
			return nil, fmt.Errorf("%s: log x axis needs values > 0, value[%d] = %g", fn, k, v)
		}
	}
	if bins <= 0 {
		bins = int(math.Ceil(math.Sqrt(float64(len(values)))))
	}
	h, err := plotter.NewHist(plotter.Values(values), bins)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	h.FillColor = plotutil.Color(1)
	h.LineStyle.Width = vg.Points(0.5)
	p := newPlot(a)
	p.Add(plotter.NewGrid(), h)
	return p, nil
}

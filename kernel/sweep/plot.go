package sweep

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/lib/record"
)

// Summary is a summary figure of a sweep: recorded number Y against
// parameter X, a line per value of parameter By (if set). The runs that
// share X and By (different seeds, or values of any other parameter) are
// averaged, with a 95% Student-t interval of the mean over them.
type Summary struct {
	Y, X, By string
}

// Series is one line of the summary: at each X, the mean of Y, the
// half-width of its 95% interval (0 for a single run) and the number of
// runs.
type Series struct {
	Label         string
	X, Mean, Half []float64
	N             []int
}

// Series computes the summary's lines from the done rows.
func (r *Results) Series(s Summary) ([]Series, error) {
	if !slices.Contains(r.Values, s.Y) {
		return nil, fmt.Errorf("summary: %q was not recorded (recorded: %v)", s.Y, r.Values)
	}
	if !slices.Contains(r.Params, s.X) {
		return nil, fmt.Errorf("summary: %q is not a parameter of the sweep (parameters: %v)", s.X, r.Params)
	}
	if s.By != "" && !slices.Contains(r.Params, s.By) {
		return nil, fmt.Errorf("summary: %q is not a parameter of the sweep (parameters: %v)", s.By, r.Params)
	}
	type key struct {
		by string
		x  float64
	}
	ys := map[key][]float64{}
	var order []string
	for _, row := range r.Rows {
		v, ok := row.Values[s.Y]
		if row.Status != StatusDone || !ok || v.Kind != record.Number {
			continue
		}
		x, err := strconv.ParseFloat(paramText(row.Point, s.X), 64)
		if err != nil {
			return nil, fmt.Errorf("summary: parameter %s = %q is not a number", s.X, paramText(row.Point, s.X))
		}
		by := ""
		if s.By != "" {
			by = s.By + "=" + paramText(row.Point, s.By)
		}
		if !slices.Contains(order, by) {
			order = append(order, by)
		}
		ys[key{by, x}] = append(ys[key{by, x}], v.Num)
	}
	if len(ys) == 0 {
		return nil, fmt.Errorf("summary: no point done has recorded %q as a number", s.Y)
	}
	var out []Series
	for _, by := range order {
		sr := Series{Label: by}
		var xs []float64
		for k := range ys {
			if k.by == by {
				xs = append(xs, k.x)
			}
		}
		slices.Sort(xs)
		for _, x := range xs {
			v := ys[key{by, x}]
			mean, sd := stat.MeanStdDev(v, nil)
			half := 0.0
			if n := len(v); n > 1 {
				half = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) * sd / math.Sqrt(float64(n))
			}
			sr.X, sr.Mean, sr.Half, sr.N = append(sr.X, x), append(sr.Mean, mean), append(sr.Half, half), append(sr.N, len(v))
		}
		out = append(out, sr)
	}
	return out, nil
}

func paramText(p Point, name string) string {
	for _, a := range p.Params {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Plot draws the summary; X is on a log scale when all its values are
// positive and span two decades or more.
func (r *Results) Plot(s Summary) (*plot.Plot, error) {
	series, err := r.Series(s)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = s.X, s.Y
	lo, hi, maxN := math.Inf(1), math.Inf(-1), 0
	for _, sr := range series {
		lo, hi = math.Min(lo, sr.X[0]), math.Max(hi, sr.X[len(sr.X)-1])
		maxN = max(maxN, slices.Max(sr.N))
	}
	if lo > 0 && hi/lo >= 100 {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	p.Title.Text = s.Y + " against " + s.X
	if maxN > 1 {
		p.Title.Text += fmt.Sprintf(" (mean ± 95%% interval over up to %d runs)", maxN)
	}
	p.Legend.Top = true
	for i, sr := range series {
		pts := make(plotter.XYs, len(sr.X))
		errs := make(plotter.YErrors, len(sr.X))
		for j := range sr.X {
			pts[j] = plotter.XY{X: sr.X[j], Y: sr.Mean[j]}
			errs[j] = struct{ Low, High float64 }{sr.Half[j], sr.Half[j]}
		}
		line, marks, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		c := plotutil.Color(i)
		line.Color, marks.Color = c, c
		p.Add(line, marks)
		if maxN > 1 {
			eb, err := plotter.NewYErrorBars(struct {
				plotter.XYs
				plotter.YErrors
			}{pts, errs})
			if err != nil {
				return nil, err
			}
			eb.Color = c
			p.Add(eb)
		}
		if sr.Label != "" {
			p.Legend.Add(sr.Label, line, marks)
		}
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

// WritePlot draws the summary into dir/summary.png, atomically, and
// returns its path.
func (r *Results) WritePlot(dir string, s Summary) (string, error) {
	p, err := r.Plot(s)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return "", err
	}
	if _, err := w.WriteTo(&buf); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "summary.png")
	return path, atomicfile.Write(path, buf.Bytes(), 0o644)
}

package show

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
)

// HeatMapXY puts z.At(i, j) at (xs[j], ys[i]) with y increasing upward: the
// value −1 at the bottom-left grid point must be drawn bottom-left (blue),
// +1 at the top-right, top-right (red).
func TestHeatMapXY(t *testing.T) {
	xs := []float64{-1, 0, 1, 2}
	ys := []float64{10, 20, 30}
	z := mat.NewDense(3, 4, nil)
	z.Set(0, 0, -1) // (x, y) = (−1, 10): bottom left
	z.Set(2, 3, 1)  // (2, 30): top right
	p, err := HeatMapXY(Axes{Title: "z"}, xs, ys, z)
	b := mustPNG(t, "heatxy.png", p, err, Settings{Width: 4 * vg.Inch, Height: 3 * vg.Inch, DPI: 100})
	img := decode(t, b)
	blue, red := blueRedCentroids(t, img)
	// Image y grows downward: the blue cell is lower (larger y) and left.
	if blue.X >= red.X || blue.Y <= red.Y {
		t.Errorf("blue centroid %v should be left of and below red centroid %v", blue, red)
	}
	if p.X.Min != -1.5 || p.X.Max != 2.5 || p.Y.Min != 5 || p.Y.Max != 35 {
		t.Errorf("data range x [%g, %g], y [%g, %g]; want the cells around the grid points, x [−1.5, 2.5], y [5, 35]",
			p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}

	// Overlays and points draw on it and join the legend.
	if err := Overlay(p, Series{Name: "curve", X: []float64{-1, 2}, Y: []float64{10, 30}}, Series{X: []float64{0, 1}, Y: []float64{20, 20}}); err != nil {
		t.Fatal(err)
	}
	if err := Points(p, Series{Name: "point", X: []float64{0}, Y: []float64{20}}); err != nil {
		t.Fatal(err)
	}
	mustPNG(t, "heatxy-overlay.png", p, nil, Settings{})
}

func TestHeatMapXYErrors(t *testing.T) {
	z := mat.NewDense(2, 2, nil)
	nan := mat.NewDense(2, 2, []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN()})
	for _, c := range []struct {
		name   string
		a      Axes
		xs, ys []float64
		z      mat.Matrix
		want   string
	}{
		{"log", Axes{LogX: true}, []float64{1, 2}, []float64{1, 2}, z, "log axes"},
		{"short", Axes{}, []float64{1}, []float64{1, 2}, mat.NewDense(2, 1, nil), "at least 2"},
		{"unsorted", Axes{}, []float64{2, 1}, []float64{1, 2}, z, "strictly increasing"},
		{"shape", Axes{}, []float64{1, 2, 3}, []float64{1, 2}, z, "want len(ys)×len(xs)"},
		{"nan", Axes{}, []float64{1, 2}, []float64{1, 2}, nan, "no finite value"},
	} {
		_, err := HeatMapXY(c.a, c.xs, c.ys, c.z)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	p, _ := HeatMapXY(Axes{}, []float64{1, 2}, []float64{1, 2}, z)
	before, _ := PNG(p, Settings{})
	if err := Overlay(p, Series{Name: "ok", Y: []float64{1, 2}}, Series{Name: "bad", X: []float64{1}, Y: []float64{1, 2}}); err == nil {
		t.Error("Overlay accepted x and y of different lengths")
	}
	if after, _ := PNG(p, Settings{}); string(after) != string(before) {
		t.Error("a failed Overlay changed the figure")
	}
	if err := Points(p, Series{}); err == nil {
		t.Error("Points accepted an empty series")
	}
}

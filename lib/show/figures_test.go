package show

import (
	"image"
	"image/color"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// blueRedCentroids returns the centroids of the strongly blue and strongly
// red pixels of img, failing the test if either colour is absent.
func blueRedCentroids(t *testing.T, img image.Image) (blue, red image.Point) {
	t.Helper()
	var nb, nr int
	r := img.Bounds()
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		for xx := r.Min.X; xx < r.Max.X; xx++ {
			r, g, bb, _ := img.At(xx, yy).RGBA()
			r, g, bb = r>>8, g>>8, bb>>8
			switch {
			case bb > 150 && r < 100 && g < 120:
				blue = blue.Add(image.Pt(xx, yy))
				nb++
			case r > 150 && bb < 100 && g < 100:
				red = red.Add(image.Pt(xx, yy))
				nr++
			}
		}
	}
	if nb == 0 || nr == 0 {
		t.Fatalf("no blue (%d) or red (%d) pixels", nb, nr)
	}
	return blue.Div(nb), red.Div(nr)
}

// keep writes b to $SHOW_TEST_OUT/name, for looking at the figures.
func keep(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("SHOW_TEST_OUT"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

func mustPNG(t *testing.T, name string, p *plot.Plot, err error, s Settings) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(p, s)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, name, b)
	return b
}

func TestFigures(t *testing.T) {
	n := 200
	x := make([]float64, n)
	y1 := make([]float64, n)
	y2 := make([]float64, n)
	for i := range n {
		x[i] = float64(i + 1)
		y1[i] = math.Exp(-float64(i) / 30)
		y2[i] = 1 / x[i]
	}
	y2[50] = math.NaN() // left out
	y2[n-1] = math.Inf(1)

	p, err := Lines(Axes{Title: "loss", X: "step", Y: "L", LogY: true},
		Series{Name: "GD", X: x, Y: y1}, Series{Name: "SGD", X: x, Y: y2})
	mustPNG(t, "lines.png", p, err, Settings{})

	p, err = Lines(Axes{LogX: true, LogY: true}, Series{X: x, Y: y2})
	mustPNG(t, "loglog.png", p, err, Settings{})

	p, err = Lines(Axes{LogY: true}, Series{Y: []float64{3, 3, 3}}) // one value on a log axis
	mustPNG(t, "flat.png", p, err, Settings{})

	p, err = Scatter(Axes{Title: "scatter"}, Series{Name: "a", X: y1, Y: x}, Series{Y: y1})
	mustPNG(t, "scatter.png", p, err, Settings{})

	v := make([]float64, 1000)
	for i := range v {
		v[i] = math.Sin(float64(i) * 0.37)
	}
	p, err = Histogram(Axes{Title: "histogram"}, v, 25)
	mustPNG(t, "hist.png", p, err, Settings{})
	p, err = Histogram(Axes{}, []float64{2, 2, 2}, 0)
	mustPNG(t, "hist1.png", p, err, Settings{})
}

func TestFigureErrors(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		fn   func() (*plot.Plot, error)
		want []string
	}{
		{"no series", func() (*plot.Plot, error) { return Lines(Axes{}) }, []string{"show.Lines", "no series"}},
		{"empty", func() (*plot.Plot, error) { return Lines(Axes{}, Series{Name: "a"}) }, []string{"show.Lines", `"a"`, "empty"}},
		{"nan only", func() (*plot.Plot, error) {
			return Scatter(Axes{}, Series{Y: []float64{1}}, Series{Y: []float64{nan, nan}})
		}, []string{"show.Scatter", "#1", "no finite point"}},
		{"lengths", func() (*plot.Plot, error) {
			return Lines(Axes{}, Series{Name: "b", X: []float64{1, 2}, Y: []float64{1, 2, 3}})
		}, []string{"show.Lines", `"b"`, "2 x values and 3 y values"}},
		{"log y", func() (*plot.Plot, error) {
			return Lines(Axes{LogY: true}, Series{Y: []float64{1, 0, 2}})
		}, []string{"show.Lines", "log y", "y[1] = 0"}},
		{"log x index", func() (*plot.Plot, error) {
			return Lines(Axes{LogX: true}, Series{Y: []float64{1, 2}})
		}, []string{"log x", "x[0] = 0", "X nil"}},
		{"hist empty", func() (*plot.Plot, error) { return Histogram(Axes{}, nil, 10) }, []string{"show.Histogram", "no values"}},
		{"hist nan", func() (*plot.Plot, error) { return Histogram(Axes{}, []float64{1, nan}, 10) }, []string{"show.Histogram", "value[1] is NaN"}},
		{"hist log y", func() (*plot.Plot, error) { return Histogram(Axes{LogY: true}, []float64{1}, 10) }, []string{"log y"}},
		{"heat nan", func() (*plot.Plot, error) {
			return HeatMap(Axes{}, mat.NewDense(2, 2, []float64{nan, nan, nan, nan}))
		}, []string{"show.HeatMap", "no finite entry", "2×2"}},
		{"heat log", func() (*plot.Plot, error) { return HeatMap(Axes{LogX: true}, mat.NewDense(1, 1, nil)) }, []string{"log"}},
	} {
		p, err := c.fn()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if p != nil {
			t.Errorf("%s: plot returned with the error", c.name)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

func TestHeatMap(t *testing.T) {
	// Row 0 is [-2 0 0 0] and row 2 is [0 0 0 2]: a diverging map, the
	// top-left cell blue, the bottom-right red, NaN grey.
	m := mat.NewDense(3, 4, []float64{
		-2, 0, 0, 0,
		0, math.NaN(), 1, 0,
		0, 0, 0, 2,
	})
	p, err := HeatMap(Axes{Title: "W"}, m)
	b := mustPNG(t, "heat.png", p, err, Settings{Width: 4 * vg.Inch, Height: 3 * vg.Inch, DPI: 100})
	img := decode(t, b)
	if r := img.Bounds(); r.Dx() != 400 || r.Dy() != 300 {
		t.Fatalf("heat map is %v, want 400×300", r)
	}
	blue, red := blueRedCentroids(t, img)
	// The colour bar also holds blue (bottom) and red (top) pixels, but the
	// matrix cells are larger; the centroids must still put the -2 cell
	// left of the +2 cell.
	if blue.X >= red.X {
		t.Errorf("blue centroid %v not left of red centroid %v", blue, red)
	}

	// A constant, a positive and a 1×1 matrix render too.
	for name, m := range map[string]mat.Matrix{
		"zero":  mat.NewDense(5, 5, nil),
		"pos":   mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, math.Inf(1)}),
		"one":   mat.NewDense(1, 1, []float64{7}),
		"large": mat.NewDense(300, 200, nil),
	} {
		p, err := HeatMap(Axes{Title: name}, m)
		mustPNG(t, "heat-"+name+".png", p, err, Settings{})
	}
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := pngDecode(b)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestGrid(t *testing.T) {
	a, b := linePlot(t), linePlot(t)
	h, err := HeatMap(Axes{}, mat.NewDense(2, 2, []float64{1, 2, 3, 4}))
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]*plot.Plot{{a, b, h}, {nil, a}}
	png, err := GridPNG(rows, Settings{DPI: 50})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "grid.png", png)
	if w, hh := decodeSize(t, png); w != 600 || hh != 300 {
		t.Errorf("3×2 grid at 50 DPI is %d×%d, want 600×300", w, hh)
	}
	png, err = GridPNG(rows, Settings{Width: 5 * vg.Inch, Height: 2 * vg.Inch, DPI: 100})
	if err != nil {
		t.Fatal(err)
	}
	if w, hh := decodeSize(t, png); w != 500 || hh != 200 {
		t.Errorf("grid is %d×%d, want 500×200", w, hh)
	}
	if _, err := GridPNG([][]*plot.Plot{{nil}, {}}, Settings{}); err == nil {
		t.Error("no error for a grid without plots")
	}

	c := capture(t, true)
	if err := Grid(rows, Settings{DPI: 50}); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 1 {
		t.Fatalf("sent %d messages", len(c.sent))
	}
	if w, hh := decodeSize(t, c.sent[0].Data[protocol.MIMEImagePNG].([]byte)); w != 600 || hh != 300 {
		t.Errorf("sent %d×%d", w, hh)
	}
}

func TestImage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	img.Set(3, 4, color.White)
	c := capture(t, true)
	if err := Image(img); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 1 {
		t.Fatalf("sent %d messages", len(c.sent))
	}
	d := c.sent[0]
	if w, h := decodeSize(t, d.Data[protocol.MIMEImagePNG].([]byte)); w != 28 || h != 28 {
		t.Errorf("sent %d×%d, want 28×28", w, h)
	}
	if d.Metadata != nil {
		t.Errorf("metadata %v for an image at its own size", d.Metadata)
	}
}

// Log axes label decades exactly, never with the rounding of 10^e.
func TestLogTickLabels(t *testing.T) {
	cases := []struct {
		min, max float64
		want     []string
	}{
		{1e-11, 1e-3, []string{"1e-11", "1e-09", "1e-07", "1e-05", "0.001"}},
		{0.5, 200, []string{"1", "10", "100"}},
		{3e-6, 2e-4, []string{"1e-05", "0.0001"}},
		{1, 1e20, []string{"1", "1000", "1e+06", "1e+09", "1e+12", "1e+15", "1e+18"}},
	}
	for _, c := range cases {
		var got []string
		for _, tk := range (logTicks{}).Ticks(c.min, c.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
			if tk.Value < c.min || tk.Value > c.max {
				t.Errorf("[%g, %g]: tick %g outside the range", c.min, c.max, tk.Value)
			}
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("[%g, %g]: labels %q, want %q", c.min, c.max, got, c.want)
		}
	}
}

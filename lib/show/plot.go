package show

import (
	"bytes"
	"fmt"
	"image"
	"os"

	"git.sr.ht/~sbinet/gg"
	xdraw "golang.org/x/image/draw"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Default figure geometry used for zero fields of Settings.
const (
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch
	DefaultDPI    = 144
)

// cssDPI is the resolution at which browsers lay out images: a figure of
// Width×Height inches is shown as Width·96 × Height·96 CSS pixels whatever
// its DPI, so that a high-DPI rendering is sharp rather than large.
const cssDPI = 96

// Settings controls how a figure is rendered. The zero value renders
// DefaultWidth×DefaultHeight at DefaultDPI.
type Settings struct {
	// Width and Height are the size of the whole figure; zero means
	// DefaultWidth and DefaultHeight (for Grid, a default-sized panel
	// per cell).
	Width, Height vg.Length

	// DPI is the resolution in pixels per inch; zero means DefaultDPI.
	DPI int
}

func (s Settings) withDefaults(w, h vg.Length) Settings {
	if s.Width == 0 {
		s.Width = w
	}
	if s.Height == 0 {
		s.Height = h
	}
	if s.DPI == 0 {
		s.DPI = DefaultDPI
	}
	return s
}

// pixels returns the size in pixels of a figure rendered with s.
func (s Settings) pixels() (w, h int) {
	return pixelsAt(s.Width, s.DPI), pixelsAt(s.Height, s.DPI)
}

func pixelsAt(l vg.Length, dpi int) int {
	return int(float64(l/vg.Inch)*float64(dpi) + 0.5) // as vgimg sizes its image
}

// Plot displays p inline at the default size. Outside the kernel it writes a
// PNG file into $NOETHER_SHOW_DIR if that is set, and otherwise does nothing.
func Plot(p *plot.Plot) error {
	return PlotWith(p, Settings{})
}

// PlotSize displays p inline at w×h; see Plot.
func PlotSize(p *plot.Plot, w, h vg.Length) error {
	return PlotWith(p, Settings{Width: w, Height: h})
}

// PlotWith displays p inline rendered with s; see Plot.
func PlotWith(p *plot.Plot, s Settings) error {
	if p == nil {
		panic("show: nil *plot.Plot")
	}
	if !inNotebook() && !writingFiles() {
		return nil
	}
	s = s.withDefaults(DefaultWidth, DefaultHeight)
	b, err := render("show.Plot", func(c draw.Canvas) { drawPlot(p, c) }, s)
	if err != nil {
		return err
	}
	return sendSized(b, describe(p), s)
}

// PNG renders p with s and returns the encoded PNG image, of
// Width·DPI × Height·DPI pixels.
func PNG(p *plot.Plot, s Settings) ([]byte, error) {
	if p == nil {
		panic("show: nil *plot.Plot")
	}
	return render("show.PNG", func(c draw.Canvas) { drawPlot(p, c) }, s.withDefaults(DefaultWidth, DefaultHeight))
}

// writingFiles reports whether figures are written to files outside the
// notebook.
func writingFiles() bool { return os.Getenv(DirEnv) != "" }

// sendSized displays a PNG rendered with s at its nominal size.
func sendSized(png []byte, what string, s Settings) error {
	w, h := s.pixels()
	cw, ch := pixelsAt(s.Width, cssDPI), pixelsAt(s.Height, cssDPI)
	return sendPNG(png, what, w, h, cw, ch)
}

func describe(p *plot.Plot) string {
	if p.Title.Text != "" {
		return fmt.Sprintf("plot %q", p.Title.Text)
	}
	return "plot"
}

// render draws with drawFn on a white canvas sized by s and encodes it as
// PNG. gonum/plot panics on some data it cannot draw (a non-positive value
// on a log axis, an empty range); such panics come from the data, not from
// the program, so they are returned as errors naming fn.
func render(fn string, drawFn func(draw.Canvas), s Settings) (b []byte, err error) {
	if s.Width <= 0 || s.Height <= 0 || s.DPI <= 0 {
		panic(fmt.Sprintf("%s: bad size %v×%v at %d DPI", fn, s.Width, s.Height, s.DPI))
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%s: drawing failed: %v", fn, r)
		}
	}()
	w, h := s.pixels()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// Our own graphics context, set up as vgimg sets up its default one,
	// but scaling images (heat maps, digits) with nearest-neighbour
	// interpolation so that matrix cells stay sharp squares instead of
	// being blurred into each other.
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	ctx.SetInterpolator(xdraw.NearestNeighbor)
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(s.DPI))
	drawFn(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("%s: encoding PNG: %w", fn, err)
	}
	return buf.Bytes(), nil
}

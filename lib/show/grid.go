package show

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default size of one panel of a Grid, used for zero Settings fields.
const (
	DefaultPanelWidth  = 4 * vg.Inch
	DefaultPanelHeight = 3 * vg.Inch
)

// Grid displays plots as panels of one figure, rows[i][j] in row i (from the
// top) and column j, with the data areas of a row and of a column aligned.
// Nil plots leave their cell empty; shorter rows are padded with empty
// cells. The zero Settings give each panel DefaultPanelWidth ×
// DefaultPanelHeight. Outside the kernel it behaves as Plot.
func Grid(rows [][]*plot.Plot, s Settings) error {
	if !inNotebook() && !writingFiles() {
		return nil
	}
	b, s, err := gridPNG("show.Grid", rows, s)
	if err != nil {
		return err
	}
	return sendSized(b, fmt.Sprintf("grid of %d×%d plots", len(rows), gridCols(rows)), s)
}

// GridPNG renders rows as Grid does and returns the encoded PNG image.
func GridPNG(rows [][]*plot.Plot, s Settings) ([]byte, error) {
	b, _, err := gridPNG("show.GridPNG", rows, s)
	return b, err
}

func gridCols(rows [][]*plot.Plot) int {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	return n
}

func gridPNG(fn string, rows [][]*plot.Plot, s Settings) ([]byte, Settings, error) {
	nr, nc := len(rows), gridCols(rows)
	plots := make([][]*plot.Plot, nr)
	some := false
	for i, r := range rows {
		plots[i] = make([]*plot.Plot, nc)
		copy(plots[i], r)
		for _, p := range r {
			some = some || p != nil
		}
	}
	if !some {
		return nil, s, fmt.Errorf("%s: no plots", fn)
	}
	s = s.withDefaults(vg.Length(nc)*DefaultPanelWidth, vg.Length(nr)*DefaultPanelHeight)
	tiles := draw.Tiles{
		Rows: nr, Cols: nc,
		PadX: 0.2 * vg.Inch, PadY: 0.2 * vg.Inch,
		PadTop: 0.05 * vg.Inch, PadBottom: 0.05 * vg.Inch,
		PadLeft: 0.05 * vg.Inch, PadRight: 0.05 * vg.Inch,
	}
	b, err := render(fn, func(c draw.Canvas) {
		labels := make([][]*yLabel, nr)
		for i, r := range plots {
			labels[i] = make([]*yLabel, nc)
			for j, p := range r {
				labels[i][j] = blankYLabel(p) // before Align: see ylabel.go
				defer labels[i][j].restore()
			}
		}
		cells := plot.Align(plots, tiles, c)
		for i, r := range plots {
			for j, p := range r {
				if p != nil {
					p.Draw(cells[i][j])
					labels[i][j].draw(cells[i][j])
				}
			}
		}
	}, s)
	return b, s, err
}

// Image displays img as a PNG at its own pixel size. Outside the kernel it
// behaves as Plot.
func Image(img image.Image) error {
	if img == nil {
		panic("show: nil image.Image")
	}
	if !inNotebook() && !writingFiles() {
		return nil
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("show.Image: encoding PNG: %w", err)
	}
	r := img.Bounds()
	return sendPNG(buf.Bytes(), "image", r.Dx(), r.Dy(), 0, 0)
}

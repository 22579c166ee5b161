package show

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// captured records what the package would have sent to the notebook and
// printed on standard output.
type captured struct {
	sent []*protocol.DisplayData
	text bytes.Buffer
}

// capture replaces the display backend for the duration of the test, as if
// running inside the kernel when notebook is true, and with
// NOETHER_SHOW_DIR unset.
func capture(t *testing.T, notebook bool) *captured {
	t.Helper()
	c := &captured{}
	oldIn, oldSend, oldOut := inNotebook, send, stdout
	inNotebook = func() bool { return notebook }
	send = func(d *protocol.DisplayData) error {
		c.sent = append(c.sent, d)
		return nil
	}
	stdout = &c.text
	t.Cleanup(func() { inNotebook, send, stdout = oldIn, oldSend, oldOut })
	t.Setenv(DirEnv, "")
	return c
}

func linePlot(t *testing.T) *plot.Plot {
	t.Helper()
	p := plot.New()
	p.Title.Text = "test"
	l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 2, Y: 4}})
	if err != nil {
		t.Fatal(err)
	}
	p.Add(l)
	return p
}

func pngDecode(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

func decodeSize(t *testing.T, b []byte) (w, h int) {
	t.Helper()
	img, err := pngDecode(b)
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	r := img.Bounds()
	return r.Dx(), r.Dy()
}

func TestPNGSize(t *testing.T) {
	for _, c := range []struct {
		s    Settings
		w, h int
	}{
		{Settings{}, 864, 576},
		{Settings{Width: 4 * vg.Inch, Height: 3 * vg.Inch, DPI: 100}, 400, 300},
		{Settings{Width: 300, Height: 200, DPI: 72}, 300, 200},
	} {
		b, err := PNG(linePlot(t), c.s)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := decodeSize(t, b); w != c.w || h != c.h {
			t.Errorf("PNG(%+v) is %d×%d pixels, want %d×%d", c.s, w, h, c.w, c.h)
		}
	}
}

func TestPlotSendsPNG(t *testing.T) {
	c := capture(t, true)
	if err := PlotSize(linePlot(t), 5*vg.Inch, 2*vg.Inch); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(c.sent))
	}
	d := c.sent[0]
	b, ok := d.Data[protocol.MIMEImagePNG].([]byte)
	if !ok {
		t.Fatalf("no []byte under %s in %v", protocol.MIMEImagePNG, d.Data)
	}
	if w, h := decodeSize(t, b); w != 720 || h != 288 {
		t.Errorf("sent %d×%d pixels, want 720×288", w, h)
	}
	if _, ok := d.Data[protocol.MIMETextPlain].(string); !ok {
		t.Errorf("no text/plain alternative in %v", d.Data)
	}
	md, ok := d.Metadata[string(protocol.MIMEImagePNG)].(map[string]int)
	if !ok || md["width"] != 480 || md["height"] != 192 {
		t.Errorf("metadata %v, want image/png width 480 height 192", d.Metadata)
	}
	if d.DisplayID != "" {
		t.Errorf("plot sent with display id %q", d.DisplayID)
	}
}

func TestPlotOutsideNotebook(t *testing.T) {
	c := capture(t, false)
	if err := Plot(linePlot(t)); err != nil {
		t.Fatalf("without %s: %v", DirEnv, err)
	}
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	for range 2 {
		if err := Plot(linePlot(t)); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.sent) != 0 {
		t.Errorf("sent %d messages outside the notebook", len(c.sent))
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("wrote %v, want 2 files", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := decodeSize(t, b); w != 864 || h != 576 {
			t.Errorf("%s is %d×%d, want 864×576", f, w, h)
		}
	}

	// A directory that cannot be created is an error.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(DirEnv, filepath.Join(blocker, "sub"))
	if err := Plot(linePlot(t)); err == nil {
		t.Error("no error writing under a regular file")
	}
}

func TestPlotDrawPanicIsError(t *testing.T) {
	capture(t, true)
	p := linePlot(t) // contains y = 0
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{}
	if err := Plot(p); err == nil {
		t.Error("no error for a zero on a log axis")
	}
}

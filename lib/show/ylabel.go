package show

import (
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A y-axis label on a non-linear scale (log, symmetric log) is drawn by
// show itself. gonum/plot draws the label at the centre of the axis but
// reserves room for it around the arithmetic midpoint of the data range,
// which a log scale places near the top: a long label then left a blank
// band under the title, and misaligned the panels of a grid. During layout
// gonum gets a blank label with as many lines, which takes the same width
// and almost no height; the real text is then drawn where gonum would draw
// it, centred on the data area.

// yLabel is the real label of a plot whose label was replaced for layout.
type yLabel struct {
	p    *plot.Plot
	text string
}

// blankYLabel replaces p's y label by a blank one if the axis scale is not
// linear; restore, then drawYLabel, undo and complete it.
func blankYLabel(p *plot.Plot) *yLabel {
	if p == nil || p.Y.Label.Text == "" {
		return nil
	}
	if _, linear := p.Y.Scale.(plot.LinearScale); linear {
		return nil
	}
	l := &yLabel{p: p, text: p.Y.Label.Text}
	lines := strings.Count(p.Y.Label.Text, "\n") + 1
	p.Y.Label.Text = strings.TrimSuffix(strings.Repeat(" \n", lines), "\n")
	return l
}

// draw writes the real label on c, the canvas the plot was drawn on.
func (l *yLabel) draw(c draw.Canvas) {
	if l == nil {
		return
	}
	sty := l.p.Y.Label.TextStyle
	sty.Rotation += math.Pi / 2
	x := c.Min.X + sty.Height(l.text) - sty.FontExtents().Descent
	da := l.p.DataCanvas(c)
	c.FillText(sty, vg.Point{X: x, Y: da.Center().Y}, l.text)
}

func (l *yLabel) restore() {
	if l != nil {
		l.p.Y.Label.Text = l.text
	}
}

// drawPlot draws p on c, with its y label as described above.
func drawPlot(p *plot.Plot, c draw.Canvas) {
	l := blankYLabel(p)
	defer l.restore()
	p.Draw(c)
	l.draw(c)
}

package show

import (
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"github.com/janpfeifer/gonb/gonbui/widgets"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// HeadlessEnv names the environment variable set to "1" in headless runs of
// a notebook (the kernel's RunFile, used by nbexec and the tests; the same
// name as kernel.HeadlessEnv). Jupyter does not set it. No browser answers
// widgets in a headless run, so interactive cells skip themselves there.
const HeadlessEnv = "NOETHER_HEADLESS"

// Interactive reports whether widgets can work: the program runs inside the
// GoNB kernel and the run is not headless ($NOETHER_HEADLESS unset). A cell
// with widgets checks it first, before any expensive set-up, and when it is
// false prints one line saying what the cell does in Jupyter and returns:
//
//	%%
//	if !show.Interactive() {
//		fmt.Println("Interactive in Jupyter: a slider moves … (skipped here)")
//		return
//	}
//	…
//	err := show.Explore(show.Slider{…}, draw)
//
// The static figures of the notebook must tell the story without it.
func Interactive() bool { return inNotebook() && os.Getenv(HeadlessEnv) == "" }

// DefaultIdle is how long Explore waits for the slider to move, when
// Slider.Idle is zero, before it ends by itself.
const DefaultIdle = 5 * time.Minute

// answerWithin is how long Explore waits for the browser to answer the
// creation of its widgets; tests shorten it.
var answerWithin = 20 * time.Second

// Slider describes the parameter that Explore varies: Steps+1 positions
// from Min to Max, evenly spaced (v_k = Min + k(Max−Min)/Steps) or, with Log,
// geometrically (v_k = Min·(Max/Min)^{k/Steps}, for parameters spanning
// decades such as an initialisation scale).
type Slider struct {
	// Label names the parameter beside the slider, e.g. "s".
	Label string
	// Min < Max is the range; Value in [Min, Max] the initial value,
	// rounded to the nearest position (a zero Value outside the range
	// means Min).
	Min, Max, Value float64
	// Steps is the number of intervals; zero means 100.
	Steps int
	// Log spaces the positions geometrically; it needs Min > 0.
	Log bool
	// Idle ends the interaction when the slider has not moved for that
	// long; zero means DefaultIdle.
	Idle time.Duration
}

// withDefaults checks s and fills in its zero fields. Bad ranges are
// programmer errors: it panics naming the field.
func (s Slider) withDefaults() Slider {
	switch {
	case s.Steps == 0:
		s.Steps = 100
	case s.Steps < 0:
		panic(fmt.Sprintf("show: Slider %q with Steps %d < 0", s.Label, s.Steps))
	}
	if s.Idle == 0 {
		s.Idle = DefaultIdle
	}
	if !(s.Min < s.Max) || math.IsInf(s.Min, 0) || math.IsInf(s.Max, 0) {
		panic(fmt.Sprintf("show: Slider %q with range [%g, %g]: want finite Min < Max", s.Label, s.Min, s.Max))
	}
	if s.Log && s.Min <= 0 {
		panic(fmt.Sprintf("show: Slider %q on a log scale with Min %g ≤ 0", s.Label, s.Min))
	}
	if s.Value == 0 && !(s.Min <= 0 && 0 <= s.Max) {
		s.Value = s.Min
	}
	if !(s.Min <= s.Value && s.Value <= s.Max) {
		panic(fmt.Sprintf("show: Slider %q with Value %g outside [%g, %g]", s.Label, s.Value, s.Min, s.Max))
	}
	return s
}

// at returns the value at position k, clamped to [0, Steps].
func (s Slider) at(k int) float64 {
	k = min(max(k, 0), s.Steps)
	switch {
	case k == s.Steps:
		return s.Max // exactly, whatever the rounding
	case s.Log:
		return s.Min * math.Pow(s.Max/s.Min, float64(k)/float64(s.Steps))
	default:
		return s.Min + (s.Max-s.Min)*float64(k)/float64(s.Steps)
	}
}

// position returns the position nearest to v.
func (s Slider) position(v float64) int {
	f := (v - s.Min) / (s.Max - s.Min)
	if s.Log {
		f = math.Log(v/s.Min) / math.Log(s.Max/s.Min)
	}
	return min(max(int(math.Round(f*float64(s.Steps))), 0), s.Steps)
}

func (s Slider) describe(v float64) string { return fmt.Sprintf("%s = %.3g", s.Label, v) }

// Explore shows a slider for the parameter that s describes, a "Done"
// button, and the figure draw(v) for the slider's value v, redrawn in
// place (one output block, updated by its display id) whenever the slider
// moves. Slider moves that arrive while a figure is being drawn are merged:
// only the latest is drawn. The cell keeps running, and the kernel busy,
// until Done is clicked, the slider has not moved for s.Idle (DefaultIdle
// if zero), or the cell is interrupted. The last figure stays in the
// notebook, and the controls are replaced by a line giving the final value.
//
// Outside a live notebook (see Interactive: a headless run or a plain Go
// program) Explore neither draws nor waits: it prints one line saying that
// the figure is interactive in Jupyter, and returns nil. If the notebook
// front-end does not answer the widgets within 20 s (a front-end without
// GoNB's widget support), the figure stays at its initial value and a line
// says so.
//
// An error of draw at the initial value is returned; at a later value it is
// shown in place of the figure, and the slider stays live. Explore returns
// an error if the display connection fails.
func Explore(s Slider, draw func(v float64) (*plot.Plot, error)) error {
	s = s.withDefaults()
	if !Interactive() {
		where := "outside the notebook kernel"
		if inNotebook() {
			where = "in this headless run (" + HeadlessEnv + "=1)"
		}
		_, err := fmt.Fprintf(out(), "show.Explore: a slider for %s in [%.3g, %.3g] redraws this figure in Jupyter; not shown %s.\n",
			s.Label, s.Min, s.Max, where)
		return err
	}
	k0 := s.position(s.Value)
	fig := "noether-explore-" + gonbui.UniqueId()
	p, err := draw(s.at(k0))
	if err != nil {
		return fmt.Errorf("show.Explore: drawing at %s: %w", s.describe(s.at(k0)), err)
	}
	if err := sendFigure(fig, p); err != nil {
		return err
	}
	c, err := newControls(s, k0)
	if errors.Is(err, errNoFrontEnd) {
		_, err := fmt.Fprintf(out(), "show.Explore: the notebook front-end did not answer the slider within %v "+
			"(it needs Jupyter with GoNB's widgets); the figure stays at %s.\n", answerWithin, s.describe(s.at(k0)))
		return err
	}
	if err != nil {
		return err
	}
	last, why, err := follow(c.positions, c.done, s.Idle, k0, func(k int) error {
		v := s.at(k)
		c.show(s.describe(v))
		p, err := draw(v)
		if err != nil {
			return sendFailure(fig, fmt.Sprintf("show.Explore: cannot draw at %s: %v", s.describe(v), err))
		}
		return sendFigure(fig, p)
	})
	c.close(fmt.Sprintf("%s (interaction ended: %s)", s.describe(s.at(last)), why))
	return err
}

// follow calls redraw for each slider position received from positions,
// until done receives or closes (the Done button), positions closes, or
// idle passes without a new position. It returns the last position drawn
// (k0 if none), why it stopped, and the first error of redraw, which
// stops it too.
func follow(positions <-chan int, done <-chan int, idle time.Duration, k0 int, redraw func(k int) error) (last int, why string, err error) {
	last = k0
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case <-done:
			return last, "Done", nil
		case <-timer.C:
			return last, fmt.Sprintf("no change for %v", idle), nil
		case k, ok := <-positions:
			if !ok {
				return last, "the slider was closed", nil
			}
			if err := redraw(k); err != nil {
				return last, "display error", err
			}
			last = k
			if !timer.Stop() {
				<-timer.C
			}
			timer.Reset(idle)
		}
	}
}

// sendFigure renders p at the default size and displays it in the output
// block with display id fig, creating it or replacing its content.
func sendFigure(fig string, p *plot.Plot) error {
	st := Settings{}.withDefaults(DefaultWidth, DefaultHeight)
	b, err := render("show.Explore", func(c draw.Canvas) { drawPlot(p, c) }, st)
	if err != nil {
		return sendFailure(fig, err.Error())
	}
	w, h := st.pixels()
	d := pngDisplay(b, describe(p), w, h, pixelsAt(st.Width, cssDPI), pixelsAt(st.Height, cssDPI))
	d.DisplayID = fig
	if err := send(d); err != nil {
		return fmt.Errorf("show.Explore: displaying %s: %w", describe(p), err)
	}
	return nil
}

// sendFailure shows msg in place of the figure in block fig.
func sendFailure(fig, msg string) error {
	d := &protocol.DisplayData{
		Data: map[protocol.MIMEType]any{
			protocol.MIMETextHTML:  `<pre style="color:#a00">` + html.EscapeString(msg) + `</pre>`,
			protocol.MIMETextPlain: msg,
		},
		DisplayID: fig,
	}
	if err := send(d); err != nil {
		return fmt.Errorf("show.Explore: displaying an error: %w", err)
	}
	return nil
}

// controls is what the user moves and clicks: the latest slider position
// (positions), the Done button's clicks (done), the text beside the slider
// (show), and the end of the interaction (close: the controls give way to
// the final line).
type controls struct {
	positions <-chan int
	done      <-chan int
	show      func(text string)
	close     func(final string)
}

// errNoFrontEnd: the browser did not answer the creation of the widgets.
var errNoFrontEnd = errors.New("show: the notebook front-end did not answer")

// newControls builds the controls of Explore, with the slider at position
// k0; tests replace it.
var newControls = gonbControls

// gonbControls builds the controls from GoNB widgets: one transient output
// block holding the label, the slider, the value and the Done button.
// GoNB's widgets wait for the browser's first answer with no time limit, so
// they are built on another goroutine; if no answer comes within
// answerWithin it returns errNoFrontEnd (the goroutine stays blocked until
// the cell's program exits).
func gonbControls(s Slider, k0 int) (*controls, error) {
	uid := gonbui.UniqueId()
	block, div, value := "noether-explore-controls-"+uid, "noether-explore-div-"+uid, "noether-explore-value-"+uid
	gonbui.UpdateHTML(block, fmt.Sprintf(`<div id=%q style="font-family:monospace">%s&nbsp;</div>`, div, html.EscapeString(s.Label)))
	type built struct {
		slider *widgets.SliderBuilder
		button *widgets.ButtonBuilder
	}
	ready := make(chan built, 1)
	go func() {
		sl := widgets.Slider(0, s.Steps, k0).AppendTo(div).Done()
		dom.Append(div, fmt.Sprintf(`&nbsp;<span id=%q>%s</span>&nbsp;`, value, html.EscapeString(s.describe(s.at(k0)))))
		b := widgets.Button("Done").AppendTo(div).Done()
		ready <- built{sl, b}
	}()
	var w built
	select {
	case w = <-ready:
	case <-time.After(answerWithin):
		gonbui.UpdateHTML(block, "")
		return nil, errNoFrontEnd
	}
	positions := w.slider.Listen().LatestOnly()
	clicks := w.button.Listen()
	return &controls{
		positions: positions.C,
		done:      clicks.C,
		show:      func(text string) { dom.SetInnerText(value, text) },
		close: func(final string) {
			positions.Close()
			clicks.Close()
			gonbui.UpdateHTML(block, `<div style="font-family:monospace">`+html.EscapeString(final)+`</div>`)
			gonbui.Sync()
		},
	}, nil
}

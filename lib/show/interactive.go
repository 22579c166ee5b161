package show

import (
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"os/signal"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
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
	// Ahead is how many positions on each side of the slider's Explore
	// draws in advance while the slider rests, so that a step to them is
	// shown at once; zero means 1, negative none. Every figure drawn is
	// kept, and a position visited again is shown without drawing.
	Ahead int
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
	if s.Ahead == 0 {
		s.Ahead = 1
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
// place (one output block, updated by its display id) when the slider
// moves.
//
// The cell waits, and so do the cells below it and the kernel, until Done
// is clicked, the slider has not moved for s.Idle (DefaultIdle if zero;
// counted once the figure of its last move is shown), or the kernel is
// interrupted; a line under the slider says so. When it ends, the controls
// give way to a line giving the final value, and the last figure stays; on
// an interrupt the cell's program then stops as interrupted. In the classic
// Notebook, the blocks GoNB's widgets emptied are left out of the saved
// cell.
//
// Figures are drawn on a goroutine of their own, one at a time, so the
// controls stay live while one is drawn: Done and interrupts are seen at
// once, moves that arrive meanwhile are merged into the latest, and a
// superseded figure is kept but not shown. The value beside the slider is
// always the shown figure's, followed by "drawing …" while another is
// under way. Figures are kept by position (a revisit is immediate), and
// s.Ahead positions on each side are drawn in advance while the slider
// rests.
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
	// GoNB's connection to the page (for the widgets) is opened now, while
	// the first figure is drawn: GoNB gives the page 3 s to answer, which a
	// busy machine may miss on the first widget after the kernel starts,
	// and the widgets then try again.
	startComms()
	k0 := s.position(s.Value)
	e := &explorer{s: s, draw: draw, fig: "noether-explore-" + gonbui.UniqueId(), cache: map[int]*figure{}, shown: k0, target: k0}
	f0 := e.figure(k0)
	if f0.err != nil {
		return fmt.Errorf("show.Explore: drawing at %s: %w", s.describe(s.at(k0)), f0.err)
	}
	e.cache[k0] = f0
	if err := sendFigure(e.fig, f0); err != nil {
		return err
	}
	c, err := newControls(s, k0)
	if errors.Is(err, errNoFrontEnd) {
		_, err := fmt.Fprintf(out(), "show.Explore: the notebook front-end did not answer the slider within %v "+
			"(it needs Jupyter with GoNB's widgets; in Jupyter, run the cell again); the figure stays at %s.\n", answerWithin, s.describe(s.at(k0)))
		return err
	}
	if err != nil {
		return err
	}
	e.c = c
	interrupts, stop := notifyInterrupt()
	why, err := e.follow(interrupts)
	stop()
	c.close(fmt.Sprintf("%s (interaction ended: %s)", s.describe(s.at(e.shown)), why))
	if why == whyInterrupted {
		reraise()
		return errors.New("show.Explore: interrupted")
	}
	return err
}

const whyInterrupted = "interrupted"

// notifyInterrupt delivers the interrupts of the cell's program (GoNB sends
// SIGINT when the kernel is interrupted) until stop is called; tests
// replace it.
var notifyInterrupt = func() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return ch, func() { signal.Stop(ch) }
}

// reraise ends the program as the interrupt Explore caught would have, once
// the controls are cleaned up; tests replace it.
var reraise = func() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		p.Signal(os.Interrupt) // no longer caught: the default action, exit
	}
	time.Sleep(2 * time.Second)
	os.Exit(130)
}

// figure is the figure at one slider position: a PNG, or the message shown
// in its place when it could not be drawn.
type figure struct {
	k    int
	png  []byte
	w, h int    // pixels
	cssW int    // display size, CSS pixels
	cssH int    //
	what string // the figure's description
	fail string // shown in place of the figure
	err  error  // draw's error, if it failed
}

// explorer is the state of one Explore: what is drawn, shown and wanted.
type explorer struct {
	s     Slider
	draw  func(v float64) (*plot.Plot, error)
	fig   string // display id of the figure's block
	c     *controls
	cache map[int]*figure

	shown, target int // positions of the figure shown and of the slider
	drawing       int // position being drawn, if busy
	busy          bool
	label         string // last text shown beside the slider

	jobs    chan int     // to the drawing goroutine
	results chan *figure // from it
}

// figure draws and renders position k (on whichever goroutine calls it).
func (e *explorer) figure(k int) *figure {
	v := e.s.at(k)
	f := &figure{k: k}
	p, err := e.draw(v)
	if err != nil {
		f.err = err
		f.fail = fmt.Sprintf("show.Explore: cannot draw at %s: %v", e.s.describe(v), err)
		return f
	}
	st := Settings{}.withDefaults(DefaultWidth, DefaultHeight)
	b, err := render("show.Explore", func(c draw.Canvas) { drawPlot(p, c) }, st)
	if err != nil {
		f.fail = err.Error()
		return f
	}
	f.png, f.what = b, describe(p)
	f.w, f.h = st.pixels()
	f.cssW, f.cssH = pixelsAt(st.Width, cssDPI), pixelsAt(st.Height, cssDPI)
	return f
}

// follow runs the interaction until Done, an interrupt, the slider's
// closing, Slider.Idle without a move, or a display error; it says why it
// stopped.
func (e *explorer) follow(interrupts <-chan os.Signal) (why string, err error) {
	e.jobs, e.results = make(chan int), make(chan *figure, 1)
	defer close(e.jobs)
	go func() {
		for k := range e.jobs {
			e.results <- e.figure(k)
		}
	}()
	idle := time.NewTimer(e.s.Idle)
	defer idle.Stop()
	if err := e.step(); err != nil { // start drawing ahead
		return "display error", err
	}
	for {
		select {
		case <-e.c.done:
			return "Done", nil
		case <-interrupts:
			return whyInterrupted, nil
		case <-idle.C:
			if e.shown == e.target {
				return fmt.Sprintf("no change for %v", e.s.Idle), nil
			}
			idle.Reset(e.s.Idle) // the last move's figure is still to come
		case k, ok := <-e.c.positions:
			if !ok {
				return "the slider was closed", nil
			}
			e.target = min(max(k, 0), e.s.Steps)
			idle.Reset(e.s.Idle) // no stale tick since Go 1.23
		case f := <-e.results:
			e.busy = false
			e.cache[f.k] = f
		}
		if err := e.step(); err != nil {
			return "display error", err
		}
	}
}

// step shows the slider's figure if it is drawn, starts the next drawing
// (the slider's figure, else the nearest one ahead not drawn yet) if none
// is under way, and brings the text beside the slider up to date.
func (e *explorer) step() error {
	if f := e.cache[e.target]; f != nil && e.shown != e.target {
		if err := sendFigure(e.fig, f); err != nil {
			return err
		}
		e.shown = e.target
	}
	if !e.busy {
		if k, ok := e.next(); ok {
			e.busy, e.drawing = true, k
			e.jobs <- k
		}
	}
	text := e.s.describe(e.s.at(e.shown))
	if e.shown != e.target {
		text += " — drawing " + e.s.describe(e.s.at(e.target)) + " …"
	}
	if text != e.label {
		e.c.show(text)
		e.label = text
	}
	return nil
}

// next returns the position to draw next: the slider's, else the nearest
// within Ahead of it not drawn yet.
func (e *explorer) next() (int, bool) {
	if e.cache[e.target] == nil {
		return e.target, true
	}
	for d := 1; d <= e.s.Ahead; d++ {
		for _, k := range []int{e.target + d, e.target - d} {
			if 0 <= k && k <= e.s.Steps && e.cache[k] == nil {
				return k, true
			}
		}
	}
	return 0, false
}

// sendFigure displays f in the output block with display id fig, creating
// it or replacing its content.
func sendFigure(fig string, f *figure) error {
	if f.fail != "" {
		return sendFailure(fig, f.fail)
	}
	d := pngDisplay(f.png, f.what, f.w, f.h, f.cssW, f.cssH)
	d.DisplayID = fig
	if err := send(d); err != nil {
		return fmt.Errorf("show.Explore: displaying %s: %w", f.what, err)
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

// waitNote is the line under the slider: the cell holds up the notebook.
func waitNote(s Slider) string {
	return fmt.Sprintf("This cell waits for you: the cells below run once you press Done "+
		"(or after %v without a move, or when you interrupt the kernel).", s.Idle)
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

// startComms asks GoNB to connect to the page for the widgets; tests
// replace it.
var startComms = comms.Start

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
	gonbui.UpdateHTML(block, fmt.Sprintf(`<div id=%q style="font-family:monospace">%s&nbsp;</div><div style="font-size:smaller;color:#555">%s</div>`,
		div, html.EscapeString(s.Label), html.EscapeString(waitNote(s))))
	type built struct {
		positions, clicks *comms.AddressChan[int]
	}
	ready := make(chan built, 1)
	go func() {
		// Each widget is listened to as soon as it exists: a move made
		// before Listen would be lost.
		sl := widgets.Slider(0, s.Steps, k0).AppendTo(div).Done()
		positions := sl.Listen().LatestOnly()
		dom.Append(div, fmt.Sprintf(`&nbsp;<span id=%q>%s</span>&nbsp;`, value, html.EscapeString(s.describe(s.at(k0)))))
		b := widgets.Button("Done").AppendTo(div).Done()
		ready <- built{positions, b.Listen()}
	}()
	var w built
	select {
	case w = <-ready:
	case <-time.After(answerWithin):
		gonbui.UpdateHTML(block, "")
		return nil, errNoFrontEnd
	}
	positions, clicks := w.positions, w.clicks
	return &controls{
		positions: positions.C,
		done:      clicks.C,
		show:      func(text string) { dom.SetInnerText(value, text) },
		close: func(final string) {
			positions.Close()
			clicks.Close()
			dom.TransientJavascript(fmt.Sprintf(saveWithoutEmptyOutputs, div))
			gonbui.UpdateHTML(block, `<div style="font-family:monospace">`+html.EscapeString(final)+`</div>`)
			gonbui.Sync()
		},
	}, nil
}

// saveWithoutEmptyOutputs is the Javascript, run in the browser when the
// interaction ends, that keeps the cell's emptied output blocks out of the
// saved notebook: GoNB runs the Javascript of its widgets in display blocks
// that it then empties, and Jupyter would save them as empty text/html
// outputs. In the classic Notebook it filters them out of what the cell's
// output area saves (nothing shown changes, and the live display ids keep
// their places); elsewhere (JupyterLab) it does nothing. %q is the id of
// an element of the controls, to find the cell by.
const saveWithoutEmptyOutputs = `(() => {
	const el = document.getElementById(%q);
	if (!el || !window.Jupyter || !Jupyter.notebook) return;
	const node = el.closest(".cell");
	const cell = Jupyter.notebook.get_cells().find(c => c.element && c.element[0] === node);
	const oa = cell && cell.output_area;
	if (!oa || oa.noetherSavesWithoutEmpty) return;
	const toJSON = oa.toJSON;
	oa.toJSON = function () {
		return toJSON.call(this).filter(o => !(o.output_type === "display_data" &&
			Object.keys(o.data || {}).every(k => k === "text/html" && String(o.data[k]).trim() === "")));
	};
	oa.noetherSavesWithoutEmpty = true;
})();`

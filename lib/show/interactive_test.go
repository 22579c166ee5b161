package show

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot"
)

// fakeControls stands in for the widgets: the test moves the slider by
// sending positions, clicks Done by closing done, and waits for what the
// text beside the slider shows on shown.
type fakeControls struct {
	positions chan int
	done      chan int
	shown     chan string // texts shown beside the slider, as they are shown
	texts     []string    // all of them, for after the run
	final     string      // the line left by close
	closed    int
	built     int // calls of newControls
	err       error
	k0        int
}

// useControls makes Explore run interactively (in the notebook, not
// headless) with fake controls; run, if not nil, is called on its own
// goroutine once the controls are built, to move the slider.
func useControls(t *testing.T, err error, run func(f *fakeControls)) *fakeControls {
	t.Helper()
	t.Setenv(HeadlessEnv, "")
	f := &fakeControls{positions: make(chan int), done: make(chan int), shown: make(chan string, 100), err: err}
	old, oldStart := newControls, startComms
	startComms = func() {}
	newControls = func(s Slider, k0 int) (*controls, error) {
		f.built++
		f.k0 = k0
		if f.err != nil {
			return nil, f.err
		}
		if run != nil {
			go run(f)
		}
		return &controls{
			positions: f.positions,
			done:      f.done,
			show:      func(text string) { f.texts = append(f.texts, text); f.shown <- text },
			close:     func(final string) { f.final = final; f.closed++ },
		}, nil
	}
	t.Cleanup(func() { newControls, startComms = old, oldStart })
	return f
}

// waitShown waits until the text beside the slider is want: the figure
// of that value is shown, and nothing else is being drawn for the slider.
func (f *fakeControls) waitShown(want string) {
	for text := range f.shown {
		if text == want {
			return
		}
	}
}

// useInterrupts replaces the program's interrupts by a channel the test
// sends on, and counts the re-raising of the interrupt.
func useInterrupts(t *testing.T) (interrupt chan os.Signal, reraised *atomic.Int32) {
	ch := make(chan os.Signal, 1)
	reraised = new(atomic.Int32)
	oldNotify, oldReraise := notifyInterrupt, reraise
	notifyInterrupt = func() (<-chan os.Signal, func()) { return ch, func() {} }
	reraise = func() { reraised.Add(1) }
	t.Cleanup(func() { notifyInterrupt, reraise = oldNotify, oldReraise })
	return ch, reraised
}

// recorder is a draw function that records the values it was called with;
// it may be called from Explore's drawing goroutine.
type recorder struct {
	mu     sync.Mutex
	values []float64
	failAt []float64                 // draw fails at these values
	hold   map[float64]chan struct{} // draw at these values waits until the channel closes
	began  chan float64              // if not nil, receives each value as its draw begins
}

func (r *recorder) draw(v float64) (*plot.Plot, error) {
	r.mu.Lock()
	r.values = append(r.values, v)
	hold, fail, began := r.hold[v], slices.Contains(r.failAt, v), r.began
	r.mu.Unlock()
	if began != nil {
		began <- v
	}
	if hold != nil {
		<-hold
	}
	if fail {
		return nil, fmt.Errorf("no figure at %g", v)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("v = %g", v)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	return p, nil
}

func (r *recorder) drawn() []float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.values)
}

func TestExploreHeadlessReturnsAtOnce(t *testing.T) {
	for _, notebook := range []bool{true, false} {
		c := capture(t, notebook)
		f := useControls(t, nil, nil)
		if notebook {
			t.Setenv(HeadlessEnv, "1")
		}
		var r recorder
		start := time.Now()
		err := Explore(Slider{Label: "s", Min: 0.01, Max: 1, Value: 0.1, Log: true}, r.draw)
		if err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el > time.Second {
			t.Errorf("notebook %v: Explore took %v without a browser", notebook, el)
		}
		if Interactive() {
			t.Errorf("notebook %v: Interactive() true", notebook)
		}
		if len(r.drawn()) != 0 || f.built != 0 || len(c.sent) != 0 {
			t.Errorf("notebook %v: drew %d times, built %d controls, sent %d messages; want none", notebook, len(r.values), f.built, len(c.sent))
		}
		want := "not shown outside the notebook kernel"
		if notebook {
			want = "not shown in this headless run (NOETHER_HEADLESS=1)"
		}
		text := c.text.String()
		if strings.Count(text, "\n") != 1 || !strings.Contains(text, want) || !strings.Contains(text, "a slider for s in [0.01, 1]") {
			t.Errorf("notebook %v: printed %q, want one line with %q", notebook, text, want)
		}
	}
}

func TestExploreFollowsSlider(t *testing.T) {
	c := capture(t, true)
	s := Slider{Label: "s", Min: 0.01, Max: 1, Value: 0.1, Steps: 4, Log: true, Ahead: -1} // 0.01, 0.0316, 0.1, 0.316, 1
	f := useControls(t, nil, func(f *fakeControls) {
		f.positions <- 3
		f.waitShown("s = 0.316")
		f.positions <- 99 // beyond the end: clamped to 4
		f.waitShown("s = 1")
		close(f.done)
	})
	if !Interactive() {
		t.Fatal("Interactive() false in a notebook run that is not headless")
	}
	var r recorder
	if err := Explore(s, r.draw); err != nil {
		t.Fatal(err)
	}
	if f.k0 != 2 {
		t.Errorf("slider built at position %d, want 2 (value 0.1)", f.k0)
	}
	want := []float64{0.1, math.Sqrt(0.1), 1}
	got := r.drawn()
	if len(got) != len(want) {
		t.Fatalf("drew at %v, want %v", got, want)
	}
	for i := range want {
		// Positions are 0.01·100^{k/4}: rounding of Pow only.
		if math.Abs(got[i]-want[i]) > 1e-15*want[i] {
			t.Errorf("draw %d at %.17g, want %.17g", i, got[i], want[i])
		}
	}
	if len(c.sent) != 3 {
		t.Fatalf("%d display messages, want 3 (initial figure and two redraws)", len(c.sent))
	}
	for i, d := range c.sent {
		if d.DisplayID == "" || d.DisplayID != c.sent[0].DisplayID {
			t.Errorf("message %d with display id %q, want the first's %q", i, d.DisplayID, c.sent[0].DisplayID)
		}
		if _, ok := d.Data[protocol.MIMEImagePNG].([]byte); !ok {
			t.Errorf("message %d without image/png", i)
		}
		if _, err := pngDecode(d.Data[protocol.MIMEImagePNG].([]byte)); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	// The value beside the slider is the shown figure's; while another is
	// drawn, it says so.
	wantTexts := "s = 0.1; s = 0.1 — drawing s = 0.316 …; s = 0.316; s = 0.316 — drawing s = 1 …; s = 1"
	if got := strings.Join(f.texts, "; "); got != wantTexts {
		t.Errorf("texts beside the slider %q, want %q", got, wantTexts)
	}
	if f.closed != 1 || f.final != "s = 1 (interaction ended: Done)" {
		t.Errorf("closed %d times, final line %q", f.closed, f.final)
	}
	if c.text.Len() != 0 {
		t.Errorf("printed %q", c.text.String())
	}
}

func TestExploreEndsWhenIdle(t *testing.T) {
	c := capture(t, true)
	f := useControls(t, nil, func(f *fakeControls) { f.positions <- 0 })
	var r recorder
	start := time.Now()
	if err := Explore(Slider{Label: "x", Min: -1, Max: 1, Steps: 2, Idle: 50 * time.Millisecond, Ahead: -1}, r.draw); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 50*time.Millisecond {
		t.Errorf("ended after %v, before the idle time 50ms", el)
	}
	if got := r.drawn(); len(got) != 2 || got[0] != 0 || got[1] != -1 {
		t.Errorf("drew at %v, want [0 -1]", got)
	}
	if len(c.sent) != 2 {
		t.Errorf("%d display messages, want 2", len(c.sent))
	}
	if f.final != "x = -1 (interaction ended: no change for 50ms)" {
		t.Errorf("final line %q", f.final)
	}
}

func TestExploreShowsDrawErrorsInPlace(t *testing.T) {
	c := capture(t, true)
	useControls(t, nil, func(f *fakeControls) {
		f.positions <- 0 // value 0: draw fails
		f.waitShown("x = 0")
		f.positions <- 2
		f.waitShown("x = 1")
		close(f.done)
	})
	r := recorder{failAt: []float64{0}}
	if err := Explore(Slider{Label: "x", Min: 0, Max: 1, Value: 0.5, Steps: 2, Ahead: -1}, r.draw); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 3 {
		t.Fatalf("%d display messages, want 3", len(c.sent))
	}
	msg, _ := c.sent[1].Data[protocol.MIMETextPlain].(string)
	if c.sent[1].DisplayID != c.sent[0].DisplayID || !strings.Contains(msg, "cannot draw at x = 0: no figure at 0") {
		t.Errorf("failed draw shown as %q in block %q (figure block %q)", msg, c.sent[1].DisplayID, c.sent[0].DisplayID)
	}
	if _, ok := c.sent[2].Data[protocol.MIMEImagePNG]; !ok {
		t.Error("no figure after the failed one")
	}

	// At the initial value the error is returned, and no widgets are built.
	c = capture(t, true)
	f := useControls(t, nil, nil)
	err := Explore(Slider{Label: "x", Min: 0, Max: 1, Steps: 2}, r.draw)
	if err == nil || !strings.Contains(err.Error(), "drawing at x = 0") {
		t.Errorf("error %v, want one naming x = 0", err)
	}
	if f.built != 0 || len(c.sent) != 0 {
		t.Errorf("built %d controls, sent %d messages after the initial draw failed", f.built, len(c.sent))
	}
}

// Done is seen at once, even while a figure is being drawn: the cell does
// not wait for it, and the final line gives the value of the figure shown.
func TestExploreDoneDuringADraw(t *testing.T) {
	capture(t, true)
	hold := make(chan struct{})
	defer close(hold)
	r := recorder{hold: map[float64]chan struct{}{1: hold}, began: make(chan float64, 10)}
	f := useControls(t, nil, func(f *fakeControls) {
		<-r.began // the initial figure
		f.positions <- 2
		for v := range r.began {
			if v == 1 {
				break // the slow draw is under way
			}
		}
		f.waitShown("x = 0.5 — drawing x = 1 …")
		close(f.done)
	})
	if err := Explore(Slider{Label: "x", Min: 0, Max: 1, Value: 0.5, Steps: 2, Ahead: -1}, r.draw); err != nil {
		t.Fatal(err)
	}
	if f.final != "x = 0.5 (interaction ended: Done)" {
		t.Errorf("final line %q, want the shown figure's value", f.final)
	}
}

// Moves made while a figure is drawn are merged: only the latest is drawn
// next, and the figure that was under way is kept but not shown.
func TestExploreDropsSupersededMoves(t *testing.T) {
	c := capture(t, true)
	hold := make(chan struct{})
	r := recorder{hold: map[float64]chan struct{}{1: hold}, began: make(chan float64, 10)}
	useControls(t, nil, func(f *fakeControls) {
		<-r.began
		f.positions <- 1 // x = 1: held
		<-r.began
		f.positions <- 2
		f.positions <- 3
		f.positions <- 4
		close(hold)
		f.waitShown("x = 4")
		f.positions <- 1 // drawn already: shown at once
		f.waitShown("x = 1")
		close(f.done)
	})
	if err := Explore(Slider{Label: "x", Min: 0, Max: 4, Steps: 4, Ahead: -1}, r.draw); err != nil {
		t.Fatal(err)
	}
	if got := r.drawn(); !slices.Equal(got, []float64{0, 1, 4}) {
		t.Errorf("drew at %v, want [0 1 4]: the moves to 2 and 3 superseded", got)
	}
	if len(c.sent) != 3 {
		t.Errorf("%d display messages, want 3 (x = 0, x = 4, x = 1 from the cache)", len(c.sent))
	}
}

// While the slider rests, the positions beside it are drawn ahead, and a
// step to one of them draws nothing more.
func TestExploreDrawsAhead(t *testing.T) {
	capture(t, true)
	r := recorder{began: make(chan float64, 10)}
	useControls(t, nil, func(f *fakeControls) {
		for range 3 { // the initial figure, then x = 3 and x = 1 ahead
			<-r.began
		}
		f.positions <- 3
		f.waitShown("x = 3")
		<-r.began // x = 4, ahead of 3
		close(f.done)
	})
	if err := Explore(Slider{Label: "x", Min: 0, Max: 4, Steps: 4, Value: 2}, r.draw); err != nil {
		t.Fatal(err)
	}
	if got := r.drawn(); !slices.Equal(got[:4], []float64{2, 3, 1, 4}) {
		t.Errorf("drew at %v, want 2, then 3 and 1 ahead, then 4 ahead of 3", got)
	}
}

// An interrupt of the kernel (SIGINT to the cell's program) ends the
// interaction at once: the controls give way to the final line, and the
// program then stops as interrupted instead of leaving a dead slider.
func TestExploreInterrupted(t *testing.T) {
	capture(t, true)
	interrupt, reraised := useInterrupts(t)
	f := useControls(t, nil, func(f *fakeControls) { interrupt <- os.Interrupt })
	var r recorder
	err := Explore(Slider{Label: "x", Min: 0, Max: 1, Steps: 2, Ahead: -1}, r.draw)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("error %v, want interrupted", err)
	}
	if f.closed != 1 || f.final != "x = 0 (interaction ended: interrupted)" {
		t.Errorf("closed %d times, final line %q", f.closed, f.final)
	}
	if reraised.Load() != 1 {
		t.Errorf("interrupt re-raised %d times, want once", reraised.Load())
	}
}

// The line under the slider says that the cell holds up the notebook.
func TestWaitNote(t *testing.T) {
	got := waitNote(Slider{Min: 0, Max: 1}.withDefaults())
	for _, want := range []string{"waits", "cells below run once you press Done", "5m0s without a move", "interrupt"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}

func TestExploreWithoutFrontEnd(t *testing.T) {
	c := capture(t, true)
	useControls(t, errNoFrontEnd, nil)
	var r recorder
	if err := Explore(Slider{Label: "x", Min: 0, Max: 1, Value: 1}, r.draw); err != nil {
		t.Fatal(err)
	}
	if got := r.drawn(); len(c.sent) != 1 || len(got) != 1 || got[0] != 1 {
		t.Errorf("sent %d messages, drew at %v; want the initial figure only", len(c.sent), got)
	}
	if !strings.Contains(c.text.String(), "front-end did not answer") || !strings.Contains(c.text.String(), "stays at x = 1") {
		t.Errorf("printed %q", c.text.String())
	}
}

// GoNB's widgets wait for the browser with no time limit; without one,
// gonbControls gives up after answerWithin.
func TestGonbControlsTimeOut(t *testing.T) {
	old := answerWithin
	answerWithin = 100 * time.Millisecond
	t.Cleanup(func() { answerWithin = old })
	start := time.Now()
	_, err := gonbControls(Slider{Label: "x", Min: 0, Max: 1, Steps: 10}, 3)
	if !errors.Is(err, errNoFrontEnd) {
		t.Errorf("error %v, want errNoFrontEnd", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
}

func TestExploreDisplayErrorStops(t *testing.T) {
	capture(t, true)
	fail := errors.New("pipe closed")
	n := 0
	send = func(*protocol.DisplayData) error {
		n++
		if n > 1 {
			return fail
		}
		return nil
	}
	f := useControls(t, nil, func(f *fakeControls) { f.positions <- 1 })
	var r recorder
	err := Explore(Slider{Label: "x", Min: 0, Max: 1, Steps: 1, Ahead: -1}, r.draw)
	if !errors.Is(err, fail) {
		t.Errorf("error %v, want the display error", err)
	}
	if f.closed != 1 || !strings.Contains(f.final, "display error") {
		t.Errorf("closed %d times, final line %q", f.closed, f.final)
	}
}

func TestSliderPositions(t *testing.T) {
	for _, s := range []Slider{
		{Min: -1.5, Max: 1.5, Steps: 60},
		{Min: 0.003, Max: 3, Steps: 60, Log: true},
		{Min: 0, Max: 1, Steps: 1},
	} {
		s := s.withDefaults()
		for k := 0; k <= s.Steps; k++ {
			if got := s.position(s.at(k)); got != k {
				t.Errorf("%+v: position(at(%d) = %g) = %d", s, k, s.at(k), got)
			}
		}
		if s.at(0) != s.Min || s.at(s.Steps) != s.Max || s.at(-3) != s.Min || s.at(s.Steps+3) != s.Max {
			t.Errorf("%+v: ends %g, %g", s, s.at(0), s.at(s.Steps))
		}
	}
	if got := (Slider{Min: 0.5, Max: 1}).withDefaults(); got.Steps != 100 || got.Idle != DefaultIdle || got.Value != 0.5 {
		t.Errorf("defaults %+v", got)
	}
	for _, bad := range []Slider{
		{Min: 1, Max: 1},
		{Min: 0, Max: 1, Log: true},
		{Min: 0, Max: 1, Value: 2},
		{Min: 1, Max: 2, Value: -1},
		{Min: 0, Max: 1, Steps: -1},
		{Min: math.NaN(), Max: 1},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "show: Slider") {
					t.Errorf("%+v: panic %v, want one naming show: Slider", bad, r)
				}
			}()
			bad.withDefaults()
		}()
	}
}

package show

import (
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// now is the clock of progress bars; tests replace it.
var now = time.Now

// How often a progress bar may redraw.
const (
	// In the notebook, a bar with a known total redraws when its whole
	// percentage changes, at most every redrawEvery: at most 101 updates
	// however many steps the loop takes.
	redrawEvery = 100 * time.Millisecond
	// Without a total it redraws at most every redrawUnknown.
	redrawUnknown = 500 * time.Millisecond
	// Outside the notebook a line is printed when another tenth of the
	// total is done, at most every lineEvery, so at most ten lines and the
	// final one.
	lineEvery = time.Second
	// Without a total a line is printed at most every lineUnknown.
	lineUnknown = 10 * time.Second
)

// Progress is a progress bar for a long loop. In the notebook it is one
// output block updated in place (text/html with a display id), at most
// about a hundred times however many steps the loop has; outside the
// kernel it prints a line when another tenth of the work is done (at most
// one a second) and a final line from Done.
//
//	bar := show.NewProgress("training", steps)
//	for i := range steps {
//		...
//		bar.Note("loss %.3g", loss)
//		bar.Add(1)
//	}
//	bar.Done()
//
// The methods of a Progress may be called from several goroutines. Display
// errors are not reported: a progress bar must never stop the loop it
// watches.
type Progress struct {
	mu       sync.Mutex
	label    string
	total    int
	done     int
	note     string
	notebook bool
	id       string // display id of the notebook block
	start    time.Time
	last     time.Time // of the last redraw or line
	lastStep int       // percent (notebook) or tenth (text) last shown
	finished bool
}

// NewProgress returns a progress bar for total steps, labelled with label.
// A total ≤ 0 means unknown: the bar shows the count and the rate. In the
// notebook the bar appears at once.
func NewProgress(label string, total int) *Progress {
	t := now()
	p := &Progress{
		label:    label,
		total:    total,
		notebook: inNotebook(),
		start:    t,
		last:     t,
	}
	if p.notebook {
		p.id = "noether-progress-" + gonbui.UniqueId()
		p.redraw(t)
	}
	return p
}

// Add records n more steps done.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	p.done += n
	p.update()
	p.mu.Unlock()
}

// Set records that done steps are done in all.
func (p *Progress) Set(done int) {
	p.mu.Lock()
	p.done = done
	p.update()
	p.mu.Unlock()
}

// Note sets a short status, such as the current loss, shown after the
// count from the next redraw on.
func (p *Progress) Note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	p.mu.Lock()
	p.note = s
	p.mu.Unlock()
}

// Done shows the final state: the count and the total time. Later calls
// to any method of p do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	t := now()
	if p.notebook {
		p.redraw(t)
	} else {
		fmt.Fprintln(out(), p.status(t, true))
	}
}

// update redraws or prints if enough has changed since the last time.
// p.mu is held.
func (p *Progress) update() {
	if p.finished {
		return
	}
	step, every := -1, redrawUnknown
	if p.notebook {
		if p.total > 0 {
			step, every = p.percent(), redrawEvery
		}
	} else {
		every = lineUnknown
		if p.total > 0 {
			step, every = p.percent()/10, lineEvery
		}
	}
	if step >= 0 && step <= p.lastStep {
		return // Known total: nothing new to show, and no clock read.
	}
	t := now()
	if t.Sub(p.last) < every {
		return
	}
	if step >= 0 {
		p.lastStep = step
	}
	if p.notebook {
		p.redraw(t)
	} else {
		fmt.Fprintln(out(), p.status(t, false))
		p.last = t
	}
}

func (p *Progress) percent() int {
	return min(100, max(0, int(int64(p.done)*100/int64(p.total))))
}

// redraw sends the bar to the notebook. p.mu is held.
func (p *Progress) redraw(t time.Time) {
	p.last = t
	bar := ""
	if p.total > 0 {
		bar = fmt.Sprintf(`<progress value="%d" max="%d" style="width:20em;vertical-align:middle"></progress> `,
			min(max(p.done, 0), p.total), p.total)
	}
	h := fmt.Sprintf(`<div style="font-family:monospace">%s%s</div>`, bar, html.EscapeString(p.status(t, p.finished)))
	send(&protocol.DisplayData{
		Data:      map[protocol.MIMEType]any{protocol.MIMETextHTML: h},
		DisplayID: p.id,
	})
}

// status describes the progress in one line. p.mu is held.
func (p *Progress) status(t time.Time, final bool) string {
	el := t.Sub(p.start)
	s := p.label + ": "
	switch {
	case p.total > 0:
		s += fmt.Sprintf("%d/%d (%d%%)", p.done, p.total, p.percent())
	default:
		s += fmt.Sprintf("%d", p.done)
	}
	switch {
	case final:
		s += " in " + duration(el)
	case p.total > 0 && p.done > 0 && p.done < p.total:
		eta := time.Duration(float64(el) * float64(p.total-p.done) / float64(p.done))
		s += fmt.Sprintf(", %s, ETA %s", duration(el), duration(eta))
	default:
		s += ", " + duration(el)
		if p.total <= 0 && el > 0 {
			s += fmt.Sprintf(", %.3g/s", float64(p.done)/el.Seconds())
		}
	}
	if p.note != "" {
		s += "  " + p.note
	}
	return s
}

// duration formats d to a tenth of a second under a minute, to the second
// above.
func duration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

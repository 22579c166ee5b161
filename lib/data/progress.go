package data

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// A Progress follows the download of one file: Set is called with the
// bytes received so far, Done once at the end, whether the download
// succeeded or not. *show.Progress is one.
type Progress interface {
	Set(done int)
	Done()
}

// ProgressBar, if not nil, makes the progress bar of each file downloaded:
// label names the data set and the file, total is its size in bytes. When
// ProgressBar is nil or returns nil, a bar is drawn on standard error if
// that is a terminal, and nothing is shown otherwise. Package show sets it
// in a notebook, so that a download shows a bar in the cell's output; a
// program that sets it does so before loading anything.
var ProgressBar func(label string, total int) Progress

// bar counts the bytes written to it into a Progress.
type bar struct {
	p    Progress
	done int64
}

// newBar returns the progress bar of a download of total bytes.
func newBar(label string, total int64) *bar {
	var p Progress
	if ProgressBar != nil {
		p = ProgressBar(label, int(total))
	}
	if p == nil && isTerminal(os.Stderr) {
		p = newTermBar(os.Stderr, label, total)
	}
	return &bar{p: p}
}

func (b *bar) Write(p []byte) (int, error) {
	b.done += int64(len(p))
	if b.p != nil {
		b.p.Set(int(b.done))
	}
	return len(p), nil
}

// Done ends the bar.
func (b *bar) Done() {
	if b.p != nil {
		b.p.Done()
	}
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// termBar is a one-line progress bar redrawn in place with a carriage
// return, at most every termEvery:
//
//	Fashion-MNIST train-images-idx3-ubyte.gz [#########.........]  45%  11.9/26.4 MB  3.1 MB/s
type termBar struct {
	mu          sync.Mutex
	w           io.Writer
	label       string
	total, done int64
	start, last time.Time
	drawn       bool
}

// termEvery is the shortest time between two redraws of a termBar.
const termEvery = 100 * time.Millisecond

// termNow is the clock of termBars; tests replace it.
var termNow = time.Now

func newTermBar(w io.Writer, label string, total int64) *termBar {
	t := termNow()
	return &termBar{w: w, label: label, total: total, start: t}
}

// Set records that done bytes have been received.
func (b *termBar) Set(done int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = int64(done)
	if t := termNow(); !b.drawn || t.Sub(b.last) >= termEvery {
		b.draw(t, "")
	}
}

// Done draws the final state and ends the line.
func (b *termBar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(termNow(), "\n")
}

// draw writes the bar, then end. b.mu is held.
func (b *termBar) draw(t time.Time, end string) {
	b.last, b.drawn = t, true
	const width = 24
	frac := 0.0
	if b.total > 0 {
		frac = min(1, float64(b.done)/float64(b.total))
	}
	full := int(frac * width)
	rate := ""
	if el := t.Sub(b.start).Seconds(); el > 0 {
		rate = fmt.Sprintf("  %.1f MB/s", float64(b.done)/1e6/el)
	}
	fmt.Fprintf(b.w, "\r%s [%s%s] %3.0f%%  %.1f/%.1f MB%s\x1b[K%s",
		b.label, strings.Repeat("#", full), strings.Repeat(".", width-full),
		100*frac, float64(b.done)/1e6, float64(b.total)/1e6, rate, end)
}

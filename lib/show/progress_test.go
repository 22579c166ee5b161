package show

import (
	"strings"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/noetherlab/noether/lib/data"
)

// fakeClock stops the clock of progress bars; the test advances it.
type fakeClock struct{ t time.Time }

func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func stopClock(t *testing.T) *fakeClock {
	t.Helper()
	c := &fakeClock{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	old := now
	now = func() time.Time { return c.t }
	t.Cleanup(func() { now = old })
	return c
}

func TestProgressNotebookThrottles(t *testing.T) {
	for _, step := range []time.Duration{0, time.Millisecond, time.Second} {
		c := capture(t, true)
		clock := stopClock(t)
		const n = 10000
		bar := NewProgress("train", n)
		for range n {
			clock.advance(step)
			bar.Note("loss %d", 7)
			bar.Add(1)
		}
		bar.Done()
		bar.Done()
		bar.Add(1)

		if len(c.sent) < 2 || len(c.sent) > 102 {
			t.Errorf("clock step %v: %d updates for %d steps, want 2…102", step, len(c.sent), n)
		}
		if step == 0 && len(c.sent) != 2 {
			t.Errorf("stopped clock: %d updates, want the first and the final", len(c.sent))
		}
		id := c.sent[0].DisplayID
		if id == "" {
			t.Fatal("progress bar sent without display id")
		}
		for _, d := range c.sent {
			if d.DisplayID != id {
				t.Fatalf("display id changed from %q to %q", id, d.DisplayID)
			}
			if _, ok := d.Data[protocol.MIMETextHTML].(string); !ok {
				t.Fatalf("update without text/html: %v", d.Data)
			}
		}
		last := c.sent[len(c.sent)-1].Data[protocol.MIMETextHTML].(string)
		if !strings.Contains(last, "10000/10000 (100%) in") || !strings.Contains(last, "loss 7") {
			t.Errorf("final update %q", last)
		}
		if c.text.Len() != 0 {
			t.Errorf("printed %q in the notebook", c.text.String())
		}
	}
}

func TestProgressTextIsSparse(t *testing.T) {
	c := capture(t, false)
	clock := stopClock(t)
	const n = 10000
	bar := NewProgress("train", n)
	for range n {
		clock.advance(time.Millisecond) // 10 s in all
		bar.Add(1)
	}
	bar.Done()
	lines := strings.Split(strings.TrimSuffix(c.text.String(), "\n"), "\n")
	if len(lines) < 2 || len(lines) > 11 {
		t.Errorf("%d lines for %d steps, want 2…11:\n%s", len(lines), n, c.text.String())
	}
	if !strings.Contains(lines[0], "ETA") {
		t.Errorf("first line %q has no ETA", lines[0])
	}
	if want := "train: 10000/10000 (100%) in 10s"; lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
	if len(c.sent) != 0 {
		t.Errorf("sent %d messages outside the notebook", len(c.sent))
	}

	// A fast loop prints only the final line.
	c = capture(t, false)
	stopClock(t)
	bar = NewProgress("fast", n)
	for i := range n {
		bar.Set(i + 1)
	}
	bar.Done()
	if got, want := c.text.String(), "fast: 10000/10000 (100%) in 0s\n"; got != want {
		t.Errorf("fast loop printed %q, want %q", got, want)
	}
}

func TestProgressUnknownTotal(t *testing.T) {
	c := capture(t, false)
	clock := stopClock(t)
	bar := NewProgress("scan", 0)
	for range 100 {
		clock.advance(time.Second)
		bar.Add(1)
	}
	bar.Done()
	lines := strings.Split(strings.TrimSuffix(c.text.String(), "\n"), "\n")
	if len(lines) < 5 || len(lines) > 12 {
		t.Errorf("%d lines over 100 s, want one per 10 s:\n%s", len(lines), c.text.String())
	}
	if !strings.Contains(lines[0], "/s") {
		t.Errorf("line %q has no rate", lines[0])
	}
}

// A data set's download shows a bar in the notebook, counting bytes; outside
// the notebook show leaves the bar to package data.
func TestDownloadBar(t *testing.T) {
	c := capture(t, true)
	stopClock(t)
	p := data.ProgressBar("Fashion-MNIST t10k-labels-idx1-ubyte.gz", 5148)
	if p == nil {
		t.Fatal("no bar in the notebook")
	}
	p.Set(5148)
	p.Done()
	if len(c.sent) < 2 {
		t.Fatalf("%d displays, want the bar and its final state", len(c.sent))
	}
	last := c.sent[len(c.sent)-1].Data[protocol.MIMETextHTML].(string)
	if !strings.Contains(last, "downloading Fashion-MNIST t10k-labels-idx1-ubyte.gz: 5148/5148 (100%)") {
		t.Errorf("final bar %q", last)
	}
	capture(t, false)
	if p := data.ProgressBar("x", 1); p != nil {
		t.Errorf("outside the notebook: %T, want nil", p)
	}
}

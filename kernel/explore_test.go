package kernel

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/lib/show"
)

// The cells of a notebook test NOETHER_HEADLESS through lib/show, which
// cannot import this package.
func TestHeadlessEnvIsShows(t *testing.T) {
	if HeadlessEnv != show.HeadlessEnv {
		t.Errorf("kernel.HeadlessEnv %q, show.HeadlessEnv %q", HeadlessEnv, show.HeadlessEnv)
	}
}

// fakeBrowser plays the part of the notebook front-end for GoNB's widgets,
// as GoNB's own Javascript does in Jupyter: it opens the "gonb_comm" comm
// when the kernel publishes its WebSocket script, answers heartbeats, gives
// each synced variable (slider, button) its first value when the widget's
// script arrives, and then moves the slider and clicks Done.
type fakeBrowser struct {
	t      *testing.T
	k      *Kernel
	commID string

	mu      sync.Mutex
	slider  string // address of the slider
	button  string // address of the button
	started bool   // the user's moves are under way
	moves   []string
	figures map[string]int // display id → image/png messages
	ids     []string       // display ids in order of first appearance
}

var (
	kernelIDRe = regexp.MustCompile(`_kernel_id: "([^"]*)"`)
	syncedRe   = regexp.MustCompile(`newSyncedVariable\("([^"]+)", (slider\.value|0)\)`)
	sliderRe   = regexp.MustCompile(`const slider = document\.getElementById\("[^"]+"\);\s*let sliderValue`)
)

// comm sends a comm message from the "browser" on the shell socket.
func (b *fakeBrowser) comm(msgType string, content map[string]any) {
	if err := b.k.send(b.k.shell, b.k.newMessage(msgType, content, nil)); err != nil {
		b.t.Errorf("sending %s: %v", msgType, err)
	}
}

func (b *fakeBrowser) value(address string, v any) {
	b.comm("comm_msg", map[string]any{"comm_id": b.commID, "data": map[string]any{"address": address, "value": v}})
}

// iopub reacts to one message the kernel published.
func (b *fakeBrowser) iopub(m *Message) {
	var c struct {
		Data      map[string]any `json:"data"`
		Transient struct {
			DisplayID string `json:"display_id"`
		} `json:"transient"`
		CommID string `json:"comm_id"`
	}
	if err := json.Unmarshal(m.Content, &c); err != nil {
		b.t.Errorf("%s: %v", m.Header.MsgType, err)
		return
	}
	switch m.Header.MsgType {
	case "comm_msg":
		if c.Data["address"] == "#heartbeat/ping" {
			b.value("#heartbeat/pong", true)
		}
	case "display_data", "update_display_data":
		if _, ok := c.Data["image/png"]; ok && c.Transient.DisplayID != "" {
			b.mu.Lock()
			if b.figures[c.Transient.DisplayID] == 0 {
				b.ids = append(b.ids, c.Transient.DisplayID)
			}
			b.figures[c.Transient.DisplayID]++
			b.mu.Unlock()
		}
		html, _ := c.Data["text/html"].(string)
		if id := kernelIDRe.FindStringSubmatch(html); id != nil {
			b.comm("comm_open", map[string]any{"comm_id": b.commID, "target_name": "gonb_comm", "kernel_id": id[1], "data": map[string]any{}})
		}
		for _, s := range syncedRe.FindAllStringSubmatch(html, -1) {
			if s[2] == "0" { // the button: clicks counted from 0
				b.mu.Lock()
				b.button = s[1]
				b.mu.Unlock()
				b.value(s[1], 0)
				b.startMoving()
			} else if sliderRe.MatchString(html) {
				b.mu.Lock()
				b.slider = s[1]
				b.mu.Unlock()
				b.value(s[1], "20") // as the DOM gives it: a string, the slider's initial position
			}
		}
	}
}

// startMoving moves the slider twice and clicks Done, as a user would,
// once both widgets exist.
func (b *fakeBrowser) startMoving() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started || b.slider == "" || b.button == "" {
		return
	}
	b.started = true
	go func() {
		for _, v := range b.moves {
			time.Sleep(time.Second)
			b.value(b.slider, v)
		}
		time.Sleep(time.Second)
		b.value(b.button, 1)
	}()
}

// show.Explore in a live notebook, the browser simulated: the figure is
// redrawn in place for each move of the slider, and Done ends the cell.
func TestExploreWithAFakeBrowser(t *testing.T) {
	if os.Getenv(HeadlessEnv) != "" {
		t.Skip(HeadlessEnv + " is set in this environment")
	}
	k := startKernel(t) // not headless: NOETHER_HEADLESS is unset
	b := &fakeBrowser{t: t, k: k, commID: "fake-browser-comm", moves: []string{"30", "40"}, figures: map[string]int{}}
	code := `import (
	"github.com/noetherlab/noether/lib/show"
	"gonum.org/v1/plot"
)

%%
fmt.Println("interactive:", show.Interactive())
err := show.Explore(show.Slider{Label: "s", Min: 0, Max: 1, Value: 0.5, Steps: 40, Ahead: -1}, func(s float64) (*plot.Plot, error) {
	fmt.Printf("draw at s = %g\n", s)
	return show.Lines(show.Axes{Title: fmt.Sprintf("s = %g", s)}, show.Series{Y: []float64{1, s, s * s}})
})
fmt.Println("Explore returned", err)
`
	c := &nbformat.Cell{Type: "code", Source: code}
	out := &outputBuilder{cell: c, displays: map[string][]*nbformat.Output{}}
	start := time.Now()
	reply, err := k.Execute(t.Context(), code, ExecuteSettings{Timeout: 3 * time.Minute}, func(m *Message) {
		b.iopub(m)
		if err := out.handle(m); err != nil {
			t.Errorf("malformed %s: %v", m.Header.MsgType, err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, o := range c.Outputs {
		text.WriteString(o.Text)
	}
	if reply.Status != "ok" {
		t.Fatalf("cell failed: %s %s\n%s", reply.EName, reply.EValue, text.String())
	}
	want := "interactive: true\ndraw at s = 0.5\ndraw at s = 0.75\ndraw at s = 1\nExplore returned <nil>\n"
	if text.String() != want {
		t.Errorf("cell printed\n%s\nwant\n%s", text.String(), want)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.ids) != 1 || b.figures[b.ids[0]] != 3 {
		t.Errorf("figures by display id %v, want one block drawn 3 times", b.figures)
	}
	t.Logf("interaction took %v", time.Since(start))
}

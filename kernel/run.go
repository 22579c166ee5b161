package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/nbformat"
)

// outputBuilder turns the iopub messages answering one cell into nbformat
// outputs, the way Jupyter's own clients do: consecutive stream text of the
// same name is merged, clear_output empties the cell (at once, or before the
// next output with wait=true), and update_display_data replaces the data of
// every earlier output with the same display_id, in any cell of the notebook.
type outputBuilder struct {
	cell      *nbformat.Cell
	clearNext bool
	displays  map[string][]*nbformat.Output // display_id → outputs showing it (notebook-wide)
}

func (b *outputBuilder) add(o *nbformat.Output) {
	if b.clearNext {
		b.cell.Outputs = nil
		b.clearNext = false
	}
	if o.Type == "stream" && len(b.cell.Outputs) > 0 {
		if last := b.cell.Outputs[len(b.cell.Outputs)-1]; last.Type == "stream" && last.Name == o.Name {
			last.Text += o.Text
			return
		}
	}
	b.cell.Outputs = append(b.cell.Outputs, o)
}

type displayContent struct {
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
	ExecutionCount *int           `json:"execution_count"`
	Transient      struct {
		DisplayID string `json:"display_id"`
	} `json:"transient"`
}

func (b *outputBuilder) handle(m *Message) error {
	switch m.Header.MsgType {
	case "stream":
		var c struct {
			Name string `json:"name"`
			Text string `json:"text"`
		}
		if err := m.DecodeContent(&c); err != nil {
			return err
		}
		b.add(&nbformat.Output{Type: "stream", Name: c.Name, Text: c.Text})
	case "display_data", "execute_result":
		var c displayContent
		if err := m.DecodeContent(&c); err != nil {
			return err
		}
		o := &nbformat.Output{Type: m.Header.MsgType, Data: c.Data, Metadata: c.Metadata, ExecutionCount: c.ExecutionCount}
		if o.Data == nil {
			o.Data = map[string]any{}
		}
		b.add(o)
		if id := c.Transient.DisplayID; id != "" {
			b.displays[id] = append(b.displays[id], o)
		}
	case "update_display_data":
		var c displayContent
		if err := m.DecodeContent(&c); err != nil {
			return err
		}
		for _, o := range b.displays[c.Transient.DisplayID] {
			o.Data, o.Metadata = c.Data, c.Metadata
		}
	case "clear_output":
		var c struct {
			Wait bool `json:"wait"`
		}
		if err := m.DecodeContent(&c); err != nil {
			return err
		}
		if c.Wait {
			b.clearNext = true
		} else {
			b.cell.Outputs = nil
		}
	case "error":
		var c struct {
			EName     string   `json:"ename"`
			EValue    string   `json:"evalue"`
			Traceback []string `json:"traceback"`
		}
		if err := m.DecodeContent(&c); err != nil {
			return err
		}
		b.add(&nbformat.Output{Type: "error", EName: c.EName, EValue: c.EValue, Traceback: c.Traceback})
	}
	// execute_input, comm messages and anything newer are not outputs.
	return nil
}

// CellError reports a cell that failed: an error raised in the kernel, a
// timeout, or the kernel's death. Cell is the index among all the notebook's
// cells (as Jupyter numbers them from 0).
type CellError struct {
	Notebook string
	Cell     int
	CellID   string
	EName    string
	EValue   string
	Detail   string // the traceback, plain text
	Err      error  // the underlying error for timeouts and kernel death
}

func (e *CellError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: cell %d", e.Notebook, e.Cell)
	if e.CellID != "" {
		fmt.Fprintf(&sb, " (id %s)", e.CellID)
	}
	if e.Err != nil {
		fmt.Fprintf(&sb, ": %v", e.Err)
		return sb.String()
	}
	fmt.Fprintf(&sb, ": %s: %s", e.EName, e.EValue)
	if d := strings.TrimSpace(e.Detail); d != "" && d != strings.TrimSpace(e.EValue) {
		sb.WriteString("\n" + d)
	}
	return sb.String()
}

func (e *CellError) Unwrap() error { return e.Err }

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// stripANSI removes terminal colour codes, which kernels put in tracebacks.
func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

// Progress is reported while a notebook runs.
type Progress struct {
	Notebook string
	Cell     int // index among all cells
	Done     int // code cells finished so far
	Total    int // code cells in the notebook
	Elapsed  time.Duration
	Finished bool // false when the cell starts, true when it ends
}

// RunSettings configures Run and RunFile. The zero value is usable.
type RunSettings struct {
	// CellTimeout bounds each cell (default 10 minutes).
	CellTimeout time.Duration
	// OnProgress, if non-nil, is called as each code cell starts and ends.
	OnProgress func(Progress)
}

// Run executes the code cells of nb in order in k, replacing their outputs
// and execution counts. It stops at the first failing cell and returns a
// *CellError; the cells after it are left as they were. name is used in
// errors and progress reports.
func Run(ctx context.Context, k *Client, nb *nbformat.Notebook, name string, s RunSettings) error {
	if s.CellTimeout == 0 {
		s.CellTimeout = 10 * time.Minute
	}
	total := 0
	for _, c := range nb.Cells {
		if c.Type == "code" {
			total++
		}
	}
	displays := map[string][]*nbformat.Output{}
	done := 0
	start := time.Now()
	for i, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		if strings.TrimSpace(c.Source) == "" {
			// Not sent to the kernel, as nbclient does.
			c.Outputs, c.ExecutionCount = nil, nil
			done++
			continue
		}
		if s.OnProgress != nil {
			s.OnProgress(Progress{Notebook: name, Cell: i, Done: done, Total: total, Elapsed: time.Since(start)})
		}
		c.Outputs = nil
		c.ExecutionCount = nil
		b := &outputBuilder{cell: c, displays: displays}
		var handleErr error
		reply, err := k.Execute(ctx, c.Source, ExecuteSettings{Timeout: s.CellTimeout}, func(m *Message) {
			if err := b.handle(m); err != nil && handleErr == nil {
				handleErr = err
			}
		})
		if reply != nil && reply.ExecutionCount > 0 {
			n := reply.ExecutionCount
			c.ExecutionCount = &n
		}
		done++
		if s.OnProgress != nil {
			s.OnProgress(Progress{Notebook: name, Cell: i, Done: done, Total: total, Elapsed: time.Since(start), Finished: true})
		}
		cellErr := &CellError{Notebook: name, Cell: i, CellID: c.ID}
		switch {
		case err != nil:
			cellErr.Err = err
			// Record the failure in the notebook too, so the partial result
			// shows what happened where it happened.
			c.Outputs = append(c.Outputs, &nbformat.Output{Type: "error", EName: "NoetherRunError", EValue: err.Error(), Traceback: []string{err.Error()}})
			return cellErr
		case handleErr != nil:
			cellErr.Err = fmt.Errorf("malformed output from the kernel: %w", handleErr)
			return cellErr
		case reply.Status != "ok" && hasTag(c, "raises-exception"):
			// A cell that shows an error on purpose (nbclient's rule).
		case reply.Status != "ok":
			cellErr.EName, cellErr.EValue = reply.EName, stripANSI(reply.EValue)
			cellErr.Detail = stripANSI(strings.Join(reply.Traceback, "\n"))
			if tail := stderrTail(c, 15); tail != "" {
				// A runtime panic's message and stack are on stderr; the
				// error itself only says "exit status 2".
				cellErr.Detail = strings.TrimSpace(cellErr.Detail + "\nstderr:\n" + tail)
			}
			if cellErr.EName == "" {
				cellErr.EName = reply.Status
			}
			return cellErr
		}
	}
	return nil
}

// HeadlessEnv is set to "1" in the environment of kernels that RunFile
// starts, and so of their cells; Jupyter does not set it.
const HeadlessEnv = "NOETHER_HEADLESS"

// RunFileSettings configures RunFile.
type RunFileSettings struct {
	RunSettings
	// Argv is the kernel's command line, with "{connection_file}" (see Start).
	Argv []string
	// Env is the kernel's environment (nil: this process's).
	Env []string
	// Output is where the executed notebook is written; "" means in place.
	Output string
}

// RunFile executes the notebook at path in a fresh kernel started in the
// notebook's directory, and writes the executed notebook atomically (to
// s.Output, or over path). If a cell fails, the file is left untouched and
// the partial result, executed up to and including the failing cell, is
// written beside it as NAME.partial.ipynb; the returned error is a
// *CellError. The notebook is never overwritten with a partial result.
func RunFile(ctx context.Context, path string, s RunFileSettings) (partial string, err error) {
	orig, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	nb, err := nbformat.Parse(orig)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	// Cells can tell a headless run from Jupyter: an interactive widget
	// waits for a browser that is not there, so it shows its static
	// figure and a note instead.
	env = setEnv(env, HeadlessEnv, "1")
	k, err := Start(ctx, s.Argv, StartSettings{Env: env, Dir: filepath.Dir(abs)})
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	defer k.Close()
	if li, ok := k.Info.Raw["language_info"]; ok {
		nb.Metadata["language_info"] = li // as nbclient does
	}
	runErr := Run(ctx, k.Client, nb, path, s.RunSettings)
	if runErr != nil {
		var ce *CellError
		if errors.As(runErr, &ce) {
			clearAfter(nb, ce.Cell)
		}
		partial = PartialPath(path)
		if err := nbformat.WriteFile(partial, nb, 0o644); err != nil {
			return "", errors.Join(runErr, err)
		}
		return partial, runErr
	}
	if err := writeResult(path, orig, nb, s.Output); err != nil {
		return "", err
	}
	os.Remove(PartialPath(path)) // a stale partial result from an earlier failure
	return "", nil
}

// writeResult writes the executed notebook nb to out, or over path when out
// is "": then only if path still holds orig, the bytes it was run from (an
// edit saved in Jupyter meanwhile would otherwise be lost), and through a
// symbolic link to its target.
func writeResult(path string, orig []byte, nb *nbformat.Notebook, out string) error {
	var unchanged func() error
	if out == "" {
		unchanged = func() error {
			// In doubt (unreadable now), the file on disk is the user's.
			if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, orig) {
				return errChanged
			}
			return nil
		}
		if err := unchanged(); err != nil {
			return keepExecuted(path, nb)
		}
		if target, err := filepath.EvalSymlinks(path); err == nil {
			out = target
		} else {
			out = path
		}
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(out); err == nil {
		perm = fi.Mode().Perm()
	}
	b, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("%s: encoding the notebook: %w", out, err)
	}
	// Checked again once the new content is on disk, just before the
	// rename: a save landing during the write (which, with its fsync, takes
	// about 150 ms for a 31 MB notebook) is kept too.
	err = atomicfile.WriteIf(out, b, perm, unchanged)
	if errors.Is(err, errChanged) {
		return keepExecuted(path, nb)
	}
	return err
}

// errChanged: the notebook on disk is no longer the one that was run.
var errChanged = errors.New("changed on disk")

// keepExecuted writes the executed notebook beside path, which was saved
// while it ran, and says so.
func keepExecuted(path string, nb *nbformat.Notebook) error {
	executed := strings.TrimSuffix(path, ".ipynb") + ".executed.ipynb"
	if err := nbformat.WriteFile(executed, nb, 0o644); err != nil {
		return fmt.Errorf("%s changed on disk while it ran: left as it is now; the executed notebook could not be kept: %w", path, err)
	}
	return fmt.Errorf("%s changed on disk while it ran: left as it is now; the executed notebook is %s", path, executed)
}

// hasTag reports whether the cell's metadata.tags holds tag.
func hasTag(c *nbformat.Cell, tag string) bool {
	tags, _ := c.Metadata["tags"].([]any)
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// stderrTail returns the last n lines the cell wrote to stderr.
func stderrTail(c *nbformat.Cell, n int) string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.Type == "stream" && o.Name == "stderr" {
			sb.WriteString(o.Text)
		}
	}
	lines := strings.Split(strings.TrimRight(stripANSI(sb.String()), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// clearAfter empties the outputs of the code cells after cell i: they were not
// run, and outputs from an earlier run would read as if they had been.
func clearAfter(nb *nbformat.Notebook, i int) {
	for _, c := range nb.Cells[i+1:] {
		if c.Type == "code" {
			c.Outputs, c.ExecutionCount = nil, nil
		}
	}
}

// PartialPath returns where RunFile writes the partial result of a failed run
// of the notebook at path.
func PartialPath(path string) string {
	return strings.TrimSuffix(path, ".ipynb") + ".partial.ipynb"
}

package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/nbformat"
)

// outputBuilder turns the iopub messages answering one cell into nbformat
// outputs, the way Jupyter's own clients do: consecutive stream text of the
// same name is merged, clear_output empties the cell (at once, or before the
// next output with wait=true), and update_display_data replaces the data of
// every earlier output with the same display_id, in any cell of the notebook.
//
// It keeps only what a notebook can hold (nbformat's Output.Check: the
// writer would otherwise store what its own reader rejects) and at most
// limit bytes of output per cell, as Jupyter's rate limits keep a runaway
// cell from filling the notebook; a line on stderr says what was left out.
type outputBuilder struct {
	cell      *nbformat.Cell
	clearNext bool
	displays  map[string][]*nbformat.Output // display_id → outputs showing it (notebook-wide)

	limit   int              // bytes kept per cell; 0 or less: no limit
	kept    int              // bytes kept since the cell last cleared
	dropped int              // bytes left out by the limit
	note    *nbformat.Output // the line saying so
}

// DefaultMaxOutput is how much output RunSettings.MaxOutput keeps per cell
// by default.
const DefaultMaxOutput = 4 << 20

func (b *outputBuilder) add(o *nbformat.Output) {
	if b.clearNext {
		b.clear()
		b.clearNext = false
	}
	if err := o.Check(); err != nil {
		b.warn(fmt.Sprintf("noether: an output a notebook cannot hold was left out: %v\n", err))
		return
	}
	n, over := outputSize(o), 0
	if b.limit > 0 && b.kept+n > b.limit {
		cut := 0
		if o.Type == "stream" {
			cut = b.limit - b.kept
			for cut > 0 && !utf8.RuneStart(o.Text[cut]) {
				cut--
			}
		}
		if cut <= 0 {
			b.drop(n)
			return
		}
		o = &nbformat.Output{Type: "stream", Name: o.Name, Text: o.Text[:cut]}
		n, over = cut, n-cut
	}
	b.kept += n
	b.append(o)
	if over > 0 {
		b.drop(over)
	}
}

// append adds o to the cell, merging stream text into the stream before it.
func (b *outputBuilder) append(o *nbformat.Output) {
	if o.Type == "stream" && len(b.cell.Outputs) > 0 {
		if last := b.cell.Outputs[len(b.cell.Outputs)-1]; last.Type == "stream" && last.Name == o.Name && last != b.note {
			last.Text += o.Text
			return
		}
	}
	b.cell.Outputs = append(b.cell.Outputs, o)
}

func (b *outputBuilder) clear() {
	b.cell.Outputs = nil
	b.kept, b.note = 0, nil
}

// drop counts n bytes left out by the limit, and says so in the cell.
func (b *outputBuilder) drop(n int) {
	b.dropped += n
	text := fmt.Sprintf("noether: output limit reached: this cell wrote more than %s; the rest (%d bytes so far) was not kept (nbexec -max-output changes the limit)\n",
		sizeString(b.limit), b.dropped)
	if b.note == nil {
		b.note = &nbformat.Output{Type: "stream", Name: "stderr"}
		b.cell.Outputs = append(b.cell.Outputs, b.note)
	}
	b.note.Text = text
}

// warn adds a line of its own on stderr.
func (b *outputBuilder) warn(text string) {
	b.cell.Outputs = append(b.cell.Outputs, &nbformat.Output{Type: "stream", Name: "stderr", Text: text})
}

// outputSize is what an output costs in the notebook, roughly: its text.
func outputSize(o *nbformat.Output) int {
	n := len(o.Text) + len(o.EValue)
	for _, t := range o.Traceback {
		n += len(t)
	}
	for k, v := range o.Data {
		n += len(k)
		if s, ok := v.(string); ok {
			n += len(s)
		}
	}
	return n
}

func sizeString(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// keepData removes from data the entries a notebook cannot hold, and says
// which in the cell.
func (b *outputBuilder) keepData(data map[string]any) map[string]any {
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if err := nbformat.CheckData(k, data[k]); err != nil {
			b.warn(fmt.Sprintf("noether: left out of a display what a notebook cannot hold: %v\n", err))
			delete(data, k)
		}
	}
	return data
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
		o := &nbformat.Output{Type: m.Header.MsgType, Data: b.keepData(c.Data), Metadata: c.Metadata, ExecutionCount: c.ExecutionCount}
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
		data := b.keepData(c.Data)
		if data == nil {
			data = map[string]any{}
		}
		for _, o := range b.displays[c.Transient.DisplayID] {
			o.Data, o.Metadata = data, c.Metadata
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
			b.clear()
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
// timeout, an interrupt, or the kernel's death. It names the cell as a
// Jupyter user sees it: In [N], the execution count the kernel gave it
// (GoNB's errors say Cell[N], the same number), and its place among the
// notebook's code cells.
type CellError struct {
	Notebook       string
	Cell           int // index among all the notebook's cells (from 0, Markdown included)
	CodeCell       int // place among the code cells, from 1
	CodeCells      int // code cells in the notebook
	ExecutionCount int // In [N]; 0 if the kernel gave none (it died, or never answered)
	CellID         string
	EName          string
	EValue         string
	Detail         string // the traceback, plain text
	Err            error  // the underlying error for timeouts, interrupts and kernel death
}

// Where names the cell: "In [3] (code cell 3 of 9, id 1a2b)".
func (e *CellError) Where() string {
	var sb strings.Builder
	if e.ExecutionCount > 0 {
		fmt.Fprintf(&sb, "In [%d] (", e.ExecutionCount)
	} else {
		sb.WriteString("(")
	}
	fmt.Fprintf(&sb, "code cell %d of %d", e.CodeCell, e.CodeCells)
	if e.CellID != "" {
		fmt.Fprintf(&sb, ", id %s", e.CellID)
	}
	sb.WriteString(")")
	return sb.String()
}

func (e *CellError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s", e.Notebook, e.Where())
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

// StoppedError reports a run stopped from outside, by its context: an
// interrupt (Ctrl-C, a signal; context.Canceled) or a deadline. It wraps
// the context's error.
type StoppedError struct{ Cause error }

func (e *StoppedError) Error() string {
	if errors.Is(e.Cause, context.Canceled) {
		return "interrupted"
	}
	return "stopped: " + e.Cause.Error()
}

func (e *StoppedError) Unwrap() error { return e.Cause }

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
	// MaxOutput bounds the output kept per cell, in bytes (stream text and
	// display data; default DefaultMaxOutput, negative for no limit): past
	// it, output is left out and a line on stderr says so.
	MaxOutput int
}

// Run executes the code cells of nb in order in k, replacing their outputs
// and execution counts. It stops at the first failing cell and returns a
// *CellError; the cells after it are left as they were. name is used in
// errors and progress reports.
func Run(ctx context.Context, k *Client, nb *nbformat.Notebook, name string, s RunSettings) error {
	if s.CellTimeout == 0 {
		s.CellTimeout = 10 * time.Minute
	}
	if s.MaxOutput == 0 {
		s.MaxOutput = DefaultMaxOutput
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
		b := &outputBuilder{cell: c, displays: displays, limit: s.MaxOutput}
		var handleErr error
		reply, err := k.Execute(ctx, c.Source, ExecuteSettings{Timeout: s.CellTimeout}, func(m *Message) {
			if m.Header.MsgType == "execute_input" {
				// The count the kernel gave the cell, known before it ends
				// (or is interrupted, or times out).
				var in struct {
					ExecutionCount int `json:"execution_count"`
				}
				if m.DecodeContent(&in) == nil && in.ExecutionCount > 0 {
					n := in.ExecutionCount
					c.ExecutionCount = &n
				}
			}
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
		cellErr := &CellError{Notebook: name, Cell: i, CodeCell: done, CodeCells: total, CellID: c.ID}
		if c.ExecutionCount != nil {
			cellErr.ExecutionCount = *c.ExecutionCount
		}
		switch {
		case err != nil:
			if ctx.Err() != nil {
				err = &StoppedError{Cause: ctx.Err()}
			}
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
	// Partial is where the partial result of a failed run is written; ""
	// means beside the notebook (PartialPath).
	Partial string
	// Edit, if not nil, is applied to the notebook once it is read, before
	// its kernel starts (nbexec -p injects the parameters here); an error
	// stops the run before anything ran.
	Edit func(nb *nbformat.Notebook) error
	// Usage, if not nil, receives what the kernel used (see Usage) once it
	// has exited, whether the notebook ran through or not (a cell program
	// that outlived its kernel, killed with it after a timeout or an
	// interrupt, is not in it); it is left unchanged if no kernel started.
	Usage *Usage
}

// RunFile executes the notebook at path (after s.Edit, if set) in a fresh
// kernel started in the notebook's directory, and writes the executed
// notebook atomically (to s.Output, or over path). If a cell fails, the file
// is left untouched and the partial result, executed up to and including the
// failing cell, is written to s.Partial or beside it as NAME.partial.ipynb; the returned error is a
// *CellError (joined with the reason, if the partial result could not be
// written: errors.As finds the CellError). The notebook is never
// overwritten with a partial result, nor with any result if it was saved
// while it ran (see writeResult).
func RunFile(ctx context.Context, path string, s RunFileSettings) (partial string, err error) {
	orig, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	nb, err := nbformat.Parse(orig)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if s.Edit != nil {
		if err := s.Edit(nb); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
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
	defer func() {
		k.Close()
		if u, ok := k.Usage(); ok && s.Usage != nil {
			*s.Usage = u
		}
	}()
	if li, ok := k.Info.Raw["language_info"]; ok {
		nb.Metadata["language_info"] = li // as nbclient does
	}
	runErr := Run(ctx, k.Client, nb, path, s.RunSettings)
	if runErr != nil {
		var ce *CellError
		if errors.As(runErr, &ce) {
			clearAfter(nb, ce.Cell)
		}
		partial = s.Partial
		if partial == "" {
			partial = PartialPath(path)
		}
		if err := nbformat.WriteFile(partial, nb, 0o644); err != nil {
			return "", errors.Join(runErr, fmt.Errorf("the partial result could not be kept: %w", err))
		}
		return partial, runErr
	}
	if err := writeResult(path, orig, nb, s.Output); err != nil {
		return "", err
	}
	if s.Partial != "" {
		os.Remove(s.Partial) // a stale partial result from an earlier failure
	} else {
		os.Remove(PartialPath(path))
	}
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

//go:build unix

package kernel

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The tests in this file build the pinned GoNB and run it for real. They
// install into the repository's .noether/bin (the same idempotent install a
// user runs) but register the kernelspec in a temporary Jupyter data dir, so
// the user's Jupyter is never touched. -short skips them.

var setup struct {
	once    sync.Once
	layout  *Layout
	spec    *KernelSpec
	steps   []Step
	dataDir string
	err     error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if setup.dataDir != "" {
		os.RemoveAll(setup.dataDir)
	}
	os.Exit(code)
}

// installed installs the kernel once per test binary and returns its layout.
func installed(t testing.TB) (*Layout, *KernelSpec) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not building and running the real GoNB kernel")
	}
	setup.once.Do(func() {
		root, err := FindRoot(".")
		if err != nil {
			setup.err = err
			return
		}
		setup.dataDir, err = os.MkdirTemp("", "noether-test-jupyter-")
		if err != nil {
			setup.err = err
			return
		}
		l := &Layout{Root: root, StateDir: filepath.Join(root, ".noether"), BinDir: filepath.Join(root, ".noether", "bin"), DataDir: setup.dataDir}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		setup.steps, setup.err = l.Install(ctx, InstallSettings{Log: io.Discard})
		if setup.err == nil {
			setup.layout = l
			setup.spec, setup.err = l.InstalledSpec()
		}
	})
	if setup.err != nil {
		t.Fatalf("installing the kernel: %v", setup.err)
	}
	return setup.layout, setup.spec
}

func startKernel(t testing.TB) *Kernel {
	t.Helper()
	l, spec := installed(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	k, err := Start(ctx, spec.Argv, StartSettings{Env: spec.EnvList(os.Environ()), Dir: l.Root})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// cellRun executes code and returns the reply and the cell as a notebook
// would record it.
func cellRun(t testing.TB, k *Kernel, code string, s ExecuteSettings) (*ExecuteReply, *nbformat.Cell, error) {
	t.Helper()
	c := &nbformat.Cell{Type: "code", Source: code}
	b := &outputBuilder{cell: c, displays: map[string][]*nbformat.Output{}}
	if s.Timeout == 0 {
		s.Timeout = 5 * time.Minute
	}
	reply, err := k.Execute(context.Background(), code, s, func(m *Message) {
		if err := b.handle(m); err != nil {
			t.Errorf("malformed %s: %v", m.Header.MsgType, err)
		}
	})
	return reply, c, err
}

func TestInstallIsIdempotent(t *testing.T) {
	l, _ := installed(t)
	if err := l.Ready(context.Background()); err != nil {
		t.Fatalf("installed, but not ready: %v", err)
	}
	steps, err := l.Install(context.Background(), InstallSettings{Log: io.Discard, NoWarm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if s.Changed {
			t.Errorf("second install changed %s: %s", s.What, s.Detail)
		}
	}
}

func TestKernelSpecIsWhatJupyterExpects(t *testing.T) {
	l, _ := installed(t)
	spec, err := ReadKernelSpec(filepath.Join(l.DataDir, "kernels", "noether", "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if spec.DisplayName != "Go (noether)" || spec.Language != "go" || spec.InterruptMode != "message" {
		t.Errorf("spec %+v", spec)
	}
	hasConn, hasRaw := false, false
	for _, a := range spec.Argv {
		hasConn = hasConn || a == "{connection_file}"
		hasRaw = hasRaw || a == "--raw_error"
	}
	if !hasConn || !hasRaw {
		t.Errorf("argv %q: want {connection_file} and --raw_error", spec.Argv)
	}
	if fi, err := os.Stat(spec.Argv[0]); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("argv[0] %s is not an executable: %v", spec.Argv[0], err)
	}
	if spec.Env["GOPROXY"] != "off" {
		t.Errorf("GOPROXY = %q, want off: cells must not reach the network", spec.Env["GOPROXY"])
	}
}

// Cells build against exactly the versions our go.mod pins, with no network.
func TestCellsUseThePinnedVersions(t *testing.T) {
	k := startKernel(t)
	gomod, err := os.ReadFile(filepath.Join(setup.layout.Root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	reply, c, err := cellRun(t, k, `import (
	"runtime/debug"
	_ "github.com/noetherlab/noether/lib/show"
)

%%
bi, _ := debug.ReadBuildInfo()
for _, d := range bi.Deps {
	fmt.Println(d.Path, d.Version)
}`, ExecuteSettings{})
	if err != nil || reply.Status != "ok" {
		t.Fatalf("%+v %v %+v", reply, err, c.Outputs)
	}
	deps := c.Outputs[0].Text
	for _, mod := range []string{"gonum.org/v1/gonum", "gonum.org/v1/plot", "github.com/janpfeifer/gonb"} {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(mod) + ` (v\S+)`).FindStringSubmatch(string(gomod))
		if m == nil {
			t.Fatalf("%s not in go.mod", mod)
		}
		if !strings.Contains(deps, mod+" "+m[1]+"\n") {
			t.Errorf("cell did not build with %s %s; its deps:\n%s", mod, m[1], deps)
		}
	}
	_ = debug.ReadBuildInfo
}

func TestCompileErrorNamesTheLine(t *testing.T) {
	k := startKernel(t)
	reply, c, err := cellRun(t, k, "%%\nx := 1\n_ = x\nfmt.Println(undefinedName)\n", ExecuteSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if reply.Status != "error" || len(c.Outputs) == 0 || c.Outputs[len(c.Outputs)-1].Type != "error" {
		t.Fatalf("reply %+v outputs %+v: want an error output", reply, c.Outputs)
	}
	tb := strings.Join(c.Outputs[len(c.Outputs)-1].Traceback, "\n")
	if !strings.Contains(tb, "Line 4") || !strings.Contains(tb, "undefined: undefinedName") {
		t.Fatalf("traceback does not name the cell line and the error:\n%s", tb)
	}
}

// The kernel links cells without DWARF (-ldflags=-w); a panic's trace still
// names the cell's lines, which come from the runtime's own tables.
func TestPanickingCellIsReported(t *testing.T) {
	k := startKernel(t)
	nb := &nbformat.Notebook{Cells: []*nbformat.Cell{{Type: "code", Source: "func f() {\n\tpanic(\"boom at the cell\")\n}\n\n%%\nf()"}}}
	err := Run(context.Background(), k.Client, nb, "panic.ipynb", RunSettings{})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Cell != 0 {
		t.Fatalf("err = %v, want a *CellError for cell 0", err)
	}
	if msg := ce.Error(); !strings.Contains(msg, "panic.ipynb: In [1] (code cell 1 of 1)") || !strings.Contains(msg, "panic: boom at the cell") ||
		!strings.Contains(msg, "Cell [1] Line 2 ]]") || !strings.Contains(msg, "Cell [1] Line 6 ]]") {
		t.Fatalf("error does not name the notebook, cell, panic and the lines of its trace:\n%s", msg)
	}
	// The kernel survives a panicking cell.
	if reply, _, err := cellRun(t, k, "%%\nfmt.Println(\"alive\")", ExecuteSettings{}); err != nil || reply.Status != "ok" {
		t.Fatalf("after the panic: %+v %v", reply, err)
	}
}

func TestStdoutAndStderrKeepTheirOrder(t *testing.T) {
	k := startKernel(t)
	// The two streams are separate pipes: a pause between writes is what
	// makes their order observable at all, in Jupyter as here.
	code := `%%
fmt.Println("one")
time.Sleep(200 * time.Millisecond)
fmt.Fprintln(os.Stderr, "two")
time.Sleep(200 * time.Millisecond)
fmt.Println("three")`
	reply, c, err := cellRun(t, k, code, ExecuteSettings{})
	if err != nil || reply.Status != "ok" {
		t.Fatalf("%+v %v", reply, err)
	}
	var got []string
	for _, o := range c.Outputs {
		got = append(got, o.Name+":"+strings.TrimSpace(o.Text))
	}
	if want := "stdout:one stderr:two stdout:three"; strings.Join(got, " ") != want {
		t.Fatalf("outputs %q, want %q", got, want)
	}
}

func TestTimedOutCellIsInterrupted(t *testing.T) {
	k := startKernel(t)
	t0 := time.Now()
	_, _, err := cellRun(t, k, "%%\nfmt.Println(\"started\")\ntime.Sleep(time.Hour)", ExecuteSettings{Timeout: 3 * time.Second})
	var te *TimeoutError
	if !errors.As(err, &te) || !te.Interrupted {
		t.Fatalf("err = %v, want an interrupted *TimeoutError", err)
	}
	// The interrupt stops the program at once (GoNB sends it SIGINT); allow
	// 4 s past the timeout for a loaded machine. (Waiting for an
	// interrupt_reply that GoNB routes to the shell socket used to add 5 s.)
	if d := time.Since(t0); d > 7*time.Second {
		t.Fatalf("timeout of 3 s reported after %v", d)
	}
	if reply, _, err := cellRun(t, k, "%%\nfmt.Println(\"alive\")", ExecuteSettings{}); err != nil || reply.Status != "ok" {
		t.Fatalf("kernel unusable after the interrupt: %+v %v", reply, err)
	}
}

func TestKilledKernelIsReportedAndCleanedUp(t *testing.T) {
	k := startKernel(t)
	dir := k.dir
	// Once the cell's program has printed, kill the kernel (not its group):
	// the program is then an orphan in the group, which Close must stop.
	started := make(chan struct{})
	var once sync.Once
	var killedAt time.Time
	go func() {
		select {
		case <-started:
			killedAt = time.Now()
			syscall.Kill(k.Pid(), syscall.SIGKILL)
		case <-time.After(2 * time.Minute):
		}
	}()
	_, err := k.Execute(context.Background(), "%%\nfmt.Println(\"started\")\ntime.Sleep(time.Hour)", ExecuteSettings{}, func(m *Message) {
		if m.Header.MsgType == "stream" && strings.Contains(string(m.Content), "started") {
			once.Do(func() { close(started) })
		}
	})
	if killedAt.IsZero() {
		t.Fatalf("the cell never started: %v", err)
	}
	if !errors.Is(err, ErrKernelDied) {
		t.Fatalf("err = %v, want ErrKernelDied", err)
	}
	if d := time.Since(killedAt); d > 5*time.Second {
		t.Fatalf("death reported %v after the kill", d)
	}
	// As if this runner had been SIGKILLed: the next run's sweep finds the
	// orphaned cell program by the kernel directory in its environment.
	sweepStale()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the sweep left the dead kernel's directory %s", dir)
	}
	if canInspect() {
		for deadline := time.Now().Add(5 * time.Second); syscall.Kill(-k.Pid(), 0) == nil; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Error("the sweep left the orphaned cell program running")
				break
			}
		}
	}
	k.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temporary directory %s left behind", dir)
	}
	// The orphaned cell program was in the kernel's process group: gone too.
	if err := syscall.Kill(-k.Pid(), 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has members (kill -0: %v)", k.Pid(), err)
	}
}

// A failing cell leaves the notebook byte for byte as it was and writes the
// partial result beside it, with the error in the failing cell.
func TestFailedRunKeepsTheNotebook(t *testing.T) {
	_, spec := installed(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "fails.ipynb")
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: []*nbformat.Cell{
		{Type: "code", Source: "%%\nfmt.Println(\"first\")"},
		{Type: "markdown", Source: "text"},
		{Type: "code", Source: "%%\nfmt.Println(undefinedName)"},
		{Type: "code", Source: "%%\nfmt.Println(\"never\")", Outputs: []*nbformat.Output{{Type: "stream", Name: "stdout", Text: "old\n"}}},
	}}
	orig, _ := nb.Marshal()
	os.WriteFile(path, orig, 0o644)
	partial, err := RunFile(context.Background(), path, RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Cell != 2 || ce.Notebook != path {
		t.Fatalf("err = %v, want a *CellError for cell 2 of %s", err, path)
	}
	if !strings.Contains(err.Error(), "undefined: undefinedName") {
		t.Errorf("error does not say what failed: %v", err)
	}
	// Named as Jupyter shows it, In [2], GoNB's Cell[2]; not "cell 2",
	// which counts the Markdown cell.
	if !strings.HasPrefix(err.Error(), path+": In [2] (code cell 2 of 3") || !strings.Contains(err.Error(), "Cell[2]") {
		t.Errorf("error does not name the cell as In [2] (code cell 2 of 3), GoNB's Cell[2]: %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
		t.Fatal("the notebook was changed by a failed run")
	}
	if partial != PartialPath(path) {
		t.Fatalf("partial = %q", partial)
	}
	b, err := os.ReadFile(partial)
	if err != nil {
		t.Fatal(err)
	}
	if err := nbformat.Validate(b); err != nil {
		t.Fatalf("partial result invalid: %v", err)
	}
	got, _ := nbformat.Parse(b)
	if got.Cells[0].Outputs[0].Text != "first\n" || got.Cells[2].Outputs[len(got.Cells[2].Outputs)-1].Type != "error" || len(got.Cells[3].Outputs) != 0 {
		t.Fatalf("partial result cells: %+v / %+v / %+v", got.Cells[0].Outputs, got.Cells[2].Outputs, got.Cells[3].Outputs)
	}
}

// BenchmarkTrivialCell measures the round trip of a cell that prints one
// line, in a warm kernel: what a user waits for after pressing Shift-Enter.
func BenchmarkTrivialCell(b *testing.B) {
	k := startKernel(b)
	cellRun(b, k, "%%\nfmt.Println(0)", ExecuteSettings{}) // first cell sets up the cell module
	for b.Loop() {
		if reply, _, err := cellRun(b, k, "%%\nfmt.Println(1)", ExecuteSettings{}); err != nil || reply.Status != "ok" {
			b.Fatal(reply, err)
		}
	}
}

// BenchmarkFirstCell measures a fresh kernel's start and first cell (which
// imports the library and gonum/plot), after install warmed the cache.
func BenchmarkFirstCell(b *testing.B) {
	l, spec := installed(b)
	for b.Loop() {
		k, err := Start(context.Background(), spec.Argv, StartSettings{Env: spec.EnvList(os.Environ()), Dir: l.Root})
		if err != nil {
			b.Fatal(err)
		}
		reply, _, err := cellRun(b, k, "import \"github.com/noetherlab/noether/lib/show\"\n\n%%\nshow.Markdown(\"hello\")", ExecuteSettings{})
		k.Close()
		if err != nil || reply.Status != "ok" {
			b.Fatal(reply, err)
		}
	}
}

// BenchmarkWelcome runs notebooks/00-welcome.ipynb end to end (kernel start,
// every cell, writing the result).
func BenchmarkWelcome(b *testing.B) {
	l, spec := installed(b)
	out := filepath.Join(b.TempDir(), "00-welcome.ipynb")
	for b.Loop() {
		if _, err := RunFile(context.Background(), filepath.Join(l.Root, "notebooks", "00-welcome.ipynb"), RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ()), Output: out}); err != nil {
			b.Fatal(err)
		}
	}
}

// A kernel that binds its sockets late is waited for; one that dies at
// start is reported with what it printed.
func TestSlowAndFailingKernelStarts(t *testing.T) {
	l, spec := installed(t)
	env := spec.EnvList(os.Environ())
	slow := append([]string{"/bin/sh", "-c", `sleep 1.5; exec "$0" "$@"`}, spec.Argv...)
	k, err := Start(context.Background(), slow, StartSettings{Env: env, Dir: l.Root})
	if err != nil {
		t.Fatalf("a kernel that starts after 1.5 s: %v", err)
	}
	k.Close()

	failing := []string{"/bin/sh", "-c", "echo 'kernel: cannot find its tools' >&2; exit 3", "{connection_file}"}
	t0 := time.Now()
	_, err = Start(context.Background(), failing, StartSettings{Env: env, Dir: l.Root})
	if err == nil || !errors.Is(err, ErrKernelDied) || !strings.Contains(err.Error(), "cannot find its tools") {
		t.Fatalf("err = %v, want ErrKernelDied with the kernel's own message", err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Fatalf("a kernel that exits at once was reported after %v", d)
	}
}

// GoNB stops at one badly signed message from any local process (not ours
// to change): the run says what happened instead of a bare death.
func TestForgedMessageStopsGoNBAndIsExplained(t *testing.T) {
	k := startKernel(t)
	forger := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("forger")))
	defer forger.Close()
	if err := forger.Dial(k.conn.Endpoint(k.conn.ShellPort)); err != nil {
		t.Fatal(err)
	}
	m := &Message{Header: newHeader("execute_request", "forger"), Content: []byte(`{"code": "%%\nos.WriteFile(\"forged\", nil, 0o644)", "silent": false, "store_history": true, "user_expressions": {}, "allow_stdin": false}`)}
	frames, _ := NewSigner("not the key").Encode(m)
	if err := forger.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-k.Dead():
	case <-time.After(time.Minute):
		t.Fatal("GoNB survived a forged message: this test, and the README's note, are out of date")
	}
	_, _, err := cellRun(t, k, "%%\nfmt.Println(1)", ExecuteSettings{})
	if !errors.Is(err, ErrKernelDied) || !strings.Contains(err.Error(), "another process on this machine wrote to the kernel's ports") {
		t.Fatalf("err = %v, want the kernel's death explained", err)
	}
}

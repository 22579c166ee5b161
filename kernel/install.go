package kernel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
)

// ModulePath is the module noether's notebooks import.
const ModulePath = "github.com/noetherlab/noether"

// Layout is where an installation of noether lives, derived from the
// repository root.
type Layout struct {
	Root     string // the repository (the directory of go.mod)
	StateDir string // Root/.noether: everything install writes inside the repo
	BinDir   string // StateDir/bin: the pinned gonb, goimports (and gopls)
	DataDir  string // the Jupyter data directory
}

// SpecDir is where the kernelspec is registered.
func (l *Layout) SpecDir() string { return filepath.Join(l.DataDir, "kernels", SpecName) }

// FindRoot returns the root of the noether repository containing dir.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && modulePathOf(b) == ModulePath {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the noether repository (no go.mod for module %s above it)", dir, ModulePath)
		}
	}
}

func modulePathOf(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// NewLayout returns the layout for the repository root.
func NewLayout(root string) (*Layout, error) {
	data, err := JupyterDataDir()
	if err != nil {
		return nil, err
	}
	state := filepath.Join(root, ".noether")
	return &Layout{Root: root, StateDir: state, BinDir: filepath.Join(state, "bin"), DataDir: data}, nil
}

// Spec returns the kernelspec noether registers: the pinned gonb with plain
// compiler errors (--raw_error) and a go.work holding the repository
// (--go_work), so that cells import the library at exactly the versions of
// the repository's go.mod; GOPROXY=off, so no cell touches the network and
// no dependency drifts to a newer version; GOFLAGS=-mod=readonly, the one
// -mod that workspace mode accepts, overriding a -mod=mod the user may have
// set (an empty GOFLAGS would not: go then reads `go env -w` settings), and
// -ldflags=-w, which leaves DWARF out of each cell's binary: GoNB links one
// per cell, and the link without it takes a third less time (0.55 against
// 0.74 s for a cell importing the library); panics keep their file:line
// stack traces, which come from the runtime's own tables, not from DWARF;
// PATH with the pinned tools and the Go toolchain at goroot first, then
// ${PATH}, which Jupyter expands from its own environment (as EnvList does),
// so the spec does not freeze the PATH of the shell that installed it.
func (l *Layout) Spec(goroot string) *KernelSpec {
	sep := string(os.PathListSeparator)
	return &KernelSpec{
		Argv:          []string{filepath.Join(l.BinDir, "gonb"), "--kernel", "{connection_file}", "--raw_error", "--go_work=" + l.Root},
		DisplayName:   SpecDisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env: map[string]string{
			"PATH":        l.BinDir + sep + filepath.Join(goroot, "bin") + sep + "${PATH}",
			"GOPROXY":     "off",
			"GOTOOLCHAIN": "local",
			"GOFLAGS":     "-mod=readonly -ldflags=-w",
		},
		Metadata: map[string]any{"noether_root": l.Root},
	}
}

// HeadlessSpec returns the kernelspec of this checkout, to run notebooks
// headless with the tools in BinDir, whatever kernelspec is registered in
// Jupyter (another checkout's, or none).
func (l *Layout) HeadlessSpec(ctx context.Context) (*KernelSpec, error) {
	goroot, err := goRoot(ctx)
	if err != nil {
		return nil, err
	}
	return l.Spec(goroot), nil
}

// InstallSettings configures Install. The zero value is usable.
type InstallSettings struct {
	Gopls  bool      // also build the optional gopls (several minutes cold)
	NoWarm bool      // skip warming the build cache
	Log    io.Writer // progress and what was done (default os.Stdout)
}

// Step is one line of an installation report.
type Step struct {
	What    string
	Changed bool
	Detail  string
}

func (s Step) String() string {
	state := "ok"
	if s.Changed {
		state = "done"
	}
	if s.Detail != "" {
		state += ": " + s.Detail
	}
	return fmt.Sprintf("%-28s %s", s.What, state)
}

// Install makes the kernel usable: downloads the pinned modules, builds the
// pinned tools into l.BinDir, registers the kernelspec, and warms the Go
// build cache by running one cell through the installed kernel. Every step
// that finds its result already in place changes nothing.
func (l *Layout) Install(ctx context.Context, s InstallSettings) ([]Step, error) {
	log := s.Log
	if log == nil {
		log = os.Stdout
	}
	var steps []Step
	report := func(st Step) {
		steps = append(steps, st)
		fmt.Fprintln(log, st)
	}
	goroot, err := goRoot(ctx)
	if err != nil {
		return steps, err
	}

	// 1. Modules: the kernel runs with GOPROXY=off, so the module cache must
	// hold everything the library and the cells need.
	if out, err := l.goCmd(ctx, "mod", "download"); err != nil {
		return steps, fmt.Errorf("go mod download: %v\n%s", err, out)
	}
	report(Step{What: "modules (go mod download)", Detail: "pinned versions in the module cache"})

	// 2. Tools.
	for _, t := range []Tool{Gonb, Goimports} {
		st, err := l.buildTool(ctx, t)
		if err != nil {
			return steps, err
		}
		report(st)
	}
	if s.Gopls {
		fmt.Fprintln(log, "building gopls (this takes a few minutes the first time)...")
		st, err := l.buildTool(ctx, Gopls)
		if err != nil {
			return steps, err
		}
		report(st)
	}

	// 3. Kernelspec.
	st, err := l.writeSpec(l.Spec(goroot))
	if err != nil {
		return steps, err
	}
	report(st)

	// 4. Warm the build cache through the kernel itself, so the first cell
	// of every notebook finds the library, gonum/plot and gonbui compiled.
	if !s.NoWarm {
		st, err := l.warm(ctx)
		if err != nil {
			return steps, err
		}
		report(st)
	}
	return steps, nil
}

func (l *Layout) goCmd(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = l.Root
	return cmd.CombinedOutput()
}

// buildTool builds t at the version its go.mod pins into a temporary file
// and moves it into BinDir only if it differs from what is there.
func (l *Layout) buildTool(ctx context.Context, t Tool) (Step, error) {
	name, pkg, _, modDir := t.desc()
	st := Step{What: name}
	if err := os.MkdirAll(l.BinDir, 0o755); err != nil {
		return st, err
	}
	tmp, err := os.MkdirTemp(l.StateDir, "build-")
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(tmp, name), pkg)
	cmd.Dir = filepath.Join(l.Root, modDir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return st, fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	dst := filepath.Join(l.BinDir, name)
	built, err := os.ReadFile(filepath.Join(tmp, name))
	if err != nil {
		return st, err
	}
	if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, built) {
		st.Detail = dst
		return st, nil
	}
	if err := os.Rename(filepath.Join(tmp, name), dst); err != nil {
		return st, err
	}
	st.Changed, st.Detail = true, dst
	return st, nil
}

func (l *Layout) writeSpec(spec *KernelSpec) (Step, error) {
	st := Step{What: "kernelspec " + SpecName}
	path := filepath.Join(l.SpecDir(), "kernel.json")
	b := spec.Marshal()
	st.Detail = path
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, b) {
		return st, nil
	}
	if prev, err := ReadKernelSpec(path); err == nil {
		if root, _ := prev.Metadata["noether_root"].(string); root != l.Root {
			// Jupyter knows one kernel by this name: the last install wins,
			// and says so.
			st.Detail = fmt.Sprintf("%s (it ran the checkout at %s; now this one)", path, root)
		}
	}
	if err := os.MkdirAll(l.SpecDir(), 0o755); err != nil {
		return st, err
	}
	if err := atomicfile.Write(path, b, 0o644); err != nil {
		return st, err
	}
	st.Changed = true
	return st, nil
}

// InstalledSpec reads the registered kernelspec and checks it is this
// repository's.
func (l *Layout) InstalledSpec() (*KernelSpec, error) {
	path := filepath.Join(l.SpecDir(), "kernel.json")
	spec, err := ReadKernelSpec(path)
	if err != nil {
		return nil, err
	}
	if root, _ := spec.Metadata["noether_root"].(string); root != l.Root {
		return nil, fmt.Errorf("%s belongs to the noether checkout at %q, not %q", path, root, l.Root)
	}
	return spec, nil
}

// warmCode returns the cell that warms the build cache: it imports every
// package of the library (blank imports compile them), gonum/plot and gonbui.
func (l *Layout) warmCode(ctx context.Context) (string, error) {
	var out []byte
	if _, err := os.Stat(filepath.Join(l.Root, "lib")); err == nil {
		if out, err = l.goCmd(ctx, "list", "./lib/..."); err != nil {
			return "", fmt.Errorf("go list ./lib/...: %v\n%s", err, out)
		}
	}
	pkgs := strings.Fields(string(out))
	pkgs = append(pkgs, "gonum.org/v1/gonum/mat", "gonum.org/v1/plot", "gonum.org/v1/plot/plotter",
		"gonum.org/v1/plot/vg", "gonum.org/v1/plot/vg/vgimg")
	sort.Strings(pkgs)
	var sb strings.Builder
	sb.WriteString("import (\n\t\"github.com/janpfeifer/gonb/gonbui\"\n")
	for _, p := range pkgs {
		fmt.Fprintf(&sb, "\t_ %q\n", p)
	}
	sb.WriteString(")\n\n%%\nfmt.Println(\"noether warm-up ok; in notebook:\", gonbui.IsNotebook)\n")
	return sb.String(), nil
}

// warm runs the warm-up cell through the installed kernel.
func (l *Layout) warm(ctx context.Context) (Step, error) {
	// Warming fills a cache and writes no file: it never counts as a change.
	st := Step{What: "build cache (warm-up cell)"}
	spec, err := l.InstalledSpec()
	if err != nil {
		return st, err
	}
	code, err := l.warmCode(ctx)
	if err != nil {
		return st, err
	}
	t0 := time.Now()
	k, err := Start(ctx, spec.Argv, StartSettings{Env: spec.EnvList(os.Environ()), Dir: l.Root})
	if err != nil {
		return st, err
	}
	defer k.Close()
	var out strings.Builder
	reply, err := k.Execute(ctx, code, ExecuteSettings{Timeout: 15 * time.Minute}, func(m *Message) {
		var c struct {
			Text   string `json:"text"`
			EValue string `json:"evalue"`
		}
		m.DecodeContent(&c)
		out.WriteString(c.Text + c.EValue)
	})
	if err != nil {
		return st, fmt.Errorf("warm-up cell: %w", err)
	}
	if reply.Status != "ok" {
		return st, fmt.Errorf("warm-up cell failed: %s: %s\n%s", reply.EName, stripANSI(reply.EValue), stripANSI(strings.Join(reply.Traceback, "\n")))
	}
	if !strings.Contains(out.String(), "noether warm-up ok") {
		return st, fmt.Errorf("warm-up cell printed %q", out.String())
	}
	st.Detail = fmt.Sprintf("%.1f s", time.Since(t0).Seconds())
	return st, nil
}

// Uninstall removes what Install wrote: the kernelspec (only if it is this
// repository's) and Root/.noether. It touches nothing else: the Go module
// and build caches are shared with every other Go program.
func (l *Layout) Uninstall() ([]Step, error) {
	var steps []Step
	if _, err := l.InstalledSpec(); err == nil {
		if err := os.RemoveAll(l.SpecDir()); err != nil {
			return steps, err
		}
		steps = append(steps, Step{What: "kernelspec " + SpecName, Changed: true, Detail: "removed " + l.SpecDir()})
	} else if errors.Is(err, os.ErrNotExist) {
		steps = append(steps, Step{What: "kernelspec " + SpecName, Detail: "not installed"})
	} else {
		steps = append(steps, Step{What: "kernelspec " + SpecName, Detail: "left alone: " + err.Error()})
	}
	if _, err := os.Stat(l.StateDir); err == nil {
		if err := os.RemoveAll(l.StateDir); err != nil {
			return steps, err
		}
		steps = append(steps, Step{What: "tools", Changed: true, Detail: "removed " + l.StateDir})
	} else {
		steps = append(steps, Step{What: "tools", Detail: "not installed"})
	}
	return steps, nil
}

package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Tool is a program Install builds into BinDir, at the version a go.mod of
// the repository pins. Each requirement of the kernel has its own function
// (CheckTool, CheckModules, GoVersion), so that a caller asks for the one it
// needs by name, typed, instead of matching report lines.
type Tool int

const (
	Gonb      Tool = iota // the kernel itself
	Goimports             // GoNB runs it on every cell
	Gopls                 // optional: code completion in Jupyter
)

// tools describes each Tool: its binary's name, the package built, the module
// whose pinned version it must have, and the directory of the go.mod that
// pins it, relative to the repository root. gopls has a go.mod of its own
// (install/gopls): it needs a newer golang.org/x/tools than the goimports
// the main module pins.
var tools = [...]struct{ name, pkg, module, modDir string }{
	Gonb:      {"gonb", "github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "."},
	Goimports: {"goimports", "golang.org/x/tools/cmd/goimports", "golang.org/x/tools", "."},
	Gopls:     {"gopls", "golang.org/x/tools/gopls", "golang.org/x/tools/gopls", filepath.Join("install", "gopls")},
}

func (t Tool) String() string {
	if t < 0 || int(t) >= len(tools) {
		return fmt.Sprintf("Tool(%d)", int(t))
	}
	return tools[t].name
}

func (t Tool) desc() (name, pkg, module, modDir string) {
	if t < 0 || int(t) >= len(tools) {
		panic(fmt.Sprintf("kernel: unknown Tool(%d)", int(t)))
	}
	d := tools[t]
	return d.name, d.pkg, d.module, d.modDir
}

// ToolPath is where Install puts t.
func (l *Layout) ToolPath(t Tool) string {
	name, _, _, _ := t.desc()
	return filepath.Join(l.BinDir, name)
}

// CheckTool returns the version pinned for t if the binary at ToolPath(t)
// was built from it, and otherwise an error saying what is there: nothing,
// or another version (a checkout whose go.mod moved since the last install).
func (l *Layout) CheckTool(ctx context.Context, t Tool) (version string, err error) {
	_, _, module, modDir := t.desc()
	want, err := pinned(filepath.Join(l.Root, modDir, "go.mod"), module)
	if err != nil {
		return "", err
	}
	path := l.ToolPath(t)
	got, err := moduleVersion(ctx, path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("%s: not built", path)
	case err != nil:
		return "", err
	case got != want:
		return "", fmt.Errorf("%s is %s, pinned %s", path, got, want)
	}
	return want, nil
}

// CheckModules reports whether every module the repository's go.mod pins is
// in the module cache: the kernel runs with GOPROXY=off, so a cell can
// import only what is there.
func (l *Layout) CheckModules(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "mod", "download")
	cmd.Dir = l.Root
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pinned modules missing from the module cache (the kernel runs offline): %s", firstLine(string(out)))
	}
	return nil
}

// Ready reports whether a headless run can start the kernel from this
// checkout's tools: gonb and goimports built at their pinned versions and
// every pinned module available offline. It returns every problem found,
// joined; nil means ready. It does not look at the kernelspec Jupyter has
// registered, which headless runs do not use (see HeadlessSpec).
func (l *Layout) Ready(ctx context.Context) error {
	var errs []error
	for _, t := range []Tool{Gonb, Goimports} {
		if _, err := l.CheckTool(ctx, t); err != nil {
			errs = append(errs, err)
		}
	}
	if err := l.CheckModules(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// MinGoVersion is the oldest Go the repository's go.mod accepts.
const MinGoVersion = "go1.26"

// GoVersion returns the version of the go command found through env (nil:
// this process's environment), as `go env GOVERSION` prints it, and an error
// if there is none or it is older than MinGoVersion. Pass a kernelspec's
// EnvList to learn which Go the kernel will build cells with.
func GoVersion(ctx context.Context, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "GOVERSION")
	cmd.Env = env
	if lp, ok := lookPathIn(env, "go"); ok {
		cmd.Path, cmd.Err = lp, nil
	}
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("the go command is not on PATH (or fails: %v): install Go 1.26 or newer", err)
	}
	v := strings.TrimSpace(string(out))
	if !goVersionAtLeast(v, MinGoVersion) {
		return v, fmt.Errorf("%s is older than %s", v, MinGoVersion)
	}
	return v, nil
}

// lookPathIn finds name on the PATH of env, which exec.Command does not use
// (it searches this process's PATH).
func lookPathIn(env []string, name string) (string, bool) {
	path, found := "", false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path, found = v, true
		}
	}
	if !found {
		return "", false
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// goRoot returns the GOROOT of the go command on PATH.
func goRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return "", errors.New("the go command is not on PATH (or fails): install Go 1.26 or newer")
	}
	return strings.TrimSpace(string(out)), nil
}

// pinned returns the version of module that the go.mod at path requires.
func pinned(path, module string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == module {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("%s: %s is not required", path, module)
}

// moduleVersion returns the main-module version a Go binary was built from;
// the error satisfies errors.Is(err, os.ErrNotExist) if there is no binary.
func moduleVersion(ctx context.Context, bin string) (string, error) {
	if _, err := os.Stat(bin); err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output()
	if err != nil {
		return "", fmt.Errorf("go version -m %s: %v", bin, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "mod" {
			return f[2], nil
		}
	}
	return "", fmt.Errorf("%s: no module information", bin)
}

// goVersionAtLeast reports whether the Go version v (go1.26.8, go1.27rc1,
// devel builds excepted) is at least min (go1.26).
func goVersionAtLeast(v, min string) bool {
	parse := func(s string) (ma, mi int, ok bool) {
		_, err := fmt.Sscanf(strings.TrimPrefix(s, "go"), "%d.%d", &ma, &mi)
		return ma, mi, err == nil
	}
	ma, mi, ok := parse(v)
	wa, wi, wok := parse(min)
	if !ok || !wok {
		return false
	}
	return ma > wa || ma == wa && mi >= wi
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

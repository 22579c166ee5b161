// Package notebooks_test executes every notebook in this directory through
// this checkout's GoNB kernel and checks what any notebook must show: that
// each cell ran, each figure is an image, interactive cells stood aside in
// the headless run, the file is as Jupyter writes it, and the Go tests its
// text names exist.
//
// The checks are generic on purpose. What a notebook claims (a number
// beside the paper's) is asserted by a Go test in lib/ on typed results, not
// by reading what a cell printed; a notebook names those tests in its text,
// and TestNamedTestsExist holds it to them. A new notebook needs no code
// here: it is found by its name, notebooks/*.ipynb.
//
// go test -short runs the checks of the committed files only; the runs take
// minutes (see README.md for the command and its -timeout).
package notebooks_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/lib/data"
)

// notebookPaths returns the notebooks of this directory in name order,
// without the partial and executed results runs leave beside them.
func notebookPaths(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool {
		return strings.HasSuffix(p, ".partial.ipynb") || strings.HasSuffix(p, ".executed.ipynb")
	})
	if len(paths) == 0 {
		t.Fatal("no notebooks in notebooks/")
	}
	return paths
}

func notebookName(path string) string { return strings.TrimSuffix(filepath.Base(path), ".ipynb") }

// Each notebook is committed byte for byte as Jupyter's nbformat.writes
// would write it (kernel/nbformat's writer is tested against nbformat
// itself), so that opening and saving it in Jupyter, or executing it
// headless, changes nothing but its outputs; and it asks for the noether
// kernel.
func TestCommittedAsJupyterWritesIt(t *testing.T) {
	for _, p := range notebookPaths(t) {
		t.Run(notebookName(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := nbformat.Parse(b)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if err := nbformat.Validate(b); err != nil {
				t.Errorf("%s is not valid nbformat 4.5:\n%v", p, err)
			}
			if ks, _ := nb.Metadata["kernelspec"].(map[string]any); ks["name"] != kernel.SpecName {
				t.Errorf("%s: metadata.kernelspec is %v, want the %q kernel", p, nb.Metadata["kernelspec"], kernel.SpecName)
			}
			want, err := nb.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("%s differs from what nbformat.writes makes of it, %s; open and save it in Jupyter, or run it with nbexec",
					p, firstDifference(b, want))
			}
		})
	}
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want []byte) string {
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			return fmt.Sprintf("first at line %d: %q, nbformat writes %q", i+1, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("%d lines, nbformat writes %d", len(gl), len(wl))
}

// testName is how a notebook's text names a Go test.
var testName = regexp.MustCompile(`Test[A-Z]\w+`)

// namedTests returns the Go test names in nb's Markdown cells, each once,
// in order of appearance.
func namedTests(nb *nbformat.Notebook) []string {
	var names []string
	for _, c := range nb.Cells {
		if c.Type != "markdown" {
			continue
		}
		for _, n := range testName.FindAllString(c.Source, -1) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// testFunc is a test's declaration in a Go file.
var testFunc = regexp.MustCompile(`(?m)^func (Test\w+)\(`)

// libTests returns the name of every test function declared under dir.
func libTests(dir string) (map[string]bool, error) {
	tests := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range testFunc.FindAllSubmatch(b, -1) {
			tests[string(m[1])] = true
		}
		return nil
	})
	return tests, err
}

// missingTests returns the tests nb's Markdown names that are not in tests.
func missingTests(nb *nbformat.Notebook, tests map[string]bool) []string {
	var missing []string
	for _, n := range namedTests(nb) {
		if !tests[n] {
			missing = append(missing, n)
		}
	}
	return missing
}

// Every Go test a notebook's text names (its closing table says which
// tests assert its claims) is declared somewhere under lib/: a renamed or
// deleted test would otherwise leave the notebook vouching for nothing.
func TestNamedTestsExist(t *testing.T) {
	root, err := kernel.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := libTests(filepath.Join(root, "lib"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatalf("no tests found under %s", filepath.Join(root, "lib"))
	}
	for _, p := range notebookPaths(t) {
		t.Run(notebookName(p), func(t *testing.T) {
			nb, err := nbformat.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if missing := missingTests(nb, tests); len(missing) > 0 {
				t.Errorf("%s names tests that no file under lib/ declares: %s", p, strings.Join(missing, ", "))
			}
		})
	}
}

// The check above fails when it should: a Markdown cell naming a test that
// does not exist is caught, one naming a test that does is not, and code
// cells do not count.
func TestMissingTestsIsNotVacuous(t *testing.T) {
	nb := &nbformat.Notebook{Cells: []*nbformat.Cell{
		{Type: "markdown", Source: "| claim | test |\n|---|---|\n| Q is conserved | TestConserved, TestNoSuchClaim |"},
		{Type: "code", Source: "// TestOnlyInCode\n"},
	}}
	got := missingTests(nb, map[string]bool{"TestConserved": true})
	if !slices.Equal(got, []string{"TestNoSuchClaim"}) {
		t.Fatalf("missing %q, want [TestNoSuchClaim]", got)
	}
}

// TestNotebooksRun executes every notebook headless through this checkout's
// real GoNB kernel, installed by the code `go run ./install` runs (into
// .noether/bin; the kernelspec goes to a temporary Jupyter data dir, so the
// user's Jupyter is never touched), and checks the executed notebook,
// written to a temporary directory: notebooks/ is never rewritten.
//
// Notebooks run in parallel, each in its own kernel, at most GOMAXPROCS at
// once whatever -parallel says: each is a Go build and a program that keeps
// a core busy. $NOETHER_CACHE is a fresh directory, shared by the notebooks
// of this run only, so that nothing computed by an earlier run is reused.
func TestNotebooksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not executing the notebooks")
	}
	root, err := kernel.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	l := &kernel.Layout{Root: root, StateDir: filepath.Join(root, ".noether"), DataDir: t.TempDir()}
	l.BinDir = filepath.Join(l.StateDir, "bin")
	ctx, cancel := testContext(t)
	t.Cleanup(cancel) // after the parallel subtests, which run once this function returns
	if _, err := l.Install(ctx, kernel.InstallSettings{Log: io.Discard}); err != nil {
		t.Fatalf("installing the kernel: %v", err)
	}
	spec, err := l.InstalledSpec()
	if err != nil {
		t.Fatal(err)
	}
	env := spec.EnvList(os.Environ())
	env = withEnv(env, kernel.HeadlessEnv, "1") // as every headless run (RunFile sets it too)
	env = withEnv(env, "NOETHER_CACHE", t.TempDir())
	// The cells are programs, not tests: without this a notebook would
	// download a data set that is not installed from the internet.
	env = withEnv(env, data.OfflineEnv, "1")

	out := t.TempDir()
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range notebookPaths(t) {
		t.Run(notebookName(p), func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			dst := filepath.Join(out, filepath.Base(p))
			t0 := time.Now()
			partial, err := kernel.RunFile(ctx, p, kernel.RunFileSettings{Argv: spec.Argv, Env: env, Output: dst})
			if partial != "" {
				os.Remove(partial) // the error says what failed; leave no debris in notebooks/
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ran in %.1f s", time.Since(t0).Seconds())
			b, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if err := nbformat.Validate(b); err != nil {
				t.Fatalf("executed notebook is not valid nbformat 4.5:\n%v", err)
			}
			nb, err := nbformat.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			checkCellsRan(t, nb)
			checkFigures(t, nb)
			checkExploreSkipped(t, nb)
		})
	}
}

// testContext ends a minute before the test binary's -timeout, so that a
// notebook still running then fails with the cell it was in, its kernel
// stopped and cleaned up, instead of the panic that ends the binary.
func testContext(t *testing.T) (context.Context, context.CancelFunc) {
	if d, ok := t.Deadline(); ok {
		return context.WithDeadline(context.Background(), d.Add(-time.Minute))
	}
	return context.WithCancel(context.Background())
}

// withEnv returns env with key set to value, replacing any earlier value.
func withEnv(env []string, key, value string) []string {
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(env, key+"="+value)
}

// checkCellsRan checks that every code cell with code was executed and
// shows no error, except where its raises-exception tag says the error is
// the point (the runner's rule, nbclient's too).
func checkCellsRan(t *testing.T, nb *nbformat.Notebook) {
	t.Helper()
	for i, c := range nb.Cells {
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" {
			continue
		}
		if c.ExecutionCount == nil {
			t.Errorf("cell %d (id %s) was not executed", i, c.ID)
		}
		if tagged(c, "raises-exception") {
			continue
		}
		for _, o := range c.Outputs {
			if o.Type == "error" {
				t.Errorf("cell %d (id %s) shows an error: %s: %s", i, c.ID, o.EName, o.EValue)
			}
		}
	}
}

func tagged(c *nbformat.Cell, tag string) bool {
	tags, _ := c.Metadata["tags"].([]any)
	return slices.Contains(tags, any(tag))
}

// checkFigures checks that every image/png output decodes as a PNG, and
// that the notebook shows at least one: every notebook draws the figure it
// reproduces or explains.
func checkFigures(t *testing.T, nb *nbformat.Notebook) {
	t.Helper()
	n := 0
	for i, c := range nb.Cells {
		for j, o := range c.Outputs {
			v, ok := o.Data["image/png"]
			if !ok {
				continue
			}
			n++
			if err := decodePNG(v); err != nil {
				t.Errorf("cell %d (id %s), output %d: image/png: %v", i, c.ID, j, err)
			}
		}
	}
	if n == 0 {
		t.Error("no figure (image/png output) in the notebook")
	}
}

// decodePNG decodes an image/png value of a mime bundle: base64, which
// Jupyter may have wrapped in lines.
func decodePNG(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a %T, not a base64 string", v)
	}
	b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return fmt.Errorf("not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("does not decode: %v", err)
	}
	if r := img.Bounds(); r.Empty() {
		return errors.New("an empty image")
	}
	return nil
}

// checkExploreSkipped checks the interactive cells (show.Explore), which
// need a browser: in a headless run each must check show.Interactive()
// first, print its one line saying what it does in Jupyter, and draw
// nothing.
func checkExploreSkipped(t *testing.T, nb *nbformat.Notebook) {
	t.Helper()
	for i, c := range nb.Cells {
		if c.Type != "code" || !strings.Contains(c.Source, "show.Explore(") {
			continue
		}
		_, body, ok := strings.Cut(c.Source, "%%\n")
		if !ok || !strings.HasPrefix(body, "if !show.Interactive() {") {
			t.Errorf("cell %d (id %s): its body does not start with the check of show.Interactive()", i, c.ID)
		}
		if len(c.Outputs) != 1 || c.Outputs[0].Type != "stream" || c.Outputs[0].Name != "stdout" {
			t.Errorf("cell %d (id %s): %d outputs, want one line on stdout", i, c.ID, len(c.Outputs))
			continue
		}
		if text := c.Outputs[0].Text; strings.Count(text, "\n") != 1 || !strings.HasPrefix(text, "Interactive in Jupyter") || !strings.Contains(text, "headless") {
			t.Errorf("cell %d (id %s) printed %q, want one line saying it is interactive in Jupyter, skipped headless", i, c.ID, text)
		}
	}
}

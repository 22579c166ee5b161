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
// The notebooks end with exercises whose checks (package exercise) show a
// verdict: a committed notebook shows each of them unanswered, and the
// worked answers in notebooks/solutions/, executed by TestSolutionsRun, show
// each of them right.
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
	"sync"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/exercise"
)

// solutionsDir holds the worked answers to the notebooks' exercises, one
// notebook per notebook with exercises, under the same file name.
const solutionsDir = "solutions"

// notebookPaths returns the notebooks of this directory in name order,
// without the partial and executed results runs leave beside them.
func notebookPaths(t *testing.T) []string {
	t.Helper()
	return ipynbPaths(t, ".")
}

// solutionPaths returns the notebooks of solutionsDir, as notebookPaths.
func solutionPaths(t *testing.T) []string {
	t.Helper()
	return ipynbPaths(t, solutionsDir)
}

func ipynbPaths(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool {
		return strings.HasSuffix(p, ".partial.ipynb") || strings.HasSuffix(p, ".executed.ipynb")
	})
	if len(paths) == 0 {
		t.Fatalf("no notebooks in notebooks/%s", dir)
	}
	return paths
}

func notebookName(path string) string { return strings.TrimSuffix(filepath.Base(path), ".ipynb") }

// subtestName is a path's name for t.Run: the notebook's name, under
// "solutions/" for a solutions notebook.
func subtestName(path string) string {
	if filepath.Dir(path) == solutionsDir {
		return solutionsDir + "/" + notebookName(path)
	}
	return notebookName(path)
}

// shared is what the test functions of one run of this binary share: a
// directory, made by TestMain and removed after the run, holding the Jupyter
// data dir the kernel is registered in and the NOETHER_CACHE of the runs,
// so that TestSolutionsRun reuses what TestNotebooksRun computed; and the
// kernel, installed once.
var shared struct {
	dir     string
	once    sync.Once
	argv    []string
	env     []string
	install error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "noether-notebooks-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// installedKernel installs this checkout's kernel, once per run, by the code
// `go run ./install` runs (into .noether/bin; the kernelspec goes to the
// shared temporary Jupyter data dir, so the user's Jupyter is never
// touched), and returns its command line and the environment of a headless
// run with the shared NOETHER_CACHE.
func installedKernel(ctx context.Context, t *testing.T) (argv, env []string) {
	t.Helper()
	shared.once.Do(func() {
		root, err := kernel.FindRoot(".")
		if err != nil {
			shared.install = err
			return
		}
		l := &kernel.Layout{Root: root, StateDir: filepath.Join(root, ".noether"), DataDir: filepath.Join(shared.dir, "jupyter")}
		l.BinDir = filepath.Join(l.StateDir, "bin")
		if _, err := l.Install(ctx, kernel.InstallSettings{Log: io.Discard}); err != nil {
			shared.install = fmt.Errorf("installing the kernel: %v", err)
			return
		}
		spec, err := l.InstalledSpec()
		if err != nil {
			shared.install = err
			return
		}
		cache := filepath.Join(shared.dir, "cache")
		if err := os.MkdirAll(cache, 0o755); err != nil {
			shared.install = err
			return
		}
		env := spec.EnvList(os.Environ())
		env = withEnv(env, kernel.HeadlessEnv, "1") // as every headless run (RunFile sets it too)
		// The cells are programs, not tests: without this a notebook would
		// download a data set that is not installed from the internet.
		env = withEnv(env, data.OfflineEnv, "1")
		shared.argv, shared.env = spec.Argv, withEnv(env, "NOETHER_CACHE", cache)
	})
	if shared.install != nil {
		t.Fatal(shared.install)
	}
	return shared.argv, shared.env
}

// Each notebook is committed byte for byte as Jupyter's nbformat.writes
// would write it (kernel/nbformat's writer is tested against nbformat
// itself), so that opening and saving it in Jupyter, or executing it
// headless, changes nothing but its outputs; and it asks for the noether
// kernel.
func TestCommittedAsJupyterWritesIt(t *testing.T) {
	for _, p := range append(notebookPaths(t), solutionPaths(t)...) {
		t.Run(subtestName(p), func(t *testing.T) {
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
// real GoNB kernel (installedKernel) and checks the executed notebook,
// written to a temporary directory: notebooks/ is never rewritten. Besides
// what every cell and figure must show, each notebook must have at least two
// exercises, each with its check's verdict, and every verdict must be
// unanswered: a committed notebook never shows a solution.
//
// Notebooks run in parallel, each in its own kernel, at most GOMAXPROCS at
// once whatever -parallel says: each is a Go build and a program that keeps
// a core busy. $NOETHER_CACHE is a fresh directory, shared by the notebooks
// and the solutions of this run only, so that nothing computed by an
// earlier run is reused.
func TestNotebooksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not executing the notebooks")
	}
	runAll(t, notebookPaths(t), func(t *testing.T, path string, nb *nbformat.Notebook) {
		checkFigures(t, nb)
		checkExploreSkipped(t, nb)
		checkVerdicts(t, nb, "unanswered")
		if ids := exerciseIDs(nb); len(ids) < 2 {
			t.Errorf("%d exercises (%s), want at least 2 at the end of the notebook", len(ids), strings.Join(ids, ", "))
		}
	})
}

// TestSolutionsRun executes the solutions notebooks as TestNotebooksRun
// executes the notebooks, with the same kernel and, when both run, the same
// cache, and checks that every cell ran, that every check says right, and
// that each solves exactly the exercises of the notebook of the same name.
func TestSolutionsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not executing the solutions")
	}
	runAll(t, solutionPaths(t), func(t *testing.T, path string, nb *nbformat.Notebook) {
		if n := checkVerdicts(t, nb, "right"); n == 0 {
			t.Error("no exercise verdict in the executed solutions")
		}
		exercises, err := nbformat.ReadFile(filepath.Base(path))
		if err != nil {
			t.Fatalf("%s has no notebook of the same name in notebooks/: %v", path, err)
		}
		for _, problem := range exerciseProblems(notebookName(path), exercises, nb) {
			t.Error(problem)
		}
	})
}

// runAll executes each notebook of paths in a parallel subtest, checks that
// it is valid and that every cell ran, then calls check on it.
func runAll(t *testing.T, paths []string, check func(t *testing.T, path string, nb *nbformat.Notebook)) {
	ctx, cancel := testContext(t)
	t.Cleanup(cancel) // after the parallel subtests, which run once this function returns
	argv, env := installedKernel(ctx, t)
	out := t.TempDir()
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, p := range paths {
		t.Run(notebookName(p), func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()
			dst := filepath.Join(out, filepath.Base(p))
			t0 := time.Now()
			var u kernel.Usage
			partial, err := kernel.RunFile(ctx, p, kernel.RunFileSettings{Argv: argv, Env: env, Output: dst, Usage: &u})
			if partial != "" {
				os.Remove(partial) // the error says what failed; leave no debris in notebooks/
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ran in %.1f s, %.1f CPU-s, largest process %d MiB", time.Since(t0).Seconds(), u.CPU().Seconds(), u.MaxRSS>>20)
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
			check(t, p, nb)
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

// exerciseID is how a notebook's Markdown states an exercise: "Exercise
// 02.1", the notebook's number, a dot, the exercise's number.
var exerciseID = regexp.MustCompile(`Exercise (\d\d\.\d+)`)

// exerciseIDs returns the exercise IDs nb's Markdown cells state, each once,
// in order of appearance.
func exerciseIDs(nb *nbformat.Notebook) []string {
	var ids []string
	for _, c := range nb.Cells {
		if c.Type != "markdown" {
			continue
		}
		for _, m := range exerciseID.FindAllStringSubmatch(c.Source, -1) {
			if !slices.Contains(ids, m[1]) {
				ids = append(ids, m[1])
			}
		}
	}
	return ids
}

// verdicts returns the exercise verdicts among nb's outputs (the JSON object
// a check stores under exercise.MIMEType), in order.
func verdicts(nb *nbformat.Notebook) []map[string]any {
	var vs []map[string]any
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if v, ok := o.Data[exercise.MIMEType]; ok {
				m, _ := v.(map[string]any)
				vs = append(vs, m)
			}
		}
	}
	return vs
}

// checkVerdicts checks the exercise verdicts of the executed nb
// (verdictProblems) and returns their number.
func checkVerdicts(t *testing.T, nb *nbformat.Notebook, want string) int {
	t.Helper()
	problems, n := verdictProblems(nb, want)
	for _, p := range problems {
		t.Error(p)
	}
	return n
}

// verdictProblems returns what is wrong with the exercise verdicts of the
// executed nb: one whose status is not want, or verdicts that are not those
// of the exercises its Markdown states, one each in order; and the number
// of verdicts.
func verdictProblems(nb *nbformat.Notebook, want string) (problems []string, n int) {
	var got []string
	for _, v := range verdicts(nb) {
		id, _ := v["exercise"].(string)
		if v["status"] != want {
			problems = append(problems, fmt.Sprintf("exercise %s shows %v (%v), want %s", id, v["status"], v["message"], want))
		}
		got = append(got, id)
	}
	if ids := exerciseIDs(nb); !slices.Equal(got, ids) {
		problems = append(problems, fmt.Sprintf("verdicts for exercises [%s], the Markdown states [%s]: each exercise needs its check, in order",
			strings.Join(got, " "), strings.Join(ids, " ")))
	}
	return problems, len(got)
}

// exerciseProblems compares the exercises of the notebook called name with
// those of its solutions notebook sol (nil if there is none) and returns
// what is wrong: an ID not numbered after the notebook, an exercise without
// a solution, a solution without an exercise.
func exerciseProblems(name string, nb, sol *nbformat.Notebook) []string {
	var problems []string
	ids := exerciseIDs(nb)
	for _, id := range ids {
		if !strings.HasPrefix(name, id[:2]+"-") {
			problems = append(problems, fmt.Sprintf("exercise %s is not numbered after notebook %s", id, name))
		}
	}
	if sol == nil {
		if len(ids) > 0 {
			problems = append(problems, fmt.Sprintf("%s has exercises %s but no %s/%s.ipynb", name, strings.Join(ids, ", "), solutionsDir, name))
		}
		return problems
	}
	solved := exerciseIDs(sol)
	for _, id := range ids {
		if !slices.Contains(solved, id) {
			problems = append(problems, fmt.Sprintf("exercise %s of %s has no solution in %s/%s.ipynb", id, name, solutionsDir, name))
		}
	}
	for _, id := range solved {
		if !slices.Contains(ids, id) {
			problems = append(problems, fmt.Sprintf("%s/%s.ipynb solves exercise %s, which %s does not state", solutionsDir, name, id, name))
		}
	}
	return problems
}

// Every exercise a notebook states has its solution in the solutions
// notebook of the same name, and every solutions notebook belongs to a
// notebook and solves exactly its exercises: read from the committed
// sources, so that a missing solution is caught without running anything.
func TestSolutionsMatchExercises(t *testing.T) {
	for _, p := range notebookPaths(t) {
		t.Run(notebookName(p), func(t *testing.T) {
			nb, err := nbformat.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var sol *nbformat.Notebook
			sp := filepath.Join(solutionsDir, filepath.Base(p))
			if _, err := os.Stat(sp); err == nil {
				if sol, err = nbformat.ReadFile(sp); err != nil {
					t.Fatal(err)
				}
			}
			for _, problem := range exerciseProblems(notebookName(p), nb, sol) {
				t.Error(problem)
			}
		})
	}
	for _, sp := range solutionPaths(t) {
		if _, err := os.Stat(filepath.Base(sp)); err != nil {
			t.Errorf("%s has no notebook of the same name in notebooks/", sp)
		}
	}
}

// The checks above fail when they should: a missing solution, an extra one,
// a misnumbered exercise and a notebook with exercises but no solutions
// notebook are each caught, a matching pair is not, and code cells and
// verdicts other than the wanted status count as they must.
func TestExerciseChecksAreNotVacuous(t *testing.T) {
	md := func(s string) *nbformat.Cell { return &nbformat.Cell{Type: "markdown", Source: s} }
	nb := &nbformat.Notebook{Cells: []*nbformat.Cell{
		md("## Exercises"), md("**Exercise 02.1** (one)"), md("**Exercise 02.2** (two); see Exercise 02.1"),
		{Type: "code", Source: "// Exercise 02.9 in code does not count\n"},
	}}
	if ids := exerciseIDs(nb); !slices.Equal(ids, []string{"02.1", "02.2"}) {
		t.Fatalf("exerciseIDs = %q, want [02.1 02.2]", ids)
	}
	sol := &nbformat.Notebook{Cells: []*nbformat.Cell{md("**Exercise 02.1.** …"), md("**Exercise 02.2.** …")}}
	if p := exerciseProblems("02-x", nb, sol); len(p) != 0 {
		t.Errorf("a matching pair: %q", p)
	}
	for _, c := range []struct {
		name, says string
		sol        *nbformat.Notebook
	}{
		{"02-x", "no solution", &nbformat.Notebook{Cells: []*nbformat.Cell{md("**Exercise 02.1.**")}}},
		{"02-x", "does not state", &nbformat.Notebook{Cells: []*nbformat.Cell{md("Exercise 02.1, Exercise 02.2, Exercise 02.3")}}},
		{"02-x", "but no solutions", nil},
		{"03-x", "not numbered after", sol},
	} {
		if p := exerciseProblems(c.name, nb, c.sol); !strings.Contains(strings.Join(p, "\n"), c.says) {
			t.Errorf("%s: problems %q, want one saying %q", c.name, p, c.says)
		}
	}
	verdict := func(id, status string) *nbformat.Cell {
		return &nbformat.Cell{Type: "code", Outputs: []*nbformat.Output{{Type: "display_data",
			Data: map[string]any{exercise.MIMEType: map[string]any{"exercise": id, "status": status, "message": ""}}}}}
	}
	run := func(cells ...*nbformat.Cell) (failed bool, n int) {
		p, n := verdictProblems(&nbformat.Notebook{Cells: cells}, "right")
		return len(p) > 0, n
	}
	if failed, n := run(md("Exercise 02.1"), verdict("02.1", "right")); failed || n != 1 {
		t.Errorf("one right verdict: failed %v, %d verdicts", failed, n)
	}
	if failed, _ := run(md("Exercise 02.1"), verdict("02.1", "unanswered")); !failed {
		t.Error("an unanswered verdict passed where right is wanted")
	}
	if failed, _ := run(md("Exercise 02.1 and Exercise 02.2"), verdict("02.1", "right")); !failed {
		t.Error("an exercise without a verdict passed")
	}
}

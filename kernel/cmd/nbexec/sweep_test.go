//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/kernel/params"
	"github.com/noetherlab/noether/lib/record"
)

func sweepNotebook(t *testing.T) string {
	t.Helper()
	root, err := kernel.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "testdata", "notebooks", "sweep.ipynb")
}

// Bad input is reported before any work: no kernel starts, no directory
// is made, nothing is submitted.
func TestSweepBadInputBeforeAnyWork(t *testing.T) {
	nb := sweepNotebook(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-p", "x", nb}, "want name=value"},
		{[]string{"-p", "seed=5..1", nb}, "range 5..1 is empty"},
		{[]string{"-p", "rate=1,2", nb}, "rate is not a parameter of the notebook"},
		{[]string{"-p", "x=1,two", nb}, `parameter x: "two" is not a float64`},
		{[]string{"-p", "x=1", "-p", "x=2", nb}, "given twice"},
		{[]string{"-p", "x=1", "-plot", "y", nb}, "-plot needs -x"},
		{[]string{"-p", "x=1", "-plot", "y", "-x", "seed", nb}, "not a parameter of the grid"},
		{[]string{"-j", "0", nb}, "want at least 1"},
		{[]string{"-p", "x=1"}, "give one notebook"},
		{[]string{nb, "-p", "x=1"}, "flags go before the notebook"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		code, err := runSweep(context.Background(), append([]string{"-o", out}, c.args...))
		if code == 0 || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, %v; want an error with %q", c.args, code, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: the output directory was made", c.args)
		}
	}
	code, err := runSweep(context.Background(), []string{"-o", filepath.Join(file, "sub"), "-p", "x=1", nb})
	if code == 0 || err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Errorf("an output directory under a file: exit %d, %v", code, err)
	}
}

// -slurm without Slurm, or with an sbatch that fails, is an error that
// says so, and leaves no point run.
func TestSweepSlurmMissingOrFailing(t *testing.T) {
	nb := sweepNotebook(t)
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	out := filepath.Join(t.TempDir(), "out")
	code, err := runSweep(context.Background(), []string{"-slurm", "-o", out, "-p", "x=1,2", nb})
	if code == 0 || err == nil || !strings.Contains(err.Error(), "sbatch not found on PATH") {
		t.Errorf("no sbatch: exit %d, %v", code, err)
	}
	os.WriteFile(filepath.Join(bin, "sbatch"), []byte("#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "squeue"), []byte("#!/bin/sh\nexit 0\n"), 0o755)
	code, err = runSweep(context.Background(), []string{"-slurm", "-partition", "gpu", "-o", out, "-p", "x=1,2", nb})
	if code == 0 || err == nil || !strings.Contains(err.Error(), "invalid partition specified: gpu") || !strings.Contains(err.Error(), "--partition=gpu") {
		t.Errorf("a failing sbatch: exit %d, %v", code, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(out, "points")); len(entries) != 0 {
		t.Errorf("points written: %v", entries)
	}
}

// nbexec -p checks its values before anything runs.
func TestParameterErrorsBeforeAnythingRuns(t *testing.T) {
	nb := sweepNotebook(t)
	for _, c := range []struct {
		ps   []string
		want string
	}{
		{[]string{"x=abc"}, `parameter x: "abc" is not a float64`},
		{[]string{"nope=1"}, "nope is not a parameter of the notebook (its parameters cell declares x, seed, label)"},
	} {
		code, err := run(context.Background(), []string{nb}, settings{params: c.ps, outDir: t.TempDir()})
		if code == 0 || err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "sweep.ipynb") {
			t.Errorf("-p %v: exit %d, %v; want an error naming the notebook and %q", c.ps, code, err, c.want)
		}
	}
	plain := writeNotebook(t, t.TempDir(), "plain.ipynb", "%%\nfmt.Println(1)")
	if _, err := run(context.Background(), []string{plain}, settings{params: []string{"x=1"}}); err == nil || !strings.Contains(err.Error(), "no parameters cell") {
		t.Errorf("a notebook without a parameters cell: %v", err)
	}
}

// Every kind of parameter declaration is redeclared by the injected cell
// in a way GoNB accepts, and the cells after it see the new values; the
// executed notebook records them as papermill does.
func TestParametersInjected(t *testing.T) {
	bin, root, _, env := nbexec(t)
	dir := t.TempDir()
	path := writeNotebook(t, dir, "p.ipynb",
		"var (\n\trate = 0.1\n\tn    = 2\n\tname = \"a\"\n\ton   = false\n)\nconst k = 3\nvar d time.Duration = time.Second\nvar w float64 = 1",
		"%%\nfmt.Printf(\"%v %v %q %v %v %v %v %T\\n\", rate, n, name, on, k, d, w, w)")
	nb, _ := nbformat.ReadFile(path)
	nb.Cells[0].Metadata = map[string]any{"tags": []any{params.Tag}}
	nbformat.WriteFile(path, nb, 0o644)
	out := t.TempDir()
	cmd := exec.Command(bin, "-o", out, "-p", "rate=1e-5", "-p", "n=7", "-p", "name=x, y", "-p", "on=true", "-p", "k=9", "-p", "d=1m30s", "-p", "w=2", path)
	cmd.Dir, cmd.Env = root, env
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbexec: %v\n%s", err, b)
	}
	got, err := nbformat.ReadFile(filepath.Join(out, "p.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cells) != 3 || got.Cells[1].Metadata["tags"].([]any)[0] != params.InjectedTag {
		t.Fatalf("no injected cell: %+v", got.Cells)
	}
	if text := got.Cells[2].Outputs[0].Text; text != "1e-05 7 \"x, y\" true 9 1m30s 2 float64\n" {
		t.Errorf("the cell after the injection printed %q", text)
	}
	pm := got.Metadata["papermill"].(map[string]any)
	ps := pm["parameters"].(map[string]any)
	if ps["rate"] != "1e-05" && ps["rate"].(interface{ String() string }).String() != "1e-05" || ps["d"] != "1m30s" || pm["output_path"] != filepath.Join(out, "p.ipynb") {
		t.Errorf("papermill metadata: %v", pm)
	}
	// Jupyter's own writer would write the executed notebook byte for
	// byte the same: nbformat.Marshal is checked against it elsewhere, and
	// the metadata numbers are Python's repr.
	b, _ := os.ReadFile(filepath.Join(out, "p.ipynb"))
	if !bytes.Contains(b, []byte(`"rate": 1e-05`)) || !bytes.Contains(b, []byte(`"w": 2.0`)) {
		t.Errorf("metadata numbers are not written as Python writes them")
	}
	if before, _ := os.ReadFile(path); bytes.Contains(before, []byte(params.InjectedTag)) {
		t.Error("the input notebook was changed")
	}
}

func runIn(t *testing.T, bin, root string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = root, env
	b, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(b), ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b), 0
}

// A local sweep writes a notebook per point and the table; run again it
// runs nothing; with a grown grid it runs only the new points.
func TestSweepLocalResumes(t *testing.T) {
	bin, root, _, env := nbexec(t)
	out := filepath.Join(t.TempDir(), "sweep")
	nb := sweepNotebook(t)
	got, code := runIn(t, bin, root, env, "sweep", "-j", "2", "-o", out, "-p", "x=0.5,2", "-p", "seed=1..2", "-plot", "y", "-x", "x", nb)
	t.Logf("%s", got)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	want := `point,status,notebook,x,seed,y,label
x=0.5_seed=1,done,points/x=0.5_seed=1.ipynb,0.5,1,1.25,a
x=0.5_seed=2,done,points/x=0.5_seed=2.ipynb,0.5,2,2.25,a
x=2_seed=1,done,points/x=2_seed=1.ipynb,2,1,5,a
x=2_seed=2,done,points/x=2_seed=2.ipynb,2,2,6,a
`
	if string(csv) != want {
		t.Errorf("results.csv:\n%s\nwant\n%s", csv, want)
	}
	rs, err := record.ReadFile(filepath.Join(out, "points", "x=2_seed=2.ipynb"))
	if err != nil || len(rs) != 3 || rs[2].Kind != record.Table || rs[2].Tab.Rows[0][0] != 2.0 {
		t.Errorf("records of a point: %+v, %v", rs, err)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.png")); err != nil {
		t.Error(err)
	}
	first, _ := os.Stat(filepath.Join(out, "points", "x=2_seed=2.ipynb"))
	got, code = runIn(t, bin, root, env, "sweep", "-o", out, "-p", "x=0.5,2", "-p", "seed=1..2", nb)
	if code != 0 || !strings.Contains(got, "4 points, 4 done already, 0 to run") {
		t.Errorf("again: exit %d\n%s", code, got)
	}
	got, code = runIn(t, bin, root, env, "sweep", "-o", out, "-p", "x=0.5,2,3", "-p", "seed=1..2", nb)
	if code != 0 || !strings.Contains(got, "6 points, 4 done already, 2 to run") || !strings.Contains(got, "ok   x=3_seed=2") {
		t.Errorf("grown: exit %d\n%s", code, got)
	}
	if again, _ := os.Stat(filepath.Join(out, "points", "x=2_seed=2.ipynb")); !again.ModTime().Equal(first.ModTime()) {
		t.Error("a point done was run again")
	}
}

// Ctrl-C stops a sweep: the points finished keep their notebooks, the
// running one leaves its partial result, nothing half-written is left,
// and the same command then runs only the rest.
func TestSweepInterruptKeepsFinishedPoints(t *testing.T) {
	bin, root, _, env := nbexec(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "running")
	env = append(env, "NOETHER_TEST_MARK="+mark)
	path := writeNotebook(t, dir, "slow.ipynb",
		"import \"github.com/noetherlab/noether/lib/record\"",
		"var wait = 0",
		"%%\nif wait > 0 {\n\tos.WriteFile(os.Getenv(\"NOETHER_TEST_MARK\"), nil, 0o644)\n\ttime.Sleep(time.Duration(wait) * time.Second)\n}\nrecord.Value(\"waited\", wait)")
	nb, _ := nbformat.ReadFile(path)
	nb.Cells[1].Metadata = map[string]any{"tags": []any{params.Tag}}
	nbformat.WriteFile(path, nb, 0o644)
	out := filepath.Join(dir, "sweep")
	cmd := exec.Command(bin, "sweep", "-j", "1", "-o", out, "-p", "wait=0,600", path)
	cmd.Dir, cmd.Env = root, env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the slow point to run", 5*time.Minute, func() bool { _, err := os.Stat(mark); return err == nil })
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(buf.String(), "1 point(s) finished and kept") {
		t.Fatalf("exit %v, want 130\n%s", err, buf.String())
	}
	entries, _ := os.ReadDir(filepath.Join(out, "points"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "wait=0.ipynb wait=600.partial.ipynb" {
		t.Errorf("points/ holds %v, want the finished point and the stopped one's partial result", names)
	}
	if _, err := os.Stat(filepath.Join(out, "results.csv")); err == nil {
		t.Error("an interrupted sweep wrote its table")
	}
	got, code := runIn(t, bin, root, env, "sweep", "-o", out, "-p", "wait=0", path)
	if code != 0 || !strings.Contains(got, "1 points, 1 done already, 0 to run") {
		t.Errorf("after the interruption: exit %d\n%s", code, got)
	}
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

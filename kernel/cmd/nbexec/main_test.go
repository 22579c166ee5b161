//go:build unix

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/lib/data"
)

// nbexec builds this command and returns a function that runs it from the
// repository root with a private TMPDIR and Jupyter data dir (so the
// user's kernelspec is never touched and leftovers are easy to see).
func nbexec(t *testing.T) (bin, root, tmp string, env []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not running the real kernel")
	}
	root, err := kernel.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin = filepath.Join(dir, "nbexec")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tmp = filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o755)
	env = append(os.Environ(), "TMPDIR="+tmp, "JUPYTER_DATA_DIR="+filepath.Join(dir, "jupyter"))
	return bin, root, tmp, env
}

func writeNotebook(t *testing.T, dir, name string, cells ...string) string {
	t.Helper()
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}}
	for _, c := range cells {
		nb.Cells = append(nb.Cells, &nbformat.Cell{Type: "code", Source: c})
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// In a checkout whose kernel tools are not built (a fresh clone: here a
// module root with only go.mod and go.sum, all the installer needs), nbexec
// installs first, then runs the notebook and rewrites it with its outputs.
func TestInstallsIfNeededAndRuns(t *testing.T) {
	bin, root, _, env := nbexec(t)
	fresh := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(fresh, f), b, 0o644)
	}
	nb := writeNotebook(t, t.TempDir(), "ok.ipynb", "%%\nfmt.Println(6 * 7)")
	cmd := exec.Command(bin, nb)
	cmd.Dir, cmd.Env = fresh, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nbexec: %v\n%s", err, out)
	}
	for _, want := range []string{"installing it first", "kernelspec noether", "ok   ", "1 notebook(s), 0 failed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Each notebook's line, and the summary, give the CPU time and the
	// largest process of its kernel (here the cell's link, tens of MiB).
	for _, re := range []string{`(?m)^ok   \S+ +1 cells +[0-9.]+ s +[0-9.]+ CPU-s +[0-9]+ MiB$`, `(?m)^1 notebook\(s\), 0 failed, [0-9.]+ s \([0-9]+ CPU-s; largest process [0-9]+ MiB\)$`} {
		if !regexp.MustCompile(re).Match(out) {
			t.Errorf("output does not match %s:\n%s", re, out)
		}
	}
	got, err := nbformat.ReadFile(nb)
	if err != nil {
		t.Fatal(err)
	}
	if o := got.Cells[0].Outputs; len(o) != 1 || o[0].Text != "42\n" {
		t.Fatalf("outputs written: %+v", o)
	}
}

func TestMalformedNotebookIsNamedBeforeAnythingRuns(t *testing.T) {
	bin, root, _, env := nbexec(t)
	dir := t.TempDir()
	good := writeNotebook(t, dir, "good.ipynb", "%%\nfmt.Println(1)")
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 4, "cells": [`), 0o644)
	before, _ := os.ReadFile(good)
	cmd := exec.Command(bin, good, bad)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1\n%s", err, out)
	}
	if !strings.Contains(string(out), bad+": not valid JSON") {
		t.Fatalf("output does not name the bad file and the problem:\n%s", out)
	}
	if after, _ := os.ReadFile(good); !bytes.Equal(before, after) {
		t.Fatal("the good notebook was run although the batch had a malformed one")
	}
}

// Ctrl-C (or a closed terminal: SIGHUP) while a cell runs: nbexec stops at
// once, the kernel and the cell's program are gone, nothing is left in
// TMPDIR, and the notebook is unchanged.
func TestSignalStopsAndCleansUp(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) { signalStops(t, sig) })
	}
}

func signalStops(t *testing.T, sig syscall.Signal) {
	bin, root, tmp, env := nbexec(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "running")
	env = append(env, "NOETHER_TEST_MARK="+mark)
	nb := writeNotebook(t, dir, "slow.ipynb", "%%\nfmt.Println(1)",
		"%%\nos.WriteFile(os.Getenv(\"NOETHER_TEST_MARK\"), nil, 0o644)\ntime.Sleep(time.Hour)")
	before, _ := os.ReadFile(nb)
	cmd := exec.Command(bin, nb)
	cmd.Dir, cmd.Env = root, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the slow cell's program runs.
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the slow cell never ran:\n%s", out.String())
		}
	}
	t0 := time.Now()
	cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("exit: %v, want status 130\n%s", err, out.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("nbexec did not stop within 20 s of %v", sig)
	}
	t.Logf("stopped %v after %v", time.Since(t0), sig)
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left in TMPDIR: %v", names)
	}
	// No process anywhere still refers to our TMPDIR (the kernel's argv names
	// its connection file there; the cell program runs from there).
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(tmp)) {
			t.Errorf("process %s still running: %q", filepath.Dir(p), bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
		}
	}
	if after, _ := os.ReadFile(nb); !bytes.Equal(before, after) {
		t.Error("the notebook was changed by an interrupted run")
	}
	if !strings.Contains(out.String(), "In [2] (code cell 2 of 2") || !strings.Contains(out.String(), ": interrupted") || strings.Contains(out.String(), "context canceled") {
		t.Errorf("the report does not say the cell was interrupted:\n%s", out.String())
	}
}

func TestOutputDirNameCollision(t *testing.T) {
	bin, root, _, env := nbexec(t)
	a, b := t.TempDir(), t.TempDir()
	pa := writeNotebook(t, a, "same.ipynb", "%%\nfmt.Println(1)")
	pb := writeNotebook(t, b, "same.ipynb", "%%\nfmt.Println(2)")
	cmd := exec.Command(bin, "-o", t.TempDir(), pa, pb)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "would both be written as same.ipynb") {
		t.Fatalf("err %v, output:\n%s", err, out)
	}
}

func TestResultsAreNotRun(t *testing.T) {
	got := withoutResults([]string{"a.ipynb", "a.partial.ipynb", "b.executed.ipynb", "b.ipynb"})
	if strings.Join(got, " ") != "a.ipynb b.ipynb" {
		t.Fatalf("withoutResults kept %q", got)
	}
}

// A directory stands for its notebooks; a failure names the cell as
// Jupyter shows it, and says when the partial result could not be written
// (here a directory is in its way; on a full disk the same).
func TestDirectoryArgumentAndFailureReport(t *testing.T) {
	bin, root, _, env := nbexec(t)
	dir := t.TempDir()
	writeNotebook(t, dir, "a-ok.ipynb", "%%\nfmt.Println(1)")
	writeNotebook(t, dir, "b-fails.ipynb", "%%\nfmt.Println(2)", "  ", "%%\npanic(\"on purpose\")")
	os.Mkdir(filepath.Join(dir, "b-fails.partial.ipynb"), 0o755) // the partial result cannot be written
	cmd := exec.Command(bin, dir)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1\n%s", err, out)
	}
	for _, want := range []string{
		"ok   " + filepath.Join(dir, "a-ok.ipynb"),
		"FAIL " + filepath.Join(dir, "b-fails.ipynb"),
		"In [2] (code cell 3 of 3", // the empty code cell is not run
		"panic: on purpose",
		"the partial result could not be kept: writing " + filepath.Join(dir, "b-fails.partial.ipynb"),
		"2 notebook(s), 1 failed",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The FAIL line gives what the kernel used, as an ok line does.
	if re := `(?m)^FAIL \S+b-fails\.ipynb +In \[2\] .* after [0-9.]+ s, [0-9.]+ CPU-s, largest process [0-9]+ MiB$`; !regexp.MustCompile(re).Match(out) {
		t.Errorf("output does not match %s:\n%s", re, out)
	}
}

// An output directory that cannot be written is reported before anything
// runs, by its name, not by a hidden temporary file's.
func TestUnwritableOutputIsFoundFirst(t *testing.T) {
	bin, root, _, env := nbexec(t)
	if fi, err := os.Stat("/proc/self"); err != nil || !fi.IsDir() {
		t.Skip("no /proc: no directory that even root cannot write into")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "ran")
	nb := writeNotebook(t, dir, "nb.ipynb", "%%\nos.WriteFile(\""+mark+"\", nil, 0o644)")
	cmd := exec.Command(bin, "-o", "/proc/self", nb)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-o /proc/self: results cannot be written there") || strings.Contains(string(out), ".tmp-") {
		t.Fatalf("err %v, output:\n%s", err, out)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("the notebook ran although its result could not be written")
	}
}

// -offline reaches the kernels through nbexec's own environment, which
// they inherit: with it the variable the data loaders read is set, without
// it left as it was.
func TestOfflineFlag(t *testing.T) {
	t.Setenv(data.OfflineEnv, "")
	fs := flag.NewFlagSet("nbexec", flag.ContinueOnError)
	off := offlineFlag(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	setOffline(*off)
	if v := os.Getenv(data.OfflineEnv); v != "" {
		t.Fatalf("without -offline %s = %q", data.OfflineEnv, v)
	}
	if err := fs.Parse([]string{"-offline"}); err != nil {
		t.Fatal(err)
	}
	setOffline(*off)
	if v := os.Getenv(data.OfflineEnv); v != "1" {
		t.Fatalf("with -offline %s = %q, want 1", data.OfflineEnv, v)
	}
}

// -j 2 runs two notebooks at once, each in its own kernel: each cell marks
// that it started and waits (up to a minute) for the other's mark, so run
// one after the other the first would fail. -k=false stops at the first
// failure: the notebook after it never runs.
func TestJobsRunNotebooksAtOnce(t *testing.T) {
	bin, root, _, env := nbexec(t)
	dir, marks := t.TempDir(), t.TempDir()
	cell := func(me, other string) string {
		return fmt.Sprintf(`import ("os"; "time")

%%%%
os.WriteFile(%q, nil, 0o644)
for t0 := time.Now(); ; time.Sleep(50 * time.Millisecond) {
	if _, err := os.Stat(%q); err == nil {
		break
	}
	if time.Since(t0) > time.Minute {
		panic("the other notebook did not start: not run at once")
	}
}
fmt.Println("met")`, filepath.Join(marks, me), filepath.Join(marks, other))
	}
	a := writeNotebook(t, dir, "a.ipynb", cell("a", "b"))
	b := writeNotebook(t, dir, "b.ipynb", cell("b", "a"))
	cmd := exec.Command(bin, "-j", "2", dir)
	cmd.Dir, cmd.Env = root, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nbexec -j 2: %v\n%s", err, out)
	}
	for _, p := range []string{a, b} {
		nb, err := nbformat.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if o := nb.Cells[0].Outputs; len(o) != 1 || o[0].Text != "met\n" {
			t.Errorf("%s: outputs %+v", p, o)
		}
	}
	if !strings.Contains(string(out), "2 notebook(s), 0 failed") {
		t.Errorf("output lacks the summary:\n%s", out)
	}

	dir2 := t.TempDir()
	writeNotebook(t, dir2, "a-fails.ipynb", "%%\npanic(\"on purpose\")")
	second := writeNotebook(t, dir2, "b-ok.ipynb", "%%\nfmt.Println(1)")
	before, _ := os.ReadFile(second)
	cmd = exec.Command(bin, "-j", "1", "-k=false", dir2) // one at a time: b cannot start beside a
	cmd.Dir, cmd.Env = root, env
	out, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out), "FAIL ") || strings.Contains(string(out), "ok   ") {
		t.Errorf("-k=false: want the failure and nothing run after it:\n%s", out)
	}
	if after, _ := os.ReadFile(second); !bytes.Equal(before, after) {
		t.Error("-k=false: the notebook after the failure was run")
	}

	// -k=false with -j 2: a fails while b runs beside it; b finishes only
	// after a's partial result is written (then one second more, for the
	// failure to be counted), so c can only be started after the failure,
	// and must not be.
	dir3 := t.TempDir()
	writeNotebook(t, dir3, "a-fails.ipynb", "%%\npanic(\"on purpose\")")
	writeNotebook(t, dir3, "b-waits.ipynb", fmt.Sprintf(`import ("os"; "time")

%%%%
for t0 := time.Now(); ; time.Sleep(50 * time.Millisecond) {
	if _, err := os.Stat(%q); err == nil {
		break
	}
	if time.Since(t0) > time.Minute {
		panic("a's partial result never appeared")
	}
}
time.Sleep(time.Second)
fmt.Println("waited")`, filepath.Join(dir3, "a-fails.partial.ipynb")))
	third := writeNotebook(t, dir3, "c-ok.ipynb", "%%\nfmt.Println(3)")
	before, _ = os.ReadFile(third)
	cmd = exec.Command(bin, "-k=false", "-j", "2", dir3)
	cmd.Dir, cmd.Env = root, env
	out, _ = cmd.CombinedOutput()
	if !strings.Contains(string(out), "FAIL "+filepath.Join(dir3, "a-fails.ipynb")) || !strings.Contains(string(out), "ok   "+filepath.Join(dir3, "b-waits.ipynb")) {
		t.Errorf("-k=false -j 2: want a's failure and b finished beside it:\n%s", out)
	}
	if after, _ := os.ReadFile(third); !bytes.Equal(before, after) {
		t.Errorf("-k=false -j 2: the notebook after the failure was run:\n%s", out)
	}
}

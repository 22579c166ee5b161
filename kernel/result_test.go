//go:build unix

package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/nbformat"
)

// A save that lands while the executed notebook is being written (after the
// "changed on disk" check, before the rename: for a 31 MB notebook the
// write and its fsync take about 150 ms) is kept, and the result goes to
// NAME.executed.ipynb.
func TestSaveDuringTheWriteIsKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.ipynb")
	orig := writeNB(t, path, &nbformat.Cell{Type: "code", Source: "%%\nfmt.Println(1)"})
	executed, err := nbformat.Parse(orig)
	if err != nil {
		t.Fatal(err)
	}
	n := 1
	executed.Cells[0].ExecutionCount = &n
	executed.Cells[0].Outputs = []*nbformat.Output{{Type: "stream", Name: "stdout", Text: "1\n"}}

	edit := []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}`)
	saved := 0
	atomicfile.BeforeRename = func(p string) {
		if p == path {
			os.WriteFile(path, edit, 0o644) // the user's save lands now
			saved++
		}
	}
	t.Cleanup(func() { atomicfile.BeforeRename = nil })

	err = writeResult(path, orig, executed, "")
	if saved != 1 {
		t.Fatalf("the save was landed %d times, want once: the test proves nothing", saved)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, edit) {
		t.Fatalf("the save made during the write was overwritten; the file now holds %d bytes", len(now))
	}
	if err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("err = %v, want a report that the notebook changed on disk", err)
	}
	got, rerr := nbformat.ReadFile(filepath.Join(dir, "nb.executed.ipynb"))
	if rerr != nil {
		t.Fatalf("the executed notebook was not kept beside it: %v", rerr)
	}
	if o := got.Cells[0].Outputs; len(o) != 1 || o[0].Text != "1\n" {
		t.Fatalf("executed notebook outputs %+v", o)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left: %v, want the notebook and its executed result", names)
	}
}

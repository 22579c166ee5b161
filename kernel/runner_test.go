//go:build unix

package kernel

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// Every display a cell sends arrives, and before the cell's idle status:
// without a sync at the end of the cell's program GoNB lost about 1 in 15
// of these 50 KB displays, so 20 cells catch that with probability ~75%.
func TestEveryDisplayArrives(t *testing.T) {
	k := startKernel(t)
	code := "import \"github.com/noetherlab/noether/lib/show\"\n\n%%\nshow.HTML(strings.Repeat(\"x\", 50000))"
	for i := range 20 {
		reply, c, err := cellRun(t, k, code, ExecuteSettings{})
		if err != nil || reply.Status != "ok" {
			t.Fatalf("cell %d: %+v %v", i, reply, err)
		}
		if len(c.Outputs) != 1 || c.Outputs[0].Type != "display_data" {
			t.Fatalf("cell %d: outputs %d, want the one display", i, len(c.Outputs))
		}
	}
}

func writeNB(t *testing.T, path string, cells ...*nbformat.Cell) []byte {
	t.Helper()
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: cells}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// As nbclient: empty cells are not sent, a cell tagged raises-exception may
// fail without stopping the run, and language_info comes from the kernel.
func TestRunnerFollowsNbclient(t *testing.T) {
	_, spec := installed(t)
	path := filepath.Join(t.TempDir(), "rules.ipynb")
	writeNB(t, path,
		&nbformat.Cell{Type: "code", Source: "  \n"},
		&nbformat.Cell{Type: "code", Source: "%%\npanic(\"on purpose\")", Metadata: map[string]any{"tags": []any{"raises-exception"}}},
		&nbformat.Cell{Type: "code", Source: "%%\nfmt.Println(\"after\", os.Getenv(\"NOETHER_HEADLESS\"))"})
	if _, err := RunFile(context.Background(), path, RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}); err != nil {
		t.Fatal(err)
	}
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if c := nb.Cells[0]; c.ExecutionCount != nil || len(c.Outputs) != 0 {
		t.Errorf("empty cell was executed: %+v", c)
	}
	if outs := nb.Cells[1].Outputs; len(outs) == 0 || outs[len(outs)-1].Type != "error" {
		t.Errorf("tagged cell's error not recorded: %+v", outs)
	}
	if outs := nb.Cells[2].Outputs; len(outs) != 1 || outs[0].Text != "after 1\n" {
		t.Errorf("the run stopped at the tagged cell: %+v", outs)
	}
	if li, _ := nb.Metadata["language_info"].(map[string]any); li["name"] != "go" {
		t.Errorf("language_info = %v, want the kernel's", nb.Metadata["language_info"])
	}
}

// A notebook saved (in Jupyter, say) while it runs is not overwritten; a
// notebook reached through a symbolic link is written to its target.
func TestRunFileKeepsEditsAndLinks(t *testing.T) {
	_, spec := installed(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "edited.ipynb")
	writeNB(t, path, &nbformat.Cell{Type: "code", Source: "%%\nfmt.Println(1)"}, &nbformat.Cell{Type: "code", Source: "%%\nfmt.Println(2)"})
	edit := []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}`)
	s := RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}
	s.OnProgress = func(p Progress) {
		if p.Cell == 1 && !p.Finished {
			os.WriteFile(path, edit, 0o644) // the user saves meanwhile
		}
	}
	_, err := RunFile(context.Background(), path, s)
	if err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("err = %v, want a report that the notebook changed", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, edit) {
		t.Fatal("the user's edit was overwritten")
	}
	if _, err := nbformat.ReadFile(filepath.Join(dir, "edited.executed.ipynb")); err != nil {
		t.Fatalf("executed result not kept: %v", err)
	}

	target := filepath.Join(dir, "target.ipynb")
	writeNB(t, target, &nbformat.Cell{Type: "code", Source: "%%\nfmt.Println(3)"})
	link := filepath.Join(dir, "link.ipynb")
	os.Symlink(target, link)
	if _, err := RunFile(context.Background(), link, RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symbolic link was replaced by a file")
	}
	nb, _ := nbformat.ReadFile(target)
	if o := nb.Cells[0].Outputs; len(o) != 1 || o[0].Text != "3\n" {
		t.Fatalf("target not updated: %+v", o)
	}
}

package kernel

import (
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The interactive cells of notebooks 03 and 05 (show.Explore) need a
// browser. In the headless runs of TestNotebooks each must check
// show.Interactive() first, print its one line and draw nothing; the checks
// of those notebooks, registered in notebook_03_test.go and
// notebook_05_test.go (whose init functions run before this file's: the go
// command hands a package's files to the compiler sorted by name), still
// apply.
func init() {
	for _, name := range []string{"03-q-coordinates.ipynb", "05-convergence.ipynb"} {
		prev := notebookChecks[name]
		notebookChecks[name] = func(t *testing.T, nb *nbformat.Notebook) {
			if prev != nil {
				prev(t, nb)
			}
			exploreCellsSkipped(t, nb, 1)
		}
	}
}

// exploreCellsSkipped checks that nb has want cells calling show.Explore,
// each skipped as a headless run requires.
func exploreCellsSkipped(t *testing.T, nb *nbformat.Notebook, want int) {
	t.Helper()
	n := 0
	for _, c := range nb.Cells {
		if c.Type != "code" || !strings.Contains(c.Source, "show.Explore(") {
			continue
		}
		n++
		_, body, ok := strings.Cut(c.Source, "%%\n")
		if !ok || !strings.HasPrefix(body, "if !show.Interactive() {") {
			t.Errorf("cell %s: its body does not start with the check of show.Interactive()", c.ID)
		}
		if len(c.Outputs) != 1 || c.Outputs[0].Type != "stream" || c.Outputs[0].Name != "stdout" {
			t.Errorf("cell %s: outputs %+v, want one line on stdout", c.ID, c.Outputs)
			continue
		}
		if text := c.Outputs[0].Text; strings.Count(text, "\n") != 1 || !strings.HasPrefix(text, "Interactive in Jupyter") || !strings.Contains(text, "headless") {
			t.Errorf("cell %s printed %q, want one line saying it is interactive in Jupyter, skipped headless", c.ID, text)
		}
	}
	if n != want {
		t.Errorf("%d cells call show.Explore, want %d", n, want)
	}
}

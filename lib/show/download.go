package show

import "github.com/noetherlab/noether/lib/data"

// In a notebook, the downloads of package data (a data set fetched the
// first time it is loaded) show a progress bar in the cell's output, as
// long loops do. Outside the notebook data keeps its own choice: a bar on
// standard error when that is a terminal, nothing otherwise.
func init() { data.ProgressBar = downloadBar }

// downloadBar returns a notebook progress bar for a download of total
// bytes, or nil outside the notebook.
func downloadBar(label string, total int) data.Progress {
	if !inNotebook() {
		return nil
	}
	return NewProgress("downloading "+label, total)
}

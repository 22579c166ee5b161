package htmlexport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// notebooksDir is the repository's notebooks, the course this package
// publishes.
const notebooksDir = "../../notebooks"

// exportSettings copies Debian's MathJax when it is installed and links
// it otherwise, so that the export of the notebooks is tested everywhere.
func exportSettings() Settings {
	if _, err := FindMathJax(Settings{}); err != nil {
		return Settings{MathJaxURL: "https://cdn.example/MathJax.js"}
	}
	return Settings{}
}

// The whole set exports: a page per committed notebook, each titled by its
// first heading, a page for REFERENCES.md, and an index linking them all.
func TestExportNotebooks(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(notebooksDir, "*.ipynb"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks in %s (%v)", notebooksDir, err)
	}
	out := t.TempDir()
	site, err := Export(out, []string{notebooksDir}, exportSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(site.Pages) != len(paths) {
		t.Errorf("%d pages for %d notebooks", len(site.Pages), len(paths))
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range site.Pages {
		if p.Title == strings.TrimSuffix(p.File, ".html") {
			t.Errorf("%s has no heading to title its page", p.Notebook)
		}
		if !strings.Contains(string(index), `href="`+p.File+`"`) {
			t.Errorf("the index does not link %s", p.File)
		}
		if _, err := os.Stat(filepath.Join(out, p.File)); err != nil {
			t.Error(err)
		}
	}
	if len(site.Documents) != 1 || site.Documents[0].File != "REFERENCES.html" || !strings.Contains(string(index), `href="REFERENCES.html"`) {
		t.Errorf("documents %+v, want REFERENCES.html, linked from the index", site.Documents)
	}
	t.Logf("%d pages, %d files, %.1f MB", len(site.Pages), site.Files, float64(site.Bytes)/1e6)
}

// BenchmarkExportNotebooks exports every notebook of the repository, the
// site a course publishes (MathJax copied from Debian's package when it is
// installed).
func BenchmarkExportNotebooks(b *testing.B) {
	s := exportSettings()
	for b.Loop() {
		if _, err := Export(b.TempDir(), []string{notebooksDir}, s); err != nil {
			b.Fatal(err)
		}
	}
}

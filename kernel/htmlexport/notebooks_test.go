package htmlexport

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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
// first heading, a page per solutions notebook, a page for REFERENCES.md,
// and an index linking them all; no page links to a file of the site that
// is not there.
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
	solutions, _ := filepath.Glob(filepath.Join(notebooksDir, "solutions", "*.ipynb"))
	if len(site.Extras) != len(solutions) {
		t.Errorf("%d extra pages for %d solutions notebooks", len(site.Extras), len(solutions))
	}
	checkLinks(t, out)
	t.Logf("%d pages, %d more in subdirectories, %d files, %.1f MB", len(site.Pages), len(site.Extras), site.Files, float64(site.Bytes)/1e6)
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

var (
	ref    = regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
)

// checkLinks checks that every relative href and src of every page of the
// site that stays within it names a file of the site. (A link out of the
// site, into the repository, is the text's business.)
func checkLinks(t *testing.T, site string) {
	t.Helper()
	filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			link, _, _ := strings.Cut(m[1], "#")
			link, _, _ = strings.Cut(link, "?")
			if link == "" || scheme.MatchString(link) {
				continue // within the page, or elsewhere (https:, data:)
			}
			target := filepath.Join(filepath.Dir(p), filepath.FromSlash(link))
			if rel, err := filepath.Rel(site, target); err != nil || strings.HasPrefix(rel, "..") {
				continue // into the repository, beyond what the site publishes
			}
			if _, err := os.Stat(target); err != nil {
				rel, _ := filepath.Rel(site, p)
				t.Errorf("%s links %s, which the site does not hold", rel, m[1])
			}
		}
		return nil
	})
}

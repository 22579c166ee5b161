package notebooks_test

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/htmlexport"
	"github.com/noetherlab/noether/kernel/nbformat"
)

// needsLink is how a reading path's "needs" column names a notebook.
var needsLink = regexp.MustCompile(`\]\(([0-9][^)\s]*)\.ipynb\)`)

// README.md's reading path (the order of the course, and of the HTML
// export's index) holds every notebook of this directory exactly once and
// names none that is not here; what a notebook needs comes before it; its
// reading time is what its words give at htmlexport.WordsPerMinute, and its
// exercises are those it has, so that the columns follow the notebooks as
// they change.
func TestReadingPath(t *testing.T) {
	steps, err := htmlexport.ReadingPathFile("README.md")
	if err != nil {
		t.Fatal(err) // a notebook twice is an error here, naming both lines
	}
	paths := notebookPaths(t)
	have := map[string]bool{}
	for _, p := range paths {
		have[notebookName(p)] = true
	}
	at := map[string]int{}
	for i, s := range steps {
		at[s.Notebook] = i
		if !have[s.Notebook] {
			t.Errorf("README.md, line %d: the reading path names %s, which is not in notebooks/", s.Line, s.Notebook)
		}
	}
	for _, p := range paths {
		if _, ok := at[notebookName(p)]; !ok {
			t.Errorf("%s is not on README.md's reading path", p)
		}
	}
	var fix []string
	for i, s := range steps {
		for _, m := range needsLink.FindAllStringSubmatch(s.Needs, -1) {
			if j, ok := at[m[1]]; !ok || j >= i {
				t.Errorf("README.md, line %d: %s needs %s, which does not come before it on the reading path", s.Line, s.Notebook, m[1])
			}
		}
		if !have[s.Notebook] {
			continue
		}
		nb, err := nbformat.ReadFile(s.Notebook + ".ipynb")
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d min", htmlexport.ReadingMinutes(nb)); s.Read != want {
			fix = append(fix, fmt.Sprintf("line %d, %s: %q, want %q", s.Line, s.Notebook, s.Read, want))
		}
		checkExercises(t, s, nb)
	}
	if len(fix) > 0 {
		t.Errorf("README.md's reading times (words of the Markdown and code cells at %d a minute) are out of date:\n%s",
			htmlexport.WordsPerMinute, strings.Join(fix, "\n"))
	}
}

var (
	listedID      = regexp.MustCompile(`\b\d\d\.\d+\b`)
	solutionsLink = regexp.MustCompile(`\]\((solutions/[^)\s]+\.ipynb)\)`)
)

// checkExercises checks a step's exercises column: the IDs of the
// exercises of nb (exerciseIDs), in order, and, when it has any, a link to
// its solutions notebook, which exists.
func checkExercises(t *testing.T, s htmlexport.Step, nb *nbformat.Notebook) {
	t.Helper()
	have := exerciseIDs(nb)
	listed := listedID.FindAllString(solutionsLink.ReplaceAllString(s.Exercises, ""), -1)
	if !slices.Equal(listed, have) {
		t.Errorf("README.md, line %d: %s's exercises are listed as %q; the notebook has %q", s.Line, s.Notebook, listed, have)
	}
	if len(have) == 0 {
		return
	}
	m := solutionsLink.FindStringSubmatch(s.Exercises)
	if m == nil {
		t.Errorf("README.md, line %d: %s has exercises but no link to its solutions", s.Line, s.Notebook)
		return
	}
	if _, err := os.Stat(m[1]); err != nil {
		t.Errorf("README.md, line %d: %s's solutions: %v", s.Line, s.Notebook, err)
	}
}

package htmlexport

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"
)

// Step is one notebook of a reading path: a row of the course table in a
// notebook directory's README.md. The texts are Markdown, as written there.
type Step struct {
	Notebook  string // the notebook's name without .ipynb, e.g. "02-conserved-quantities"
	Line      int    // the row's line in the file, from 1
	Part      string // the heading above its table, if any (Markdown)
	Needs     string // the notebooks to read first
	Teaches   string // what it teaches, in a line
	Read      string // how long it takes to read
	Run       string // how long it takes to execute
	Exercises string // the exercises that go with it
}

// columns are the headers of a course table, matched by prefix, case
// ignored; "notebook" must come first.
var columns = []string{"notebook", "needs", "teaches", "read", "run", "exercises"}

var notebookLink = regexp.MustCompile(`\]\(([^)\s]+\.ipynb)\)`)

// ReadingPathFile reads the reading path of a README.md (ParseReadingPath).
// A missing file is an error that os.IsNotExist recognises.
func ReadingPathFile(file string) ([]Step, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	steps, err := ParseReadingPath(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return steps, nil
}

// ParseReadingPath returns the reading path a Markdown text gives in its
// course tables: the tables whose first header is "notebook", read in
// order (each in the part the heading above it names), one step per row whose first cell links to a notebook
// ([02-conserved-quantities](02-conserved-quantities.ipynb)). Rows that link
// to none (a placeholder for notebooks still to come) are not steps. A
// notebook named twice is an error, naming both lines.
func ParseReadingPath(md string) ([]Step, error) {
	var steps []Step
	seen := map[string]int{}
	lines := strings.Split(md, "\n")
	part := ""
	for i := 0; i < len(lines); i++ {
		if m := heading.FindStringSubmatch(lines[i]); m != nil {
			part = m[1]
		}
		head := tableCells(lines[i])
		if len(head) == 0 || !strings.HasPrefix(strings.ToLower(head[0]), "notebook") {
			continue
		}
		col := map[string]int{}
		for j, h := range head {
			for _, c := range columns {
				if strings.HasPrefix(strings.ToLower(h), c) {
					col[c] = j
				}
			}
		}
		i += 2 // the header and its delimiter row
		for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
			cells := tableCells(lines[i])
			m := notebookLink.FindStringSubmatch(cells[0])
			if m == nil {
				continue
			}
			name := strings.TrimSuffix(path.Base(m[1]), ".ipynb")
			if first, ok := seen[name]; ok {
				return nil, fmt.Errorf("line %d: %s is on the reading path twice (lines %d and %d)", i+1, name, first, i+1)
			}
			seen[name] = i + 1
			get := func(c string) string {
				if j, ok := col[c]; ok && j < len(cells) {
					return cells[j]
				}
				return ""
			}
			steps = append(steps, Step{Notebook: name, Line: i + 1, Part: part, Needs: get("needs"), Teaches: get("teaches"),
				Read: get("read"), Run: get("run"), Exercises: get("exercises")})
		}
	}
	return steps, nil
}

// tableCells splits a Markdown table row into its trimmed cells, or returns
// nil for a line that is not a row. A | escaped with a backslash or inside
// a code span does not split.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") {
		return nil
	}
	var cells []string
	var cur strings.Builder
	inCode := false
	for i := 1; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
			continue
		case c == '`':
			inCode = !inCode
		case c == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		cells = append(cells, rest)
	}
	return cells
}

package show

import (
	"fmt"
	"html"
	"strings"
	"unicode"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Table is a small table of values: results beside the paper's, a sweep
// over a hyperparameter. Numbers are right-aligned, everything else
// left-aligned.
//
//	t := show.Table{Header: []string{"h", "measured", "paper"}}
//	t.AddRow(50, q, 0.25)
//	t.Show()
type Table struct {
	// Caption, if not empty, is shown above the table.
	Caption string

	// Header names the columns; it may be empty.
	Header []string

	// Rows holds the cells. Rows may have different lengths; missing
	// cells are blank. Strings are shown as they are, floating-point
	// numbers with Format, integers in decimal, other values with %v.
	Rows [][]any

	// Format is the fmt verb for float32 and float64 cells; zero means
	// "%.6g".
	Format string
}

// AddRow appends a row of cells to t.
func (t *Table) AddRow(cells ...any) {
	t.Rows = append(t.Rows, cells)
}

// Show displays t in the notebook as text/html, with the aligned text of
// Text as text/plain. Outside the kernel it prints Text on standard output.
func (t Table) Show() error {
	return sendText("show.Table.Show", protocol.MIMETextHTML, t.HTML(), t.Text())
}

// grid is a table laid out as strings, with the alignment of each column.
type grid struct {
	header []string
	rows   [][]string
	right  []bool // column holds numbers only
	width  []int  // in columns (textWidth)
}

func (t Table) layout() grid {
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	format := t.Format
	if format == "" {
		format = "%.6g"
	}
	g := grid{
		header: make([]string, ncol),
		rows:   make([][]string, len(t.Rows)),
		right:  make([]bool, ncol),
		width:  make([]int, ncol),
	}
	copy(g.header, t.Header)
	numeric := make([]int, ncol)
	filled := make([]int, ncol)
	for i, r := range t.Rows {
		g.rows[i] = make([]string, ncol)
		for j, c := range r {
			s, isNum := formatCell(c, format)
			g.rows[i][j] = s
			if c != nil {
				filled[j]++
			}
			if isNum {
				numeric[j]++
			}
		}
	}
	for j := range ncol {
		g.right[j] = filled[j] > 0 && numeric[j] == filled[j]
		g.width[j] = textWidth(g.header[j])
		for _, r := range g.rows {
			g.width[j] = max(g.width[j], textWidth(r[j]))
		}
	}
	return g
}

func formatCell(c any, format string) (s string, numeric bool) {
	switch v := c.(type) {
	case nil:
		return "", false
	case string:
		return v, false
	case float64:
		return fmt.Sprintf(format, v), true
	case float32:
		return fmt.Sprintf(format, v), true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr:
		return fmt.Sprintf("%d", v), true
	default:
		return fmt.Sprint(v), false
	}
}

func pad(s string, width int, right bool) string {
	n := width - textWidth(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// Text returns t as plain text: columns separated by two spaces, the header
// underlined with dashes, no trailing spaces, each line ending in a newline.
func (t Table) Text() string {
	g := t.layout()
	var b strings.Builder
	if t.Caption != "" {
		b.WriteString(t.Caption)
		b.WriteByte('\n')
	}
	line := func(cells []string) {
		var l strings.Builder
		for j, c := range cells {
			if j > 0 {
				l.WriteString("  ")
			}
			l.WriteString(pad(c, g.width[j], g.right[j]))
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if len(t.Header) > 0 {
		line(g.header)
		dashes := make([]string, len(g.width))
		for j, w := range g.width {
			dashes[j] = strings.Repeat("-", w)
		}
		line(dashes)
	}
	for _, r := range g.rows {
		line(r)
	}
	return b.String()
}

// Markdown returns t as a GitHub-flavoured Markdown table, numeric columns
// right-aligned, preceded by the caption as a paragraph. A table without a
// header gets an empty one, since Markdown requires it.
func (t Table) Markdown() string {
	g := t.layout()
	var b strings.Builder
	if t.Caption != "" {
		b.WriteString(mdEscape(t.Caption))
		b.WriteString("\n\n")
	}
	line := func(cells []string) {
		b.WriteByte('|')
		for _, c := range cells {
			b.WriteByte(' ')
			b.WriteString(mdEscape(c))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	line(g.header)
	b.WriteByte('|')
	for j := range g.width {
		if g.right[j] {
			b.WriteString(" --: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteByte('\n')
	for _, r := range g.rows {
		line(r)
	}
	return b.String()
}

// mdEscape keeps a cell on one line and its pipes from splitting the cell.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// HTML returns t as an HTML table, cells escaped.
func (t Table) HTML() string {
	g := t.layout()
	var b strings.Builder
	b.WriteString("<table>\n")
	if t.Caption != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>\n", html.EscapeString(t.Caption))
	}
	align := func(j int) string {
		if g.right[j] {
			return "right"
		}
		return "left"
	}
	if len(t.Header) > 0 {
		b.WriteString("<thead><tr>")
		for j, c := range g.header {
			fmt.Fprintf(&b, `<th style="text-align:%s">%s</th>`, align(j), html.EscapeString(c))
		}
		b.WriteString("</tr></thead>\n")
	}
	b.WriteString("<tbody>\n")
	for _, r := range g.rows {
		b.WriteString("<tr>")
		for j, c := range r {
			fmt.Fprintf(&b, `<td style="text-align:%s">%s</td>`, align(j), html.EscapeString(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

// textWidth returns the number of columns s takes in a monospaced font: its
// runes less the combining marks, which draw over the rune before them
// (the tilde of "Q̃" is one).
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}

package htmlexport

import (
	"go/scanner"
	"go/token"
	"html"
	"sort"
	"strings"
)

// span is a highlighted stretch [start, end) of a cell's source.
type span struct {
	start, end int
	class      string
}

// predeclared holds Go's predeclared identifiers (types, constants,
// functions), shown apart from the cell's own names.
var predeclared = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`any bool byte comparable complex64 complex128 error float32 float64
		int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
		true false iota nil
		append cap clear close complex copy delete imag len make max min new panic print println real recover`) {
		predeclared[n] = true
	}
}

// highlightGo returns the HTML of a code cell's source with Go's tokens in
// classed spans: k keyword, s string or rune, m number, c comment, b
// predeclared name, and g for GoNB's special lines (%%, %env, !shell), which
// are not Go. Tokens come from go/scanner, so the source need not compile;
// what it cannot read is shown as plain text.
func highlightGo(src string) string {
	b := []byte(src)
	var spans []span
	// GoNB's special lines: kept out of the scanner's way (blanked, so that
	// offsets stay the same) and shown as a whole.
	for off := 0; off < len(b); {
		end := off
		for end < len(b) && b[end] != '\n' {
			end++
		}
		line := strings.TrimLeft(string(b[off:end]), " \t")
		if strings.HasPrefix(line, "%") || strings.HasPrefix(line, "!") {
			spans = append(spans, span{off, end, "g"})
			for i := off; i < end; i++ {
				b[i] = ' '
			}
		}
		off = end + 1
	}

	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(b))
	var s scanner.Scanner
	s.Init(file, b, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON && lit != ";" {
			continue // inserted at a newline or the end, not in the text
		}
		off := file.Offset(pos)
		n := len(lit)
		if lit == "" {
			n = len(tok.String())
		}
		if off+n > len(b) || (lit != "" && string(b[off:off+n]) != lit) {
			continue // a literal the scanner normalised (\r removed): leave it plain
		}
		class := ""
		switch {
		case tok.IsKeyword():
			class = "k"
		case tok == token.STRING || tok == token.CHAR:
			class = "s"
		case tok == token.INT || tok == token.FLOAT || tok == token.IMAG:
			class = "m"
		case tok == token.COMMENT:
			class = "c"
		case tok == token.IDENT && predeclared[lit]:
			class = "b"
		}
		if class != "" {
			spans = append(spans, span{off, off + n, class})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })

	var out strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.start < at {
			continue
		}
		out.WriteString(html.EscapeString(src[at:sp.start]))
		out.WriteString(`<span class="` + sp.class + `">`)
		out.WriteString(html.EscapeString(src[sp.start:sp.end]))
		out.WriteString(`</span>`)
		at = sp.end
	}
	out.WriteString(html.EscapeString(src[at:]))
	return out.String()
}

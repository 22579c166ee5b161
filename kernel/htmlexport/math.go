package htmlexport

import (
	"html"
	"strconv"
	"strings"
)

// Math in Markdown cells is typeset in the browser by MathJax, as Jupyter
// does, so the exporter's only job is to get it through the Markdown
// renderer unchanged: `$a_1 * b_2$` would otherwise lose its underscores to
// emphasis, and `$|Q|$` in a table would split the row. As in Jupyter's own
// front-end, the math is cut out before Markdown sees the text, replaced by
// placeholders, and put back, HTML-escaped, into the rendered HTML.

// Placeholders are private-use characters around an index: Markdown gives
// them no meaning and keeps them as they are.
const (
	mathOpen  = '\uE000'
	mathClose = '\uE001'
)

// protectMath returns src with each piece of math ($…$, $$…$$, \(…\),
// \[…\], \begin{env}…\end{env}) and each escaped dollar replaced by a
// placeholder, and the pieces in order. Code spans and fenced code blocks
// are left alone: a dollar there is code. An inline $…$ does not cross a
// blank line; an opening delimiter with no closing one is text.
func protectMath(src string) (string, []string) {
	var out strings.Builder
	var pieces []string
	hide := func(math string) {
		out.WriteRune(mathOpen)
		out.WriteString(strconv.Itoa(len(pieces)))
		out.WriteRune(mathClose)
		pieces = append(pieces, math)
	}
	fence := "" // the fence of the code block we are in, if any
	atLineStart := true
	for i := 0; i < len(src); {
		if atLineStart {
			line := src[i:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j+1]
			}
			trimmed := strings.TrimLeft(line, " ")
			if fence != "" {
				if strings.HasPrefix(trimmed, fence) && strings.TrimSpace(strings.TrimLeft(trimmed, fence[:1])) == "" {
					fence = ""
				}
				out.WriteString(line)
				i += len(line)
				continue
			}
			if len(line)-len(trimmed) <= 3 {
				if f := fenceOf(trimmed); f != "" {
					fence = f
					out.WriteString(line)
					i += len(line)
					continue
				}
			}
			atLineStart = false
		}
		c := src[i]
		switch {
		case c == '\n':
			out.WriteByte(c)
			i++
			atLineStart = true
			continue
		case c == '`':
			n := runLength(src[i:], '`')
			if end := closingTicks(src[i+n:], n); end >= 0 {
				out.WriteString(src[i : i+n+end+n])
				i += n + end + n
			} else {
				out.WriteString(src[i : i+n])
				i += n
			}
			continue
		case c == '\\' && strings.HasPrefix(src[i:], `\$`):
			hide(`\$`)
			i += 2
			continue
		case c == '\\' && (strings.HasPrefix(src[i:], `\(`) || strings.HasPrefix(src[i:], `\[`)):
			closer := `\)`
			if src[i+1] == '[' {
				closer = `\]`
			}
			if end := strings.Index(src[i+2:], closer); end >= 0 {
				hide(src[i : i+2+end+2])
				i += 2 + end + 2
				continue
			}
		case c == '\\' && strings.HasPrefix(src[i:], `\begin{`):
			if name, ok := strings.CutPrefix(src[i:], `\begin{`); ok {
				if j := strings.IndexByte(name, '}'); j > 0 {
					closer := `\end{` + name[:j] + `}`
					if end := strings.Index(src[i:], closer); end >= 0 {
						hide(src[i : i+end+len(closer)])
						i += end + len(closer)
						continue
					}
				}
			}
		case c == '$' && strings.HasPrefix(src[i:], "$$"):
			if end := indexUnescaped(src[i+2:], "$$"); end >= 0 {
				hide(src[i : i+2+end+2])
				i += 2 + end + 2
				continue
			}
			out.WriteString("$$")
			i += 2
			continue
		case c == '$':
			if end := indexUnescaped(src[i+1:], "$"); end > 0 && !strings.Contains(src[i+1:i+1+end], "\n\n") &&
				strings.TrimSpace(src[i+1:i+1+end]) != "" {
				hide(src[i : i+1+end+1])
				i += 1 + end + 1
				continue
			}
		}
		out.WriteByte(c)
		i++
	}
	return out.String(), pieces
}

// fenceOf returns the fence (``` or ~~~, or longer) that line opens, or "".
func fenceOf(line string) string {
	for _, f := range []byte{'`', '~'} {
		if n := runLength(line, f); n >= 3 {
			if f == '`' && strings.IndexByte(line[n:], '`') >= 0 {
				return "" // an info string with a backtick: not a fence
			}
			return line[:n]
		}
	}
	return ""
}

func runLength(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// closingTicks returns the offset in s of a run of exactly n backticks, or
// -1: the end of a code span opened by n backticks.
func closingTicks(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := runLength(s[i:], '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// indexUnescaped is strings.Index, skipping occurrences after a backslash.
func indexUnescaped(s, sub string) int {
	for off := 0; ; {
		j := strings.Index(s[off:], sub)
		if j < 0 {
			return -1
		}
		if k := off + j; k == 0 || s[k-1] != '\\' {
			return k
		}
		off += j + 1
	}
}

// restoreMath puts the pieces back into rendered HTML, escaped for HTML
// (MathJax reads the text, in which &lt; is <).
func restoreMath(h string, pieces []string) string {
	return restore(h, pieces, html.EscapeString)
}

// restore replaces the placeholders in s by esc of their pieces.
func restore(h string, pieces []string, esc func(string) string) string {
	if len(pieces) == 0 {
		return h
	}
	var out strings.Builder
	for {
		i := strings.IndexRune(h, mathOpen)
		if i < 0 {
			break
		}
		j := strings.IndexRune(h[i:], mathClose)
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(h[i+len(string(mathOpen)) : i+j])
		out.WriteString(h[:i])
		if err == nil && n >= 0 && n < len(pieces) {
			out.WriteString(esc(pieces[n]))
		} else {
			out.WriteString(h[i : i+j+len(string(mathClose))])
		}
		h = h[i+j+len(string(mathClose)):]
	}
	out.WriteString(h)
	return out.String()
}

package htmlexport

import (
	"html"
	"strconv"
	"strings"
)

// ansiHTML returns s, which may hold ANSI escape sequences (compiler errors,
// tracebacks, coloured logs), as HTML: the colours and bold of SGR sequences
// become classed spans (ansi-red, ansi-bold, …), every other escape
// sequence is dropped, and the text is escaped.
func ansiHTML(s string) string {
	var out strings.Builder
	var fg string
	bold, open := false, false
	closeSpan := func() {
		if open {
			out.WriteString("</span>")
			open = false
		}
	}
	for {
		i := strings.IndexByte(s, '\x1b')
		if i < 0 {
			out.WriteString(html.EscapeString(s))
			break
		}
		out.WriteString(html.EscapeString(s[:i]))
		s = s[i+1:]
		if !strings.HasPrefix(s, "[") {
			// A lone ESC or a two-character sequence: drop the ESC and the next byte.
			if len(s) > 0 {
				s = s[1:]
			}
			continue
		}
		// CSI: parameters and intermediates, then a final byte in @–~.
		j := 1
		for j < len(s) && (s[j] < '@' || s[j] > '~') {
			j++
		}
		if j == len(s) {
			break // cut off: drop the rest of the sequence
		}
		params, final := s[1:j], s[j]
		s = s[j+1:]
		if final != 'm' {
			continue
		}
		codes := strings.Split(params, ";")
		for k := 0; k < len(codes); k++ {
			c, err := strconv.Atoi(codes[k])
			if codes[k] == "" {
				c, err = 0, nil
			}
			if err != nil {
				continue
			}
			switch {
			case c == 0:
				fg, bold = "", false
			case c == 1:
				bold = true
			case c == 22:
				bold = false
			case c >= 30 && c <= 37:
				fg = ansiColors[c-30]
			case c >= 90 && c <= 97:
				fg = "bright-" + ansiColors[c-90]
			case c == 39:
				fg = ""
			case c == 38 || c == 48:
				// 256-colour and RGB forms: skip their arguments.
				if k+1 < len(codes) && codes[k+1] == "5" {
					k += 2
				} else if k+1 < len(codes) && codes[k+1] == "2" {
					k += 4
				}
			}
		}
		closeSpan()
		var classes []string
		if fg != "" {
			classes = append(classes, "ansi-"+fg)
		}
		if bold {
			classes = append(classes, "ansi-bold")
		}
		if len(classes) > 0 {
			out.WriteString(`<span class="` + strings.Join(classes, " ") + `">`)
			open = true
		}
	}
	closeSpan()
	return out.String()
}

var ansiColors = [8]string{"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"}

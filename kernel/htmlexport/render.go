package htmlexport

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"regexp"

	"strings"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// displayOrder is the order in which Jupyter's classic front-end picks the
// one representation of an output it shows, less application/javascript
// and application/pdf, which a static page does not show.
var displayOrder = []string{"text/html", "text/markdown", "text/latex", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/plain"}

// renderCells returns the HTML of a notebook's cells. Errors name the cell
// and output that could not be rendered.
func renderCells(nb *nbformat.Notebook) (string, error) {
	var out strings.Builder
	code := 0
	for i, c := range nb.Cells {
		switch c.Type {
		case "markdown":
			h, err := renderMarkdown(c.Source)
			if err != nil {
				return "", fmt.Errorf("cell %d (Markdown): %w", i, err)
			}
			out.WriteString(`<section class="cell markdown">` + "\n" + h + "</section>\n")
		case "code":
			if strings.TrimSpace(c.Source) == "" && len(c.Outputs) == 0 {
				continue // empty cells are not run either
			}
			code++
			prompt := "In [ ]:"
			if c.ExecutionCount != nil {
				prompt = fmt.Sprintf("In [%d]:", *c.ExecutionCount)
			}
			fmt.Fprintf(&out, `<section class="cell code" id="code-%d">`+"\n", code)
			fmt.Fprintf(&out, `<div class="input"><div class="prompt">%s</div><pre class="source"><code class="language-go">%s</code></pre></div>`+"\n",
				prompt, highlightGo(strings.TrimRight(c.Source, "\n")))
			for j, o := range c.Outputs {
				h, err := renderOutput(o)
				if err != nil {
					return "", fmt.Errorf("cell %d (code cell %d), output %d: %w", i, code, j, err)
				}
				if h == "" {
					continue
				}
				prompt := ""
				if o.Type == "execute_result" && o.ExecutionCount != nil {
					prompt = fmt.Sprintf("Out[%d]:", *o.ExecutionCount)
				}
				fmt.Fprintf(&out, `<div class="output"><div class="prompt">%s</div>%s</div>`+"\n", prompt, h)
			}
			out.WriteString("</section>\n")
		default:
			// Raw cells are for converters other than HTML; nbconvert's
			// HTML export leaves them out too.
		}
	}
	return out.String(), nil
}

// renderOutput returns the HTML of one output, "" for one with nothing a
// page can show.
func renderOutput(o *nbformat.Output) (string, error) {
	switch o.Type {
	case "stream":
		return fmt.Sprintf(`<pre class="stream %s">%s</pre>`, html.EscapeString(o.Name), ansiHTML(o.Text)), nil
	case "error":
		text := strings.Join(o.Traceback, "\n")
		if text == "" {
			text = o.EName + ": " + o.EValue
		}
		return `<pre class="error">` + ansiHTML(text) + `</pre>`, nil
	case "display_data", "execute_result":
	default:
		return "", fmt.Errorf("output type %q", o.Type)
	}
	for _, mime := range displayOrder {
		v, ok := o.Data[mime]
		if !ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s is a %T, not a string", mime, v)
		}
		switch mime {
		case "text/html":
			// Included as it is. Outputs are what the notebook's own cells
			// displayed, through this repository's library (tables,
			// progress, exercise verdicts): the export trusts them as
			// Jupyter trusts a notebook its user executed and saved. Export
			// only notebooks you executed yourself.
			return `<div class="html">` + s + `</div>`, nil
		case "text/markdown":
			h, err := renderMarkdown(s)
			if err != nil {
				return "", err
			}
			return `<div class="markdown">` + h + `</div>`, nil
		case "text/latex":
			return `<div class="latex">` + html.EscapeString(s) + `</div>`, nil
		case "image/svg+xml":
			return imgTag("image/svg+xml", base64.StdEncoding.EncodeToString([]byte(s)), o.Metadata[mime])
		case "image/png", "image/jpeg", "image/gif":
			b64 := strings.Join(strings.Fields(s), "")
			if _, err := base64.StdEncoding.DecodeString(b64); err != nil {
				return "", fmt.Errorf("%s is not base64: %v", mime, err)
			}
			return imgTag(mime, b64, o.Metadata[mime])
		case "text/plain":
			return `<pre class="text">` + ansiHTML(s) + `</pre>`, nil
		}
	}
	return "", nil
}

// imgTag returns an <img> holding the image as a data: URI, with the width
// and height Jupyter's metadata gives it (the page's style shrinks it to the
// column, keeping its proportions).
func imgTag(mime, b64 string, meta any) (string, error) {
	size := ""
	if m, ok := meta.(map[string]any); ok {
		for _, k := range []string{"width", "height"} {
			if v, ok := m[k]; ok {
				n, err := pixels(v)
				if err != nil {
					return "", fmt.Errorf("metadata %s.%s: %v", mime, k, err)
				}
				size += fmt.Sprintf(` %s="%d"`, k, n)
			}
		}
	}
	return fmt.Sprintf(`<img src="data:%s;base64,%s"%s alt="figure">`, mime, b64, size), nil
}

// pixels reads a width or height of image metadata: a JSON number.
func pixels(v any) (int, error) {
	var f float64
	var err error
	switch v := v.(type) {
	case json.Number:
		f, err = v.Float64()
	case float64:
		f = v
	case int:
		f = float64(v)
	default:
		return 0, fmt.Errorf("a %T, not a number", v)
	}
	if err != nil || f <= 0 || f > 1e5 {
		return 0, fmt.Errorf("%v is not a size in pixels", v)
	}
	return int(f + 0.5), nil
}

var heading = regexp.MustCompile(`(?m)^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$`)

// Title returns the text of the notebook's first Markdown heading, or "" if
// it has none.
func Title(nb *nbformat.Notebook) string {
	for _, c := range nb.Cells {
		if c.Type != "markdown" {
			continue
		}
		protected, _ := protectMath(c.Source)
		if m := heading.FindStringSubmatchIndex(protected); m != nil {
			// The heading's line in the original source (math may hold #).
			line := strings.Count(protected[:m[0]], "\n")
			src := strings.Split(c.Source, "\n")[line]
			if mm := heading.FindStringSubmatch(src); mm != nil {
				return mm[1]
			}
		}
	}
	return ""
}

// plain returns a Markdown title without the marks of emphasis and code,
// for the page's <title>.
func plain(s string) string {
	return strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
}

// readingWords counts what a reader reads in a notebook: the words of its
// Markdown cells and of its code cells' sources (outputs are looked at, not
// read word by word).
func readingWords(nb *nbformat.Notebook) int {
	n := 0
	for _, c := range nb.Cells {
		if c.Type == "markdown" || c.Type == "code" {
			n += len(strings.Fields(c.Source))
		}
	}
	return n
}

// WordsPerMinute is the reading speed ReadingMinutes assumes.
const WordsPerMinute = 200

// ReadingMinutes estimates the minutes a notebook takes to read: its words
// (Markdown and code) at WordsPerMinute, rounded to the nearest minute, at
// least 1.
func ReadingMinutes(nb *nbformat.Notebook) int {
	return max(1, (readingWords(nb)+WordsPerMinute/2)/WordsPerMinute)
}

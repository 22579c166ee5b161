package htmlexport

import (
	"bytes"
	"encoding/base64"
	"errors"
	"html"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// Math reaches the page exactly as written, whatever Markdown would have
// made of it: underscores and stars are not emphasis, a | in a table cell
// does not split it, < is escaped for HTML; and a dollar in code is code.
func TestMathSurvivesMarkdown(t *testing.T) {
	for _, c := range []struct{ md, want, notWant string }{
		{`a $x_1 * y_2 * z_3$ b`, `$x_1 * y_2 * z_3$`, "<em>"},
		{"| a | b |\n|---|---|\n| $|Q|$ | $\\|x\\|_F$ |\n", `<td>$|Q|$</td>`, ""},
		{`$$\langle a,\, b\rangle < c_{ij}$$`, `$$\langle a,\, b\rangle &lt; c_{ij}$$`, ""},
		{"$$\nM_A = -\\tfrac12 \\nabla_\\theta \\langle A,\\, Q\\rangle\n$$", "$$\nM_A = -\\tfrac12 \\nabla_\\theta \\langle A,\\, Q\\rangle\n$$", ""},
		{`\begin{aligned} a_1 &= b_2 \\ c &= d \end{aligned}`, `\begin{aligned} a_1 &amp;= b_2 \\ c &amp;= d \end{aligned}`, ""},
		{"costs \\$5 and \\$6", `costs \$5 and \$6`, ""},
		{"`$HOME` and `go run ./x $y`", "<code>$HOME</code> and <code>go run ./x $y</code>", ""},
		{"```sh\necho $a_b_c$\n```\n", "echo $a_b_c$\n</code></pre>", ""},
		{"one $ sign\n\nand another $ here", "one $ sign", ""},
		{`[link $\alpha$](02-conserved-quantities.ipynb#q)`, `<a href="02-conserved-quantities.html#q">link $\alpha$</a>`, ""},
	} {
		got, err := renderMarkdown(c.md)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%q renders as\n%s\nwant it to contain %q", c.md, got, c.want)
		}
		if c.notWant != "" && strings.Contains(got, c.notWant) {
			t.Errorf("%q renders as\n%s\nwhich contains %q", c.md, got, c.notWant)
		}
		if strings.ContainsAny(got, string([]rune{mathOpen, mathClose})) {
			t.Errorf("%q: a placeholder is left in %q", c.md, got)
		}
	}
}

// A Markdown cell cannot put a script, an event handler or a javascript:
// link on the page: raw HTML with anything but plain formatting tags is
// left out, as Jupyter's sanitiser removes it. Plain tags (a hint in
// <details>, a subscript) are kept.
func TestMarkdownIsSanitised(t *testing.T) {
	got, err := renderMarkdown("Hi <script>alert(1)</script> <img src=x onerror=alert(2)> <span onclick=\"alert(5)\">x</span>\n\n" +
		"[x](javascript:alert(3))\n\n<script>\nalert(4)\n</script>\n\n<div style=\"background:url(javascript:alert(6))\">\nno\n</div>\n\n" +
		"<details>\n<summary>Hint</summary>\n\nLook at $Q$.\n\n</details>\n\nH<sub>2</sub>O<br/>\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "onerror", "onclick", "javascript:", "alert(4)", "style="} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered Markdown contains %q:\n%s", bad, got)
		}
	}
	for _, good := range []string{"<details>\n<summary>Hint</summary>\n<p>Look at $Q$.</p>\n</details>", "H<sub>2</sub>O<br/>"} {
		if !strings.Contains(got, good) {
			t.Errorf("rendered Markdown lacks %q:\n%s", good, got)
		}
	}
}

// Headings get anchors from their words, math included, each once.
func TestHeadingIDs(t *testing.T) {
	got, err := renderMarkdown("## 1 · Where $Q$ comes from\n\n## Drift of $\\eta$\n\n## Drift of $\\eta$\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h2 id="1--where-q-comes-from">1 · Where $Q$ comes from</h2>`, `<h2 id="drift-of-eta">`, `<h2 id="drift-of-eta-1">`} {
		if !strings.Contains(got, want) {
			t.Errorf("headings render as\n%s\nwant %s", got, want)
		}
	}
}

// GFM tables become HTML tables with their alignment.
func TestMarkdownTables(t *testing.T) {
	got, err := renderMarkdown("| quantity | value |\n|:---|---:|\n| $\\eta$ | 0.1 |\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<table>", "<th", ">quantity</th>", `<td style="text-align:right">0.1</td>`, `<td style="text-align:left">$\eta$</td>`} {
		if !strings.Contains(got, want) {
			t.Errorf("table renders as\n%s\nwant %q", got, want)
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// Highlighting only adds spans: with the tags taken out and the entities
// decoded, the source is back byte for byte; keywords, strings, numbers,
// comments, predeclared names and GoNB's special lines get their classes,
// and code that is not Go (a cell's %% line, a stray character) is no
// obstacle.
func TestHighlightGo(t *testing.T) {
	src := "import (\n\t\"fmt\"\n)\n\n// A comment with <b>tags</b> & θ.\nfunc f(x float64) error { return nil }\n\n%%\n!echo $HOME\nres := `raw\nstring` + 'c'\nfmt.Println(len(res), 1.5e3, θ, 3 % 2) # stray\n"
	got := highlightGo(src)
	if back := html.UnescapeString(tags.ReplaceAllString(got, "")); back != src {
		t.Errorf("highlighting changed the text:\n%q\nwant\n%q", back, src)
	}
	for _, want := range []string{
		`<span class="k">import</span>`, `<span class="s">&#34;fmt&#34;</span>`, `<span class="k">func</span>`,
		`<span class="b">float64</span>`, `<span class="b">nil</span>`, `<span class="c">// A comment with &lt;b&gt;tags&lt;/b&gt; &amp; θ.</span>`,
		`<span class="g">%%</span>`, `<span class="g">!echo $HOME</span>`, "<span class=\"s\">`raw\nstring`</span>",
		`<span class="s">&#39;c&#39;</span>`, `<span class="m">1.5e3</span>`, `<span class="b">len</span>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("highlighted source lacks %s:\n%s", want, got)
		}
	}
}

// ANSI colours become classes, other escape sequences vanish, text is
// escaped.
func TestANSI(t *testing.T) {
	got := ansiHTML("\x1b[1;31merror\x1b[0m: a < b\x1b[2K\x1b[38;5;10m!\x1b[m done")
	want := `<span class="ansi-red ansi-bold">error</span>: a &lt; b! done`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// testPNG returns the base64 of a w×h PNG.
func testPNG(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// Outputs: a figure as a data: URI with the size its metadata gives (the
// base64 as Jupyter may have wrapped it), HTML as it is, the richest
// representation only, text and streams escaped, an error's traceback with
// its colours, an execute_result with its Out prompt.
func TestOutputs(t *testing.T) {
	one := 1
	b64 := testPNG(t, 8, 6)
	wrapped := b64[:10] + "\n" + b64[10:]
	nb := &nbformat.Notebook{Cells: []*nbformat.Cell{{Type: "code", Source: "%%\nx := 1", ExecutionCount: &one, Outputs: []*nbformat.Output{
		{Type: "display_data", Data: map[string]any{"image/png": wrapped, "text/plain": "<Figure>"},
			Metadata: map[string]any{"image/png": map[string]any{"width": 576.0, "height": 384.0}}},
		{Type: "display_data", Data: map[string]any{"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "plain table",
			"application/vnd.noether.exercise+json": map[string]any{"ok": true}}},
		{Type: "stream", Name: "stdout", Text: "a < b\n"},
		{Type: "error", EName: "ERROR", EValue: "boom", Traceback: []string{"\x1b[0;31mpanic\x1b[0m: boom"}},
		{Type: "execute_result", ExecutionCount: &one, Data: map[string]any{"text/plain": "42"}},
	}}}}
	got, err := renderCells(nb)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`In [1]:`,
		`<img src="data:image/png;base64,` + b64 + `" width="576" height="384" alt="figure">`,
		`<div class="html"><table><tr><td>1</td></tr></table></div>`,
		`<pre class="stream stdout">a &lt; b` + "\n</pre>",
		`<pre class="error"><span class="ansi-red">panic</span>: boom</pre>`,
		`<div class="prompt">Out[1]:</div><pre class="text">42</pre>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered cell lacks %s:\n%s", want, got)
		}
	}
	for _, notWant := range []string{"&lt;Figure&gt;", "plain table", "application/vnd"} {
		if strings.Contains(got, notWant) {
			t.Errorf("rendered cell shows %q, which a richer representation replaces", notWant)
		}
	}

	bad := &nbformat.Notebook{Cells: []*nbformat.Cell{{Type: "code", Source: "x", Outputs: []*nbformat.Output{
		{Type: "display_data", Data: map[string]any{"image/png": "not base64!"}}}}}}
	if _, err := renderCells(bad); err == nil || !strings.Contains(err.Error(), "cell 0 (code cell 1), output 0: image/png is not base64") {
		t.Errorf("a broken figure gives %v, want an error naming the cell and output", err)
	}
}

// The title is the first heading, even after a cell without one, and a #
// in math is not a heading.
func TestTitle(t *testing.T) {
	nb := &nbformat.Notebook{Cells: []*nbformat.Cell{
		{Type: "code", Source: "# not Markdown"},
		{Type: "markdown", Source: "Some text $$\n# x\n$$"},
		{Type: "markdown", Source: "intro\n\n## 02 · Conserved quantities ##\n# later"},
	}}
	if got := Title(nb); got != "02 · Conserved quantities" {
		t.Errorf("Title = %q", got)
	}
}

// A course table gives the order; rows without a notebook link are
// placeholders; a notebook twice is an error naming both lines.
func TestParseReadingPath(t *testing.T) {
	md := "# Course\n\n| notebook | needs | teaches | read | run | exercises |\n|---|---|---|---|---|---|\n" +
		"| [00-welcome](00-welcome.ipynb) | — | the library in one screen | 4 min | 10 s | 00.1–00.3 |\n" +
		"| [02-x](02-x.ipynb) | [00](00-welcome.ipynb) | $\\|Q\\|$ and `a|b` | 9 min | 1 min | |\n" +
		"| 18–21 (to come) | | | | | |\n\nText.\n\n| Notebook | teaches |\n|---|---|\n| [10-y](sub/10-y.ipynb) | z |\n"
	steps, err := ParseReadingPath(md)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range steps {
		names = append(names, s.Notebook)
	}
	if strings.Join(names, " ") != "00-welcome 02-x 10-y" {
		t.Fatalf("steps %q", names)
	}
	if s := steps[1]; s.Needs != "[00](00-welcome.ipynb)" || s.Teaches != "$|Q|$ and `a|b`" || s.Read != "9 min" || s.Run != "1 min" || s.Line != 6 {
		t.Errorf("second step %+v", s)
	}
	if steps[0].Part != "Course" || steps[2].Part != "Course" {
		t.Errorf("parts %q and %q, want the heading above the tables", steps[0].Part, steps[2].Part)
	}
	if s := steps[0]; s.Exercises != "00.1–00.3" || s.Teaches != "the library in one screen" {
		t.Errorf("first step %+v", s)
	}
	_, err = ParseReadingPath(md + "| [02-x](02-x.ipynb) | again |\n")
	if err == nil || !strings.Contains(err.Error(), "02-x is on the reading path twice (lines 6 and 14)") {
		t.Errorf("a notebook twice gives %v", err)
	}
}

// writeNotebook writes a small executed notebook with a figure and math.
func writeNotebook(t *testing.T, path, title string) {
	t.Helper()
	one := 1
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: []*nbformat.Cell{
		{ID: "a", Type: "markdown", Source: "# " + title + "\n\nThe loss $L(\\theta)$ and $$Q = U^\\top U - VV^\\top.$$"},
		{ID: "b", Type: "code", Source: "%%\nfmt.Println(1)", ExecutionCount: &one, Outputs: []*nbformat.Output{
			{Type: "display_data", Data: map[string]any{"image/png": testPNG(t, 4, 3)}, Metadata: map[string]any{}}}},
	}}
	if err := nbformat.WriteFile(path, nb, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMathJax makes a directory that looks like MathJax to Export.
func fakeMathJax(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := []string{"unpacked/MathJax.js"}
	for _, part := range mathJaxFiles {
		if !strings.HasSuffix(part, ".js") {
			part += "/x.js"
		}
		files = append(files, part)
	}
	for _, f := range files {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("// "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Export follows the README's reading path (notebooks it does not list
// last), links pages in that order, copies only the MathJax it needs, and
// writes the same bytes twice.
func TestExport(t *testing.T) {
	in := t.TempDir()
	writeNotebook(t, filepath.Join(in, "01-b.ipynb"), "01 · Bee")
	writeNotebook(t, filepath.Join(in, "02-a.ipynb"), "02 · Ay")
	writeNotebook(t, filepath.Join(in, "03-c.ipynb"), "03 · Sea")
	os.WriteFile(filepath.Join(in, "03-c.partial.ipynb"), []byte("{"), 0o644)
	readme := "| notebook | needs | teaches | read | run | exercises |\n|---|---|---|---|---|---|\n" +
		"| [02-a](02-a.ipynb) | — | first $x$ | 1 min | 5 s | 02.1 |\n| [01-b](01-b.ipynb) | [02-a](02-a.ipynb) | second | 2 min | 6 s | 01.1 · [solutions](solutions/01-b.ipynb) |\n"
	os.WriteFile(filepath.Join(in, "README.md"), []byte(readme), 0o644)
	os.Mkdir(filepath.Join(in, "solutions"), 0o755)
	writeNotebook(t, filepath.Join(in, "solutions", "01-b.ipynb"), "Solutions · 01")
	os.WriteFile(filepath.Join(in, "REFERENCES.md"), []byte("# References\n\nSee [the first](02-a.ipynb) and [us](REFERENCES.md#x), [up](../README.md).\n"), 0o644)
	mj := fakeMathJax(t)

	out := t.TempDir()
	site, err := Export(out, []string{in}, Settings{MathJax: mj, Title: "A course"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range site.Pages {
		order = append(order, p.File)
	}
	if strings.Join(order, " ") != "02-a.html 01-b.html 03-c.html" {
		t.Errorf("pages in order %q, want the reading path's then the rest", order)
	}
	index := read(t, filepath.Join(out, "index.html"))
	for _, want := range []string{"<h1>A course</h1>", `<a href="02-a.html">02 · Ay</a>`, `<p class="teaches">first $x$</p>`,
		`<span>needs <a href="02-a.html">02-a</a></span>`, `<a href="03-c.html">03 · Sea</a>`, `src="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML"`} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %s:\n%s", want, index)
		}
	}
	if !strings.Contains(index, `<li><a href="REFERENCES.html">References</a></li>`) {
		t.Errorf("index.html does not list REFERENCES.html")
	}
	refs := read(t, filepath.Join(out, "REFERENCES.html"))
	if !strings.Contains(refs, `<a href="02-a.html">the first</a> and <a href="REFERENCES.html#x">us</a>, <a href="../README.md">up</a>`) {
		t.Errorf("REFERENCES.html:\n%s", refs)
	}
	if !strings.Contains(index, `<span>exercises 01.1 · <a href="solutions/01-b.html">solutions</a></span>`) {
		t.Errorf("index.html does not link the solutions page:\n%s", index)
	}
	if len(site.Extras) != 1 || site.Extras[0].File != "solutions/01-b.html" {
		t.Errorf("extra pages %+v, want solutions/01-b.html", site.Extras)
	}
	sol := read(t, filepath.Join(out, "solutions", "01-b.html"))
	for _, want := range []string{`href="../assets/noether.css"`, `src="../assets/mathjax/MathJax.js?config=TeX-AMS_CHTML"`, `<a href="../index.html">Contents</a>`,
		"Exported from solutions/01-b.ipynb."} {
		if !strings.Contains(sol, want) {
			t.Errorf("solutions/01-b.html lacks %s", want)
		}
	}
	page := read(t, filepath.Join(out, "01-b.html"))
	for _, want := range []string{`<title>01 · Bee</title>`, `href="02-a.html" rel="prev">← 02 · Ay</a>`, `href="03-c.html" rel="next">03 · Sea →</a>`,
		`$$Q = U^\top U - VV^\top.$$`, `<img src="data:image/png;base64,`, "Exported from 01-b.ipynb."} {
		if !strings.Contains(page, want) {
			t.Errorf("01-b.html lacks %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "assets/mathjax/extensions/x.js")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, "assets/mathjax/unpacked")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MathJax's unpacked sources were copied (%v)", err)
	}

	out2 := t.TempDir()
	if _, err := Export(out2, []string{in}, Settings{MathJax: mj, Title: "A course"}); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if a, b := read(t, p), read(t, filepath.Join(out2, rel)); a != b {
			t.Errorf("%s differs between two exports", rel)
		}
		return nil
	})

	// A CDN instead of a copy.
	out3 := t.TempDir()
	if _, err := Export(out3, []string{filepath.Join(in, "01-b.ipynb")}, Settings{MathJaxURL: "https://example.org/mathjax/2.7.9/MathJax.js"}); err != nil {
		t.Fatal(err)
	}
	if p := read(t, filepath.Join(out3, "01-b.html")); !strings.Contains(p, `src="https://example.org/mathjax/2.7.9/MathJax.js?config=TeX-AMS_CHTML"`) {
		t.Error("the page does not link the MathJax URL given")
	}
	if _, err := os.Stat(filepath.Join(out3, "assets/mathjax")); !errors.Is(err, fs.ErrNotExist) {
		t.Error("MathJax was copied although a URL was given")
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Bad input is named and leaves the site as it was: a malformed notebook,
// a reading path naming a notebook that is not there, a notebook whose page
// would be the index, no MathJax.
func TestExportErrors(t *testing.T) {
	in := t.TempDir()
	writeNotebook(t, filepath.Join(in, "01-b.ipynb"), "01")
	broken := filepath.Join(in, "02-broken.ipynb")
	os.WriteFile(broken, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": 3}]}`), 0o644)
	mj := fakeMathJax(t)
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "index.html"), []byte("old"), 0o644)

	_, err := Export(out, []string{in}, Settings{MathJax: mj})
	if err == nil || !strings.Contains(err.Error(), broken+": cell 0") {
		t.Errorf("a malformed notebook gives %v, want an error naming it and the cell", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 || read(t, filepath.Join(out, "index.html")) != "old" {
		t.Errorf("the failed export changed the site: %v", entries)
	}
	os.Remove(broken)

	os.WriteFile(filepath.Join(in, "README.md"), []byte("| notebook |\n|---|\n| [01-b](01-b.ipynb) |\n| [09-gone](09-gone.ipynb) |\n"), 0o644)
	_, err = Export(out, []string{in}, Settings{MathJax: mj})
	if err == nil || !strings.Contains(err.Error(), "line 4: the reading path names 09-gone, which is not in") {
		t.Errorf("a reading path naming a missing notebook gives %v", err)
	}
	os.Remove(filepath.Join(in, "README.md"))

	index := filepath.Join(t.TempDir(), "index.ipynb")
	writeNotebook(t, index, "Index")
	_, err = Export(out, []string{in, index}, Settings{MathJax: mj})
	if err == nil || !strings.Contains(err.Error(), "the index and "+index+" would both be exported as index.html") {
		t.Errorf("a notebook named index gives %v", err)
	}

	_, err = Export(out, []string{in}, Settings{MathJax: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "holds no MathJax.js") {
		t.Errorf("a directory without MathJax gives %v", err)
	}
	if _, err := os.Stat(DebianMathJax); errors.Is(err, fs.ErrNotExist) {
		_, err = Export(out, []string{in}, Settings{})
		if err == nil || !strings.Contains(err.Error(), "apt-get install libjs-mathjax") {
			t.Errorf("no MathJax installed gives %v, want the package to install", err)
		}
	}
}

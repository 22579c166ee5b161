package htmlexport

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders Markdown cells as Jupyter does: CommonMark with GitHub's
// tables and strikethrough, math kept for MathJax, headings given ids (the
// anchors of the page's sections).
//
// Raw HTML in Markdown is kept only when every tag in it is a plain text
// tag with no attributes (rawHTML); anything else is left out (goldmark's
// safe default writes a comment in its place), and so are javascript:
// links. Jupyter sanitises Markdown cells too, and a published page should
// not run what a notebook's text smuggles in.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(notebookLinks{}, 100)),
	),
	// Priority 100 comes before the HTML renderer's 1000: its functions win.
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawHTML{}, 100))),
)

// plainTag is an HTML tag a Markdown cell may use: formatting, <details>
// for a hint to unfold, no attributes but details' open.
var plainTag = regexp.MustCompile(`(?i)^</?(b|i|em|strong|sub|sup|br|kbd|code|s|del|small|u|mark|hr|p|div|span|details|summary)\s*(open\s*)?/?>$`)

// plainHTML reports whether every tag in s is a plainTag.
func plainHTML(s string) bool {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return true
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 || !plainTag.MatchString(s[i:i+j+1]) {
			return false
		}
		s = s[i+j+1:]
	}
}

// rawHTML renders raw HTML, inline or as a block, when it is plainHTML,
// and a comment saying it was left out otherwise.
type rawHTML struct{}

func (rawHTML) RegisterFuncs(r renderer.NodeRendererFuncRegisterer) {
	r.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		var b []byte
		segs := n.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			b = append(b, seg.Value(source)...)
		}
		if plainHTML(string(b)) {
			w.Write(b)
		} else {
			w.WriteString("<!-- raw HTML omitted -->")
		}
		return ast.WalkSkipChildren, nil
	})
	r.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		block := n.(*ast.HTMLBlock)
		var b []byte
		if entering {
			lines := block.Lines()
			for i := range lines.Len() {
				line := lines.At(i)
				b = append(b, line.Value(source)...)
			}
		} else if block.HasClosure() {
			b = block.ClosureLine.Value(source)
		}
		if len(b) == 0 {
			return ast.WalkContinue, nil
		}
		if plainHTML(string(b)) {
			w.Write(b)
		} else {
			w.WriteString("<!-- raw HTML omitted -->\n")
		}
		return ast.WalkContinue, nil
	})
}

// renderMarkdown renders src to HTML with its math intact.
func renderMarkdown(src string) (string, error) {
	protected, pieces := protectMath(src)
	var buf bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{pieces: pieces, used: map[string]bool{}}))
	if err := markdown.Convert([]byte(protected), &buf, parser.WithContext(ctx)); err != nil {
		return "", err
	}
	return restoreMath(buf.String(), pieces), nil
}

// headingIDs gives headings their anchors: the heading's words, math
// included (\eta as eta), lower case, joined by hyphens; -1, -2, … for a
// heading met again.
type headingIDs struct {
	pieces []string
	used   map[string]bool
}

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	text := restore(string(value), h.pieces, func(s string) string { return s })
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case unicode.IsSpace(r):
			b.WriteByte('-')
		}
	}
	id := strings.Trim(b.String(), "-")
	if id == "" {
		id = "section"
	}
	base := id
	for n := 1; h.used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// notebookLinks points relative links to notebooks (02-conserved-quantities.ipynb,
// with or without a #section), and to Markdown files beside them
// (REFERENCES.md), at their pages: the site holds NAME.html for each
// NAME.ipynb and NAME.md it was made from.
type notebookLinks struct{}

func (notebookLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			l.Destination = []byte(pageLink(string(l.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

// pageLink returns dest with a relative .ipynb path, or a .md file of the
// same directory, turned into .html.
func pageLink(dest string) string {
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return dest
	}
	path, frag, _ := strings.Cut(dest, "#")
	switch {
	case strings.HasSuffix(u.Path, ".ipynb"):
		path = strings.TrimSuffix(path, ".ipynb") + ".html"
	case strings.HasSuffix(u.Path, ".md") && !strings.Contains(u.Path, "/"):
		path = strings.TrimSuffix(path, ".md") + ".html"
	default:
		return dest
	}
	if frag != "" {
		path += "#" + frag
	}
	return path
}

package htmlexport

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders Markdown cells as Jupyter does: CommonMark with GitHub's
// tables and strikethrough, math kept for MathJax, headings given ids (the
// anchors of the page's sections).
//
// Raw HTML in Markdown is left out (goldmark's safe default: it writes a
// comment in its place), and so are javascript: links: Jupyter sanitises
// Markdown cells too, and a published page should not run what a notebook's
// text smuggles in.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(notebookLinks{}, 100)),
	),
)

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
// with or without a #section) at their pages: the site holds NAME.html
// beside each NAME.ipynb it was made from.
type notebookLinks struct{}

func (notebookLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			l.Destination = []byte(pageLink(string(l.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

// pageLink returns dest with a relative .ipynb path turned into .html.
func pageLink(dest string) string {
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasSuffix(u.Path, ".ipynb") {
		return dest
	}
	path, frag, _ := strings.Cut(dest, "#")
	path = strings.TrimSuffix(path, ".ipynb") + ".html"
	if frag != "" {
		path += "#" + frag
	}
	return path
}

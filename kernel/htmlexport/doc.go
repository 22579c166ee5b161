// Package htmlexport renders executed notebooks to a static site that needs
// neither Go nor Jupyter to read: one page per notebook and an index, so
// that a course can be published as files.
//
// A page shows a notebook as Jupyter's classic Notebook shows it: Markdown
// (CommonMark with GitHub's tables) with its math typeset by MathJax 2.7,
// the version and configuration Jupyter uses; code cells highlighted as Go
// with their In [N] prompts; figures embedded as data: URIs at the size
// their metadata gives; HTML outputs (tables, exercise verdicts) as they
// are; text, streams and errors in preformatted blocks, ANSI colours turned
// into styles. MathJax is copied from Debian's libjs-mathjax into the
// site's assets (no third-party code lives in this repository), or linked
// by URL.
//
// The index lists the notebooks in the order of the reading path of their
// directory's README.md (ParseReadingPath), with what each needs and
// teaches; pages link to the previous and next one. The same notebooks
// always give the same bytes, and a site is written file by file through
// temporary files and renames, after every notebook has been rendered.
package htmlexport

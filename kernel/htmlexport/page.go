package htmlexport

import "html/template"

// mathJaxConfig is the configuration of Jupyter's classic Notebook and of
// nbconvert's HTML export: $…$ and \(…\) inline, $$…$$ and \[…\] displayed,
// \$ for a dollar, LaTeX environments outside dollars. When MathJax is done
// it marks the page (data-mathjax="done"), which tests wait for.
const mathJaxConfig = `
MathJax.Hub.Config({
  tex2jax: {
    inlineMath: [['$', '$'], ['\\(', '\\)']],
    displayMath: [['$$', '$$'], ['\\[', '\\]']],
    processEscapes: true,
    processEnvironments: true
  },
  displayAlign: 'center',
  messageStyle: 'none',
  CommonHTML: {linebreaks: {automatic: true}}
});
MathJax.Hub.Register.StartupHook('End', function () {
  document.documentElement.setAttribute('data-mathjax', 'done');
});
`

const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.Root}}assets/noether.css">
<script type="text/x-mathjax-config">` + mathJaxConfig + `</script>
<script src="{{.MathJax}}"></script>
</head>
`

var pageTemplate = template.Must(template.New("page").Parse(head + `<body>
<nav class="pages">
<a href="{{.Root}}index.html">Contents</a>
{{- with .Prev}}<a class="prev" href="{{.File}}" rel="prev">← {{.Title}}</a>{{end}}
{{- with .Next}}<a class="next" href="{{.File}}" rel="next">{{.Title}} →</a>{{end}}
</nav>
<main class="notebook">
{{.Body}}</main>
<nav class="pages">
<a href="{{.Root}}index.html">Contents</a>
{{- with .Prev}}<a class="prev" href="{{.File}}" rel="prev">← {{.Title}}</a>{{end}}
{{- with .Next}}<a class="next" href="{{.File}}" rel="next">{{.Title}} →</a>{{end}}
</nav>
<footer>Exported from {{.Source}}.</footer>
</body>
</html>
`))

var indexTemplate = template.Must(template.New("index").Parse(head + `<body>
<main class="index">
<h1>{{.Title}}</h1>
<p>{{len .Rows}} notebooks, in reading order. Each page shows a notebook as it was executed: its text, its code and what the code printed and drew.</p>
<ol class="contents">
{{- range .Rows}}
{{- if .Part}}
<li class="part"><h2>{{.Part}}</h2></li>
{{- end}}
<li value="{{.Number}}"><a href="{{.Page.File}}">{{.Title}}</a>
{{- if .Page.Step}}
{{- if .Teaches}}
<p class="teaches">{{.Teaches}}</p>{{end}}
<p class="meta">
{{- if .Needs}}<span>needs {{.Needs}}</span>{{end}}
{{- if .Read}}<span>read {{.Read}}</span>{{end}}
{{- if .Run}}<span>run {{.Run}}</span>{{end}}
{{- if .Exercises}}<span>exercises {{.Exercises}}</span>{{end -}}
</p>
{{- end}}
</li>
{{- end}}
</ol>
{{- with .Documents}}
<h2>Also</h2>
<ul class="documents">
{{- range .}}
<li><a href="{{.File}}">{{.Title}}</a></li>
{{- end}}
</ul>
{{- end}}
</main>
</body>
</html>
`))

// stylesheet is the site's own style: one readable column, code and
// outputs set apart as in Jupyter, prompts in the margin on wide screens,
// and a print style without navigation that keeps figures whole.
const stylesheet = `:root {
  --text: #1d1f21; --muted: #6a737d; --rule: #e1e4e8; --code-bg: #f6f8fa;
  --link: #0b5cad; --k: #8959a8; --s: #718c00; --m: #c82829; --c: #8e908c; --b: #3e999f; --g: #b35900;
}
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0; color: var(--text); background: #fff;
  font-family: "Source Serif Pro", Charter, "Bitstream Charter", Georgia, serif; line-height: 1.55; }
main { max-width: 56rem; margin: 0 auto; padding: 1rem 1.5rem 3rem 7rem; }
main.index { padding-left: 1.5rem; }
a { color: var(--link); }
h1, h2, h3, h4 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 1.9rem; } h2 { font-size: 1.45rem; } h3 { font-size: 1.15rem; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.8rem; }
:not(pre) > code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 3px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; tab-size: 4; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85rem; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--rule); padding: 0.3em 0.6em; vertical-align: top; }
th { background: var(--code-bg); }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.8rem; padding-top: 0.3em; }
blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid var(--rule); color: var(--muted); }
.cell { margin: 0.8rem 0; position: relative; }
.cell.code { margin: 1.2rem 0; }
.prompt { position: absolute; left: -6.5rem; width: 6rem; text-align: right; color: var(--muted);
  font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.75rem; padding-top: 0.55rem; }
.input pre.source { background: var(--code-bg); border: 1px solid var(--rule); border-radius: 4px; padding: 0.5rem 0.75rem; }
.output { position: relative; margin-top: 0.4rem; }
.output pre { padding: 0.2rem 0.75rem; }
.output pre.stderr { background: #fff5f5; }
.output pre.error { background: #fff0f0; border-left: 3px solid #d73a49; padding: 0.5rem 0.75rem; }
.output img { max-width: 100%; height: auto; display: block; }
.output .html { overflow-x: auto; }
.k { color: var(--k); } .s { color: var(--s); } .m { color: var(--m); }
.c { color: var(--c); font-style: italic; } .b { color: var(--b); } .g { color: var(--g); }
.ansi-bold { font-weight: bold; }
.ansi-red, .ansi-bright-red { color: #c82829; } .ansi-green, .ansi-bright-green { color: #3a7d00; }
.ansi-yellow, .ansi-bright-yellow { color: #b58900; } .ansi-blue, .ansi-bright-blue { color: #2a6fbb; }
.ansi-magenta, .ansi-bright-magenta { color: #8959a8; } .ansi-cyan, .ansi-bright-cyan { color: #3e999f; }
.ansi-black, .ansi-bright-black { color: #555; } .ansi-white, .ansi-bright-white { color: #999; }
nav.pages { max-width: 56rem; margin: 0 auto; padding: 0.6rem 1.5rem; display: flex; gap: 1.5rem;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 0.85rem; border-bottom: 1px solid var(--rule); }
nav.pages:last-of-type { border-bottom: 0; border-top: 1px solid var(--rule); }
nav.pages .next { margin-left: auto; }
footer { max-width: 56rem; margin: 0 auto 2rem; padding: 0 1.5rem; color: var(--muted); font-size: 0.8rem; }
ol.contents { list-style: none; padding-left: 0; }
ol.contents > li { margin: 0.9rem 0; }
ol.contents > li.part h2 { margin: 1.8rem 0 0.4rem; }
ol.contents p { margin: 0.15rem 0 0; }
ol.contents p.meta { color: var(--muted); font-size: 0.85rem; }
ol.contents p.meta span + span::before { content: " · "; }
@media (max-width: 50rem) {
  main { padding-left: 1rem; padding-right: 1rem; }
  .prompt { position: static; width: auto; text-align: left; padding: 0; }
}
@media print {
  nav.pages, footer { display: none; }
  main { max-width: none; padding: 0 0 0 5rem; }
  .cell.code, .output img, table { break-inside: avoid; }
  a { color: inherit; }
}
`

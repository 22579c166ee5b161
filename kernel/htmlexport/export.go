package htmlexport

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/nbformat"
)

// DebianMathJax is where Debian's libjs-mathjax package installs MathJax 2.7,
// the version Jupyter's classic Notebook typesets with.
const DebianMathJax = "/usr/share/javascript/mathjax"

// mathJaxFiles are the parts of MathJax 2.7 the pages load: the TeX input,
// the CommonHTML output with its web fonts, and the extensions the
// TeX-AMS_CHTML configuration pulls in (the menu, zoom, accessibility),
// 125 files, 1.7 MB of the package's 54 MB.
var mathJaxFiles = []string{
	"MathJax.js",
	"config/TeX-AMS_CHTML.js",
	"extensions",
	"fonts/HTML-CSS/TeX/woff",
	"jax/element",
	"jax/input/TeX",
	"jax/output/CommonHTML",
	"jax/output/PreviewHTML",
	"localization/en",
}

// Settings are the options of Export. The zero value copies MathJax from
// Debian's libjs-mathjax.
type Settings struct {
	// MathJax is a directory holding MathJax 2.7 (MathJax.js at its top),
	// copied into the site's assets/mathjax; "" means DebianMathJax.
	MathJax string
	// MathJaxURL, if not "", is the address of MathJax.js the pages link
	// to instead of a copy (a CDN: the pages then need the network to show
	// their math). Nothing is copied.
	MathJaxURL string
	// Title heads the index page; "" means "Notebooks".
	Title string
}

// Page is one exported notebook.
type Page struct {
	Notebook string // the .ipynb file it was made from
	File     string // its page, relative to the site's directory
	Title    string // the notebook's first heading (Markdown)
	Step     *Step  // its row of the reading path, if it has one
}

// Site is what Export wrote.
type Site struct {
	Dir       string
	Pages     []Page // in reading order
	Extras    []Page // the notebooks of subdirectories (solutions/), off the reading order
	Documents []Page // the Markdown files beside the notebooks (README.md aside), in name order
	Files     int    // files written, index and assets included
	Bytes     int64  // their size
}

// FindMathJax returns the MathJax 2.7 directory Export would copy for s,
// or an error that says what to install.
func FindMathJax(s Settings) (string, error) {
	dir := s.MathJax
	if dir == "" {
		dir = DebianMathJax
	}
	if _, err := os.Stat(filepath.Join(dir, "MathJax.js")); err != nil {
		if s.MathJax == "" {
			return "", fmt.Errorf("MathJax 2.7 not found (no %s): install Debian's libjs-mathjax (sudo apt-get install libjs-mathjax), or give a MathJax 2.7 directory, or link one by its URL", filepath.Join(dir, "MathJax.js"))
		}
		return "", fmt.Errorf("%s holds no MathJax.js: want a MathJax 2.7 directory", dir)
	}
	return dir, nil
}

// Export renders executed notebooks to a static site in dir: one page per
// notebook (NAME.html beside NAME.ipynb's name), figures embedded as data:
// URIs, code highlighted as Go, math typeset in the browser by MathJax
// (copied into dir/assets, or linked); an index.html listing the notebooks
// in reading order with their titles and, where it has one, their row of
// the reading path; previous and next links on each page.
//
// Each input is a notebook or a directory of notebooks (its *.ipynb, less
// the .partial.ipynb and .executed.ipynb runs leave). A directory's
// README.md, if it has a course table (ParseReadingPath), orders its
// notebooks; notebooks it does not list follow in name order, and a listed
// notebook that is not there is an error. Otherwise notebooks keep the
// order given, directories in name order. A directory's other Markdown
// files (REFERENCES.md) become pages too, listed at the end of the index,
// and so do the notebooks of its subdirectories (solutions/NAME.ipynb as
// solutions/NAME.html), off the reading order, reached by the links to them.
//
// Every notebook is read and rendered before anything is written, so that
// a malformed one (named, with what is wrong) leaves dir untouched; each
// file is then written whole or not at all (through a temporary file and a
// rename), assets first and the index last. The same inputs give the same
// bytes.
func Export(dir string, inputs []string, s Settings) (*Site, error) {
	if len(inputs) == 0 {
		return nil, errors.New("htmlexport: no notebooks to export")
	}
	sources, extras, docs, err := collect(inputs)
	if err != nil {
		return nil, err
	}

	// mathJax is the address of MathJax.js from a page at root (its path
	// back to the site's directory: "" or "../").
	mathJaxDir := ""
	if s.MathJaxURL == "" {
		if mathJaxDir, err = FindMathJax(s); err != nil {
			return nil, err
		}
	}
	mathJax := func(root string) string {
		u := s.MathJaxURL
		if u == "" {
			u = root + "assets/mathjax/MathJax.js"
		}
		if strings.Contains(u, "?") {
			return u + "&config=TeX-AMS_CHTML"
		}
		return u + "?config=TeX-AMS_CHTML"
	}

	// Read and render everything first.
	site := &Site{Dir: dir}
	byFile := map[string]string{"index.html": "the index"}
	render := func(src source) (Page, string, error) {
		nb, err := nbformat.ReadFile(src.path)
		if err != nil {
			return Page{}, "", err
		}
		if other, ok := byFile[src.file]; ok {
			return Page{}, "", fmt.Errorf("%s and %s would both be exported as %s: export them to different directories", other, src.path, src.file)
		}
		byFile[src.file] = src.path
		body, err := renderCells(nb)
		if err != nil {
			return Page{}, "", fmt.Errorf("%s: %w", src.path, err)
		}
		title := Title(nb)
		if title == "" {
			title = strings.TrimSuffix(filepath.Base(src.path), ".ipynb")
		}
		return Page{Notebook: src.path, File: src.file, Title: title, Step: src.step}, body, nil
	}
	bodies := make([]string, len(sources))
	for i, src := range sources {
		p, body, err := render(src)
		if err != nil {
			return nil, err
		}
		site.Pages = append(site.Pages, p)
		bodies[i] = body
	}
	extraBodies := make([]string, len(extras))
	for i, src := range extras {
		p, body, err := render(src)
		if err != nil {
			return nil, err
		}
		site.Extras = append(site.Extras, p)
		extraBodies[i] = body
	}
	type file struct {
		name string
		b    []byte
	}
	var files []file
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			return nil, err
		}
		body, err := renderMarkdown(string(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d, err)
		}
		name := strings.TrimSuffix(filepath.Base(d), ".md")
		title := Title(&nbformat.Notebook{Cells: []*nbformat.Cell{{Type: "markdown", Source: string(b)}}})
		if title == "" {
			title = name
		}
		if other, ok := byFile[name+".html"]; ok {
			return nil, fmt.Errorf("%s and %s would both be exported as %s.html", other, d, name)
		}
		byFile[name+".html"] = d
		page := Page{Notebook: d, File: name + ".html", Title: title}
		site.Documents = append(site.Documents, page)
		var buf bytes.Buffer
		err = pageTemplate.Execute(&buf, pageData{Title: plain(title), MathJax: mathJax(""), Source: filepath.Base(d),
			Body: template.HTML(`<section class="cell markdown">` + "\n" + body + "</section>\n")})
		if err != nil {
			return nil, err
		}
		files = append(files, file{page.File, buf.Bytes()})
	}
	for i, p := range site.Pages {
		var prev, next *Page
		if i > 0 {
			prev = &site.Pages[i-1]
		}
		if i+1 < len(site.Pages) {
			next = &site.Pages[i+1]
		}
		var buf bytes.Buffer
		err := pageTemplate.Execute(&buf, pageData{
			Title: plain(p.Title), MathJax: mathJax(""), Source: filepath.Base(p.Notebook),
			Prev: prev, Next: next, Body: template.HTML(bodies[i]),
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Notebook, err)
		}
		files = append(files, file{p.File, buf.Bytes()})
	}
	for i, p := range site.Extras {
		root := strings.Repeat("../", strings.Count(p.File, "/"))
		var buf bytes.Buffer
		err := pageTemplate.Execute(&buf, pageData{
			Title: plain(p.Title), Root: root, MathJax: mathJax(root), Source: filepath.ToSlash(p.File[:len(p.File)-len(".html")]) + ".ipynb",
			Body: template.HTML(extraBodies[i]),
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Notebook, err)
		}
		files = append(files, file{p.File, buf.Bytes()})
	}
	index, err := indexPage(s.Title, mathJax(""), site.Pages, site.Documents)
	if err != nil {
		return nil, err
	}

	// Then write: assets, pages, the index.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	write := func(name string, b []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(p, b, 0o644); err != nil {
			return err
		}
		site.Files++
		site.Bytes += int64(len(b))
		return nil
	}
	if err := write("assets/noether.css", []byte(stylesheet)); err != nil {
		return nil, err
	}
	if mathJaxDir != "" {
		if err := copyMathJax(mathJaxDir, write); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if err := write(f.name, f.b); err != nil {
			return nil, err
		}
	}
	if err := write("index.html", index); err != nil {
		return nil, err
	}
	return site, nil
}

// source is a notebook to export, with its step of the reading path if it
// has one.
type source struct {
	path string
	file string // its page, relative to the site's directory
	step *Step
}

// collect returns the notebooks to export in their order, the notebooks of
// the directories' subdirectories, and the Markdown files beside them
// (README.md aside), as Export describes.
func collect(inputs []string) (sources, extras []source, docs []string, err error) {
	for _, in := range inputs {
		fi, err := os.Stat(in)
		if err != nil {
			return nil, nil, nil, err
		}
		if !fi.IsDir() {
			sources = append(sources, source{path: in, file: pageName(in)})
			continue
		}
		paths, err := filepath.Glob(filepath.Join(in, "*.ipynb"))
		if err != nil {
			return nil, nil, nil, err
		}
		paths = slices.DeleteFunc(paths, done)
		if len(paths) == 0 {
			return nil, nil, nil, fmt.Errorf("%s: no notebooks (*.ipynb)", in)
		}
		steps, err := ReadingPathFile(filepath.Join(in, "README.md"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil, err
		}
		for i := range steps {
			p := filepath.Join(in, steps[i].Notebook+".ipynb")
			j := slices.Index(paths, p)
			if j < 0 {
				return nil, nil, nil, fmt.Errorf("%s, line %d: the reading path names %s, which is not in %s",
					filepath.Join(in, "README.md"), steps[i].Line, steps[i].Notebook, in)
			}
			sources = append(sources, source{path: p, file: pageName(p), step: &steps[i]})
			paths = slices.Delete(paths, j, j+1)
		}
		for _, p := range paths {
			sources = append(sources, source{path: p, file: pageName(p)})
		}
		subs, err := filepath.Glob(filepath.Join(in, "*", "*.ipynb"))
		if err != nil {
			return nil, nil, nil, err
		}
		for _, p := range subs {
			if done(p) {
				continue
			}
			sub := filepath.Base(filepath.Dir(p))
			extras = append(extras, source{path: p, file: sub + "/" + pageName(p)})
		}
		mds, err := filepath.Glob(filepath.Join(in, "*.md"))
		if err != nil {
			return nil, nil, nil, err
		}
		for _, p := range mds {
			if filepath.Base(p) != "README.md" {
				docs = append(docs, p)
			}
		}
	}

	return sources, extras, docs, nil
}

// done reports whether p is a run's by-product, not a notebook to export.
func done(p string) bool {
	return strings.HasSuffix(p, ".partial.ipynb") || strings.HasSuffix(p, ".executed.ipynb")
}

// pageName is the page of notebook p: NAME.html for NAME.ipynb.
func pageName(p string) string {
	return strings.TrimSuffix(filepath.Base(p), ".ipynb") + ".html"
}

// copyMathJax copies mathJaxFiles from dir to assets/mathjax through write,
// in name order. Symbolic links (Debian's fonts-mathjax links its fonts)
// are followed.
func copyMathJax(dir string, write func(string, []byte) error) error {
	for _, part := range mathJaxFiles {
		root := filepath.Join(dir, filepath.FromSlash(part))
		var files []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copying MathJax from %s: %w (reinstall it: sudo apt-get install --reinstall libjs-mathjax)", dir, err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("copying MathJax: %w", err)
			}
			rel, _ := filepath.Rel(dir, p)
			if err := write("assets/mathjax/"+filepath.ToSlash(rel), b); err != nil {
				return err
			}
		}
	}
	return nil
}

type pageData struct {
	Title, MathJax, Source string
	Root                   string // the way back to the site's directory: "" or "../"
	Prev, Next             *Page
	Body                   template.HTML
}

// indexPage renders index.html: the notebooks in reading order, each with
// its title and its row of the reading path.
func indexPage(title, mathJax string, pages, docs []Page) ([]byte, error) {
	if title == "" {
		title = "Notebooks"
	}
	type row struct {
		Page                                        Page
		Number                                      int
		Part, Title, Needs, Teaches, Run, Exercises template.HTML
		Read                                        string
	}
	inline := func(md string) (template.HTML, error) {
		h, err := renderMarkdown(md)
		h = strings.TrimSpace(h)
		h = strings.TrimSuffix(strings.TrimPrefix(h, "<p>"), "</p>")
		return template.HTML(h), err
	}
	var rows []row
	part := ""
	for i, p := range pages {
		r := row{Page: p, Number: i + 1}
		var err error
		if r.Title, err = inline(p.Title); err != nil {
			return nil, err
		}
		if p.Step != nil {
			for _, f := range []struct {
				dst *template.HTML
				src string
			}{{&r.Needs, p.Step.Needs}, {&r.Teaches, p.Step.Teaches}, {&r.Run, p.Step.Run}, {&r.Exercises, p.Step.Exercises}} {
				if *f.dst, err = inline(f.src); err != nil {
					return nil, err
				}
			}
			r.Read = p.Step.Read
			if p.Step.Part != part {
				part = p.Step.Part
				if r.Part, err = inline(part); err != nil {
					return nil, err
				}
			}
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	err := indexTemplate.Execute(&buf, struct {
		Title, MathJax, Root string
		Rows                 []row
		Documents            []Page
	}{title, mathJax, "", rows, docs})
	return buf.Bytes(), err
}

// Command nbhtml renders executed notebooks to a static site: one HTML page
// per notebook and an index in reading order, readable with neither Go nor
// Jupyter (package kernel/htmlexport).
//
//	go run ./kernel/cmd/nbhtml -o site/ notebooks/
//
// Arguments are notebooks or directories of notebooks (default notebooks/).
// A directory's README.md orders its notebooks when it has a course table.
// Math is typeset by MathJax 2.7, copied into DIR/assets/mathjax from
// Debian's libjs-mathjax (sudo apt-get install libjs-mathjax), from
// -mathjax DIR, or linked from -mathjax-url (then reading the pages needs
// the network). Notebooks are shown as they were executed: run nbexec
// first.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/noetherlab/noether/kernel/htmlexport"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and outputs; it returns the exit
// code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nbhtml", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "site", "the directory to write the site to")
	mathJax := fs.String("mathjax", "", "a MathJax 2.7 directory to copy (default "+htmlexport.DebianMathJax+", Debian's libjs-mathjax)")
	mathJaxURL := fs.String("mathjax-url", "", "link MathJax.js at this URL instead of copying it (the pages then need the network)")
	title := fs.String("title", "", "the index page's heading (default \"Notebooks\")")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: nbhtml [-o DIR] [-mathjax DIR | -mathjax-url URL] [-title T] [notebook.ipynb | directory]...\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *mathJax != "" && *mathJaxURL != "" {
		fmt.Fprintln(stderr, "nbhtml: -mathjax and -mathjax-url exclude each other: copy MathJax, or link it")
		return 2
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"notebooks"}
	}
	t0 := time.Now()
	site, err := htmlexport.Export(*out, inputs, htmlexport.Settings{MathJax: *mathJax, MathJaxURL: *mathJaxURL, Title: *title})
	if err != nil {
		fmt.Fprintln(stderr, "nbhtml:", err)
		return 1
	}
	more := ""
	if n := len(site.Extras) + len(site.Documents); n > 0 {
		more = fmt.Sprintf(" and %d more", n)
	}
	fmt.Fprintf(stdout, "wrote %s, %d pages in reading order%s (%d files, %.1f MB) in %.1f s\n",
		site.Dir+string(os.PathSeparator)+"index.html", len(site.Pages), more, site.Files, float64(site.Bytes)/1e6, time.Since(t0).Seconds())
	return 0
}

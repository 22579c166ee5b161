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
	"os"
	"time"

	"github.com/noetherlab/noether/kernel/htmlexport"
)

func main() {
	out := flag.String("o", "site", "the directory to write the site to")
	mathJax := flag.String("mathjax", "", "a MathJax 2.7 directory to copy (default "+htmlexport.DebianMathJax+", Debian's libjs-mathjax)")
	mathJaxURL := flag.String("mathjax-url", "", "link MathJax.js at this URL instead of copying it (the pages then need the network)")
	title := flag.String("title", "", "the index page's heading (default \"Notebooks\")")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: nbhtml [-o DIR] [-mathjax DIR | -mathjax-url URL] [-title T] [notebook.ipynb | directory]...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	inputs := flag.Args()
	if len(inputs) == 0 {
		inputs = []string{"notebooks"}
	}
	t0 := time.Now()
	site, err := htmlexport.Export(*out, inputs, htmlexport.Settings{MathJax: *mathJax, MathJaxURL: *mathJaxURL, Title: *title})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbhtml:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s/index.html and %d pages (%d files, %.1f MB) in %.1f s\n",
		site.Dir, len(site.Pages), site.Files, float64(site.Bytes)/1e6, time.Since(t0).Seconds())
}

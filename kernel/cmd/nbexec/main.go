// Command nbexec executes notebooks headless through noether's kernel: the
// real GoNB, driven over the Jupyter protocol by a Go client, no Python.
//
//	go run ./kernel/cmd/nbexec [flags] [notebook.ipynb ...]
//
// With no arguments it runs every notebook under notebooks/ in name order.
// It installs the kernel first if it is not installed (as `go run ./install`
// would). Each notebook runs in a fresh kernel and is rewritten with its
// outputs only when every cell succeeded; when a cell fails, the notebook is
// left as it was and the partial result is written beside it as
// NAME.partial.ipynb. It prints a line per notebook and exits non-zero if any
// failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
)

func main() {
	timeout := flag.Duration("timeout", 10*time.Minute, "time limit for each cell")
	outDir := flag.String("o", "", "write executed notebooks into this directory instead of in place")
	keepGoing := flag.Bool("k", true, "run the remaining notebooks after one fails")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./kernel/cmd/nbexec [-timeout D] [-o DIR] [-k=false] [notebook.ipynb ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	code, err := run(ctx, flag.Args(), *timeout, *outDir, *keepGoing)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbexec:", err)
	}
	os.Exit(code)
}

func run(ctx context.Context, args []string, timeout time.Duration, outDir string, keepGoing bool) (int, error) {
	wd, err := os.Getwd()
	if err != nil {
		return 1, err
	}
	root, err := kernel.FindRoot(wd)
	if err != nil {
		return 1, err
	}
	l, err := kernel.NewLayout(root)
	if err != nil {
		return 1, err
	}
	paths := args
	if len(paths) == 0 {
		paths, err = filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
		if err != nil {
			return 1, err
		}
		paths = withoutResults(paths)
		sort.Strings(paths)
		if len(paths) == 0 {
			return 1, fmt.Errorf("no notebooks in %s", filepath.Join(root, "notebooks"))
		}
	}
	// Read every notebook first: a malformed one is reported before any runs.
	for _, p := range paths {
		if _, err := nbformat.ReadFile(p); err != nil {
			return 1, err
		}
	}
	// This checkout's kernel, whatever kernelspec Jupyter has registered.
	if err := l.Ready(ctx); err != nil {
		fmt.Printf("the noether kernel is not installed here (%s): installing it first\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		if _, err := l.Install(ctx, kernel.InstallSettings{}); err != nil {
			return 1, fmt.Errorf("install: %w", err)
		}
	}
	spec, err := l.HeadlessSpec(ctx)
	if err != nil {
		return 1, err
	}
	if outDir != "" {
		seen := map[string]string{}
		for _, p := range paths {
			if q, dup := seen[filepath.Base(p)]; dup {
				return 1, fmt.Errorf("-o %s: %s and %s would both be written as %s", outDir, q, p, filepath.Base(p))
			}
			seen[filepath.Base(p)] = p
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return 1, err
		}
	}
	live := isTerminal(os.Stdout)
	failed := 0
	start := time.Now()
	for _, p := range paths {
		rel := relTo(wd, p)
		s := kernel.RunFileSettings{
			RunSettings: kernel.RunSettings{CellTimeout: timeout, OnProgress: progressPrinter(os.Stdout, rel, live)},
			Argv:        spec.Argv,
			Env:         spec.EnvList(os.Environ()),
		}
		if outDir != "" {
			s.Output = filepath.Join(outDir, filepath.Base(p))
		}
		t0 := time.Now()
		cells := codeCells(p)
		partial, err := kernel.RunFile(ctx, p, s)
		secs := time.Since(t0).Seconds()
		if live {
			fmt.Print("\r\033[K")
		}
		if err != nil {
			failed++
			var ce *kernel.CellError
			if errors.As(err, &ce) {
				fmt.Printf("FAIL %-40s cell %d after %.1f s\n%s\n", rel, ce.Cell, secs, indent(ce.Error()))
			} else {
				fmt.Printf("FAIL %-40s after %.1f s\n%s\n", rel, secs, indent(err.Error()))
			}
			if partial != "" {
				fmt.Printf("     partial result: %s (the notebook itself was not changed)\n", relTo(wd, partial))
			}
			if ctx.Err() != nil {
				return 130, errors.New("interrupted")
			}
			if !keepGoing {
				break
			}
			continue
		}
		fmt.Printf("ok   %-40s %3d cells %7.1f s\n", rel, cells, secs)
	}
	fmt.Printf("%d notebook(s), %d failed, %.1f s\n", len(paths), failed, time.Since(start).Seconds())
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

// withoutResults drops what runs leave beside a notebook (NAME.partial.ipynb
// after a failure, NAME.executed.ipynb when it was saved while it ran): they
// are results to look at, not notebooks to run.
func withoutResults(paths []string) []string {
	out := paths[:0]
	for _, p := range paths {
		if !strings.HasSuffix(p, ".partial.ipynb") && !strings.HasSuffix(p, ".executed.ipynb") {
			out = append(out, p)
		}
	}
	return out
}

func codeCells(path string) int {
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		return 0
	}
	n := 0
	for _, c := range nb.Cells {
		if c.Type == "code" {
			n++
		}
	}
	return n
}

// progressPrinter shows the running cell: rewritten in place on a terminal,
// one line per cell otherwise (CI logs), so a slow notebook shows it is alive.
func progressPrinter(w io.Writer, name string, live bool) func(kernel.Progress) {
	return func(p kernel.Progress) {
		if p.Finished {
			return
		}
		if live {
			fmt.Fprintf(w, "\r\033[K.... %s: cell %d (%d/%d code cells) %.0f s", name, p.Cell, p.Done+1, p.Total, p.Elapsed.Seconds())
			return
		}
		fmt.Fprintf(w, ".... %s: cell %d (%d/%d) at %.1f s\n", name, p.Cell, p.Done+1, p.Total, p.Elapsed.Seconds())
	}
}

func relTo(wd, p string) string {
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func indent(s string) string {
	return "     " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n     ")
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

// Command nbexec executes notebooks headless through noether's kernel: the
// real GoNB, driven over the Jupyter protocol by a Go client, no Python.
//
//	go run ./kernel/cmd/nbexec [flags] [-p name=value ...] [notebook.ipynb | directory ...]
//	go run ./kernel/cmd/nbexec sweep -o DIR [-j N] [-p name=v1,v2 | -p name=a..b ...] [-slurm ...] notebook.ipynb
//	go run ./kernel/cmd/nbexec gather DIR
//
// With no arguments it runs every notebook under notebooks/ in name order; a
// directory stands for the notebooks in it, in name order. Before anything
// runs, every notebook is read and every place a result goes is checked to
// be writable.
// It installs the kernel first if it is not installed (as `go run ./install`
// would). Each notebook runs in a fresh kernel and is rewritten with its
// outputs only when every cell succeeded; when a cell fails, the notebook is
// left as it was and the partial result is written beside it as
// NAME.partial.ipynb. It prints a line per notebook and exits non-zero if any
// failed (130 when interrupted).
//
// -j N runs N notebooks at once, each in its own kernel (default two, one on
// a single-CPU machine); with more than one, progress comes one line per
// cell, naming its notebook. With -k=false a failure starts no
// further notebook, and those already running finish.
//
// -p name=value overrides a parameter, papermill's way: the notebook's
// cell tagged "parameters" declares the defaults, and a cell tagged
// "injected-parameters" inserted after it declares the values given (see
// kernel/params); a name that is not a parameter, or a value that does not
// parse as its type, is an error before anything runs.
//
// nbexec sweep runs a notebook over a grid of parameter values, locally
// with -j workers or as one Slurm job array with -slurm, and gathers the
// values its cells record (lib/record) into DIR/results.csv and
// DIR/results.json; nbexec gather gathers them again (after -no-wait).
// See kernel/sweep, and nbexec sweep -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/kernel/params"
	"github.com/noetherlab/noether/lib/data"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "sweep", "sweep-task", "gather":
			os.Exit(subcommand(os.Args[1], os.Args[2:]))
		}
	}
	var ps multiFlag
	flag.Var(&ps, "p", "set a parameter: name=value (repeatable); the notebook declares it in its cell tagged \"parameters\"")
	timeout := flag.Duration("timeout", 10*time.Minute, "time limit for each cell")
	outDir := flag.String("o", "", "write executed notebooks into this directory instead of in place")
	keepGoing := flag.Bool("k", true, "run the remaining notebooks after one fails")
	maxOutput := flag.Int("max-output", kernel.DefaultMaxOutput, "bytes of output kept per cell (-1: no limit); past it, a line in the cell says what was left out")
	offline := offlineFlag(flag.CommandLine)
	jobs := flag.Int("j", defaultJobs(), "notebooks run at once, each in its own kernel (results that two of them need are computed once: the one that comes second waits for the first's)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./kernel/cmd/nbexec [-j N] [-timeout D] [-o DIR] [-k=false] [-max-output N] [-offline] [-p name=value ...] [notebook.ipynb | directory ...]")
		fmt.Fprintln(os.Stderr, "       go run ./kernel/cmd/nbexec sweep -h   (a grid of parameters, locally or on Slurm)")
		flag.PrintDefaults()
	}
	flag.Parse()
	setOffline(*offline)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	code, err := run(ctx, flag.Args(), settings{timeout: *timeout, outDir: *outDir, keepGoing: *keepGoing, maxOutput: *maxOutput, params: ps, jobs: *jobs})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbexec:", err)
	}
	os.Exit(code)
}

// settings are nbexec's flags.
type settings struct {
	timeout   time.Duration
	outDir    string
	keepGoing bool
	maxOutput int
	params    []string // -p name=value
	jobs      int      // notebooks run at once
}

// lockedWriter serialises the writes of notebooks running at once.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (l *lockedWriter) WriteString(s string) {
	l.Write([]byte(s))
}

// multiFlag is a flag given any number of times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func run(ctx context.Context, args []string, st settings) (int, error) {
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
	if len(args) == 0 {
		args = []string{filepath.Join(root, "notebooks")}
	}
	paths, err := expand(args)
	if err != nil {
		return 1, err
	}
	// Read every notebook first: a malformed one, or one that the -p
	// values do not fit, is reported before any runs.
	sets := map[string][]params.Set{}
	for _, p := range paths {
		nb, err := nbformat.ReadFile(p)
		if err != nil {
			return 1, err
		}
		if sets[p], err = params.Resolve(nb, st.params); err != nil {
			return 1, fmt.Errorf("%s: %w", p, err)
		}
	}
	outDir := st.outDir
	if outDir != "" {
		seen := map[string]string{}
		for _, p := range paths {
			if q, dup := seen[filepath.Base(p)]; dup {
				return 1, fmt.Errorf("-o %s: %s and %s would both be written as %s", outDir, q, p, filepath.Base(p))
			}
			seen[filepath.Base(p)] = p
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return 1, fmt.Errorf("-o %s: %w", outDir, err)
		}
	}
	// Every place a result goes, checked before a kernel starts: found
	// after an hour's run, an unwritable one would lose the run.
	if err := checkWritable(paths, outDir); err != nil {
		return 1, err
	}
	spec, err := headlessSpec(ctx, l)
	if err != nil {
		return 1, err
	}
	jobs := max(1, min(st.jobs, len(paths)))
	// With several notebooks at once, progress goes one line per cell, each
	// naming its notebook, never rewritten in place; out serialises the
	// lines.
	live := isTerminal(os.Stdout) && jobs == 1
	out := &lockedWriter{w: os.Stdout}
	var (
		mu          sync.Mutex
		failed      int
		used        kernel.Usage // summed CPU time, and the largest MaxRSS
		stopped     bool         // -k=false after a failure, or interrupted
		interrupted bool
	)
	runOne := func(p string) {
		mu.Lock()
		halt := stopped
		mu.Unlock()
		if halt {
			return
		}
		rel := relTo(wd, p)
		s := kernel.RunFileSettings{
			RunSettings: kernel.RunSettings{CellTimeout: st.timeout, MaxOutput: st.maxOutput, OnProgress: progressPrinter(out, rel, live)},
			Argv:        spec.Argv,
			Env:         spec.EnvList(os.Environ()),
		}
		if outDir != "" {
			s.Output = filepath.Join(outDir, filepath.Base(p))
		}
		var u kernel.Usage
		s.Usage = &u
		if len(st.params) > 0 {
			in, written := p, p
			if s.Output != "" {
				written = s.Output
			}
			s.Edit = func(nb *nbformat.Notebook) error { return params.Inject(nb, sets[in], in, written) }
		}
		t0 := time.Now()
		cells := codeCells(p)
		if len(sets[p]) > 0 {
			cells++ // the injected-parameters cell
		}
		partial, err := kernel.RunFile(ctx, p, s)
		secs := time.Since(t0).Seconds()
		var line string
		if live {
			line = "\r\033[K"
		}
		mu.Lock()
		defer mu.Unlock()
		used.User += u.User
		used.System += u.System
		used.MaxRSS = max(used.MaxRSS, u.MaxRSS)
		if err != nil {
			failed++
			out.WriteString(line + failure(rel, err, relTo(wd, partial), secs, failedUsage(u)))
			if ctx.Err() != nil {
				interrupted = true
			}
			if ctx.Err() != nil || !st.keepGoing {
				stopped = true
			}
			return
		}
		out.WriteString(line + fmt.Sprintf("ok   %-40s %3d cells %7.1f s %s\n", rel, cells, secs, usageText(u)))
	}
	start := time.Now()
	next := make(chan string)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				runOne(p)
			}
		}()
	}
	for _, p := range paths {
		mu.Lock()
		halt := stopped
		mu.Unlock()
		if halt {
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	if interrupted {
		return 130, errors.New("interrupted")
	}
	fmt.Printf("%d notebook(s), %d failed, %.1f s (%.0f CPU-s; largest process %s)\n", len(paths), failed, time.Since(start).Seconds(), used.CPU().Seconds(), memText(used.MaxRSS))
	if failed > 0 {
		return 1, nil
	}
	return 0, nil
}

// headlessSpec is this checkout's kernel, whatever kernelspec Jupyter has
// registered, installed first if it is not.
func headlessSpec(ctx context.Context, l *kernel.Layout) (*kernel.KernelSpec, error) {
	if err := l.Ready(ctx); err != nil {
		fmt.Printf("the noether kernel is not installed here (%s): installing it first\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		if _, err := l.Install(ctx, kernel.InstallSettings{}); err != nil {
			return nil, fmt.Errorf("install: %w", err)
		}
	}
	return l.HeadlessSpec(ctx)
}

// failure is the report of a notebook that failed: which cell (as Jupyter
// shows it), after how long (and what its kernel used, if used is not ""),
// the whole error (with what became of the partial result when it could
// not be written), and where the partial result is.
func failure(rel string, err error, partial string, secs float64, used string) string {
	var sb strings.Builder
	msg := err.Error()
	var ce *kernel.CellError
	if errors.As(err, &ce) {
		fmt.Fprintf(&sb, "FAIL %-40s %s after %.1f s%s\n", rel, ce.Where(), secs, used)
		msg = strings.TrimPrefix(msg, ce.Notebook+": "+ce.Where()+": ") // said on the line above
	} else {
		fmt.Fprintf(&sb, "FAIL %-40s after %.1f s%s\n", rel, secs, used)
	}
	sb.WriteString(indent(msg) + "\n")
	if partial != "" {
		fmt.Fprintf(&sb, "     partial result: %s (the notebook itself was not changed)\n", partial)
	}
	return sb.String()
}

// expand returns the notebooks that args name: a file as it is, a
// directory as the notebooks in it (not the results runs leave beside
// them), in name order.
func expand(args []string) ([]string, error) {
	var paths []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			paths = append(paths, a)
			continue
		}
		found, err := filepath.Glob(filepath.Join(a, "*.ipynb"))
		if err != nil {
			return nil, err
		}
		found = withoutResults(found)
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no notebooks (*.ipynb) in this directory", a)
		}
		sort.Strings(found)
		paths = append(paths, found...)
	}
	return paths, nil
}

// checkWritable checks that a file can be created where each notebook's
// result goes: outDir if set, else the notebook's own directory (or its
// link target's), where it is rewritten and where a partial result goes.
func checkWritable(paths []string, outDir string) error {
	dirs := map[string]bool{}
	if outDir != "" {
		dirs[outDir] = true
	} else {
		for _, p := range paths {
			if target, err := filepath.EvalSymlinks(p); err == nil {
				p = target
			}
			dirs[filepath.Dir(p)] = true
		}
	}
	for _, d := range slices.Sorted(maps.Keys(dirs)) {
		f, err := os.CreateTemp(d, ".nbexec-check-*")
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			what := d
			if d == outDir {
				what = "-o " + d
			}
			return fmt.Errorf("%s: results cannot be written there: %v", what, err)
		}
		f.Close()
		os.Remove(f.Name())
	}
	return nil
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

// progressPrinter shows the running cell by its place among the code
// cells (Jupyter shows In [N], the same number when no code cell is
// empty): rewritten in place on a terminal, one line per cell otherwise
// (CI logs), so a slow notebook shows it is alive.
func progressPrinter(w io.Writer, name string, live bool) func(kernel.Progress) {
	return func(p kernel.Progress) {
		if p.Finished {
			return
		}
		if live {
			fmt.Fprintf(w, "\r\033[K.... %s: code cell %d of %d, %.0f s", name, p.Done+1, p.Total, p.Elapsed.Seconds())
			return
		}
		fmt.Fprintf(w, ".... %s: code cell %d of %d at %.1f s\n", name, p.Done+1, p.Total, p.Elapsed.Seconds())
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

// defaultJobs is -j's default: two notebooks at once on a machine with two
// or more CPUs. A notebook alternates between linking its next cell, on
// one core, and computing, on all of them; a second notebook fills the idle
// core. On two cores the whole set ran 16% faster with an empty result
// cache and 34% faster with a full one. More than two would add little
// CPU and multiply the memory: a notebook's computation already uses every
// core, and each kernel holds its notebook's data and networks.
func defaultJobs() int {
	return min(2, runtime.NumCPU())
}

// usageText describes a notebook's kernel usage: its CPU time, and the
// peak memory of its largest process (a cell's program, or a build).
func usageText(u kernel.Usage) string {
	return fmt.Sprintf("%6.1f CPU-s %9s", u.CPU().Seconds(), memText(u.MaxRSS))
}

// failedUsage is what the kernel of a failed notebook used, for the end of
// its FAIL line (so that the lines add up to the summary's total), or ""
// when no kernel started.
func failedUsage(u kernel.Usage) string {
	if u == (kernel.Usage{}) {
		return ""
	}
	return fmt.Sprintf(", %.1f CPU-s, largest process %s", u.CPU().Seconds(), memText(u.MaxRSS))
}

// memText writes n bytes in MiB, or GiB from 1 GiB on; "?" if unknown (0).
func memText(n int64) string {
	switch {
	case n <= 0:
		return "?"
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

// offlineFlag declares -offline on fs.
func offlineFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("offline", false, "forbid the notebooks to download a data set that is not installed (sets "+data.OfflineEnv+"=1 for the kernels)")
}

// setOffline, when on, sets data.OfflineEnv in nbexec's environment, which
// every kernel it starts inherits (and, through sbatch, every Slurm task).
func setOffline(on bool) {
	if on {
		os.Setenv(data.OfflineEnv, "1")
	}
}

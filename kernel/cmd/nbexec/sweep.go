package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/sweep"
)

const sweepUsage = `usage: go run ./kernel/cmd/nbexec sweep -o DIR [flags] [-p name=values ...] notebook.ipynb
       go run ./kernel/cmd/nbexec gather [-plot Y -x X [-by B]] DIR

Runs the notebook once per point of the grid, the cartesian product of the
-p values: name=v1,v2,... (a comma inside a value is written \,) or, for
integers, name=first..last[..step]. Each point's executed notebook goes to
DIR/points/, every value its cells record (lib/record) to one table,
DIR/results.csv and DIR/results.json. Points already done are skipped:
run the same command again after an interruption or a failure.
With -slurm the points run as one Slurm job array (output on DIR, which must
be on a filesystem the nodes share); gather collects the table afterwards.

flags:
`

// subcommand runs nbexec sweep, sweep-task or gather and returns the exit
// code.
func subcommand(name string, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer stop()
	var code int
	var err error
	switch name {
	case "sweep":
		code, err = runSweep(ctx, args)
	case "sweep-task":
		code, err = runTask(ctx, args)
	case "gather":
		code, err = runGather(args)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "nbexec %s: %v\n", name, err)
	}
	return code
}

// summaryFlags are the flags of the summary figure.
type summaryFlags struct{ y, x, by *string }

func addSummaryFlags(fs *flag.FlagSet) summaryFlags {
	return summaryFlags{
		y:  fs.String("plot", "", "draw DIR/summary.png: this recorded number against -x, a line per value of -by, mean ± 95% interval over the runs that share them (seeds)"),
		x:  fs.String("x", "", "the parameter on the summary's x axis"),
		by: fs.String("by", "", "a line per value of this parameter in the summary"),
	}
}

func (s summaryFlags) check(g sweep.Grid) error {
	if *s.y == "" {
		return nil
	}
	if *s.x == "" {
		return errors.New("-plot needs -x, the parameter on the x axis")
	}
	for _, name := range []string{*s.x, *s.by} {
		if name == "" {
			continue
		}
		found := g == nil // gather: checked against the manifest later
		for _, ax := range g {
			found = found || ax.Name == name
		}
		if !found {
			return fmt.Errorf("-x/-by %s: not a parameter of the grid", name)
		}
	}
	return nil
}

func runSweep(ctx context.Context, args []string) (int, error) {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, sweepUsage); fs.PrintDefaults() }
	var grid multiFlag
	fs.Var(&grid, "p", "a parameter's values: name=v1,v2,... or name=first..last[..step] (repeatable)")
	out := fs.String("o", "", "the sweep's directory (required)")
	jobs := fs.Int("j", runtime.NumCPU(), "points run at once, locally")
	timeout := fs.Duration("timeout", 10*time.Minute, "time limit for each cell")
	maxOutput := fs.Int("max-output", kernel.DefaultMaxOutput, "bytes of output kept per cell (-1: no limit)")
	sum := addSummaryFlags(fs)
	useSlurm := fs.Bool("slurm", false, "run the points as one Slurm job array (sbatch --array)")
	var ss sweep.SlurmSettings
	fs.StringVar(&ss.Partition, "partition", "", "Slurm partition")
	fs.StringVar(&ss.Time, "time", "", "Slurm time limit per task (sbatch --time)")
	fs.IntVar(&ss.CPUs, "cpus", 0, "CPUs per task (sbatch --cpus-per-task)")
	fs.StringVar(&ss.Mem, "mem", "", "memory per task (sbatch --mem)")
	fs.IntVar(&ss.MaxRunning, "max-running", 0, "with -slurm: at most this many tasks at once (sbatch --array=...%N)")
	extra := fs.String("sbatch", "", "further sbatch arguments, separated by spaces")
	noWait := fs.Bool("no-wait", false, "with -slurm: print the job id and return; gather the table later with nbexec gather DIR")
	poll := fs.Duration("poll", 5*time.Second, "with -slurm: how often to ask squeue whether the job is done")
	offline := offlineFlag(fs)
	if err := fs.Parse(args); err != nil {
		return 2, nil
	}
	setOffline(*offline)
	if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
		return 2, fmt.Errorf("flags go before the notebook: nbexec sweep [flags] %s", fs.Arg(0))
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2, errors.New("give one notebook")
	}
	g, err := sweep.ParseGrid(grid)
	if err != nil {
		return 2, err
	}
	if err := sum.check(g); err != nil {
		return 2, err
	}
	if *jobs < 1 {
		return 2, fmt.Errorf("-j %d: want at least 1", *jobs)
	}
	if *useSlurm {
		if err := sweep.CheckSlurm(); err != nil {
			return 1, err
		}
		ss.Extra = strings.Fields(*extra)
	}
	wd, err := os.Getwd()
	if err != nil {
		return 1, err
	}
	root, err := kernel.FindRoot(wd)
	if err != nil {
		return 1, err
	}
	m, err := sweep.Plan(fs.Arg(0), *out, root, g, kernel.RunSettings{CellTimeout: *timeout, MaxOutput: *maxOutput})
	if err != nil {
		return 1, err
	}
	missing := m.Missing(*out)
	if m.Changed {
		fmt.Printf("sweep: %s changed since the points done in %s ran: they are kept as they are (remove %s to run them again)\n", fs.Arg(0), *out, filepath.Join(*out, "points"))
	}
	fmt.Printf("sweep: %d points, %d done already, %d to run → %s\n", len(m.Points), len(m.Points)-len(missing), len(missing), *out)
	if *useSlurm && len(missing) > 0 {
		// sbatch checks the submission before any work: a partition that
		// does not exist, a time limit past the partition's.
		exe, err := os.Executable()
		if err != nil {
			return 1, err
		}
		ss.Executable = exe
		check := ss
		check.TestOnly = true
		if _, _, err := m.Submit(ctx, *out, check); err != nil {
			return 1, err
		}
	}
	l, err := kernel.NewLayout(root)
	if err != nil {
		return 1, err
	}
	// Installed here first, also for Slurm: the tasks share this
	// checkout, and tasks installing at once would race.
	spec, err := headlessSpec(ctx, l)
	if err != nil {
		return 1, err
	}
	if *useSlurm {
		return slurmSweep(ctx, m, *out, ss, *noWait, *poll, sum)
	}
	base := kernel.RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}
	t0 := time.Now()
	results, err := m.RunLocal(ctx, *out, *jobs, base, func(r sweep.Result) {
		fmt.Print(pointLine(r))
	})
	if err != nil {
		fmt.Printf("sweep: interrupted after %.1f s: %d point(s) finished and kept; run the same command again to run the rest\n", time.Since(t0).Seconds(), finished(results))
		return 130, nil
	}
	if len(missing) > 0 {
		fmt.Printf("sweep: ran %d point(s) in %.1f s, %d at a time\n", len(results), time.Since(t0).Seconds(), min(*jobs, len(missing)))
	}
	return gather(*out, sum)
}

func finished(rs []sweep.Result) int {
	n := 0
	for _, r := range rs {
		if r.Err == nil {
			n++
		}
	}
	return n
}

// pointLine reports how a point ended.
func pointLine(r sweep.Result) string {
	secs := r.Elapsed.Seconds()
	if r.Err == nil {
		return fmt.Sprintf("ok   %-40s %7.1f s\n", r.Point.Name, secs)
	}
	return failure(r.Point.Name, r.Err, r.Partial, secs, "")
}

func slurmSweep(ctx context.Context, m *sweep.Manifest, dir string, ss sweep.SlurmSettings, noWait bool, poll time.Duration, sum summaryFlags) (int, error) {
	id, pts, err := m.Submit(ctx, dir, ss)
	if err != nil {
		return 1, err
	}
	if id != "" {
		fmt.Printf("sweep: submitted %d point(s) as Slurm job array %s (logs: %s)\n", len(pts), id, filepath.Join(dir, "logs"))
		if noWait {
			fmt.Printf("sweep: when it ends, gather the table with: go run ./kernel/cmd/nbexec gather %s\n", dir)
			fmt.Println(id)
			return 0, nil
		}
		t0 := time.Now()
		if err := sweep.Wait(ctx, id, poll); err != nil {
			if ctx.Err() != nil {
				fmt.Printf("sweep: stopped waiting; job %s goes on (scancel %s stops it); gather the table with nbexec gather %s\n", id, id, dir)
				return 130, nil
			}
			return 1, err
		}
		fmt.Printf("sweep: job %s ended after %.1f s\n", id, time.Since(t0).Seconds())
	}
	return gather(dir, sum)
}

// gather writes the sweep's table (and figure), reports the points not
// done with where to look, and returns 1 if any is not done.
func gather(dir string, sum summaryFlags) (int, error) {
	res, err := sweep.Gather(dir)
	if err != nil {
		return 1, err
	}
	if err := res.Write(dir); err != nil {
		return 1, err
	}
	written := []string{filepath.Join(dir, "results.csv"), filepath.Join(dir, "results.json")}
	if *sum.y != "" {
		path, err := res.WritePlot(dir, sweep.Summary{Y: *sum.y, X: *sum.x, By: *sum.by})
		if err != nil {
			return 1, err
		}
		written = append(written, path)
	}
	for _, row := range res.Rows {
		if row.Status == sweep.StatusDone {
			continue
		}
		fmt.Printf("%-4s %s (point %d: %s)\n", strings.ToUpper(row.Status), row.Point.Name, row.Point.Index, strings.Join(row.Point.Args(), " "))
		if row.Notebook != "" {
			fmt.Printf("     partial result: %s\n", filepath.Join(dir, row.Notebook))
		}
		if log := sweep.TaskLog(dir, row.Point.Index); exists(log) {
			fmt.Printf("     log: %s\n%s\n", log, indent(sweep.Tail(log, 10)))
		}
	}
	n := res.Count()
	fmt.Printf("sweep: %d done, %d failed, %d missing; %s\n", n[sweep.StatusDone], n[sweep.StatusFailed], n[sweep.StatusMissing], strings.Join(written, ", "))
	if n[sweep.StatusDone] < len(res.Rows) {
		fmt.Println("sweep: the same command runs (or submits) only the points not done")
		return 1, nil
	}
	return 0, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// runTask runs one point of a sweep: what each task of a Slurm job array
// does. The point is the INDEX argument, or $SLURM_ARRAY_TASK_ID.
func runTask(ctx context.Context, args []string) (int, error) {
	if len(args) < 1 || len(args) > 2 {
		return 2, errors.New("usage: nbexec sweep-task DIR [INDEX]")
	}
	dir := args[0]
	idx := os.Getenv("SLURM_ARRAY_TASK_ID")
	if len(args) == 2 {
		idx = args[1]
	}
	i, err := strconv.Atoi(idx)
	if err != nil {
		return 2, fmt.Errorf("point index %q: not a number (give INDEX or set SLURM_ARRAY_TASK_ID)", idx)
	}
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		return 1, err
	}
	if i < 0 || i >= len(m.Points) {
		return 2, fmt.Errorf("point %d: the sweep has points 0 to %d", i, len(m.Points)-1)
	}
	p := m.Points[i]
	fmt.Printf("point %d: %s (%s) on %s\n", i, p.Name, strings.Join(p.Args(), " "), hostname())
	if sweep.Done(dir, p) {
		fmt.Println("already done")
		return 0, nil
	}
	l, err := kernel.NewLayout(m.Root)
	if err != nil {
		return 1, err
	}
	spec, err := headlessSpec(ctx, l)
	if err != nil {
		return 1, err
	}
	live := false
	base := kernel.RunFileSettings{Argv: spec.Argv, Env: spec.EnvList(os.Environ())}
	base.OnProgress = progressPrinter(os.Stdout, p.Name, live)
	t0 := time.Now()
	partial, err := m.RunPoint(ctx, dir, p, base)
	fmt.Print(pointLine(sweep.Result{Point: p, Err: err, Partial: partial, Elapsed: time.Since(t0)}))
	if err != nil {
		return 1, nil
	}
	return 0, nil
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

func runGather(args []string) (int, error) {
	fs := flag.NewFlagSet("gather", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, sweepUsage); fs.PrintDefaults() }
	sum := addSummaryFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2, nil
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2, errors.New("give the sweep's directory")
	}
	if err := sum.check(nil); err != nil {
		return 2, err
	}
	return gather(fs.Arg(0), sum)
}

// Package sweep runs a notebook over a grid of its parameters: one executed
// notebook per point, written into an output directory, and one table of
// the values each recorded (lib/record), a row per point.
//
// A sweep is planned before anything runs (Plan): the grid is typed by the
// notebook's parameters cell, every point checked, the output directory
// checked writable, and a manifest (sweep.json) written there that names
// the notebook, the points and where each one's results go:
//
//	DIR/sweep.json              the manifest
//	DIR/points/NAME.ipynb       the executed notebook of a point
//	DIR/points/NAME.partial.ipynb  what ran of a failed point
//	DIR/logs/INDEX.log          the output of a point's Slurm task
//	DIR/bin/nbexec, DIR/slurm/  what the Slurm tasks run, the batch script, job ids
//	DIR/results.csv, .json      the gathered table
//	DIR/summary.png             the summary figure, when asked for
//
// A point is done when its executed notebook exists: it is written
// atomically, and only when every cell succeeded, so a sweep run again
// (locally, or submitted again to Slurm) runs only the points not done,
// and an interrupted one leaves the finished points as they are. Points are
// named by their values (lr=0.1_seed=3), so the same point keeps its file
// when the grid grows.
//
// Locally, RunLocal runs the points with a pool of workers, each point in a
// kernel of its own; on a Slurm cluster, Submit sends the same points as one
// job array whose tasks run `nbexec sweep-task DIR INDEX`, which is
// RunPoint: the same code path as a local run.
package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/kernel/params"
)

// ManifestName is the manifest's file name in a sweep's directory.
const ManifestName = "sweep.json"

// Manifest describes a sweep. It is written before any point runs and read
// by every Slurm task and by Gather.
type Manifest struct {
	// Notebook is the absolute path of the notebook swept.
	Notebook string `json:"notebook"`
	// NotebookSHA256 is the hash of the notebook's file when the sweep was
	// planned.
	NotebookSHA256 string `json:"notebook_sha256"`
	// Root is the checkout whose kernel runs the points.
	Root string `json:"root"`
	// Grid is the grid as given; Types the Go type of each of its
	// parameters.
	Grid  Grid              `json:"grid"`
	Types map[string]string `json:"types"`
	// Points lists the grid's points.
	Points []Point `json:"points"`
	// CellTimeout and MaxOutput are the run settings of every point.
	CellTimeout time.Duration `json:"cell_timeout"`
	MaxOutput   int           `json:"max_output"`

	// Changed is set by Plan when the directory held points run from
	// another version of the notebook: they count as done all the same.
	Changed bool `json:"-"`
}

// Plan checks a sweep of notebook over g into dir before any work and
// writes its manifest: the notebook is read, every point's values typed by
// its parameters cell (an unknown name or a value that does not parse is an
// error naming both), and dir created and checked writable. A dir that
// holds the sweep of another notebook is an error.
func Plan(notebook, dir, root string, g Grid, s kernel.RunSettings) (*Manifest, error) {
	abs, err := filepath.Abs(notebook)
	if err != nil {
		return nil, err
	}
	nb, err := nbformat.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	m := &Manifest{Notebook: abs, NotebookSHA256: hex.EncodeToString(sum[:]), Root: root, Grid: g, Types: map[string]string{}, Points: g.Points(),
		CellTimeout: s.CellTimeout, MaxOutput: s.MaxOutput}
	if len(g) > 0 {
		ps, err := params.Of(nb)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", notebook, err)
		}
		for _, ax := range g {
			p, err := params.Lookup(ps, ax.Name)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", notebook, err)
			}
			for _, v := range ax.Values {
				if _, err := p.Value(v); err != nil {
					return nil, fmt.Errorf("%s: %w", notebook, err)
				}
			}
			m.Types[ax.Name] = p.Type
		}
	}
	if dir == "" {
		return nil, errors.New("a sweep needs an output directory (-o DIR)")
	}
	if old, err := ReadManifest(dir); err == nil {
		if old.Notebook != m.Notebook {
			return nil, fmt.Errorf("%s holds a sweep of %s: choose another output directory for %s", dir, old.Notebook, m.Notebook)
		}
		// Points are named by the grid's parameters in order: a grid over
		// other parameters would reuse none of the points done and replace
		// their table. (With none done, as after a command that failed
		// before running anything, the directory is free.)
		done := len(old.Points) > len(old.Missing(dir))
		if was, now := old.Grid.names(), g.names(); done && !slices.Equal(was, now) {
			return nil, fmt.Errorf("%s holds a sweep over (%s); a sweep over (%s) names its points differently: choose another output directory, or give the same parameters in the same order",
				dir, strings.Join(was, ", "), strings.Join(now, ", "))
		}
		m.Changed = old.NotebookSHA256 != m.NotebookSHA256 && len(old.Points) > len(old.Missing(dir))
	}
	for _, d := range []string{dir, filepath.Join(dir, "points")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, ManifestName), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	// The manifest's write proves the directory writable; the points'
	// directory is checked too.
	f, err := os.CreateTemp(filepath.Join(dir, "points"), ".check-*")
	if err != nil {
		return nil, fmt.Errorf("output directory: results cannot be written there: %w", err)
	}
	f.Close()
	os.Remove(f.Name())
	return m, nil
}

// ReadManifest reads the manifest of the sweep in dir.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	return &m, nil
}

// OutputPath is where the executed notebook of p goes.
func OutputPath(dir string, p Point) string { return filepath.Join(dir, "points", p.Name+".ipynb") }

// PartialPath is where what ran of a failed point goes.
func PartialPath(dir string, p Point) string {
	return filepath.Join(dir, "points", p.Name+".partial.ipynb")
}

// Done reports whether p has its executed notebook.
func Done(dir string, p Point) bool {
	fi, err := os.Stat(OutputPath(dir, p))
	return err == nil && fi.Mode().IsRegular()
}

// Missing returns the points of m not done.
func (m *Manifest) Missing(dir string) []Point {
	var out []Point
	for _, p := range m.Points {
		if !Done(dir, p) {
			out = append(out, p)
		}
	}
	return out
}

// RunPoint runs point p of the sweep in dir in a fresh kernel: the
// notebook with the point's values injected after its parameters cell
// (params.Inject), written to OutputPath when every cell succeeded, else
// what ran to PartialPath. base gives the kernel (Argv, Env) and
// OnProgress; the run settings are the manifest's.
func (m *Manifest) RunPoint(ctx context.Context, dir string, p Point, base kernel.RunFileSettings) (partial string, err error) {
	s := base
	s.CellTimeout, s.MaxOutput = m.CellTimeout, m.MaxOutput
	s.Output, s.Partial = OutputPath(dir, p), PartialPath(dir, p)
	s.Edit = func(nb *nbformat.Notebook) error {
		sets, err := params.Resolve(nb, p.Args())
		if err != nil {
			return err
		}
		return params.Inject(nb, sets, m.Notebook, s.Output)
	}
	return kernel.RunFile(ctx, m.Notebook, s)
}

// Result is how one point's run ended.
type Result struct {
	Point   Point
	Err     error  // nil when it succeeded
	Partial string // the partial result of a failed point, if written
	Elapsed time.Duration
}

// RunLocal runs the points of m not yet done, jobs at a time (at least 1),
// calling report as each ends (from one goroutine at a time). When ctx is
// cancelled (Ctrl-C) the running points stop, none starts, and the points
// finished keep their notebooks. It returns the results of the points it
// ran, in the manifest's order, and ctx's error if it was cancelled.
func (m *Manifest) RunLocal(ctx context.Context, dir string, jobs int, base kernel.RunFileSettings, report func(Result)) ([]Result, error) {
	todo := m.Missing(dir)
	jobs = max(1, min(jobs, len(todo)))
	next := make(chan Point)
	var mu sync.Mutex
	var results []Result
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				t0 := time.Now()
				partial, err := m.RunPoint(ctx, dir, p, base)
				r := Result{Point: p, Err: err, Partial: partial, Elapsed: time.Since(t0)}
				mu.Lock()
				results = append(results, r)
				if report != nil {
					report(r)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, p := range todo {
		select {
		case next <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	slices.SortFunc(results, func(a, b Result) int { return a.Point.Index - b.Point.Index })
	return results, ctx.Err()
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

package sweep

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/nbformat"
	"github.com/noetherlab/noether/lib/record"
)

func testNotebook(t *testing.T) string {
	t.Helper()
	root, err := kernel.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "testdata", "notebooks", "sweep.ipynb")
}

func plan(t *testing.T, dir string, args ...string) (*Manifest, error) {
	t.Helper()
	g, err := ParseGrid(args)
	if err != nil {
		t.Fatal(err)
	}
	return Plan(testNotebook(t), dir, "/root", g, kernel.RunSettings{})
}

func TestPlanChecksEverythingFirst(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		dir  string
		args []string
		want string
	}{
		{t.TempDir(), []string{"rate=1,2"}, "rate is not a parameter of the notebook (its parameters cell declares x, seed, label)"},
		{t.TempDir(), []string{"x=1,abc"}, `parameter x: "abc" is not a float64`},
		{t.TempDir(), []string{"seed=1,1.5"}, `parameter seed: "1.5" is not an int`},
		{filepath.Join(file, "sub"), []string{"x=1"}, "output directory"},
		{"", []string{"x=1"}, "needs an output directory"},
	} {
		_, err := plan(t, c.dir, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v into %s: got %v, want an error with %q", c.args, c.dir, err, c.want)
		}
		if c.dir != "" {
			if _, err := os.Stat(filepath.Join(c.dir, ManifestName)); err == nil && !strings.Contains(c.want, "output") {
				t.Errorf("%v: a manifest was written for a sweep that cannot run", c.args)
			}
		}
	}
	// A directory holding another notebook's sweep.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"notebook": "/elsewhere/other.ipynb"}`), 0o644)
	if _, err := plan(t, dir, "x=1"); err == nil || !strings.Contains(err.Error(), "holds a sweep of /elsewhere/other.ipynb") {
		t.Errorf("another sweep's directory: %v", err)
	}
	// A directory holding a sweep of the same notebook over other
	// parameters: its points would be named differently and its table
	// replaced.
	dir = t.TempDir()
	if _, err := plan(t, dir, "x=1", "seed=1"); err != nil {
		t.Fatal(err)
	}
	// None done yet: the directory is free for another grid.
	m, err := plan(t, dir, "x=1,2", "seed=1,2")
	if err != nil {
		t.Fatalf("a grid over other parameters, nothing done: %v", err)
	}
	fakeRun(t, dir, m.Points[0], false)
	for _, args := range [][]string{{"x=1,2"}, {"seed=1,2", "x=1,2"}} {
		if _, err := plan(t, dir, args...); err == nil || !strings.Contains(err.Error(), "holds a sweep over (x, seed)") {
			t.Errorf("%v into a sweep over x, seed: %v", args, err)
		}
	}
	if _, err := plan(t, dir, "x=1,2,3", "seed=1..3"); err != nil {
		t.Errorf("the same parameters, more values: %v", err)
	}
	// A notebook without a parameters cell, given a grid.
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Cells: []*nbformat.Cell{{Type: "code", Source: "var x = 1"}}}
	path := filepath.Join(t.TempDir(), "plain.ipynb")
	nbformat.WriteFile(path, nb, 0o644)
	g, _ := ParseGrid([]string{"x=1"})
	if _, err := Plan(path, t.TempDir(), "/", g, kernel.RunSettings{}); err == nil || !strings.Contains(err.Error(), "no parameters cell") {
		t.Errorf("no parameters cell: %v", err)
	}
}

// fakeRun writes the executed notebook of p as a run would leave it: y
// recorded as x² + seed, and a table.
func fakeRun(t *testing.T, dir string, p Point, fail bool) {
	t.Helper()
	vals := map[string]float64{}
	for _, a := range p.Params {
		vals[a.Name], _ = strconv.ParseFloat(a.Value, 64)
	}
	y := vals["x"]*vals["x"] + vals["seed"]
	out := func(v map[string]string) *nbformat.Output {
		m := map[string]any{}
		for k, s := range v {
			m[k] = s
		}
		return &nbformat.Output{Type: "display_data", Data: map[string]any{record.MIMEType: m, "text/plain": "r"}, Metadata: map[string]any{}}
	}
	c := &nbformat.Cell{Type: "code", Source: "%%", Outputs: []*nbformat.Output{
		out(map[string]string{"name": "y", "kind": "number", "value": strconv.FormatFloat(y, 'g', -1, 64)}),
		out(map[string]string{"name": "tab", "kind": "table", "value": `{"header":["a"],"rows":[[1]]}`}),
		out(map[string]string{"name": "note", "kind": "string", "value": "with, comma"}),
	}}
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: []*nbformat.Cell{c}}
	path := OutputPath(dir, p)
	if fail {
		path = PartialPath(dir, p)
	}
	if err := nbformat.WriteFile(path, nb, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGatherTableAndSummary(t *testing.T) {
	dir := t.TempDir()
	m, err := plan(t, dir, "x=1,2", "seed=1..3")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing(dir)) != 6 {
		t.Fatalf("missing: %d", len(m.Missing(dir)))
	}
	for _, p := range m.Points {
		switch p.Name {
		case "x=2_seed=3":
			fakeRun(t, dir, p, true)
		case "x=2_seed=2":
		default:
			fakeRun(t, dir, p, false)
		}
	}
	back, err := ReadManifest(dir)
	if err != nil || len(back.Missing(dir)) != 2 || back.Types["x"] != "float64" || back.Types["seed"] != "int" {
		t.Fatalf("manifest read back: %+v, %v", back, err)
	}
	res, err := Gather(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantCSV := `point,status,notebook,x,seed,y,note
x=1_seed=1,done,points/x=1_seed=1.ipynb,1,1,2,"with, comma"
x=1_seed=2,done,points/x=1_seed=2.ipynb,1,2,3,"with, comma"
x=1_seed=3,done,points/x=1_seed=3.ipynb,1,3,4,"with, comma"
x=2_seed=1,done,points/x=2_seed=1.ipynb,2,1,5,"with, comma"
x=2_seed=2,missing,,2,2,,
x=2_seed=3,failed,points/x=2_seed=3.partial.ipynb,2,3,,
`
	if got := string(res.CSV()); got != wantCSV {
		t.Errorf("CSV:\n%s\nwant\n%s", got, wantCSV)
	}
	b, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Rows []struct {
			Params map[string]any `json:"parameters"`
			Values map[string]any `json:"values"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if r := js.Rows[3]; r.Params["x"] != 2.0 || r.Params["seed"] != 1.0 || r.Values["y"] != 5.0 || r.Values["tab"].(map[string]any)["header"].([]any)[0] != "a" {
		t.Errorf("JSON row 3: %+v", r)
	}
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	// The summary: y against x over the seeds. At x = 1, y = 2, 3, 4:
	// mean 3, s = 1, half-width t(0.975, 2)·1/√3 with t = 4.302652729911275.
	series, err := res.Series(Summary{Y: "y", X: "x"})
	if err != nil {
		t.Fatal(err)
	}
	s := series[0]
	if len(s.X) != 2 || s.Mean[0] != 3 || s.N[0] != 3 || s.N[1] != 1 || s.Half[1] != 0 {
		t.Fatalf("series: %+v", s)
	}
	if want := 4.302652729911275 / math.Sqrt(3); math.Abs(s.Half[0]-want) > 1e-9*want { // the quantile's own accuracy
		t.Errorf("half-width %v, want %v", s.Half[0], want)
	}
	if _, err := res.WritePlot(dir, Summary{Y: "y", X: "x", By: "seed"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []Summary{{Y: "nope", X: "x"}, {Y: "y", X: "nope"}, {Y: "y", X: "x", By: "nope"}} {
		if _, err := res.Series(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// A notebook edited after some points ran is noticed when the sweep is
// planned again; its points done are kept.
func TestPlanNoticesAnEditedNotebook(t *testing.T) {
	src, err := os.ReadFile(testNotebook(t))
	if err != nil {
		t.Fatal(err)
	}
	nb := filepath.Join(t.TempDir(), "nb.ipynb")
	os.WriteFile(nb, src, 0o644)
	dir := t.TempDir()
	g, _ := ParseGrid([]string{"x=1,2"})
	m, err := Plan(nb, dir, "/", g, kernel.RunSettings{})
	if err != nil || m.Changed {
		t.Fatalf("first plan: %v, changed %v", err, m.Changed)
	}
	fakeRun(t, dir, m.Points[0], false)
	if m, err = Plan(nb, dir, "/", g, kernel.RunSettings{}); err != nil || m.Changed {
		t.Fatalf("same notebook: %v, changed %v", err, m.Changed)
	}
	os.WriteFile(nb, append(src, ' '), 0o644)
	if m, err = Plan(nb, dir, "/", g, kernel.RunSettings{}); err != nil || !m.Changed || len(m.Missing(dir)) != 1 {
		t.Fatalf("edited notebook: %v, changed %v", err, m.Changed)
	}
}

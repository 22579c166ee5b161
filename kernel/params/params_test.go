package params

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/noetherlab/noether/kernel/nbformat"
)

func TestParseTypesFromDefaults(t *testing.T) {
	src := `// defaults
var lr = 0.1
var (
	seed  = 1
	name  = "mlp"
	fast  = true
	eps   float64 = 1
	wait  time.Duration = 3 * time.Second
	shift = -2
	other = math.Pi
	_     = 3
)
const steps = 1000
var width, depth = 50, 3
var scale = float64(2)
`
	ps, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []Param{
		{Name: "lr", Type: "float64", Default: "0.1"},
		{Name: "seed", Type: "int", Default: "1"},
		{Name: "name", Type: "string", Default: `"mlp"`},
		{Name: "fast", Type: "bool", Default: "true"},
		{Name: "eps", Type: "float64", Default: "1", Declared: true},
		{Name: "wait", Type: "time.Duration", Default: "3 * time.Second", Declared: true},
		{Name: "shift", Type: "int", Default: "-2"},
		{Name: "other", Type: "", Default: "math.Pi"},
		{Name: "steps", Type: "int", Default: "1000", Const: true},
		{Name: "width", Type: "int", Default: "50"},
		{Name: "depth", Type: "int", Default: "3"},
		{Name: "scale", Type: "float64", Default: "float64(2)"},
	}
	if len(ps) != len(want) {
		t.Fatalf("got %d parameters %+v, want %d", len(ps), ps, len(want))
	}
	for i := range want {
		if ps[i] != want[i] {
			t.Errorf("parameter %d: got %+v, want %+v", i, ps[i], want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"var x = ":             "line 1",
		"var a = 1\nvar a = 2": "declares a twice",
		"x := 3":               "not Go declarations",
	} {
		if _, err := Parse(src); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): got %v, want an error with %q", src, err, want)
		}
	}
}

func TestValueParsesOrNamesBoth(t *testing.T) {
	cases := []struct {
		typ, in string
		want    any
		err     string
	}{
		{"float64", "0.01", 0.01, ""},
		{"float64", "1e-3", 1e-3, ""},
		{"float64", "abc", nil, `parameter p: "abc" is not a float64`},
		{"float64", "NaN", nil, "finite"},
		{"int", "5", 5, ""},
		{"int", "0x10", 16, ""},
		{"int", "2.5", nil, `"2.5" is not an int`},
		{"string", "a,b", "a,b", ""},
		{"bool", "true", true, ""},
		{"bool", "yes", nil, "true or false"},
		{"time.Duration", "1m30s", 90 * time.Second, ""},
		{"time.Duration", "90", nil, "1m30s"},
		{"", "1", nil, "declare it"},
	}
	for _, c := range cases {
		p := Param{Name: "p", Type: c.typ, Default: "f()"}
		got, err := p.Value(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: got %v, %v; want an error with %q", c.typ, c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %q: got %v, %v; want %v", c.typ, c.in, got, err, c.want)
		}
	}
}

// A declaration written back parses to the same type: the injected cell
// redeclares a float64 as a float64 even for a whole value.
func TestDeclarationKeepsTheType(t *testing.T) {
	ps, _ := Parse("var lr = 0.1\nconst n = 3\nvar d time.Duration = time.Second\nvar s = \"x\"")
	for _, c := range []struct {
		p    Param
		v    any
		want string
	}{
		{ps[0], 2.0, "var lr = 2.0"},
		{ps[0], 1e-20, "var lr = 1e-20"},
		{ps[1], 7, "const n = 7"},
		{ps[2], 90 * time.Second, "var d time.Duration = time.Duration(90000000000) // 1m30s"},
		{ps[3], "a \"q\"", `var s = "a \"q\""`},
	} {
		got := c.p.Declaration(c.v)
		if got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
		back, err := Parse(got)
		if err != nil || back[0].Type != c.p.Type {
			t.Errorf("%s parses back as %+v, %v", got, back, err)
		}
	}
}

func TestPyFloatIsPythonsRepr(t *testing.T) {
	// Python 3: repr(x) for each x.
	for f, want := range map[float64]string{
		0.1: "0.1", 1: "1.0", 1e-5: "1e-05", 1e16: "1e+16", 1e15: "1000000000000000.0",
		0.0001: "0.0001", 1.2345678901234568e+17: "1.2345678901234568e+17", -2.5e-7: "-2.5e-07", 0: "0.0",
	} {
		if got := PyFloat(f); got != want {
			t.Errorf("PyFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func notebook(cells ...*nbformat.Cell) *nbformat.Notebook {
	return &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: cells}
}

func code(src string, tags ...string) *nbformat.Cell {
	c := &nbformat.Cell{Type: "code", Source: src, Metadata: map[string]any{}}
	if len(tags) > 0 {
		var ts []any
		for _, t := range tags {
			ts = append(ts, t)
		}
		c.Metadata["tags"] = ts
	}
	return c
}

func TestInjectAfterTheParametersCellAndRecord(t *testing.T) {
	nb := notebook(code("import \"fmt\""), code("var lr = 0.1\nvar seed = 1\nvar name = \"a\"", Tag), code("%%\nfmt.Println(lr, seed)"))
	sets, err := Resolve(nb, []string{"seed=3", "lr=1e-5", "name=x,y"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Inject(nb, sets, "in.ipynb", "out.ipynb"); err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 4 || !hasTag(nb.Cells[2], InjectedTag) {
		t.Fatalf("no injected cell after the parameters cell: %+v", nb.Cells)
	}
	wantSrc := "// Parameters injected by nbexec -p: they replace the defaults above.\nvar seed = 3\nvar lr = 1e-05\nvar name = \"x,y\""
	if nb.Cells[2].Source != wantSrc {
		t.Errorf("injected cell:\n%s\nwant\n%s", nb.Cells[2].Source, wantSrc)
	}
	// Injecting again replaces the injected cell.
	sets, _ = Resolve(nb, []string{"seed=4"})
	Inject(nb, sets, "in.ipynb", "out2.ipynb")
	if len(nb.Cells) != 4 || nb.Cells[2].Source != "// Parameters injected by nbexec -p: they replace the defaults above.\nvar seed = 4" {
		t.Fatalf("second injection: %d cells, %q", len(nb.Cells), nb.Cells[2].Source)
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := nbformat.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rec := Recorded(back)
	if rec["seed"] != json.Number("4") || len(rec) != 1 {
		t.Errorf("recorded parameters: %v", rec)
	}
	pm := back.Metadata["papermill"].(map[string]any)
	if pm["output_path"] != "out2.ipynb" || pm["input_path"] != "in.ipynb" {
		t.Errorf("recorded paths: %v", pm)
	}
}

func TestResolveErrorsNameWhatIsWrong(t *testing.T) {
	nb := notebook(code("var lr = 0.1\nvar seed = 1", Tag))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lr=abc"}, `parameter lr: "abc" is not a float64`},
		{[]string{"rate=0.1"}, "rate is not a parameter of the notebook (its parameters cell declares lr, seed)"},
		{[]string{"seed=1", "seed=2"}, "seed is given twice"},
		{[]string{"seed"}, "want name=value"},
	} {
		if _, err := Resolve(nb, c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error with %q", c.args, err, c.want)
		}
	}
	if _, err := Resolve(notebook(code("var lr = 0.1")), []string{"lr=1"}); err == nil || !strings.Contains(err.Error(), "no parameters cell") {
		t.Errorf("a notebook without a parameters cell: got %v", err)
	}
}

package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
	"github.com/noetherlab/noether/kernel/params"
	"github.com/noetherlab/noether/lib/record"
)

// Status of a point in the gathered table.
const (
	StatusDone    = "done"    // its executed notebook exists
	StatusFailed  = "failed"  // it ran and a cell failed (a partial result exists)
	StatusMissing = "missing" // it has not run (or was stopped before writing anything)
)

// Row is one point of the gathered table.
type Row struct {
	Point    Point
	Status   string
	Notebook string // relative to the sweep's directory
	Params   map[string]any
	Values   map[string]record.Record
}

// Results is a sweep's gathered table: a row per point, in the manifest's
// order, with the parameters and every value recorded.
type Results struct {
	Params []string // the grid's parameter names, in order
	Values []string // the recorded names, in order of first appearance
	Rows   []Row
}

// Gather reads every point's executed notebook in the sweep in dir and
// collects the values recorded in it. It runs nothing.
func Gather(dir string) (*Results, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	res := &Results{}
	for _, ax := range m.Grid {
		res.Params = append(res.Params, ax.Name)
	}
	seen := map[string]bool{}
	for _, p := range m.Points {
		row := Row{Point: p, Status: StatusMissing, Params: map[string]any{}, Values: map[string]record.Record{}}
		for _, a := range p.Params {
			row.Params[a.Name] = typed(params.Param{Name: a.Name, Type: m.Types[a.Name]}, a.Value)
		}
		switch {
		case Done(dir, p):
			row.Status = StatusDone
			row.Notebook = filepath.Join("points", p.Name+".ipynb")
			rs, err := record.ReadFile(OutputPath(dir, p))
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				row.Values[r.Name] = r
				if !seen[r.Name] {
					seen[r.Name] = true
					res.Values = append(res.Values, r.Name)
				}
			}
		case exists(PartialPath(dir, p)):
			row.Status = StatusFailed
			row.Notebook = filepath.Join("points", p.Name+".partial.ipynb")
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// typed is the value of a parameter as the JSON table holds it: a number
// for float64 and int, a bool, else the text (a duration's included).
func typed(p params.Param, text string) any {
	v, err := p.Value(text)
	if err != nil {
		return text
	}
	if d, ok := v.(time.Duration); ok {
		return d.String()
	}
	return v
}

// Count returns how many rows have each status.
func (r *Results) Count() map[string]int {
	n := map[string]int{}
	for _, row := range r.Rows {
		n[row.Status]++
	}
	return n
}

// CSV is the table as CSV: the columns point, status, notebook, the
// parameters, then each recorded number or string (a recorded table is in
// the JSON only). Numbers are written exactly (shortest round-trip form).
func (r *Results) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := append([]string{"point", "status", "notebook"}, r.Params...)
	var cols []string
	for _, name := range r.Values {
		if r.kind(name) != record.Table {
			cols = append(cols, name)
		}
	}
	w.Write(append(header, cols...))
	for _, row := range r.Rows {
		line := []string{row.Point.Name, row.Status, row.Notebook}
		for _, a := range row.Point.Params {
			line = append(line, a.Value)
		}
		for _, name := range cols {
			v, ok := row.Values[name]
			switch {
			case !ok:
				line = append(line, "")
			case v.Kind == record.Number:
				line = append(line, strconv.FormatFloat(v.Num, 'g', -1, 64))
			default:
				line = append(line, v.Str)
			}
		}
		w.Write(line)
	}
	w.Flush()
	return buf.Bytes()
}

func (r *Results) kind(name string) string {
	for _, row := range r.Rows {
		if v, ok := row.Values[name]; ok {
			return v.Kind
		}
	}
	return ""
}

// JSON is the table as JSON: {"parameters": [...], "values": [...],
// "rows": [{"point", "status", "notebook", "parameters": {name: value},
// "values": {name: number | string | {"caption", "header", "rows"}}}]}.
// A non-finite number is written as the string "NaN", "+Inf" or "-Inf".
func (r *Results) JSON() ([]byte, error) {
	type table struct {
		Caption string   `json:"caption,omitempty"`
		Header  []string `json:"header"`
		Rows    [][]any  `json:"rows"`
	}
	type row struct {
		Point    string         `json:"point"`
		Status   string         `json:"status"`
		Notebook string         `json:"notebook,omitempty"`
		Params   map[string]any `json:"parameters"`
		Values   map[string]any `json:"values"`
	}
	out := struct {
		Params []string `json:"parameters"`
		Values []string `json:"values"`
		Rows   []row    `json:"rows"`
	}{Params: nonNil(r.Params), Values: nonNil(r.Values)}
	for _, x := range r.Rows {
		y := row{Point: x.Point.Name, Status: x.Status, Notebook: x.Notebook, Params: x.Params, Values: map[string]any{}}
		for name, v := range x.Values {
			switch v.Kind {
			case record.Number:
				y.Values[name] = jsonNumber(v.Num)
			case record.String:
				y.Values[name] = v.Str
			default:
				y.Values[name] = table{Caption: v.Tab.Caption, Header: nonNil(v.Tab.Header), Rows: v.Tab.Rows}
			}
		}
		out.Rows = append(out.Rows, y)
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func jsonNumber(f float64) any {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if _, err := strconv.ParseFloat(s, 64); err != nil || s == "NaN" || s == "+Inf" || s == "-Inf" {
		return s
	}
	return json.Number(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Write writes results.csv and results.json into dir, each atomically.
func (r *Results) Write(dir string) error {
	b, err := r.JSON()
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "results.csv"), r.CSV(), 0o644); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "results.json"), b, 0o644); err != nil {
		return err
	}
	return nil
}

// String summarises the table: how many points, how many of each status.
func (r *Results) String() string {
	return fmt.Sprintf("%d points: %v", len(r.Rows), r.Count())
}

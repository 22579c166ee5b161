// Package record keeps values a notebook computes where programs can read
// them back without running it again, as scrapbook's glue does for Python
// notebooks: a cell calls
//
//	record.Value("loss", loss)
//	record.Value("summary", table) // a show.Table
//
// and the executed notebook holds, among the cell's outputs, one display
// with the value under MIMEType (beside a line of text for people).
// ReadFile gets the values back from the .ipynb file; a sweep over the
// notebook's parameters gathers them into one table, a row per run.
package record

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/noetherlab/noether/lib/show"
)

// MIMEType is the type under which a value is stored in the executed
// notebook: a JSON object with the keys "name", "kind" ("number",
// "string" or "table") and "value", a string: the number as Go's
// strconv.FormatFloat writes it (shortest, exact; NaN, +Inf, -Inf
// included), the string itself, or the table as a JSON object with the
// keys "caption", "header" and "rows" (numbers as JSON numbers, a
// non-finite one as the string "NaN", "+Inf" or "-Inf", any other cell as
// the string fmt's %v makes of it).
const MIMEType = "application/vnd.noether.record+json"

// Kinds of recorded values.
const (
	Number = "number"
	String = "string"
	Table  = "table"
)

// Record is one recorded value.
type Record struct {
	Name string
	Kind string // Number, String or Table
	// The value: Num for a number, Str for a string, Tab for a table.
	Num float64
	Str string
	Tab show.Table
}

// Any returns the value: a float64, a string or a show.Table.
func (r Record) Any() any {
	switch r.Kind {
	case Number:
		return r.Num
	case String:
		return r.Str
	}
	return r.Tab
}

// Value records v under name in the running notebook: v is a number (any
// Go integer or floating-point type, stored as float64), a string, a bool
// (stored as the string "true" or "false"), or a show.Table (or a pointer
// to one). Outside the kernel it prints the line that the notebook shows.
// A name recorded twice keeps its last value.
func Value(name string, v any) error {
	r, err := of(name, v)
	if err != nil {
		return err
	}
	data, err := r.bundle()
	if err != nil {
		return err
	}
	return show.Bundle(data)
}

func of(name string, v any) (Record, error) {
	if name == "" {
		return Record{}, fmt.Errorf("record.Value: empty name")
	}
	r := Record{Name: name}
	switch v := v.(type) {
	case float64:
		r.Kind, r.Num = Number, v
	case float32:
		r.Kind, r.Num = Number, float64(v)
	case int:
		r.Kind, r.Num = Number, float64(v)
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		r.Kind, r.Num = Number, f
	case string:
		r.Kind, r.Str = String, v
	case bool:
		r.Kind, r.Str = String, strconv.FormatBool(v)
	case show.Table:
		r.Kind, r.Tab = Table, v
	case *show.Table:
		if v == nil {
			return Record{}, fmt.Errorf("record.Value(%q): nil table", name)
		}
		r.Kind, r.Tab = Table, *v
	default:
		return Record{}, fmt.Errorf("record.Value(%q): a %T cannot be recorded (numbers, strings, bools and show.Table can)", name, v)
	}
	return r, nil
}

// Text is the record as the notebook shows it to people: "name = value",
// or the name and the table's text.
func (r Record) Text() string {
	switch r.Kind {
	case Number:
		return r.Name + " = " + strconv.FormatFloat(r.Num, 'g', -1, 64)
	case String:
		return r.Name + " = " + strconv.Quote(r.Str)
	}
	return r.Name + ":\n" + r.Tab.Text()
}

type jsonTable struct {
	Caption string   `json:"caption"`
	Header  []string `json:"header"`
	Rows    [][]any  `json:"rows"`
}

func (r Record) bundle() (map[string]any, error) {
	m := map[string]string{"name": r.Name, "kind": r.Kind}
	data := map[string]any{"text/plain": r.Text()}
	switch r.Kind {
	case Number:
		m["value"] = strconv.FormatFloat(r.Num, 'g', -1, 64)
	case String:
		m["value"] = r.Str
	case Table:
		jt := jsonTable{Caption: r.Tab.Caption, Header: r.Tab.Header, Rows: make([][]any, len(r.Tab.Rows))}
		if jt.Header == nil {
			jt.Header = []string{}
		}
		for i, row := range r.Tab.Rows {
			jt.Rows[i] = make([]any, len(row))
			for j, c := range row {
				jt.Rows[i][j] = cell(c)
			}
		}
		b, err := json.Marshal(jt)
		if err != nil {
			return nil, fmt.Errorf("record.Value(%q): %w", r.Name, err)
		}
		m["value"] = string(b)
		data["text/html"] = r.Tab.HTML()
	}
	data[MIMEType] = m
	return data, nil
}

// cell is a table cell as the JSON of a recorded table holds it.
func cell(c any) any {
	var f float64
	switch c := c.(type) {
	case float64:
		f = c
	case float32:
		f = float64(c)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		f, _ = strconv.ParseFloat(fmt.Sprint(c), 64)
	case string:
		return c
	default:
		return fmt.Sprint(c)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return f
}

// Decode returns the record stored under MIMEType in an output's data,
// value being the JSON object as decoded (map[string]any).
func Decode(value any) (Record, error) {
	obj, ok := value.(map[string]any)
	if !ok {
		return Record{}, fmt.Errorf("%s: want a JSON object, have %T", MIMEType, value)
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	r := Record{Name: str("name"), Kind: str("kind")}
	v, ok := obj["value"].(string)
	if r.Name == "" || !ok {
		return Record{}, fmt.Errorf("%s: want string \"name\" and \"value\"", MIMEType)
	}
	switch r.Kind {
	case Number:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return Record{}, fmt.Errorf("%s %q: value %q is not a number", MIMEType, r.Name, v)
		}
		r.Num = f
	case String:
		r.Str = v
	case Table:
		var jt jsonTable
		if err := json.Unmarshal([]byte(v), &jt); err != nil {
			return Record{}, fmt.Errorf("%s %q: table: %v", MIMEType, r.Name, err)
		}
		r.Tab = show.Table{Caption: jt.Caption, Header: jt.Header, Rows: jt.Rows}
		if len(r.Tab.Header) == 0 {
			r.Tab.Header = nil
		}
	default:
		return Record{}, fmt.Errorf("%s %q: unknown kind %q", MIMEType, r.Name, r.Kind)
	}
	return r, nil
}

// Read returns the values recorded in an executed notebook, the JSON of an
// .ipynb file, in the order they were first recorded; a name recorded
// twice has its last value.
func Read(ipynb []byte) ([]Record, error) {
	var nb struct {
		Cells []struct {
			Outputs []struct {
				Data map[string]any `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(ipynb, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %v", err)
	}
	var out []Record
	at := map[string]int{}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			v, ok := o.Data[MIMEType]
			if !ok {
				continue
			}
			r, err := Decode(v)
			if err != nil {
				return nil, err
			}
			if i, dup := at[r.Name]; dup {
				out[i] = r
				continue
			}
			at[r.Name] = len(out)
			out = append(out, r)
		}
	}
	return out, nil
}

// ReadFile returns the values recorded in the executed notebook at path
// (see Read). Errors name the file.
func ReadFile(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs, err := Read(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rs, nil
}

package params

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// Tag marks the cell of defaults; InjectedTag the cell of overrides that
// Inject inserts after it. Both are papermill's.
const (
	Tag         = "parameters"
	InjectedTag = "injected-parameters"
)

// Set is a parameter with the value it is given.
type Set struct {
	Param Param
	Value any
}

// Cell returns the index of nb's parameters cell (the first code cell
// tagged Tag), or -1.
func Cell(nb *nbformat.Notebook) int {
	for i, c := range nb.Cells {
		if c.Type == "code" && hasTag(c, Tag) {
			return i
		}
	}
	return -1
}

// Of returns the parameters nb declares in its parameters cell. A notebook
// without one is an error that says how to make one.
func Of(nb *nbformat.Notebook) ([]Param, error) {
	i := Cell(nb)
	if i < 0 {
		return nil, fmt.Errorf("the notebook has no parameters cell: tag the code cell that declares the defaults %q (in Jupyter: View → Cell Toolbar → Tags)", Tag)
	}
	ps, err := Parse(nb.Cells[i].Source)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("the parameters cell declares no variables or constants")
	}
	return ps, nil
}

// SplitAssignment splits "name=value" at its first "=".
func SplitAssignment(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("-p %q: want name=value", s)
	}
	return name, value, nil
}

// Resolve types the values of assignments ("name=value", in order) by the
// parameters of nb. A name that is not a parameter, a name given twice and
// a value that does not parse as its parameter's type are errors that name
// them.
func Resolve(nb *nbformat.Notebook, assignments []string) ([]Set, error) {
	if len(assignments) == 0 {
		return nil, nil
	}
	ps, err := Of(nb)
	if err != nil {
		return nil, err
	}
	var out []Set
	for _, a := range assignments {
		name, text, err := SplitAssignment(a)
		if err != nil {
			return nil, err
		}
		p, err := Lookup(ps, name)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(out, func(s Set) bool { return s.Param.Name == name }) {
			return nil, fmt.Errorf("parameter %s is given twice", name)
		}
		v, err := p.Value(text)
		if err != nil {
			return nil, err
		}
		out = append(out, Set{p, v})
	}
	return out, nil
}

// Lookup returns the parameter called name, or an error that lists the
// parameters there are.
func Lookup(ps []Param, name string) (Param, error) {
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return Param{}, fmt.Errorf("%s is not a parameter of the notebook (its parameters cell declares %s)", name, strings.Join(names, ", "))
}

// Inject inserts, right after nb's parameters cell, a code cell tagged
// InjectedTag that declares sets again with their values, replacing the
// cell an earlier injection left (as papermill does), and records the
// values in nb.Metadata["papermill"]: "parameters" (name → value),
// "input_path" and "output_path". With no sets it only records the paths.
func Inject(nb *nbformat.Notebook, sets []Set, inputPath, outputPath string) error {
	at := Cell(nb)
	if at < 0 && len(sets) > 0 {
		_, err := Of(nb)
		return err
	}
	// An earlier injection is replaced, wherever it is.
	nb.Cells = slices.DeleteFunc(nb.Cells, func(c *nbformat.Cell) bool { return c.Type == "code" && hasTag(c, InjectedTag) })
	values := map[string]any{}
	if len(sets) > 0 {
		at = Cell(nb)
		var sb strings.Builder
		sb.WriteString("// Parameters injected by nbexec -p: they replace the defaults above.\n")
		for i, s := range sets {
			if i > 0 {
				sb.WriteString("\n")
			}
			sb.WriteString(s.Param.Declaration(s.Value))
			values[s.Param.Name] = JSONValue(s.Value)
		}
		c := &nbformat.Cell{Type: "code", ID: nbformat.NewCellID(), Source: sb.String(),
			Metadata: map[string]any{"tags": []any{InjectedTag}}}
		nb.Cells = slices.Insert(nb.Cells, at+1, c)
	}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	pm, _ := nb.Metadata["papermill"].(map[string]any)
	if pm == nil {
		pm = map[string]any{}
	}
	pm["parameters"] = values
	pm["input_path"] = inputPath
	pm["output_path"] = outputPath
	nb.Metadata["papermill"] = pm
	return nil
}

// Recorded returns the parameters that Inject recorded in nb's metadata,
// as JSON values (json.Number for numbers), or nil.
func Recorded(nb *nbformat.Notebook) map[string]any {
	pm, _ := nb.Metadata["papermill"].(map[string]any)
	v, _ := pm["parameters"].(map[string]any)
	return v
}

// JSONValue is v as the notebook's metadata stores it: a number as
// Python's json module writes it (0.1, 1e-05, 2.0), so that Jupyter
// rewrites the notebook byte for byte; a duration as its string.
func JSONValue(v any) any {
	switch v := v.(type) {
	case float64:
		return json.Number(PyFloat(v))
	case int:
		return json.Number(strconv.Itoa(v))
	case time.Duration:
		return v.String()
	}
	return v
}

// PyFloat formats f as Python's repr does: the shortest digits that read
// back as f, in fixed notation with a decimal point when its exponent is
// in [-4, 16), else as d.ddde±XX.
func PyFloat(f float64) string {
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func hasTag(c *nbformat.Cell, tag string) bool {
	tags, _ := c.Metadata["tags"].([]any)
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

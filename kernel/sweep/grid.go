package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Axis is one parameter of a sweep and the values it takes, as written on
// the command line (typed later, by the notebook's parameters cell).
type Axis struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// ParseAxis parses one -p argument of a sweep: name=v1,v2,... or, for
// integers, name=a..b (a, a+1, …, b) or name=a..b..step. A comma that
// belongs to a value is written \, and a backslash \\; a single value
// needs no comma (name=value).
func ParseAxis(s string) (Axis, error) {
	name, list, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Axis{}, fmt.Errorf("-p %q: want name=value[,value...] or name=first..last", s)
	}
	if !validName(name) {
		return Axis{}, fmt.Errorf("-p %q: %q is not a Go identifier", s, name)
	}
	if lo, hi, ok := strings.Cut(list, ".."); ok && !strings.ContainsAny(list, `,\`) && numeric(lo) && numeric(strings.Split(hi, "..")[0]) {
		vals, err := intRange(lo, hi)
		if err != nil {
			return Axis{}, fmt.Errorf("-p %q: %v", s, err)
		}
		return Axis{Name: name, Values: vals}, nil
	}
	vals, err := splitValues(list)
	if err != nil {
		return Axis{}, fmt.Errorf("-p %q: %v", s, err)
	}
	return Axis{Name: name, Values: vals}, nil
}

// MaxPoints bounds a grid: a typo such as seed=1..10000000 is an error,
// not ten million runs.
const MaxPoints = 100000

func intRange(lo, hi string) ([]string, error) {
	step := "1"
	if h, st, ok := strings.Cut(hi, ".."); ok {
		hi, step = h, st
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	b, err2 := strconv.Atoi(strings.TrimSpace(hi))
	d, err3 := strconv.Atoi(strings.TrimSpace(step))
	switch {
	case err1 != nil || err2 != nil || err3 != nil:
		return nil, fmt.Errorf("a range is first..last or first..last..step, in integers (list other values: lr=0.1,0.01)")
	case d <= 0:
		return nil, fmt.Errorf("the step of a range must be positive")
	case b < a:
		return nil, fmt.Errorf("the range %d..%d is empty", a, b)
	case (b-a)/d+1 > MaxPoints:
		return nil, fmt.Errorf("the range has more than %d values", MaxPoints)
	}
	var out []string
	for v := a; v <= b; v += d {
		out = append(out, strconv.Itoa(v))
	}
	return out, nil
}

func numeric(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func splitValues(list string) ([]string, error) {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(list); i++ {
		switch c := list[i]; c {
		case '\\':
			if i+1 == len(list) || (list[i+1] != ',' && list[i+1] != '\\') {
				return nil, fmt.Errorf(`a backslash escapes a comma (\,) or a backslash (\\) only`)
			}
			i++
			cur.WriteByte(list[i])
		case ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String()), nil
}

func validName(s string) bool {
	for i, r := range s {
		if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') && r < 0x80 {
			return false
		}
	}
	return true
}

// Grid is the cartesian product of its axes.
type Grid []Axis

// ParseGrid parses the -p arguments of a sweep. A parameter given twice is
// an error.
func ParseGrid(args []string) (Grid, error) {
	var g Grid
	n := 1
	for _, a := range args {
		ax, err := ParseAxis(a)
		if err != nil {
			return nil, err
		}
		for _, b := range g {
			if b.Name == ax.Name {
				return nil, fmt.Errorf("-p %s is given twice: put its values in one list (%s=a,b)", ax.Name, ax.Name)
			}
		}
		n *= len(ax.Values)
		if n > MaxPoints {
			return nil, fmt.Errorf("the grid has more than %d points", MaxPoints)
		}
		g = append(g, ax)
	}
	return g, nil
}

// Assignment is a parameter's value at one point, as text.
type Assignment struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Point is one run of a sweep.
type Point struct {
	Index  int          `json:"index"`
	Name   string       `json:"name"` // the file name of its notebook, without .ipynb
	Params []Assignment `json:"params"`
}

// Args returns the point's assignments as name=value.
func (p Point) Args() []string {
	out := make([]string, len(p.Params))
	for i, a := range p.Params {
		out[i] = a.Name + "=" + a.Value
	}
	return out
}

// names returns the grid's parameter names in order.
func (g Grid) names() []string {
	n := make([]string, len(g))
	for i, ax := range g {
		n[i] = ax.Name
	}
	return n
}

// Points lists the grid's points, the last axis varying fastest (the order
// of nested loops written in the order of the -p flags). A grid with no
// axes has one point, the notebook's defaults.
func (g Grid) Points() []Point {
	pts := []Point{{}}
	for _, ax := range g {
		var next []Point
		for _, p := range pts {
			for _, v := range ax.Values {
				q := Point{Params: append(append([]Assignment(nil), p.Params...), Assignment{ax.Name, v})}
				next = append(next, q)
			}
		}
		pts = next
	}
	for i := range pts {
		pts[i].Index = i
		pts[i].Name = pointName(pts[i].Params)
	}
	return pts
}

// pointName is a file name made from the point's values, stable across
// runs: name=value joined by "_", e.g. lr=0.1_seed=3. A value with
// characters other than letters, digits, '.', '+' and '-' has them
// replaced by '-' and a short hash of the whole point appended, so that
// different points never share a name.
func pointName(ps []Assignment) string {
	if len(ps) == 0 {
		return "defaults"
	}
	var sb strings.Builder
	clean := true
	for i, a := range ps {
		if i > 0 {
			sb.WriteByte('_')
		}
		sb.WriteString(a.Name + "=")
		v := a.Value
		if len(v) > 40 {
			v, clean = v[:40], false
		}
		for _, r := range v {
			if r < 0x80 && (r == '.' || r == '+' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
				sb.WriteRune(r)
			} else {
				sb.WriteByte('-')
				clean = false
			}
		}
		if a.Value == "" {
			clean = false
		}
	}
	if !clean {
		h := sha256.New()
		for _, a := range ps {
			fmt.Fprintf(h, "%s=%q\n", a.Name, a.Value)
		}
		sb.WriteString("~" + hex.EncodeToString(h.Sum(nil))[:8])
	}
	return sb.String()
}

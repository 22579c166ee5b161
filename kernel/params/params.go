// Package params gives a notebook parameters the way papermill does: a code
// cell tagged "parameters" holds their defaults as Go declarations,
//
//	var (
//		lr    = 0.1
//		steps = 1000
//		name  = "mlp"
//	)
//
// and a run with overrides gets a cell tagged "injected-parameters" right
// after it that declares them again with the new values (GoNB keeps the
// last declaration of a name), while the notebook's metadata records them
// under "papermill", where papermill's readers look.
//
// A parameter's type is its declared type, or else its default's: an
// integer literal is an int, a floating-point literal a float64, a string
// literal a string, true or false a bool. The types a value from the
// command line can be given are these and time.Duration (declared, and
// written as "1m30s").
package params

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"strconv"
	"strings"
	"time"
)

// Param is one parameter of a notebook.
type Param struct {
	Name string
	// Type is the parameter's Go type: "float64", "int", "string", "bool"
	// or "time.Duration"; "" when neither a declared type nor the default
	// says which of these it is (it cannot then be overridden).
	Type string
	// Default is the source of its default value.
	Default string
	// Const is true for a constant, false for a variable.
	Const bool
	// Declared is true when the declaration names the type.
	Declared bool
}

// Parse returns the parameters declared at the top level of src, the source
// of a parameters cell, in order. Statements other than var and const
// declarations (comments, blank lines, imports) are ignored; a cell that
// does not parse as Go declarations is an error.
func Parse(src string) ([]Param, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "parameters", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("the parameters cell is not Go declarations: %v", shiftLines(err.Error()))
	}
	var out []Param
	seen := map[string]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.VAR && g.Tok != token.CONST) {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if id.Name == "_" {
					continue
				}
				if seen[id.Name] {
					return nil, fmt.Errorf("the parameters cell declares %s twice", id.Name)
				}
				seen[id.Name] = true
				p := Param{Name: id.Name, Const: g.Tok == token.CONST}
				var val ast.Expr
				if i < len(vs.Values) {
					val = vs.Values[i]
					p.Default = exprString(src, fset, val)
				}
				if vs.Type != nil {
					p.Declared = true
					p.Type = typeName(exprString(src, fset, vs.Type))
				} else if val != nil {
					p.Type = literalType(val)
				}
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// shiftLines makes the line numbers of a parser error count from the cell's
// first line (the source was parsed after a package clause).
func shiftLines(msg string) string {
	// "parameters:3:5: ..." → line 2 of the cell.
	rest, ok := strings.CutPrefix(msg, "parameters:")
	if !ok {
		return msg
	}
	line, after, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(line)
	if !ok || err != nil {
		return msg
	}
	return fmt.Sprintf("line %d:%s", n-1, after)
}

func exprString(src string, fset *token.FileSet, e ast.Expr) string {
	const off = len("package p\n")
	start, end := fset.Position(e.Pos()).Offset-off, fset.Position(e.End()).Offset-off
	return src[start:end]
}

var supported = map[string]bool{"float64": true, "int": true, "string": true, "bool": true, "time.Duration": true}

func typeName(t string) string {
	if supported[t] {
		return t
	}
	return ""
}

// literalType is the type Go gives a variable initialised with e, for the
// literals a parameter's default usually is.
func literalType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return literalType(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			if t := literalType(e.X); t == "int" || t == "float64" {
				return t
			}
		}
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.STRING:
			return "string"
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return "bool"
		}
	case *ast.CallExpr:
		// A conversion: float64(1), int(3).
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) == 1 && supported[id.Name] {
			return id.Name
		}
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && len(e.Args) == 1 {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "time" && sel.Sel.Name == "Duration" {
				return "time.Duration"
			}
		}
	}
	return ""
}

// Value converts s, a value from the command line, to p's type: a float64,
// int, string, bool or time.Duration. The error names the parameter, its
// type and the value.
func (p Param) Value(s string) (any, error) {
	bad := func(why string) error {
		return fmt.Errorf("parameter %s: %q is not %s%s", p.Name, s, article(p.Type), why)
	}
	switch p.Type {
	case "float64":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, bad("")
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, bad(" (finite values only)")
		}
		return f, nil
	case "int":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 64)
		if err != nil {
			return nil, bad("")
		}
		return int(n), nil
	case "string":
		return s, nil
	case "bool":
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return nil, bad(" (true or false)")
		}
		return b, nil
	case "time.Duration":
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return nil, bad(` (like "1m30s")`)
		}
		return d, nil
	}
	return nil, fmt.Errorf("parameter %s: its type cannot be told from its default %q: declare it, as in `var %s float64 = ...` (float64, int, string, bool or time.Duration)", p.Name, p.Default, p.Name)
}

func article(t string) string {
	switch t {
	case "int":
		return "an int"
	case "float64":
		return "a float64"
	case "bool":
		return "a bool"
	case "string":
		return "a string"
	}
	return "a " + t
}

// Literal is v, a value of p's type, as Go source that declares p with
// the same type its default gives it: a float64 literal always has a
// decimal point or an exponent, so that an untyped declaration stays a
// float64.
func (p Param) Literal(v any) string {
	switch v := v.(type) {
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		return s
	case int:
		return strconv.Itoa(v)
	case string:
		return strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Duration:
		return fmt.Sprintf("time.Duration(%d)", int64(v))
	}
	panic(fmt.Sprintf("params: Literal of a %T", v))
}

// Declaration is the source that declares p again with value v, as the
// injected-parameters cell holds it.
func (p Param) Declaration(v any) string {
	kw := "var"
	if p.Const {
		kw = "const"
	}
	typ := ""
	if p.Declared {
		typ = " " + p.Type
	}
	decl := fmt.Sprintf("%s %s%s = %s", kw, p.Name, typ, p.Literal(v))
	if d, ok := v.(time.Duration); ok {
		decl += " // " + d.String()
	}
	return decl
}

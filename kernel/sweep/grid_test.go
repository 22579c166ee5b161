package sweep

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseAxis(t *testing.T) {
	for in, want := range map[string][]string{
		"lr=0.1,0.01":       {"0.1", "0.01"},
		"seed=1..5":         {"1", "2", "3", "4", "5"},
		"seed=0..10..5":     {"0", "5", "10"},
		"n=-2..0":           {"-2", "-1", "0"},
		"lr=0.5":            {"0.5"},
		`name=a\,b,c`:       {"a,b", "c"},
		`path=C:\\x`:        {`C:\x`},
		"name=a..b":         {"a..b"}, // not numbers: a value
		"name=":             {""},
		"label=x,":          {"x", ""},
		"s=with=equals,sig": {"with=equals", "sig"},
	} {
		ax, err := ParseAxis(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(ax.Values, want) {
			t.Errorf("%s: got %q, want %q", in, ax.Values, want)
		}
	}
}

func TestParseAxisErrors(t *testing.T) {
	for in, want := range map[string]string{
		"lr":             "want name=value",
		"=1,2":           "want name=value",
		"1x=3":           "not a Go identifier",
		"seed=5..1":      "range 5..1 is empty",
		"seed=1..5..0":   "step of a range must be positive",
		"lr=0.1..0.5":    "in integers",
		`s=a\b`:          "a backslash escapes",
		"seed=1..999999": "more than",
	} {
		if _, err := ParseAxis(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error with %q", in, err, want)
		}
	}
	if _, err := ParseGrid([]string{"a=1", "a=2"}); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("a parameter twice: %v", err)
	}
	if _, err := ParseGrid([]string{"a=1..1000", "b=1..1000"}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a million points: %v", err)
	}
}

func TestPointsAreTheProductLastAxisFastest(t *testing.T) {
	g, err := ParseGrid([]string{"lr=0.1,0.01", "seed=1..3"})
	if err != nil {
		t.Fatal(err)
	}
	pts := g.Points()
	var names []string
	for i, p := range pts {
		if p.Index != i {
			t.Errorf("point %d has index %d", i, p.Index)
		}
		names = append(names, p.Name)
	}
	want := []string{"lr=0.1_seed=1", "lr=0.1_seed=2", "lr=0.1_seed=3", "lr=0.01_seed=1", "lr=0.01_seed=2", "lr=0.01_seed=3"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
	if got := pts[4].Args(); !reflect.DeepEqual(got, []string{"lr=0.01", "seed=2"}) {
		t.Errorf("Args: %q", got)
	}
	if pts := (Grid{}).Points(); len(pts) != 1 || pts[0].Name != "defaults" {
		t.Errorf("an empty grid: %+v", pts)
	}
}

// Names are file names, stable, and distinct even when values are not
// file-name characters.
func TestPointNamesAreSafeAndDistinct(t *testing.T) {
	g, _ := ParseGrid([]string{`s=a/b,a_b,a b,a-b,,` + strings.Repeat("x", 50) + `,` + strings.Repeat("x", 50) + "y"})
	seen := map[string]bool{}
	for _, p := range g.Points() {
		if strings.ContainsAny(p.Name, "/ \\") || seen[p.Name] {
			t.Errorf("name %q: unsafe or repeated", p.Name)
		}
		seen[p.Name] = true
	}
	if a, b := g.Points()[0].Name, g.Points()[0].Name; a != b || a != "s=a-b~"+a[len(a)-8:] {
		t.Errorf("name of a/b: %q", a)
	}
	if n := g.Points()[3].Name; n != "s=a-b" {
		t.Errorf("a clean value keeps its name: %q", n)
	}
}

func TestArraySpec(t *testing.T) {
	for want, idx := range map[string][]int{
		"0-5":        {0, 1, 2, 3, 4, 5},
		"1,3,5":      {1, 3, 5},
		"0-2,7,9-10": {0, 1, 2, 7, 9, 10},
		"4":          {4},
	} {
		if got := ArraySpec(idx); got != want {
			t.Errorf("ArraySpec(%v) = %s, want %s", idx, got, want)
		}
	}
}

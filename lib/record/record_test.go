package record

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/noetherlab/noether/lib/show"
)

// notebookOf is the JSON of an executed notebook whose cells each
// displayed the bundles, as the kernel stores them.
func notebookOf(t *testing.T, bundles ...map[string]any) []byte {
	t.Helper()
	var outputs []any
	for _, b := range bundles {
		outputs = append(outputs, map[string]any{"output_type": "display_data", "data": b, "metadata": map[string]any{}})
	}
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{},
		"cells": []any{map[string]any{"cell_type": "code", "source": "", "outputs": outputs}}}
	b, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	tab := show.Table{Caption: "c", Header: []string{"h", "loss"}}
	tab.AddRow(50, 0.25)
	tab.AddRow("x", math.NaN())
	values := []struct {
		name string
		v    any
	}{
		{"lr", 0.1}, {"tiny", 1e-300}, {"third", 1.0 / 3}, {"n", 42}, {"u8", uint8(7)}, {"f32", float32(0.5)},
		{"inf", math.Inf(-1)}, {"s", "a \"quoted\", comma"}, {"ok", true}, {"table", tab}, {"ptr", &tab},
	}
	var bundles []map[string]any
	for _, v := range values {
		r, err := of(v.name, v.v)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.bundle()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := b[MIMEType].(map[string]string); !ok {
			t.Fatalf("%s: the record is a %T; the kernel's pipe carries map[string]string", v.name, b[MIMEType])
		}
		bundles = append(bundles, b)
	}
	rs, err := Read(notebookOf(t, bundles...))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(values) {
		t.Fatalf("read %d records, want %d", len(rs), len(values))
	}
	wantNum := map[string]float64{"lr": 0.1, "tiny": 1e-300, "third": 1.0 / 3, "n": 42, "u8": 7, "f32": 0.5, "inf": math.Inf(-1)}
	for _, r := range rs {
		if w, ok := wantNum[r.Name]; ok {
			if r.Kind != Number || r.Num != w { // exact: shortest repr reads back the same float64
				t.Errorf("%s: got %v %v, want %v", r.Name, r.Kind, r.Num, w)
			}
		}
	}
	if rs[7].Str != `a "quoted", comma` || rs[8].Str != "true" {
		t.Errorf("strings: %q, %q", rs[7].Str, rs[8].Str)
	}
	wantTab := show.Table{Caption: "c", Header: []string{"h", "loss"}, Rows: [][]any{{50.0, 0.25}, {"x", "NaN"}}}
	for _, r := range rs[9:] {
		if r.Kind != Table || !reflect.DeepEqual(r.Tab, wantTab) {
			t.Errorf("%s: got %#v, want %#v", r.Name, r.Tab, wantTab)
		}
	}
}

func TestLastValueWins(t *testing.T) {
	a, _ := of("loss", 1.0)
	b, _ := of("acc", 0.5)
	c, _ := of("loss", 2.0)
	var bs []map[string]any
	for _, r := range []Record{a, b, c} {
		x, _ := r.bundle()
		bs = append(bs, x)
	}
	rs, err := Read(notebookOf(t, bs...))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Name != "loss" || rs[0].Num != 2 || rs[1].Name != "acc" {
		t.Errorf("got %+v", rs)
	}
}

func TestBadInput(t *testing.T) {
	if err := Value("x", []float64{1}); err == nil || !strings.Contains(err.Error(), "[]float64 cannot be recorded") {
		t.Errorf("a slice: %v", err)
	}
	if err := Value("", 1); err == nil {
		t.Error("an empty name was accepted")
	}
	bad := map[string]any{MIMEType: map[string]any{"name": "x", "kind": "number", "value": "abc"}}
	if _, err := Read(notebookOf(t, bad)); err == nil || !strings.Contains(err.Error(), `value "abc" is not a number`) {
		t.Errorf("a corrupt record: %v", err)
	}
	if _, err := Read([]byte("{")); err == nil {
		t.Error("truncated JSON was read")
	}
}

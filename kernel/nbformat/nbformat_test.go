package nbformat

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixtures = "../../testdata/notebooks"

func TestMalformedNotebooksNameFileAndProblem(t *testing.T) {
	cases := map[string]string{
		"truncated.ipynb":       "the file ends before the notebook does",
		"syntax-error.ipynb":    "not valid JSON at line 3, column",
		"nbformat3.ipynb":       "nbformat 3 is not supported",
		"no-nbformat.ipynb":     "no nbformat field",
		"bad-cell-type.ipynb":   `cell 1: cell_type "python"`,
		"bad-source.ipynb":      "cell 2: source: want a string or a list of strings",
		"duplicate-ids.ipynb":   `cell 1: id "same" is used by an earlier cell`,
		"bad-output-type.ipynb": `cell 1: output 0: output_type "stdout"`,
		// Python's json refuses it too; read, it would be written back
		// with U+FFFD in place of the byte.
		"invalid-utf8.ipynb": "not valid UTF-8: byte 0xe9 at offset 103 (line 8, column 9)",
		// Valid JSON, but half a character: read, it became U+FFFD.
		"lone-surrogate.ipynb": `escape \ud83d at offset 100 (line 8, column 6) is half of a UTF-16 surrogate pair`,
	}
	for name, want := range cases {
		path := filepath.Join(fixtures, name)
		_, err := ReadFile(path)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q, want it to start with the path and contain %q", name, err, want)
		}
	}
	if _, err := ReadFile(filepath.Join(fixtures, "missing.ipynb")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// A notebook read and written again keeps everything it had, gains cell ids
// and nbformat_minor 5, and validates.
func TestRoundTripKeepsContentAndValidates(t *testing.T) {
	path := filepath.Join(fixtures, "legacy-valid.ipynb")
	nb, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(b); err != nil {
		t.Fatalf("written notebook does not validate:\n%v", err)
	}
	var got, orig map[string]any
	json.Unmarshal(b, &got)
	raw, _ := os.ReadFile(path)
	json.Unmarshal(raw, &orig)
	if got["nbformat_minor"].(float64) != 5 {
		t.Errorf("nbformat_minor = %v, want 5", got["nbformat_minor"])
	}
	if !reflect.DeepEqual(got["metadata"], orig["metadata"]) {
		t.Errorf("notebook metadata changed: %v -> %v", orig["metadata"], got["metadata"])
	}
	for i, gc := range got["cells"].([]any) {
		g, o := gc.(map[string]any), orig["cells"].([]any)[i].(map[string]any)
		if id, _ := g["id"].(string); !cellIDPattern.MatchString(id) {
			t.Errorf("cell %d: id %q", i, id)
		}
		delete(g, "id")
		if !reflect.DeepEqual(normalize(g), normalize(o)) {
			t.Errorf("cell %d changed:\n got %v\nwant %v", i, g, o)
		}
	}
	// Jupyter's own formatting: one-space indent, unescaped HTML and non-ASCII.
	if !strings.Contains(string(b), "\n \"cells\": [") || !strings.Contains(string(b), "<b>&</b> ünïcode") {
		t.Errorf("formatting differs from Jupyter's:\n%s", b[:200])
	}
	// Binary data stays one string; text is split into lines; JSON stays JSON.
	data := got["cells"].([]any)[1].(map[string]any)["outputs"].([]any)[1].(map[string]any)["data"].(map[string]any)
	if _, ok := data["image/png"].(string); !ok {
		t.Errorf("image/png stored as %T, want one string", data["image/png"])
	}
	if lines, ok := data["text/plain"].([]any); !ok || len(lines) != 2 || lines[0] != "a\n" {
		t.Errorf("text/plain stored as %v, want [\"a\\n\", \"b\"]", data["text/plain"])
	}
	if _, ok := data["application/json"].(map[string]any); !ok {
		t.Errorf("application/json stored as %T, want an object", data["application/json"])
	}
}

// normalize joins nbformat multiline strings so that "a\nb" and ["a\n","b"]
// compare equal.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			out[k] = normalize(x)
		}
		return out
	case []any:
		if len(t) == 0 {
			return "" // an empty multiline string is written as []
		}
		allStrings := true
		for _, x := range t {
			if _, ok := x.(string); !ok {
				allStrings = false
			}
		}
		if allStrings {
			var sb strings.Builder
			for _, x := range t {
				sb.WriteString(x.(string))
			}
			return sb.String()
		}
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normalize(x)
		}
		return out
	}
	return v
}

func TestValidateFindsSchemaViolations(t *testing.T) {
	good := `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[
	 {"id":"a","cell_type":"code","metadata":{},"source":"x","execution_count":null,"outputs":[]}]}`
	if err := Validate([]byte(good)); err != nil {
		t.Fatalf("valid notebook rejected: %v", err)
	}
	bad := map[string]string{
		"missing outputs":                 `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"x","execution_count":null}]}`,
		"missing id":                      `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"cell_type":"markdown","metadata":{},"source":"x"}]}`,
		"bad id":                          `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a b","cell_type":"markdown","metadata":{},"source":"x"}]}`,
		"duplicate id":                    `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"raw","metadata":{},"source":""},{"id":"a","cell_type":"raw","metadata":{},"source":""}]}`,
		"old minor":                       `{"nbformat":4,"nbformat_minor":4,"metadata":{},"cells":[]}`,
		"extra top-level key":             `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[],"worksheets":[]}`,
		"stream without name":             `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"","execution_count":1,"outputs":[{"output_type":"stream","text":"x"}]}]}`,
		"negative count":                  `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"","execution_count":-1,"outputs":[]}]}`,
		"display_data with transient":     `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"","execution_count":1,"outputs":[{"output_type":"display_data","data":{},"metadata":{},"transient":{}}]}]}`,
		"error without evalue":            `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"","execution_count":1,"outputs":[{"output_type":"error","ename":"E","traceback":[]}]}]}`,
		"kernelspec without display_name": `{"nbformat":4,"nbformat_minor":5,"metadata":{"kernelspec":{"name":"noether"}},"cells":[]}`,
		"language_info without name":      `{"nbformat":4,"nbformat_minor":5,"metadata":{"language_info":{}},"cells":[]}`,
		"data not a mime type":            `{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[{"id":"a","cell_type":"code","metadata":{},"source":"","execution_count":1,"outputs":[{"output_type":"display_data","data":{"png":"x"},"metadata":{}}]}]}`,
	}
	for name, js := range bad {
		if err := Validate([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A notebook written by nbformat itself (testdata, made with nbformat 5.5's
// writes) comes out of our reader and writer byte for byte: line splitting
// by Python's splitlines rules, which mime types are split, numbers kept as
// written (1.0, 1e-07, 20-digit integers), U+2028 unescaped, empty
// attachments kept.
func TestRoundTripMatchesNbformatByteForByte(t *testing.T) {
	path := filepath.Join(fixtures, "nbformat-edge-cases.ipynb")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("first difference at line %d:\n got %q\nwant %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("lengths differ: %d vs %d lines", len(gl), len(wl))
	}
}

func TestSplitLinesIsPythonSplitlines(t *testing.T) {
	cases := map[string][]string{
		"":                {},
		"a":               {"a"},
		"a\n":             {"a\n"},
		"a\nb":            {"a\n", "b"},
		"a\r\nb\rc\n":     {"a\r\n", "b\r", "c\n"},
		"\r\r\n":          {"\r", "\r\n"},
		"a\vb\fc\x1cd":    {"a\v", "b\f", "c\x1c", "d"},
		"x\u0085y\u2028z": {"x\u0085", "y\u2028", "z"},
		"é\u2029":         {"é\u2029"},
	}
	for in, want := range cases {
		if got := splitLines(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitLines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnescapeSeparators(t *testing.T) {
	in := []byte(`"a\u2028b", "c\\u2028", "\u2029", "\u00e9"`)
	want := "\"a\u2028b\", \"c\\\\u2028\", \"\u2029\", \"\\u00e9\""
	if got := string(unescapeSeparators(in)); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// WriteFile writes what Marshal encodes, and the result reads back.
func TestWriteFileWritesMarshal(t *testing.T) {
	nb, err := ReadFile(filepath.Join(fixtures, "nbformat-edge-cases.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.ipynb")
	if err := WriteFile(path, nb, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Fatal("WriteFile wrote other bytes than Marshal encodes")
	}
	if _, err := ReadFile(path); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-dir", "out.ipynb")
	if err := WriteFile(missing, nb, 0o644); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want one naming %s", err, missing)
	}
}

func TestLoneSurrogate(t *testing.T) {
	for s, want := range map[string]int{
		`"\ud83d\ude00"`:   -1, // a pair: 😀
		`"\\ud83d"`:        -1, // an escaped backslash, then text
		`"\u00e9\n\t"`:     -1,
		`"a\ud83d"`:        2,
		`"\ude00\ud83d"`:   1,
		`"\ud83d\u0041"`:   1,
		`"\\\ud83d"`:       3,
		`"\ud83d\ude00\\"`: -1,
	} {
		if got := loneSurrogate([]byte(s)); got != want {
			t.Errorf("loneSurrogate(%s) = %d, want %d", s, got, want)
		}
	}
}

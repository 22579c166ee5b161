package nbformat

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/noetherlab/noether/kernel/internal/atomicfile"
)

// Notebook is an nbformat 4 notebook. Fields noether does not interpret
// (notebook and cell metadata, attachments) are kept as they were read.
type Notebook struct {
	NBFormat      int
	NBFormatMinor int
	Metadata      map[string]any
	Cells         []*Cell
}

// Cell is one notebook cell.
type Cell struct {
	ID          string
	Type        string // "code", "markdown" or "raw"
	Source      string
	Metadata    map[string]any
	Attachments map[string]any // markdown and raw cells only

	// Code cells only.
	ExecutionCount *int
	Outputs        []*Output
}

// Output is one output of a code cell, as nbformat stores it.
type Output struct {
	Type string // "stream", "display_data", "execute_result" or "error"

	Name string // stream: "stdout" or "stderr"
	Text string // stream

	Data     map[string]any // display_data, execute_result: mime type → value
	Metadata map[string]any // display_data, execute_result

	ExecutionCount *int // execute_result

	EName     string   // error
	EValue    string   // error
	Traceback []string // error
}

var cellIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// ReadFile reads and checks an .ipynb file. Errors name the file and, where
// it applies, the cell and field that are wrong.
func ReadFile(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Parse parses and checks the JSON of a notebook. A notebook is UTF-8: a
// byte sequence that is not is an error naming its offset (Go's json would
// read it as U+FFFD, and the notebook would be written back changed).
func Parse(b []byte) (*Notebook, error) {
	if off := invalidUTF8(b); off >= 0 {
		line, col := lineCol(b, int64(off))
		return nil, fmt.Errorf("not valid UTF-8: byte %#x at offset %d (line %d, column %d); save it as UTF-8", b[off], off, line, col)
	}
	if off := loneSurrogate(b); off >= 0 {
		line, col := lineCol(b, int64(off))
		return nil, fmt.Errorf("escape %s at offset %d (line %d, column %d) is half of a UTF-16 surrogate pair: no character, and no UTF-8 file can hold it",
			b[off:off+6], off, line, col)
	}
	var raw struct {
		NBFormat      *int              `json:"nbformat"`
		NBFormatMinor *int              `json:"nbformat_minor"`
		Metadata      map[string]any    `json:"metadata"`
		Cells         []json.RawMessage `json:"cells"`
	}
	if err := decodeJSON(b, &raw); err != nil {
		var se *json.SyntaxError
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n"))) {
			return nil, fmt.Errorf("not valid JSON: the file ends before the notebook does (%d bytes; truncated?)", len(b))
		}
		if errors.As(err, &se) {
			line, col := lineCol(b, se.Offset)
			return nil, fmt.Errorf("not valid JSON at line %d, column %d: %v", line, col, err)
		}
		return nil, fmt.Errorf("not a notebook: %v", err)
	}
	switch {
	case raw.NBFormat == nil:
		return nil, errors.New("no nbformat field: not a Jupyter notebook")
	case *raw.NBFormat != 4:
		return nil, fmt.Errorf("nbformat %d is not supported (want 4; convert with jupyter nbconvert --to notebook)", *raw.NBFormat)
	case raw.NBFormatMinor == nil:
		return nil, errors.New("no nbformat_minor field")
	case raw.Cells == nil:
		return nil, errors.New("no cells field")
	}
	nb := &Notebook{NBFormat: 4, NBFormatMinor: *raw.NBFormatMinor, Metadata: raw.Metadata}
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	seen := map[string]bool{}
	for i, rc := range raw.Cells {
		c, err := parseCell(rc)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", i, err)
		}
		if c.ID != "" {
			if !cellIDPattern.MatchString(c.ID) {
				return nil, fmt.Errorf("cell %d: id %q is not 1-64 letters, digits, '-' or '_'", i, c.ID)
			}
			if seen[c.ID] {
				return nil, fmt.Errorf("cell %d: id %q is used by an earlier cell", i, c.ID)
			}
			seen[c.ID] = true
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// decodeJSON decodes b into v keeping numbers as json.Number, so that what
// the notebook holds in metadata and data is written back as it was read
// (1.0 stays 1.0; integers beyond 2^53 keep their digits), and rejects
// anything after the value.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value at byte %d", d.InputOffset())
	}
	return nil
}

// invalidUTF8 returns the offset of the first byte of b that is not part of
// a valid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// loneSurrogate returns the offset of the first \uXXXX escape of b that is
// half of a UTF-16 surrogate pair without its other half, or -1. Go's json
// would read it as U+FFFD; Python's reads it, but cannot write it as UTF-8.
// In JSON a backslash occurs only in strings, as an escape.
func loneSurrogate(b []byte) int {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // a two-character escape
			continue
		}
		switch {
		case 0xD800 <= r && r < 0xDC00:
			if lo, ok := hex4(i + 6); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return i
			}
			i += 11
		case 0xDC00 <= r && r <= 0xDFFF:
			return i
		default:
			i += 5
		}
	}
	return -1
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func parseCell(b json.RawMessage) (*Cell, error) {
	var raw struct {
		ID             *string           `json:"id"`
		Type           string            `json:"cell_type"`
		Source         json.RawMessage   `json:"source"`
		Metadata       map[string]any    `json:"metadata"`
		Attachments    map[string]any    `json:"attachments"`
		ExecutionCount *int              `json:"execution_count"`
		Outputs        []json.RawMessage `json:"outputs"`
	}
	if err := decodeJSON(b, &raw); err != nil {
		return nil, fmt.Errorf("not a cell object: %v", err)
	}
	c := &Cell{Type: raw.Type, Metadata: raw.Metadata, Attachments: raw.Attachments, ExecutionCount: raw.ExecutionCount}
	if raw.ID != nil {
		c.ID = *raw.ID
	}
	switch c.Type {
	case "code", "markdown", "raw":
	case "":
		return nil, errors.New("no cell_type")
	default:
		return nil, fmt.Errorf("cell_type %q is not code, markdown or raw", c.Type)
	}
	if raw.Source == nil {
		return nil, errors.New("no source")
	}
	src, err := multiline(raw.Source)
	if err != nil {
		return nil, fmt.Errorf("source: %v", err)
	}
	c.Source = src
	for name, bundle := range c.Attachments {
		m, ok := bundle.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("attachment %q: not a mime bundle", name)
		}
		joined, err := joinBundle(m)
		if err != nil {
			return nil, fmt.Errorf("attachment %q: %v", name, err)
		}
		c.Attachments[name] = joined
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	if c.Type == "code" {
		for j, ro := range raw.Outputs {
			o, err := parseOutput(ro)
			if err != nil {
				return nil, fmt.Errorf("output %d: %w", j, err)
			}
			c.Outputs = append(c.Outputs, o)
		}
	}
	return c, nil
}

// multiline decodes an nbformat multiline string: a string or a list of strings.
func multiline(b json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		return "", errors.New("want a string or a list of strings")
	}
	return strings.Join(parts, ""), nil
}

func parseOutput(b json.RawMessage) (*Output, error) {
	var raw struct {
		Type           string          `json:"output_type"`
		Name           string          `json:"name"`
		Text           json.RawMessage `json:"text"`
		Data           map[string]any  `json:"data"`
		Metadata       map[string]any  `json:"metadata"`
		ExecutionCount *int            `json:"execution_count"`
		EName          string          `json:"ename"`
		EValue         string          `json:"evalue"`
		Traceback      []string        `json:"traceback"`
	}
	if err := decodeJSON(b, &raw); err != nil {
		return nil, fmt.Errorf("not an output object: %v", err)
	}
	o := &Output{Type: raw.Type, Name: raw.Name, Metadata: raw.Metadata, ExecutionCount: raw.ExecutionCount,
		EName: raw.EName, EValue: raw.EValue, Traceback: raw.Traceback}
	switch o.Type {
	case "stream":
		t, err := multiline(raw.Text)
		if err != nil {
			return nil, fmt.Errorf("text: %v", err)
		}
		o.Text = t
	case "display_data", "execute_result":
		data, err := joinBundle(raw.Data)
		if err != nil {
			return nil, err
		}
		o.Data = data
		if o.Metadata == nil {
			o.Metadata = map[string]any{}
		}
	}
	if err := o.Check(); err != nil {
		return nil, err
	}
	return o, nil
}

// Check reports what of o a notebook cannot hold, by the rules the reader
// and Validate apply: a known output_type, a stream named stdout or stderr,
// data keyed by mime types (type/subtype) whose values are strings except
// for JSON types. What the writer is given must pass it, or the notebook it
// writes cannot be read back.
func (o *Output) Check() error {
	switch o.Type {
	case "stream":
		if o.Name != "stdout" && o.Name != "stderr" {
			return fmt.Errorf("stream name %q is not stdout or stderr", o.Name)
		}
	case "display_data", "execute_result":
		for _, k := range sortedKeys(o.Data) {
			if err := checkData(k, o.Data[k]); err != nil {
				return err
			}
		}
	case "error":
	default:
		return fmt.Errorf("output_type %q is not stream, display_data, execute_result or error", o.Type)
	}
	return nil
}

// checkData checks one entry of a mime bundle, as read (joined).
func checkData(mime string, v any) error {
	if !mimePattern.MatchString(mime) {
		return fmt.Errorf("data key %q is not a mime type", mime)
	}
	if _, ok := v.(string); !ok && !isJSONMime(mime) {
		return fmt.Errorf("data %q: want a string or a list of strings, not %T", mime, v)
	}
	return nil
}

// CheckData reports whether a notebook can hold value v under key mime in
// an output's data (see Check).
func CheckData(mime string, v any) error { return checkData(mime, v) }

// mimePattern is what Validate and Check take for a mime type: type/subtype.
var mimePattern = regexp.MustCompile(`^[^/\s]+/[^/\s]+$`)

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isJSONMime(mime string) bool {
	return mime == "application/json" || (strings.HasPrefix(mime, "application/") && strings.HasSuffix(mime, "+json"))
}

// isSplitMime reports whether nbformat stores values of this mime type as
// lists of lines: text/*, application/javascript and image/svg+xml; other
// types (images as base64, application/xml, vendor types) stay one string.
func isSplitMime(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == "application/javascript" || mime == "image/svg+xml"
}

// joinBundle joins the list-of-lines values of a mime bundle, as nbformat
// does on reading: every non-JSON type whose value is a list of strings.
func joinBundle(b map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(b))
	for k, v := range b {
		if list, ok := v.([]any); ok && !isJSONMime(k) {
			var sb strings.Builder
			for _, p := range list {
				s, ok := p.(string)
				if !ok {
					return nil, fmt.Errorf("data %q: want a string or a list of strings", k)
				}
				sb.WriteString(s)
			}
			v = sb.String()
		}
		out[k] = v
	}
	return out, nil
}

// splitBundle splits the values of a mime bundle into lines, as nbformat
// does on writing.
func splitBundle(b map[string]any) map[string]any {
	out := make(map[string]any, len(b))
	for k, v := range b {
		if s, ok := v.(string); ok && isSplitMime(k) {
			out[k] = splitLines(s)
		} else {
			out[k] = v
		}
	}
	return out
}

// NewCellID returns a random cell id (8 hex digits, as Jupyter makes them).
func NewCellID() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Marshal encodes nb as nbformat 4.5, the way Jupyter writes it: keys sorted,
// one-space indent, multiline strings split into lists of lines, non-ASCII
// and HTML characters unescaped, a final newline. Cells without an id get one.
func (nb *Notebook) Marshal() ([]byte, error) {
	seen := map[string]bool{}
	cells := make([]any, len(nb.Cells))
	for i, c := range nb.Cells {
		if c.ID == "" || seen[c.ID] {
			c.ID = NewCellID()
			for seen[c.ID] {
				c.ID = NewCellID()
			}
		}
		seen[c.ID] = true
		cells[i] = c.jsonValue()
	}
	minor := nb.NBFormatMinor
	if minor < 5 {
		minor = 5 // cell ids are an nbformat 4.5 feature
	}
	meta := nb.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	v := map[string]any{"nbformat": 4, "nbformat_minor": minor, "metadata": meta, "cells": cells}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return unescapeSeparators(buf.Bytes()), nil
}

func (c *Cell) jsonValue() map[string]any {
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m := map[string]any{"id": c.ID, "cell_type": c.Type, "metadata": meta, "source": splitLines(c.Source)}
	switch c.Type {
	case "code":
		if c.ExecutionCount != nil {
			m["execution_count"] = *c.ExecutionCount
		} else {
			m["execution_count"] = nil
		}
		outs := make([]any, len(c.Outputs))
		for i, o := range c.Outputs {
			outs[i] = o.jsonValue()
		}
		m["outputs"] = outs
	default:
		if c.Attachments != nil { // present, even empty, as it was read
			att := make(map[string]any, len(c.Attachments))
			for name, bundle := range c.Attachments {
				if mb, ok := bundle.(map[string]any); ok {
					att[name] = splitBundle(mb)
				} else {
					att[name] = bundle
				}
			}
			m["attachments"] = att
		}
	}
	return m
}

func (o *Output) jsonValue() map[string]any {
	m := map[string]any{"output_type": o.Type}
	switch o.Type {
	case "stream":
		m["name"] = o.Name
		m["text"] = splitLines(o.Text)
	case "display_data", "execute_result":
		m["data"] = splitBundle(o.Data)
		meta := o.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		m["metadata"] = meta
		if o.Type == "execute_result" {
			if o.ExecutionCount != nil {
				m["execution_count"] = *o.ExecutionCount
			} else {
				m["execution_count"] = nil
			}
		}
	case "error":
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["ename"], m["evalue"], m["traceback"] = o.EName, o.EValue, tb
	}
	return m
}

// splitLines splits s into lines that keep their line ends, exactly as
// Python's str.splitlines(True), which nbformat uses: the ends are \n, \r,
// \r\n, \v, \f, \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029.
func splitLines(s string) []string {
	lines := []string{}
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		end := -1
		switch r {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			end = i + size
		case '\r':
			end = i + size
			if end < len(s) && s[end] == '\n' {
				end++
			}
		}
		if end < 0 {
			i += size
			continue
		}
		lines = append(lines, s[start:end])
		start, i = end, end
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// unescapeSeparators undoes encoding/json's escaping of U+2028 and U+2029,
// which Python's json (and so Jupyter) writes as the characters themselves.
// An escaped backslash before "u2028" is left alone.
func unescapeSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) && (string(b[i+2:i+6]) == "2028" || string(b[i+2:i+6]) == "2029") {
			out = utf8.AppendRune(out, rune(0x2028+int(b[i+5]-'8')))
			i += 5
			continue
		}
		out = append(out, b[i], b[i+1]) // any other escape, kept whole
		i++
	}
	return out
}

// WriteFile writes nb to path as Marshal encodes it, atomically: path holds
// either its old content or the whole notebook, never a part (Jupyter, or a
// second run, may read it at any moment). Cells without an id get one.
func WriteFile(path string, nb *Notebook, perm os.FileMode) error {
	b, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("%s: encoding the notebook: %w", path, err)
	}
	return atomicfile.Write(path, b, perm)
}

// Validate checks the JSON of a notebook against the required structure of
// the nbformat 4.5 schema (nbformat.v4.5.schema.json): the top-level fields,
// every cell's required fields and id pattern, unique ids, and every output's
// required fields by output_type. It returns all problems found, joined.
func Validate(b []byte) error {
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	requireKeys := func(where string, m map[string]any, allowed []string, required ...string) {
		for _, k := range required {
			if _, ok := m[k]; !ok {
				bad("%s: missing required field %q", where, k)
			}
		}
		if allowed != nil {
			ok := map[string]bool{}
			for _, k := range allowed {
				ok[k] = true
			}
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if !ok[k] {
					bad("%s: field %q is not allowed", where, k)
				}
			}
		}
	}
	isMultiline := func(x any) bool {
		switch t := x.(type) {
		case string:
			return true
		case []any:
			for _, e := range t {
				if _, ok := e.(string); !ok {
					return false
				}
			}
			return true
		}
		return false
	}
	isObject := func(x any) bool { _, ok := x.(map[string]any); return ok }
	isCount := func(x any) bool {
		if x == nil {
			return true
		}
		f, ok := x.(float64)
		return ok && f >= 0 && f == float64(int64(f))
	}

	requireKeys("notebook", v, []string{"nbformat", "nbformat_minor", "metadata", "cells"}, "nbformat", "nbformat_minor", "metadata", "cells")
	if f, _ := v["nbformat"].(float64); f != 4 {
		bad("notebook: nbformat is %v, want 4", v["nbformat"])
	}
	if f, _ := v["nbformat_minor"].(float64); f < 5 {
		bad("notebook: nbformat_minor is %v, want at least 5 (cell ids)", v["nbformat_minor"])
	}
	if meta, ok := v["metadata"].(map[string]any); !ok {
		bad("notebook: metadata is not an object")
	} else {
		if ks, has := meta["kernelspec"]; has {
			if m, ok := ks.(map[string]any); !ok {
				bad("notebook: metadata.kernelspec is not an object")
			} else {
				requireKeys("notebook metadata.kernelspec", m, nil, "name", "display_name")
			}
		}
		if li, has := meta["language_info"]; has {
			if m, ok := li.(map[string]any); !ok {
				bad("notebook: metadata.language_info is not an object")
			} else {
				requireKeys("notebook metadata.language_info", m, nil, "name")
			}
		}
	}
	cells, ok := v["cells"].([]any)
	if !ok {
		bad("notebook: cells is not a list")
	}
	ids := map[string]int{}
	for i, x := range cells {
		where := fmt.Sprintf("cell %d", i)
		c, ok := x.(map[string]any)
		if !ok {
			bad("%s: not an object", where)
			continue
		}
		id, _ := c["id"].(string)
		if !cellIDPattern.MatchString(id) {
			bad("%s: id %v does not match ^[a-zA-Z0-9-_]+$ with length 1-64", where, c["id"])
		} else if j, dup := ids[id]; dup {
			bad("%s: id %q is also the id of cell %d", where, id, j)
		} else {
			ids[id] = i
		}
		if !isMultiline(c["source"]) {
			bad("%s: source is not a string or list of strings", where)
		}
		if !isObject(c["metadata"]) {
			bad("%s: metadata is not an object", where)
		}
		switch c["cell_type"] {
		case "markdown", "raw":
			requireKeys(where, c, []string{"id", "cell_type", "metadata", "source", "attachments"}, "id", "cell_type", "metadata", "source")
		case "code":
			requireKeys(where, c, []string{"id", "cell_type", "metadata", "source", "execution_count", "outputs"}, "id", "cell_type", "metadata", "source", "execution_count", "outputs")
			if !isCount(c["execution_count"]) {
				bad("%s: execution_count %v is not null or a non-negative integer", where, c["execution_count"])
			}
			outs, ok := c["outputs"].([]any)
			if !ok {
				bad("%s: outputs is not a list", where)
			}
			for j, y := range outs {
				ow := fmt.Sprintf("%s output %d", where, j)
				o, ok := y.(map[string]any)
				if !ok {
					bad("%s: not an object", ow)
					continue
				}
				switch o["output_type"] {
				case "stream":
					requireKeys(ow, o, []string{"output_type", "name", "text"}, "output_type", "name", "text")
					if !isMultiline(o["text"]) {
						bad("%s: text is not a string or list of strings", ow)
					}
				case "display_data":
					requireKeys(ow, o, []string{"output_type", "data", "metadata"}, "output_type", "data", "metadata")
				case "execute_result":
					requireKeys(ow, o, []string{"output_type", "data", "metadata", "execution_count"}, "output_type", "data", "metadata", "execution_count")
					if !isCount(o["execution_count"]) {
						bad("%s: execution_count %v is not null or a non-negative integer", ow, o["execution_count"])
					}
				case "error":
					requireKeys(ow, o, []string{"output_type", "ename", "evalue", "traceback"}, "output_type", "ename", "evalue", "traceback")
					if tb, ok := o["traceback"].([]any); !ok || !isMultiline(tb) {
						bad("%s: traceback is not a list of strings", ow)
					}
				default:
					bad("%s: output_type %v is not stream, display_data, execute_result or error", ow, o["output_type"])
				}
				if data, ok := o["data"].(map[string]any); ok {
					for mime, val := range data {
						if !mimePattern.MatchString(mime) {
							bad("%s: data key %q is not a mime type", ow, mime)
						} else if !isJSONMime(mime) && !isMultiline(val) {
							bad("%s: data %q is not a string or list of strings", ow, mime)
						}
					}
				} else if _, has := o["data"]; has {
					bad("%s: data is not an object", ow)
				}
			}
		default:
			bad("%s: cell_type %v is not code, markdown or raw", where, c["cell_type"])
		}
	}
	return errors.Join(errs...)
}

package kernel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// The output builder turns a kernel's iopub messages into nbformat outputs
// as Jupyter's own clients do; these tests need no kernel.

func msgOf(t *testing.T, msgType string, content any) *Message {
	t.Helper()
	b, err := json.Marshal(content)
	if err != nil {
		t.Fatal(err)
	}
	return &Message{Header: Header{MsgType: msgType}, Content: b}
}

func TestOutputBuilderFollowsJupyterRules(t *testing.T) {
	displays := map[string][]*nbformat.Output{}
	first := &nbformat.Cell{Type: "code"}
	b := &outputBuilder{cell: first, displays: displays}
	for _, m := range []*Message{
		msgOf(t, "stream", map[string]string{"name": "stdout", "text": "a"}),
		msgOf(t, "stream", map[string]string{"name": "stdout", "text": "b\n"}),
		msgOf(t, "stream", map[string]string{"name": "stderr", "text": "e\n"}),
		msgOf(t, "stream", map[string]string{"name": "stdout", "text": "c\n"}),
		msgOf(t, "display_data", map[string]any{"data": map[string]any{"text/html": "0%"}, "metadata": map[string]any{}, "transient": map[string]string{"display_id": "bar"}}),
	} {
		if err := b.handle(m); err != nil {
			t.Fatal(err)
		}
	}
	var kinds []string
	for _, o := range first.Outputs {
		kinds = append(kinds, o.Type+":"+o.Name+":"+o.Text)
	}
	if want := []string{"stream:stdout:ab\n", "stream:stderr:e\n", "stream:stdout:c\n", "display_data::"}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("outputs %q, want %q", kinds, want)
	}
	// A later cell updates the display of an earlier one, and clears itself.
	second := &nbformat.Cell{Type: "code"}
	b2 := &outputBuilder{cell: second, displays: displays}
	steps := []*Message{
		msgOf(t, "stream", map[string]string{"name": "stdout", "text": "x\n"}),
		msgOf(t, "update_display_data", map[string]any{"data": map[string]any{"text/html": "100%"}, "metadata": map[string]any{}, "transient": map[string]string{"display_id": "bar"}}),
		msgOf(t, "clear_output", map[string]bool{"wait": true}),
	}
	for _, m := range steps {
		b2.handle(m)
	}
	if got := first.Outputs[3].Data["text/html"]; got != "100%" {
		t.Fatalf("display after update = %v, want 100%%", got)
	}
	if len(second.Outputs) != 1 {
		t.Fatalf("clear_output(wait) cleared at once: %d outputs", len(second.Outputs))
	}
	b2.handle(msgOf(t, "stream", map[string]string{"name": "stdout", "text": "y\n"}))
	if len(second.Outputs) != 1 || second.Outputs[0].Text != "y\n" {
		t.Fatalf("after clear_output(wait) and new output: %+v", second.Outputs)
	}
	b2.handle(msgOf(t, "clear_output", map[string]bool{"wait": false}))
	if len(second.Outputs) != 0 {
		t.Fatalf("clear_output did not clear: %+v", second.Outputs)
	}
	b2.handle(msgOf(t, "error", map[string]any{"ename": "E", "evalue": "v", "traceback": []string{"\x1b[31mred\x1b[0m"}}))
	if o := second.Outputs[0]; o.Type != "error" || o.EName != "E" || o.Traceback[0] != "\x1b[31mred\x1b[0m" {
		t.Fatalf("error output %+v", o)
	}
	if stripANSI("\x1b[31mred\x1b[0m") != "red" {
		t.Fatal("stripANSI")
	}
}

// roundTrip writes cells as a notebook and reads it back, as the next run
// or Jupyter would.
func roundTrip(t *testing.T, cells ...*nbformat.Cell) *nbformat.Notebook {
	t.Helper()
	nb := &nbformat.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{}, Cells: cells}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := nbformat.Validate(b); err != nil {
		t.Errorf("the written notebook does not validate: %v", err)
	}
	got, err := nbformat.Parse(b)
	if err != nil {
		t.Fatalf("the writer stored what its reader rejects: %v", err)
	}
	return got
}

// What a kernel sends that a notebook cannot hold (a stream that is not
// stdout or stderr, data keys that are not mime types, a non-string image)
// is left out, and the cell says so; the rest is kept, and the notebook
// written reads back.
func TestOutputBuilderKeepsWhatTheReaderReads(t *testing.T) {
	c := &nbformat.Cell{Type: "code"}
	b := &outputBuilder{cell: c, displays: map[string][]*nbformat.Output{}}
	for _, m := range []*Message{
		msgOf(t, "stream", map[string]string{"name": "stdout", "text": "kept\n"}),
		msgOf(t, "stream", map[string]string{"name": "debug", "text": "odd\n"}),
		msgOf(t, "display_data", map[string]any{"data": map[string]any{"text/plain": "fig", "figure": "x", "image/png": 5}, "metadata": map[string]any{}}),
	} {
		if err := b.handle(m); err != nil {
			t.Fatal(err)
		}
	}
	got := roundTrip(t, c).Cells[0].Outputs
	var summary []string
	for _, o := range got {
		summary = append(summary, o.Type+":"+o.Name+":"+o.Text)
		if o.Type == "display_data" && (len(o.Data) != 1 || o.Data["text/plain"] != "fig") {
			t.Errorf("display data kept: %v, want only text/plain", o.Data)
		}
	}
	text := strings.Join(summary, "|")
	for _, want := range []string{"stream:stdout:kept\n", `stream name "debug"`, `data key "figure" is not a mime type`, `data "image/png": want a string`, "display_data::"} {
		if !strings.Contains(text, want) {
			t.Errorf("outputs %q lack %q", text, want)
		}
	}
}

// A cell that prints without end keeps at most the limit, cut at a
// character boundary, and one line on stderr says how much was left out.
func TestOutputBuilderCapsOutput(t *testing.T) {
	c := &nbformat.Cell{Type: "code"}
	b := &outputBuilder{cell: c, displays: map[string][]*nbformat.Output{}, limit: 1000}
	line := strings.Repeat("é", 149) + "\n" // 299 bytes
	for range 10 {
		b.handle(msgOf(t, "stream", map[string]string{"name": "stdout", "text": line}))
	}
	b.handle(msgOf(t, "display_data", map[string]any{"data": map[string]any{"text/plain": "late"}, "metadata": map[string]any{}}))
	got := roundTrip(t, c).Cells[0].Outputs
	if len(got) != 2 {
		for _, o := range got {
			t.Logf("%s %s %d %q", o.Type, o.Name, len(o.Text), o.Text[:min(len(o.Text), 40)])
		}
		t.Fatalf("%d outputs, want the text and the note", len(got))
	}
	if n := len(got[0].Text); n > 1000 || n < 998 || !utf8.ValidString(got[0].Text) {
		t.Errorf("kept %d bytes (valid UTF-8: %v), want the first 1000 cut at a character", n, utf8.ValidString(got[0].Text))
	}
	dropped := 10*len(line) + len("text/plain") + len("late") - len(got[0].Text)
	want := fmt.Sprintf("this cell wrote more than 1000 bytes; the rest (%d bytes so far) was not kept", dropped)
	if got[1].Name != "stderr" || !strings.Contains(got[1].Text, want) {
		t.Errorf("note %q, want on stderr %q", got[1].Text, want)
	}
	// clear_output frees the room again.
	b.handle(msgOf(t, "clear_output", map[string]bool{"wait": false}))
	b.handle(msgOf(t, "stream", map[string]string{"name": "stdout", "text": "again\n"}))
	if len(c.Outputs) != 1 || c.Outputs[0].Text != "again\n" {
		t.Errorf("after clear_output: %+v", c.Outputs)
	}
}

package kernel

import (
	"encoding/json"
	"reflect"
	"testing"

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

package show

import (
	"fmt"
	"strings"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Markdown displays s, Markdown with $…$ and $$…$$ for mathematics, as
// text/markdown (with s itself as text/plain). Outside the kernel it prints
// s on standard output.
func Markdown(s string) error {
	return sendText("show.Markdown", protocol.MIMETextMarkdown, s, s)
}

// HTML displays s as text/html. Outside the kernel it does nothing.
func HTML(s string) error {
	return sendText("show.HTML", protocol.MIMETextHTML, s, "")
}

// sendText displays content of the given mime type with plain as its
// text/plain alternative; outside the notebook it prints plain, if any.
func sendText(fn string, mime protocol.MIMEType, content, plain string) error {
	if !inNotebook() {
		if plain == "" {
			return nil
		}
		if !strings.HasSuffix(plain, "\n") {
			plain += "\n"
		}
		_, err := fmt.Fprint(out(), plain)
		return err
	}
	d := &protocol.DisplayData{Data: map[protocol.MIMEType]any{mime: content}}
	if plain != "" {
		d.Data[protocol.MIMETextPlain] = plain
	}
	if err := send(d); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	return nil
}

// Bundle displays one output holding several representations of the same
// value, keyed by MIME type: a custom type such as
// application/vnd.noether.exercise+json for programs that read the
// executed notebook, beside text/html and text/plain for people. Outside
// the kernel it prints the text/plain entry, if any.
//
// Values travel to the kernel by encoding/gob, so each must be of a type
// GoNB registers: a string, or for a JSON type a map[string]string,
// map[string]float64 or map[string]int, which the executed notebook then
// stores as a JSON object (a string would be stored as a JSON string).
func Bundle(data map[string]any) error {
	if !inNotebook() {
		plain, _ := data["text/plain"].(string)
		if plain == "" {
			return nil
		}
		if !strings.HasSuffix(plain, "\n") {
			plain += "\n"
		}
		_, err := fmt.Fprint(out(), plain)
		return err
	}
	d := &protocol.DisplayData{Data: make(map[protocol.MIMEType]any, len(data))}
	for k, v := range data {
		d.Data[protocol.MIMEType(k)] = v
	}
	if err := send(d); err != nil {
		return fmt.Errorf("show.Bundle: %w", err)
	}
	return nil
}

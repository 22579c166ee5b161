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

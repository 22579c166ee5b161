package show

import (
	"math"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

func sampleTable() Table {
	t := Table{
		Caption: "rescaling",
		Header:  []string{"layer", "Q", "steps"},
	}
	t.AddRow("W₁", 0.125, 10)
	t.AddRow("a|b", math.NaN(), 12345)
	t.AddRow("c", 1e-9)
	return t
}

func TestTableText(t *testing.T) {
	got := sampleTable().Text()
	want := "" +
		"rescaling\n" +
		"layer      Q  steps\n" +
		"-----  -----  -----\n" +
		"W₁     0.125     10\n" +
		"a|b      NaN  12345\n" +
		"c      1e-09\n"
	if got != want {
		t.Errorf("Text() =\n%s\nwant\n%s", got, want)
	}
}

func TestTableMarkdown(t *testing.T) {
	got := sampleTable().Markdown()
	want := "" +
		"rescaling\n\n" +
		"| layer | Q | steps |\n" +
		"| --- | --: | --: |\n" +
		"| W₁ | 0.125 | 10 |\n" +
		"| a\\|b | NaN | 12345 |\n" +
		"| c | 1e-09 |  |\n"
	if got != want {
		t.Errorf("Markdown() =\n%s\nwant\n%s", got, want)
	}
}

func TestTableNoHeaderAndFormat(t *testing.T) {
	tab := Table{Rows: [][]any{{"x", 1.0 / 3}, {"longer", 2.0}}, Format: "%.3f"}
	want := "x       0.333\nlonger  2.000\n"
	if got := tab.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if got := (Table{}).Text(); got != "" {
		t.Errorf("empty table Text() = %q", got)
	}
}

func TestTableShow(t *testing.T) {
	c := capture(t, true)
	tab := sampleTable()
	if err := tab.Show(); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(c.sent))
	}
	h, _ := c.sent[0].Data[protocol.MIMETextHTML].(string)
	for _, s := range []string{"<caption>rescaling</caption>", `<th style="text-align:right">Q</th>`, "<td style=\"text-align:left\">W₁</td>"} {
		if !strings.Contains(h, s) {
			t.Errorf("HTML lacks %q:\n%s", s, h)
		}
	}
	if p := c.sent[0].Data[protocol.MIMETextPlain]; p != tab.Text() {
		t.Errorf("text/plain = %q, want Text()", p)
	}
	if c.text.Len() != 0 {
		t.Errorf("printed %q inside the notebook", c.text.String())
	}

	c = capture(t, false)
	if err := tab.Show(); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 0 || c.text.String() != tab.Text() {
		t.Errorf("outside the notebook: sent %d, printed %q", len(c.sent), c.text.String())
	}
}

func TestTableHTMLEscapes(t *testing.T) {
	tab := Table{Header: []string{"<b>"}, Rows: [][]any{{"a&b"}}}
	h := tab.HTML()
	if strings.Contains(h, "<b>") || !strings.Contains(h, "&lt;b&gt;") || !strings.Contains(h, "a&amp;b") {
		t.Errorf("HTML not escaped:\n%s", h)
	}
}

func TestMarkdownAndHTML(t *testing.T) {
	c := capture(t, true)
	if err := Markdown("# Title"); err != nil {
		t.Fatal(err)
	}
	if err := HTML("<i>x</i>"); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 2 ||
		c.sent[0].Data[protocol.MIMETextMarkdown] != "# Title" ||
		c.sent[1].Data[protocol.MIMETextHTML] != "<i>x</i>" {
		t.Errorf("sent %+v", c.sent)
	}

	c = capture(t, false)
	Markdown("# Title")
	HTML("<i>x</i>")
	if len(c.sent) != 0 || c.text.String() != "# Title\n" {
		t.Errorf("outside: sent %d, printed %q", len(c.sent), c.text.String())
	}
}

// A combining mark (the tilde of ΔQ̃) takes no column: the text form's
// columns stay aligned.
func TestTableTextCombiningMarks(t *testing.T) {
	tb := Table{Header: []string{"ΔQ̃", "x"}}
	tb.AddRow("a", 1)
	lines := strings.Split(strings.TrimRight(tb.Text(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), tb.Text())
	}
	col := func(l string) int { return textWidth(l[:strings.LastIndexAny(l, " -")+1]) }
	if a, b := col(lines[0]), col(lines[2]); a != b {
		t.Errorf("second column starts at %d in the header and %d in the row:\n%s", a, b, tb.Text())
	}
}

// A bundle goes out as one display with every representation; outside the
// kernel its text/plain entry is printed.
func TestBundle(t *testing.T) {
	c := capture(t, true)
	b := map[string]any{
		"application/vnd.noether.test+json": map[string]string{"k": "v"},
		"text/html":                         "<b>v</b>",
		"text/plain":                        "v",
	}
	if err := Bundle(b); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 1 || len(c.sent[0].Data) != 3 ||
		c.sent[0].Data["application/vnd.noether.test+json"].(map[string]string)["k"] != "v" {
		t.Errorf("sent %+v", c.sent)
	}
	c = capture(t, false)
	if err := Bundle(b); err != nil {
		t.Fatal(err)
	}
	if len(c.sent) != 0 || c.text.String() != "v\n" {
		t.Errorf("outside: sent %d, printed %q", len(c.sent), c.text.String())
	}
}

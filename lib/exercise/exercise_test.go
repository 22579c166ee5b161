package exercise

import (
	"math"
	"strings"
	"testing"
)

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		got  float64
		want Status
		says string
	}{
		{math.NaN(), Unanswered, "not answered"},
		{2.0000001, Right, "within"},
		{2.1, Wrong, "too large"},
		{1.5, Wrong, "too small"},
		{-2, Wrong, "wrong sign"},
		{math.Inf(1), Wrong, "too large"},
	} {
		v := Number("00.1", c.got, 2, 1e-6, "Look again at the factor ½.")
		if v.Status != c.want || !strings.Contains(v.Message, c.says) {
			t.Errorf("Number(%v, 2): %v, want %v saying %q", c.got, v, c.want, c.says)
		}
		if c.want == Wrong && !strings.Contains(v.Message, "factor ½") {
			t.Errorf("Number(%v, 2): %q lacks the hint", c.got, v.Message)
		}
	}
}

// The verdict's text and HTML never carry the expected value.
func TestVerdictDoesNotRevealTheAnswer(t *testing.T) {
	for _, got := range []float64{math.NaN(), 3.5, 0.1234567} {
		v := Number("00.1", got, 0.1234567, 1e-3, "hint")
		if got != 0.1234567 && (strings.Contains(v.String(), "0.123") || strings.Contains(v.HTML(), "0.123")) {
			t.Errorf("verdict on %v reveals the answer: %s", got, v)
		}
	}
}

func TestVerdictHTMLEscapes(t *testing.T) {
	v := Fail("01.<2>", "a < b & c")
	if h := v.HTML(); strings.Contains(h, "<2>") || !strings.Contains(h, "a &lt; b &amp; c") {
		t.Errorf("not escaped: %s", h)
	}
}

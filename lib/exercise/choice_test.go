package exercise

import (
	"strings"
	"testing"
)

func TestChoice(t *testing.T) {
	truth := map[rune]bool{'a': true, 'b': false, 'c': true}
	for _, c := range []struct {
		got  string
		want Status
		says string
	}{
		{"", Unanswered, "not answered"},
		{" , ", Unanswered, "not answered"},
		{"ac", Right, "exactly"},
		{"C, A", Right, "exactly"},
		{"abc", Wrong, "one of your picks is false."},
		{"b", Wrong, "one of your picks is false, and at least one true option is missing"},
		{"a", Wrong, "not all the true options"},
		{"ad", Wrong, `"d" is not one of the options a, b, c`},
	} {
		v := Choice("10.2", c.got, truth, "Try each.")
		if v.Status != c.want || !strings.Contains(v.Message, c.says) {
			t.Errorf("Choice(%q): %v, want %v saying %q", c.got, v, c.want, c.says)
		}
		if strings.Contains(v.Message, "a, c") || strings.Contains(v.Message, `"ac"`) {
			t.Errorf("Choice(%q) reveals the answer: %s", c.got, v.Message)
		}
	}
}

func TestProtect(t *testing.T) {
	if v, err := Protect(func() int { return 3 }); v != 3 || err != nil {
		t.Errorf("Protect(3) = %v, %v", v, err)
	}
	if _, err := Protect(func() int { panic("index out of range") }); err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("Protect(panic) = %v, want the panic as an error", err)
	}
}

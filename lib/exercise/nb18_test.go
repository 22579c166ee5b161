package exercise

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestNotebook18Checks holds the checks of notebook 18 to their contract:
// the right answer passes, typical wrong ones fail, the placeholder is
// unanswered, and no message gives the answer away.
func TestNotebook18Checks(t *testing.T) {
	for _, c := range []struct {
		name  string
		check func(float64) Verdict
		right float64
		wrong []float64
	}{
		{"18.1", LinearLawCount, 21, []float64{6, 36, 15, 21.5}},
		{"18.2", DeadUnitLaws, 11, []float64{4, 12, 3}},
	} {
		if v := c.check(math.NaN()); v.Status != Unanswered {
			t.Errorf("%s: placeholder gives %v", c.name, v)
		}
		if v := c.check(c.right); !v.Right() {
			t.Errorf("%s: right answer gives %v", c.name, v)
		}
		for _, w := range c.wrong {
			v := c.check(w)
			if v.Status != Wrong {
				t.Errorf("%s: %g gives %v", c.name, w, v)
			}
			if nb18ContainsNumber(v.Message, c.right) {
				t.Errorf("%s: message %q reveals the answer", c.name, v.Message)
			}
		}
	}
}

// nb18ContainsNumber reports whether msg contains x written as an integer.
func nb18ContainsNumber(msg string, x float64) bool {
	return strings.Contains(msg, strconv.Itoa(int(x)))
}

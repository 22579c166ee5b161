package exercise

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// contract18 holds a numerical check of notebooks 18 and 20 to its
// contract: the placeholder is unanswered, the right answer passes, typical
// wrong ones fail, and no message gives the right answer away.
func contract18(t *testing.T, check func(float64) Verdict, right float64, wrong ...float64) {
	t.Helper()
	if v := check(math.NaN()); v.Status != Unanswered {
		t.Errorf("placeholder gives %v", v)
	}
	if v := check(right); !v.Right() {
		t.Errorf("right answer %g gives %v", right, v)
	}
	for _, w := range wrong {
		v := check(w)
		if v.Status != Wrong {
			t.Errorf("%g gives %v", w, v)
		}
		if right == math.Trunc(right) && strings.Contains(v.Message, strconv.Itoa(int(right))) {
			t.Errorf("message %q reveals the answer", v.Message)
		}
	}
}

// TestLinearLawCount: h(h+1)/2 = 21 for h = 6 passes; one per unit, h², the
// count for h = 5 and a fraction fail.
func TestLinearLawCount(t *testing.T) { contract18(t, LinearLawCount, 21, 6, 36, 15, 21.5) }

// TestDeadUnitLaws: 4 − 1 + 8 = 11 passes; the unchanged 4, 12 (the dead
// unit's law counted twice) and 3 fail.
func TestDeadUnitLaws(t *testing.T) { contract18(t, DeadUnitLaws, 11, 4, 12, 3) }

package exercise

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestOnRandomInputs(t *testing.T) {
	var n int
	v := OnRandomInputs("99.1", 5, 1, func(rng *rand.Rand) string { n++; return "" })
	if !v.Right() || n != 5 {
		t.Errorf("all agree: %v after %d trials", v, n)
	}
	v = OnRandomInputs("99.1", 5, 1, func(rng *rand.Rand) string { return "off by a factor" })
	if v.Status != Wrong || !strings.Contains(v.Message, "off by a factor") {
		t.Errorf("disagreement: %v", v)
	}
	v = OnRandomInputs("99.1", 5, 1, func(rng *rand.Rand) string {
		var s []float64
		return fmt.Sprint(s[3])
	})
	if v.Status != Wrong || !strings.Contains(v.Message, "panicked") {
		t.Errorf("panic: %v", v)
	}
}

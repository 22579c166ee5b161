package exercise

import (
	"strings"
	"testing"
)

// expect fails t unless v has status want and, when says is not empty, a
// message containing it.
func expect(t *testing.T, v Verdict, want Status, says string) {
	t.Helper()
	if v.Status != want || !strings.Contains(v.Message, says) {
		t.Errorf("%s: got %v, want %v saying %q", v.Exercise, v, want, says)
	}
}

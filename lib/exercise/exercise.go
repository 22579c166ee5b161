// Package exercise is the machinery of the notebooks' exercises. A check
// compares a student's answer with what the library itself computes and
// returns a Verdict: right, wrong with a hint, or not yet answered. A
// verdict never contains the answer: its message says what is wrong
// (a sign, a factor, a missing term), not what is right.
//
// The checks of notebook NN live in nbNN.go, named by what they check
// (SoftplusConserved, FGSMStep, …); each computes its right answer from the
// library (lib/repro, lib/conserved, lib/sym, …), never from a literal.
// A student's answer that fails (panics, has the wrong shape, the wrong
// value) gets a wrong verdict with a hint; a failure of the library while a
// check computes its own answer at the exercise's fixed settings is the
// program's fault, and the check panics naming itself and the error.
// exercise.go, funcs.go, trials.go and choice.go hold what they share: the
// verdict and how it is displayed (exercise.go), seeded random inputs,
// protection against a panicking answer and the comparisons (funcs.go,
// choice.go's Protect), the loop over random inputs (trials.go) and
// multiple choice (choice.go).
//
// An answer cell starts unanswered: a number as math.NaN(), a function or
// slice as nil. A check given such an answer says so and nothing else, so
// that a notebook executed as committed shows every exercise open, and the
// solutions notebooks, executed by the tests, show every one right.
package exercise

import (
	"fmt"
	"html"
	"math"

	"github.com/noetherlab/noether/lib/show"
)

// MIMEType is the type under which a verdict is stored in an executed
// notebook's outputs, as a JSON object with the keys "exercise" (its
// ID), "status" (one of the Status strings) and "message".
const MIMEType = "application/vnd.noether.exercise+json"

// Status is what a check concluded.
type Status int

const (
	// Unanswered: the answer cell still holds its placeholder.
	Unanswered Status = iota
	// Wrong: the answer was checked and fails; the verdict has a hint.
	Wrong
	// Right: the answer was checked and passes.
	Right
)

func (s Status) String() string {
	switch s {
	case Unanswered:
		return "unanswered"
	case Wrong:
		return "wrong"
	case Right:
		return "right"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Verdict is a check's conclusion on one exercise.
type Verdict struct {
	// Exercise identifies the exercise: notebook number, dot, exercise
	// number ("02.1").
	Exercise string
	Status   Status
	// Message says why: on Right what was confirmed, on Wrong what is
	// wrong and a hint towards the fix; never the answer itself.
	Message string
}

// Open is the verdict on an answer cell still holding its placeholder.
func Open(id string) Verdict {
	return Verdict{Exercise: id, Status: Unanswered, Message: "not answered yet: replace the placeholder in this cell with your answer and run the cell again"}
}

// Pass is a right verdict with a message saying what was confirmed.
func Pass(id, format string, args ...any) Verdict {
	return Verdict{Exercise: id, Status: Right, Message: fmt.Sprintf(format, args...)}
}

// Fail is a wrong verdict; the message says what is wrong and hints at the
// fix, without giving the answer.
func Fail(id, format string, args ...any) Verdict {
	return Verdict{Exercise: id, Status: Wrong, Message: fmt.Sprintf(format, args...)}
}

// Right reports whether the verdict is Right.
func (v Verdict) Right() bool { return v.Status == Right }

// String is the verdict as one line of text.
func (v Verdict) String() string {
	mark := map[Status]string{Unanswered: "…", Wrong: "✗", Right: "✓"}[v.Status]
	return fmt.Sprintf("%s Exercise %s: %s — %s", mark, v.Exercise, v.Status, v.Message)
}

// HTML is the verdict as a small coloured box.
func (v Verdict) HTML() string {
	colour := map[Status]string{Unanswered: "#888", Wrong: "#b33", Right: "#282"}[v.Status]
	return fmt.Sprintf(`<div style="border-left:4px solid %s;padding:4px 10px"><b>Exercise %s: %s</b> — %s</div>`,
		colour, html.EscapeString(v.Exercise), v.Status, html.EscapeString(v.Message))
}

// Show displays the verdict: in the notebook as HTML, with the verdict
// itself under MIMEType for programs reading the executed notebook;
// outside it, as one line on standard output.
func (v Verdict) Show() error {
	return show.Bundle(map[string]any{
		MIMEType: map[string]string{
			"exercise": v.Exercise,
			"status":   v.Status.String(),
			"message":  v.Message,
		},
		"text/html":  v.HTML(),
		"text/plain": v.String(),
	})
}

// Close reports whether got is within rel of want, relative to
// max(|want|, 1e-300): the comparison of a numerical answer, whose
// tolerance each check states from the rounding or the run-to-run spread
// of the quantity.
func Close(got, want, rel float64) bool {
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return false
	}
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-300)
}

// Number checks a numerical answer against want within relative tolerance
// rel. A NaN answer is unanswered. A wrong answer gets hint, and whether
// it is too large or too small, and off by a sign when it is.
func Number(id string, got, want, rel float64, hint string) Verdict {
	switch {
	case math.IsNaN(got):
		return Open(id)
	case Close(got, want, rel):
		return Pass(id, "within %.2g (relative) of the value the library computes", rel)
	case want != 0 && Close(-got, want, rel):
		return Fail(id, "right size, wrong sign. %s", hint)
	case got > want:
		return Fail(id, "too large. %s", hint)
	default:
		return Fail(id, "too small. %s", hint)
	}
}

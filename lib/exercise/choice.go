package exercise

import (
	"fmt"
	"sort"
	"strings"
)

// Choice checks a multiple-choice answer: got lists the letters of the
// options the student picks ("ad", "a, d" and "DA" are the same answer), and
// truth says, for every option's letter, whether it is true. The check that
// calls Choice computes truth itself, from the library. An empty answer is
// unanswered. A wrong answer is told how many of its picks are false and
// whether true options are missing, never which ones; hint points at how to
// decide.
func Choice(id, got string, truth map[rune]bool, hint string) Verdict {
	picked := map[rune]bool{}
	for _, r := range strings.ToLower(got) {
		switch {
		case r == ',' || r == ' ' || r == ';':
		case choiceHas(truth, r):
			picked[r] = true
		default:
			return Fail(id, "%q is not one of the options %s", string(r), choiceLetters(truth))
		}
	}
	if len(picked) == 0 {
		return Open(id)
	}
	var wrong, missing int
	for r, ok := range truth {
		switch {
		case picked[r] && !ok:
			wrong++
		case !picked[r] && ok:
			missing++
		}
	}
	switch {
	case wrong == 0 && missing == 0:
		return Pass(id, "you picked exactly the options that hold")
	case wrong > 0 && missing > 0:
		return Fail(id, "%s of your picks %s false, and at least one true option is missing. %s", choiceCount(wrong), choiceBe(wrong), hint)
	case wrong > 0:
		return Fail(id, "%s of your picks %s false. %s", choiceCount(wrong), choiceBe(wrong), hint)
	default:
		return Fail(id, "all your picks are true, but not all the true options are there. %s", hint)
	}
}

func choiceHas(m map[rune]bool, r rune) bool { _, ok := m[r]; return ok }

func choiceLetters(m map[rune]bool) string {
	var s []string
	for r := range m {
		s = append(s, string(r))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func choiceCount(n int) string {
	if n == 1 {
		return "one"
	}
	return fmt.Sprint(n)
}

func choiceBe(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// Protect calls f and turns a panic into an error, so that a check given a
// student's function that panics (on a shape, an index) says so in its
// verdict instead of failing the cell. A failure of the library raised by
// mustLib inside f is not the student's and panics on.
func Protect[T any](f func() T) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			if lib, ok := r.(libraryFailure); ok {
				panic(lib)
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	return f(), nil
}

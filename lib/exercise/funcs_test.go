package exercise

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestAffine(t *testing.T) {
	want := []float64{1, 2, 4, 8}
	a, b, r := Affine([]float64{5 - 3*1, 5 - 3*2, 5 - 3*4, 5 - 3*8}, want)
	if math.Abs(a+3) > 1e-12 || math.Abs(b-5) > 1e-12 || r > 1e-12 {
		t.Errorf("Affine of −3x + 5: a = %g, b = %g, residual %g", a, b, r)
	}
	if _, _, r := Affine([]float64{1, 4, 16, 64}, want); r < 0.01 {
		t.Errorf("Affine of x²: residual %g, want far from 0", r)
	}
	if a, _, r := Affine([]float64{2, 2, 2, 2}, want); a != 0 || r != 0 {
		t.Errorf("Affine of a constant: a = %g, residual %g", a, r)
	}
	if _, _, r := Affine([]float64{1, math.NaN(), 2, 3}, want); !math.IsInf(r, 1) {
		t.Errorf("Affine with a NaN: residual %g, want +Inf", r)
	}
}

func TestSafely(t *testing.T) {
	if err := Safely(func() {}); err != nil {
		t.Error(err)
	}
	var s []float64
	if err := Safely(func() { _ = s[3] }); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("index out of range: %v", err)
	}
}

func TestRelDiff(t *testing.T) {
	if d := vecRelDiff([]float64{3, 4.5}, []float64{3, 4}); math.Abs(d-0.1) > 1e-15 {
		t.Errorf("RelDiff = %g, want 0.1", d)
	}
	for _, got := range [][]float64{{1}, {math.NaN(), 4}} {
		if d := vecRelDiff(got, []float64{3, 4}); !math.IsInf(d, 1) {
			t.Errorf("vecRelDiff(%v) = %g, want +Inf", got, d)
		}
	}
	if d := matRelDiff(nil, mat.NewDense(1, 1, []float64{1})); !math.IsInf(d, 1) {
		t.Errorf("matRelDiff(nil) = %g, want +Inf", d)
	}
	if d := matRelDiff(mat.NewDense(1, 2, nil), mat.NewDense(2, 1, []float64{1, 1})); !math.IsInf(d, 1) {
		t.Errorf("matRelDiff of another shape = %g, want +Inf", d)
	}
}

// libraryPanic runs f and returns the message of its panic, "" if it did
// not panic.
func libraryPanic(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestMustLib(t *testing.T) {
	if msg := libraryPanic(func() { mustLib("LinearLawCount", nil) }); msg != "" {
		t.Errorf("mustLib without an error panicked: %s", msg)
	}
	msg := libraryPanic(func() { mustLib("LinearLawCount", errors.New("Lanczos did not converge")) })
	for _, want := range []string{"exercise: ", "LinearLawCount", "Lanczos did not converge"} {
		if !strings.Contains(msg, want) {
			t.Errorf("mustLib's panic %q does not name %q", msg, want)
		}
	}
}

// TestLibraryFailureIsNotTheStudents: a library failure inside the code a
// check protects against a panicking answer (a trial of OnRandomInputs,
// Safely, Protect) ends the cell instead of becoming a wrong verdict that
// blames the student's function.
func TestLibraryFailureIsNotTheStudents(t *testing.T) {
	fail := func() { mustLib("DecayLevel", errors.New("singular")) }
	for name, f := range map[string]func(){
		"OnRandomInputs": func() {
			v := OnRandomInputs("17.1", 3, 1, func(*rand.Rand) string { fail(); return "" })
			t.Errorf("OnRandomInputs returned %v", v)
		},
		"Safely": func() {
			err := Safely(fail)
			t.Errorf("Safely returned %v", err)
		},
		"Protect": func() {
			_, err := Protect(func() int { fail(); return 0 })
			t.Errorf("Protect returned %v", err)
		},
	} {
		if msg := libraryPanic(f); !strings.Contains(msg, "DecayLevel") || !strings.Contains(msg, "singular") {
			t.Errorf("%s: panic %q, want the library failure naming DecayLevel", name, msg)
		}
	}
}

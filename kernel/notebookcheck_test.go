package kernel

import (
	"bytes"
	"fmt"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Helpers for the notebook output checks (notebook_NN_test.go).

var tableColumns = regexp.MustCompile(`\s{2,}`)

// tableRow returns the cells of the first output line starting with label:
// the columns of show.Table's text form are separated by two or more spaces.
// It fails the test if there is no such line.
func tableRow(t *testing.T, text, label string) []string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, label) {
			return tableColumns.Split(strings.TrimSpace(line), -1)
		}
	}
	t.Fatalf("no output line %q in:\n%s", label, text)
	return nil
}

var number = regexp.MustCompile(`-?\d+(\.\d+)?(e[-+]?\d+)?`)

// numbersIn returns the numbers in s, in order.
func numbersIn(t *testing.T, s string) []float64 {
	t.Helper()
	var v []float64
	for _, m := range number.FindAllString(s, -1) {
		x, err := strconv.ParseFloat(m, 64)
		if err != nil {
			t.Fatalf("%q in %q: %v", m, s, err)
		}
		v = append(v, x)
	}
	return v
}

// measuredCell returns the measured cell (the first column after the label,
// a number or "a / b") of the show.Table row starting with label.
func measuredCell(t *testing.T, text, label string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(label) + `[^\n]*?\s{2,}(\S+(?: / \S+)?)\s{2,}`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no row %q in the outputs:\n%s", label, text)
	}
	return m[1]
}

// measuredNumber is measuredCell read as a number (the first of "a / b").
func measuredNumber(t *testing.T, text, label string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(measuredCell(t, text, label), &v); err != nil {
		t.Fatalf("row %q: %v", label, err)
	}
	return v
}

// parseNumber reads s as a float64, failing the test if it is not one.
func parseNumber(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// checkFigures checks that there are n figures that decode as PNG images of a
// sensible size.
func checkFigures(t *testing.T, pngs [][]byte, n int) {
	t.Helper()
	if len(pngs) != n {
		t.Fatalf("%d PNG outputs, want %d", len(pngs), n)
	}
	for i, b := range pngs {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("figure %d: image/png output does not decode: %v", i, err)
		}
		if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 200 || r.Dx() > 4000 || r.Dy() > 4000 {
			t.Errorf("figure %d is %v pixels", i, r.Size())
		}
	}
}

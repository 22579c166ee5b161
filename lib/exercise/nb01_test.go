package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/sym"
)

func TestCubePi(t *testing.T) {
	expect(t, CubePi(nil), Unanswered, "not answered")
	cube := func(s []float64) []float64 {
		p := make([]float64, len(s))
		for i, c := range s {
			p[i] = c * c * c
		}
		return p
	}
	expect(t, CubePi(cube), Right, "")
	// Wrong: |s|³ fails only for negative entries; s is ReLU's π.
	absCube := func(s []float64) []float64 {
		p := cube(s)
		for i := range p {
			p[i] = math.Abs(p[i])
		}
		return p
	}
	expect(t, CubePi(absCube), Wrong, "negative")
	expect(t, CubePi(func(s []float64) []float64 { return s }), Wrong, "ReLU")
	expect(t, CubePi(func(s []float64) []float64 { return s[:2] }), Wrong, "one per hidden unit")
}

func TestOrbitDimension(t *testing.T) {
	expect(t, OrbitDimension(math.NaN()), Unanswered, "not answered")
	const m, h, n = 4, 8, 6
	// dim GL(h) − dim stabiliser, (h − rank U)(h − rank V).
	expect(t, OrbitDimension(h*h-(h-m)*(h-n)), Right, "")
	expect(t, OrbitDimension(h*h), Wrong, "stabiliser")
	expect(t, OrbitDimension(55.5), Wrong, "whole number")
}

func TestBiasRescale(t *testing.T) {
	expect(t, BiasRescale(nil), Unanswered, "not answered")
	right := func(c []float64, U, V *mat.Dense, b []float64) (*mat.Dense, *mat.Dense, []float64) {
		cU, cV := sym.Rescale(c, U, V)
		cb := make([]float64, len(b))
		for j := range b {
			cb[j] = c[j] * b[j]
		}
		return cU, cV, cb
	}
	expect(t, BiasRescale(right), Right, "")
	// Wrong: the bias left in place, or moved the other way.
	expect(t, BiasRescale(func(c []float64, U, V *mat.Dense, b []float64) (*mat.Dense, *mat.Dense, []float64) {
		cU, cV := sym.Rescale(c, U, V)
		return cU, cV, b
	}), Wrong, "left in place")
	expect(t, BiasRescale(func(c []float64, U, V *mat.Dense, b []float64) (*mat.Dense, *mat.Dense, []float64) {
		cU, cV := sym.Rescale(c, U, V)
		for j := range b {
			b[j] /= c[j]
		}
		return cU, cV, b
	}), Wrong, "not in step")
}

package exercise

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

func TestLeakyReLUPi(t *testing.T) {
	inverse := func(g *mat.Dense) *mat.Dense {
		var gi mat.Dense
		if err := gi.Inverse(g); err != nil {
			panic(err)
		}
		return &gi
	}
	verdictIs(t, LeakyReLUPi(inverse), Right)
	verdictIs(t, LeakyReLUPi(func(g *mat.Dense) *mat.Dense { return g }), Wrong) // g instead of g⁻¹
	verdictIs(t, LeakyReLUPi(func(g *mat.Dense) *mat.Dense { return sym.Identity(2) }), Wrong)
	verdictIs(t, LeakyReLUPi(nil), Unanswered)
}

func TestUndoAction(t *testing.T) {
	inverse := func(g *mat.Dense) *mat.Dense {
		var gi mat.Dense
		if err := gi.Inverse(g); err != nil {
			panic(err)
		}
		return &gi
	}
	// The second action, by g⁻¹, at the moved weights gV: π(g⁻¹, gV, X).
	verdictIs(t, UndoAction(func(sigma nn.Activation, g, V, X *mat.Dense) *mat.Dense {
		var gV mat.Dense
		gV.Mul(g, V)
		return sym.NonlinearPi(sigma, inverse(g), &gV, X)
	}), Right)
	// The same, as the inverse of π(g, V, X).
	verdictIs(t, UndoAction(func(sigma nn.Activation, g, V, X *mat.Dense) *mat.Dense {
		return inverse(sym.NonlinearPi(sigma, g, V, X))
	}), Right)
	// The typical slip: the second π fitted at the original weights V.
	v := UndoAction(func(sigma nn.Activation, g, V, X *mat.Dense) *mat.Dense {
		return sym.NonlinearPi(sigma, inverse(g), V, X)
	})
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "original weights") {
		t.Errorf("the slip gets the generic hint: %s", v.Message)
	}
	// The linear action's inverse, exact only for a linear σ.
	verdictIs(t, UndoAction(func(sigma nn.Activation, g, V, X *mat.Dense) *mat.Dense { return g }), Wrong)
	verdictIs(t, UndoAction(nil), Unanswered)
}

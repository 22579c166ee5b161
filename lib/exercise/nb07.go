package exercise

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// LeakyReLUPi checks exercise 07.1. For σ = LeakyReLU(0.1) and g a diagonal
// matrix with positive entries, the data-dependent π(g, V, X) = σ(VX)σ(gVX)⁻¹
// does not depend on V or X: the exercise asks for it as a function of g.
//
// The check draws positive diagonal g, weights V and batches X (k = h) and
// compares the answer with sym.NonlinearPi within 1e-8 relative (Frobenius):
// the inverse of σ(gVX), whose condition number is below 1e2 for these
// draws, costs two or three digits of the sixteen.
func LeakyReLUPi(f func(g *mat.Dense) *mat.Dense) Verdict {
	const id = "07.1"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(7, 1))
	act := nn.LeakyReLU(0.1)
	for _, h := range []int{3, 5, 8} {
		n := h + 1
		g := mat.NewDense(h, h, nil)
		for i := range h {
			g.Set(i, i, 0.5+1.5*rng.Float64())
		}
		V, X := data.Normal(rng, h, n, 1), data.Normal(rng, n, h, 1)
		want := sym.NonlinearPi(act, g, V, X)
		got, err := Protect(func() *mat.Dense { return f(mat.DenseCopyOf(g)) })
		if v, bad := matrixAnswer(id, got, err, h, h, "g"); bad {
			return v
		}
		if sym.RelDiff(want, got) <= 1e-8 {
			continue
		}
		if sym.RelDiff(g, got) <= 1e-12 {
			return Fail(id, "your π is what g does to σ(VX); π has to bring σ(gVX) back to σ(VX). For LeakyReLU and c > 0, σ(cz) = cσ(z): what is σ(gVX) in terms of σ(VX)?")
		}
		return Fail(id, "for a %d×%d positive diagonal g your π differs from σ(VX)σ(gVX)⁻¹. For LeakyReLU and c > 0, σ(cz) = cσ(z): what is σ(gVX) in terms of σ(VX)?", h, h)
	}
	return Pass(id, "your π equals σ(VX)σ(gVX)⁻¹ for random positive diagonal g, V and batches X: for these g the nonlinear action is the linear one")
}

// UndoAction checks exercise 07.2: a function undo(σ, g, V, X) returning
// the π′ with which a second action, by g⁻¹, brings g·(U, V) = (Uπ(g, V, X),
// gV) back to (U, V), built from sym.NonlinearPi: U π(g, V, X) π′ = U.
//
// The check draws tanh and LeakyReLU nets with k = h and g = e^{εT} at
// ε = 0.5, and compares π′ with π(g, V, X)⁻¹ within 1e-7 relative
// (Frobenius): two inverses of matrices with condition numbers below 1e2 for
// these draws cost a few more digits than one.
func UndoAction(f func(sigma nn.Activation, g, V, X *mat.Dense) *mat.Dense) Verdict {
	const id = "07.2"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(7, 2))
	for _, act := range []nn.Activation{nn.Tanh, nn.LeakyReLU(0.1)} {
		for _, h := range []int{4, 6} {
			n := h + 1
			V, X := data.Normal(rng, h, n, 1/math.Sqrt(float64(n))), data.Normal(rng, n, h, 1)
			g := sym.SampleGL(rng, h, 0.5)
			pi := sym.NonlinearPi(act, g, V, X)
			var want mat.Dense
			mustLib("UndoAction", want.Inverse(pi))
			got, err := Protect(func() *mat.Dense {
				return f(act, mat.DenseCopyOf(g), mat.DenseCopyOf(V), mat.DenseCopyOf(X))
			})
			if v, bad := matrixAnswer(id, got, err, h, h, act.Name+" net"); bad {
				return v
			}
			if sym.RelDiff(&want, got) <= 1e-7 {
				continue
			}
			var gi mat.Dense
			if err := gi.Inverse(g); err == nil && sym.RelDiff(sym.NonlinearPi(act, &gi, V, X), got) <= 1e-7 {
				return Fail(id, "your π′ is fitted at the original weights V, but the second action acts on the moved point (Uπ, gV): which weights does it see?")
			}
			return Fail(id, "for a %s net with h = %d, U π(g, V, X) π′ is not U. The cocycle π(g₂g₁, V) = π(g₁, V) π(g₂, g₁V) with g₂g₁ = e says what π′ must be.", act.Name, h)
		}
	}
	return Pass(id, "your π′ undoes the action for tanh and LeakyReLU nets and random g far from the identity")
}

// matrixAnswer reports a Wrong verdict when a student's function panicked or
// returned a matrix that is nil or not r×c; what names the input.
func matrixAnswer(id string, got *mat.Dense, err error, r, c int, what string) (Verdict, bool) {
	switch {
	case err != nil:
		return Fail(id, "your function panicked on a %s: %v", what, err), true
	case got == nil:
		return Fail(id, "your function returned nil on a %s", what), true
	}
	if gr, gc := got.Dims(); gr != r || gc != c {
		return Fail(id, "your function returned a %d×%d matrix on a %s; want %d×%d", gr, gc, what, r, c), true
	}
	return Verdict{}, false
}

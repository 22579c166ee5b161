package exercise

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/repro/zhao2023"
	"github.com/noetherlab/noether/lib/sym"
)

// DoublingY is the target y of exercise 06.1's valley uv = y.
const DoublingY = 1.5

// SharpnessDoubling checks exercise 06.1. On the valley of minima uv = y of
// L(u, v) = (y − uv)², with y = DoublingY, the exercise asks for the
// positive Q = u² − v² at which the minimum is twice as sharp (twice the
// largest Hessian eigenvalue) as the balanced point Q = 0.
//
// The check measures the Hessian at Q = 0 and at the answer with
// zhao2023.ScalarSharpness (finite differences of the exact gradient,
// accurate to about 1e-12) and compares the ratio of the sharpnesses with 2
// within 1e-4: an answer rounded to four significant digits moves the ratio
// by about 2e-5, a wrong formula by far more.
func SharpnessDoubling(q float64) Verdict {
	const id = "06.1"
	if math.IsNaN(q) {
		return Open(id)
	}
	if math.IsInf(q, 0) {
		return Fail(id, "Q must be a finite number")
	}
	res, err := zhao2023.ScalarSharpness(zhao2023.ScalarSharpnessSettings{Y: DoublingY, Q: []float64{0, q}})
	if err != nil {
		return Fail(id, "the Hessian could not be measured at this Q: %v", err)
	}
	ratio := res.Max[1] / res.Max[0]
	const hint = "The sharpness at a point of the valley is 2(u² + v²): write u² + v² in terms of Q and y, and solve for the Q that doubles it."
	switch {
	case math.Abs(ratio-2) <= 1e-4 && q > 0:
		return Pass(id, "the Hessian measured at this Q has twice the largest eigenvalue it has at Q = 0 (to 1e-4)")
	case math.Abs(ratio-2) <= 1e-4:
		return Fail(id, "the sharpness is doubled there, but the exercise asks for the positive Q (the valley is symmetric in Q ↦ −Q)")
	case ratio > 2:
		return Fail(id, "at this Q the minimum is more than twice as sharp as at Q = 0: |Q| is too large. %s", hint)
	default:
		return Fail(id, "at this Q the minimum is less than twice as sharp as at Q = 0: |Q| is too small. %s", hint)
	}
}

// LinearSharpness checks exercise 06.2: a function that returns the
// sharpness (the largest Hessian eigenvalue) of the loss ‖Y − UV‖²_F at a
// zero-loss minimum, Y = UV, from U and V alone, without building a Hessian.
//
// The check draws minima of several shapes and compares the answer with the
// largest eigenvalue of the exact Hessian (hessian.TwoLayerLinear,
// diagonalised by hessian.Eigenvalues) within 1e-8 relative: the eigenvalues
// are accurate to about 1e-14 of the largest, so any exact formula passes and
// an approximation does not.
func LinearSharpness(f func(U, V *mat.Dense) float64) Verdict {
	const id = "06.2"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(6, 2))
	for _, shape := range [][3]int{{3, 4, 2}, {5, 3, 4}, {2, 6, 3}, {4, 4, 4}, {10, 5, 5}} {
		m, h, n := shape[0], shape[1], shape[2]
		U, V := data.Normal(rng, m, h, 1), data.Normal(rng, h, n, 0.5)
		want := linearMinimumSharpness("LinearSharpness", U, V)
		got, err := Protect(func() float64 { return f(mat.DenseCopyOf(U), mat.DenseCopyOf(V)) })
		switch {
		case err != nil:
			return Fail(id, "your function panicked on U (%d×%d), V (%d×%d): %v", m, h, h, n, err)
		case math.IsNaN(got) || math.IsInf(got, 0):
			return Fail(id, "your function returned %v on U (%d×%d), V (%d×%d)", got, m, h, h, n)
		case Close(got, want, 1e-8):
			continue
		case Close(got, 2*want, 1e-8) || Close(got, want/2, 1e-8):
			return Fail(id, "off by a factor of 2 on U (%d×%d), V (%d×%d). At a zero-loss minimum the Hessian is 2JᵀJ: where does the 2 come from, and is it in your formula once?", m, h, h, n)
		case got > want:
			return Fail(id, "too large on U (%d×%d), V (%d×%d). The largest eigenvalue of UUᵀ is the square of a norm of U: which matrix norm is it? (gonum's mat.Norm(A, 2) is the Frobenius norm.)", m, h, h, n)
		default:
			return Fail(id, "too small on U (%d×%d), V (%d×%d). The nonzero eigenvalues are 2(α_i + β_j), α_i of UUᵀ and β_j of VᵀV: which pair gives the largest?", m, h, h, n)
		}
	}
	return Pass(id, "your formula gives the largest eigenvalue of the exact Hessian at five random minima of different shapes (to 1e-8)")
}

// linearMinimumSharpness is the largest eigenvalue of the exact Hessian of
// ‖UV − L‖²_F at its zero-loss point L = UV, computed for the named check.
func linearMinimumSharpness(check string, U, V *mat.Dense) float64 {
	var Y mat.Dense
	Y.Mul(U, V)
	_, n := V.Dims()
	vals, err := hessian.Eigenvalues(hessian.TwoLayerLinear(U, V, sym.Identity(n), &Y))
	mustLib(check, err)
	return vals[len(vals)-1]
}

// SharpMinimum returns the zero-loss minimum (U, V) of ‖Y − UV‖²_F, Y = UV,
// of exercise 06.3: U is 4×6, V is 6×3, drawn from a fixed seed with V
// three times larger than U, far from balanced. Each call returns new
// copies of the same matrices.
func SharpMinimum() (U, V *mat.Dense) {
	rng := rand.New(rand.NewPCG(6, 3))
	return data.Normal(rng, 4, 6, 0.5), data.Normal(rng, 6, 3, 1.5)
}

// FlattestRescaling checks exercise 06.3: the c > 0 for which the point
// (U/c, cV) of SharpMinimum's orbit under the rescaling symmetry is the
// flattest minimum, the one with the smallest largest Hessian eigenvalue.
//
// The check finds that c by golden-section search on log c of the exact
// Hessian's largest eigenvalue (hessian.TwoLayerLinear), to about 1e-7
// relative (the sharpness is accurate to 1e-14 and quadratic near its
// minimum), and compares within 1e-4 relative: four significant digits
// pass.
func FlattestRescaling(c float64) Verdict {
	const id = "06.3"
	if math.IsNaN(c) {
		return Open(id)
	}
	if !(c > 0) || math.IsInf(c, 0) {
		return Fail(id, "c must be a positive, finite number: c ≤ 0 is not a rescaling that keeps the signs")
	}
	U, V := SharpMinimum()
	at := func(c float64) float64 {
		var Uc, Vc mat.Dense
		Uc.Scale(1/c, U)
		Vc.Scale(c, V)
		return linearMinimumSharpness("FlattestRescaling", &Uc, &Vc)
	}
	// Golden-section search for the minimum of at(e^t), t ∈ [−5, 5].
	lo, hi := -5.0, 5.0
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := at(math.Exp(a)), at(math.Exp(b))
	for hi-lo > 1e-9 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = at(math.Exp(a))
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = at(math.Exp(b))
		}
	}
	want := math.Exp((lo + hi) / 2)
	if Close(c, want, 1e-4) {
		return Pass(id, "the Hessian at (U/c, cV) has the smallest largest eigenvalue of the orbit (c within 1e-4)")
	}
	balanced := math.Sqrt(mat.Norm(U, 2) / mat.Norm(V, 2)) // where ‖U/c‖_F = ‖cV‖_F
	if Close(c, balanced, 1e-4) {
		return Fail(id, "at this c, ‖U/c‖_F = ‖cV‖_F: the balanced point Q = 0 in the trace form. The sharpness 2(‖U‖₂² + ‖V‖₂²) is set by other norms than the Frobenius ones.")
	}
	hint := "Write the sharpness of (U/c, cV) as a function of c with the formula of exercise 06.2, and minimise it."
	if at(c) > at(want)*(1+1e-8) {
		if c > want {
			return Fail(id, "there are flatter points of the orbit at smaller c. %s", hint)
		}
		return Fail(id, "there are flatter points of the orbit at larger c. %s", hint)
	}
	return Fail(id, "not the flattest point. %s", hint)
}

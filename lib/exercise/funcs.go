package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// This file holds what the checks of function and matrix answers share:
// seeded random inputs, protection against an answer that panics, and the
// comparisons.

// newRand is the seeded generator of a check's random inputs, so that a
// verdict does not change from run to run.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5e7c15e)) }

// Safely calls f, a call into the student's answer, and turns a panic
// into an error saying so, so that a faulty answer gets a wrong verdict
// instead of ending the notebook's cell.
func Safely(f func()) error {
	if _, err := Protect(func() struct{} { f(); return struct{}{} }); err != nil {
		return fmt.Errorf("your function panicked: %w", err)
	}
	return nil
}

// mustLib panics when err, from the library computing a check's own
// expected answer at the exercise's fixed settings, is not nil. Such a
// failure is the program's fault, not the student's: it ends the cell with
// a message naming the package, the check and the error, rather than
// giving the student a wrong verdict. Protect and Safely let it through, so
// that it is not reported as a panic of the student's function either.
func mustLib(check string, err error) {
	if err != nil {
		panic(libraryFailure{check: check, err: err})
	}
}

// libraryFailure is the panic value of mustLib.
type libraryFailure struct {
	check string
	err   error
}

func (f libraryFailure) Error() string {
	return fmt.Sprintf("exercise: %s: the library could not compute the answer at the exercise's fixed settings: %v", f.check, f.err)
}

func (f libraryFailure) Unwrap() error { return f.err }

// uniform returns a number uniform in [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// vecRelDiff is ‖got − want‖/max(‖want‖, 1e-300) over two vectors of equal
// length, +Inf if the lengths differ or got holds a NaN or an infinity.
func vecRelDiff(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var d, w float64
	for i := range got {
		if math.IsNaN(got[i]) || math.IsInf(got[i], 0) {
			return math.Inf(1)
		}
		d += (got[i] - want[i]) * (got[i] - want[i])
		w += want[i] * want[i]
	}
	return math.Sqrt(d) / math.Max(math.Sqrt(w), 1e-300)
}

// matRelDiff is ‖got − want‖_F/‖want‖_F, +Inf if got is nil, of another
// shape, or holds a NaN or an infinity.
func matRelDiff(got, want mat.Matrix) float64 {
	if got == nil {
		return math.Inf(1)
	}
	gr, gc := got.Dims()
	wr, wc := want.Dims()
	if gr != wr || gc != wc {
		return math.Inf(1)
	}
	return vecRelDiff(flat(got).RawVector().Data, flat(want).RawVector().Data)
}

// flat is m as one column, row by row.
func flat(m mat.Matrix) *mat.VecDense {
	r, c := m.Dims()
	v := mat.NewVecDense(r*c, nil)
	for i := range r {
		for j := range c {
			v.SetVec(i*c+j, m.At(i, j))
		}
	}
	return v
}

// Affine fits got ≈ a·want + b by least squares over paired samples and
// returns a, b and the residual relative to the spread of got: the
// comparison for an answer that is right up to a nonzero factor and a
// constant, as a conserved quantity is. The residual is +Inf when got holds
// a NaN or an infinity, and 0 when got does not vary at all (then a = 0).
// Affine panics if the lengths differ or want does not vary.
func Affine(got, want []float64) (a, b, resid float64) {
	if len(got) != len(want) || len(got) < 3 {
		panic(fmt.Sprintf("exercise: Affine of %d and %d samples, want equal lengths ≥ 3", len(got), len(want)))
	}
	n := float64(len(got))
	var mg, mw float64
	for i := range got {
		if math.IsNaN(got[i]) || math.IsInf(got[i], 0) {
			return math.NaN(), math.NaN(), math.Inf(1)
		}
		mg += got[i] / n
		mw += want[i] / n
	}
	var sww, sgw, sgg float64
	for i := range got {
		dw, dg := want[i]-mw, got[i]-mg
		sww += dw * dw
		sgw += dg * dw
		sgg += dg * dg
	}
	if sww == 0 {
		panic("exercise: Affine: the reference does not vary over the samples")
	}
	a = sgw / sww
	b = mg - a*mw
	if sgg == 0 {
		return 0, b, 0
	}
	var ss float64
	for i := range got {
		r := got[i] - (a*want[i] + b)
		ss += r * r
	}
	return a, b, math.Sqrt(ss / sgg)
}

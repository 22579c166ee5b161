package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Func is an objective: it returns the loss L(θ) and writes ∇L(θ) into grad
// (len(grad) = len(theta)). It must not keep theta or grad.
//
// Func is an alias, not a new type, so that any function of this shape
// (from package nn, a closure, or hessian.Func) is accepted without a
// conversion.
type Func = func(theta, grad []float64) float64

// BatchFunc is a minibatch objective: it returns the loss of the samples
// whose indices are in batch and writes its gradient into grad. It should
// return the mean over the batch, so that a learning rate means the same
// for every batch size. It must not keep theta, grad or batch.
type BatchFunc = func(theta, grad []float64, batch []int) float64

// Status says why a run stopped.
type Status int

const (
	StepLimit     Status = iota // the requested number of steps (or epochs, or Flow's MaxSteps) was taken
	TimeReached                 // Flow reached the end time T
	LossConverged               // L ≤ LossTol
	GradConverged               // ‖∇L‖ ≤ GradTol
)

func (s Status) String() string {
	switch s {
	case StepLimit:
		return "step limit"
	case TimeReached:
		return "time reached"
	case LossConverged:
		return "loss converged"
	case GradConverged:
		return "gradient converged"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result summarises a run.
type Result struct {
	Status   Status
	Steps    int     // updates (Run, RunBatch) or accepted steps (Flow)
	Rejected int     // Flow: rejected trial steps
	Evals    int     // calls of the objective
	Epochs   int     // RunBatch: completed passes over the data
	Time     float64 // Σ η (Run, RunBatch) or t (Flow) at the end
	Loss     float64 // loss at the final θ (RunBatch: of the last batch evaluated)
	GradNorm float64 // ‖∇L‖₂ at the final θ
}

// NonFiniteError reports a NaN or ±Inf in the loss or the gradient; the run
// that returns it stops at once and leaves θ at the point where it was
// evaluated.
type NonFiniteError struct {
	Step  int     // the step at which it was seen (see State.Step)
	Time  float64 // the time at which it was seen (see State.Time)
	What  string  // "loss" or "gradient"
	Index int     // the first offending gradient component (−1 for the loss)
	Value float64 // the offending value
}

func (e *NonFiniteError) Error() string {
	if e.What == "loss" {
		return fmt.Sprintf("optim: step %d (t = %.6g): loss is %v", e.Step, e.Time, e.Value)
	}
	return fmt.Sprintf("optim: step %d (t = %.6g): gradient component %d is %v", e.Step, e.Time, e.Index, e.Value)
}

// checkFinite returns ‖grad‖₂, or a *NonFiniteError if loss or a component
// of grad is NaN or infinite. The gradient is scanned component by component
// only when its squared norm is not finite. The squared norm is summed in
// order, one term after the other (see checkFiniteFast).
func checkFinite(step int, t, loss float64, grad []float64) (float64, error) {
	return finiteNorm(step, t, loss, grad, sumSquaresInOrder(grad))
}

// sumSquaresInOrder returns Σ x_i², summed one term after the other.
func sumSquaresInOrder(x []float64) float64 {
	var ss float64
	for _, g := range x {
		ss += g * g
	}
	return ss
}

// checkFiniteFast is checkFinite with the squared norm summed by sumSquares,
// three times faster on long gradients; the norm may differ from
// checkFinite's in the last bits. Run and RunBatch use it: their updates
// never read the norm, so the iterates are the same, and the check and the
// norm of a small network's step cost less than its matrix products. Run's
// test against GradTol goes through gradBelow, which decides as the sum in
// order would. Flow, whose steps are expensive, keeps checkFinite.
func checkFiniteFast(step int, t, loss float64, grad []float64) (float64, error) {
	return finiteNorm(step, t, loss, grad, sumSquares(grad))
}

// finiteNorm returns √ss, or a *NonFiniteError if loss or a component of
// grad is NaN or infinite, ss being Σ grad_i².
func finiteNorm(step int, t, loss float64, grad []float64, ss float64) (float64, error) {
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(ss) || math.IsInf(ss, 0) {
		if err := checkFiniteOnly(step, t, loss, grad); err != nil {
			return 0, err
		}
		// All components finite, only the sum of squares overflowed.
		return math.Inf(1), nil
	}
	return math.Sqrt(ss), nil
}

// checkFiniteOnly is checkFinite without the norm: the same error, or nil.
func checkFiniteOnly(step int, t, loss float64, grad []float64) error {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &NonFiniteError{Step: step, Time: t, What: "loss", Index: -1, Value: loss}
	}
	const exp = 0x7ff << 52 // the exponent bits, all set for ±Inf and NaN only
	// The vector scan finds whether its entries are all finite; where one
	// is not, the loop below finds the first.
	m, ok := finiteVec(grad)
	if !ok {
		m = 0
	}
	for i, g := range grad[m:] {
		i += m
		if math.Float64bits(g)&exp == exp {
			return &NonFiniteError{Step: step, Time: t, What: "gradient", Index: i, Value: g}
		}
	}
	return nil
}

// gradBelow reports whether ‖grad‖₂ ≤ tol, gn being the norm from
// checkFiniteFast, with the answer the norm from checkFinite would give: the
// two sums of the n non-negative squares are within n·ε (relative) of the
// exact one, so their square roots within (n+1)·ε of each other, and only
// when gn is that close to tol is the sum in order computed to decide.
func gradBelow(gn, tol float64, grad []float64) bool {
	margin := tol * float64(2*len(grad)+4) * 0x1p-52
	if math.Abs(gn-tol) > margin {
		return gn <= tol
	}
	return math.Sqrt(sumSquaresInOrder(grad)) <= tol
}

// sumSquares returns Σ x_i² as gonum's dot product x·x, which sums in
// several interleaved partial sums in vector registers: not bound by the
// latency of an addition, as the sum in order is, and 2.5 times faster than
// it on 750 terms. It is NaN or +Inf exactly when the sum in order is (the
// terms are ≥ 0 or NaN).
func sumSquares(x []float64) float64 { return floats.Dot(x, x) }

// Settings controls Run. Steps is required; the zero values of the other
// fields switch them off.
type Settings struct {
	Steps     int        // number of updates; must be positive
	LossTol   float64    // if > 0, stop as soon as L ≤ LossTol
	GradTol   float64    // if > 0, stop as soon as ‖∇L‖₂ ≤ GradTol
	Observers []Observer // called at every state k = 0, 1, ..., in order
}

// Run minimises f from theta (updated in place) with the update rule r on
// the full-batch gradient:
//
//	θ_{k+1} = r(θ_k, ∇L(θ_k)),  k = 0, 1, ..., Steps−1,
//
// evaluating f at θ_0, ..., θ_Steps (Steps + 1 evaluations: the last gives
// the final loss and gradient) and showing each state to the observers
// before the update that uses it. It stops early at the tolerances of s and
// returns a *NonFiniteError, leaving θ at the offending point, if a loss or
// gradient is NaN or infinite. After the first step Run allocates nothing.
func Run(f Func, theta []float64, r Rule, s Settings) (Result, error) {
	if s.Steps <= 0 {
		panic(fmt.Sprintf("optim: Run: Steps = %d, want > 0", s.Steps))
	}
	grad := make([]float64, len(theta))
	st := &State{Theta: theta, Grad: grad}
	var res Result
	for k := 0; ; k++ {
		loss := f(theta, grad)
		res.Evals++
		gn, err := checkFiniteFast(k, st.Time, loss, grad)
		if err != nil {
			return res, err
		}
		st.Step, st.Loss, st.GradNorm = k, loss, gn
		res.Steps, res.Time, res.Loss, res.GradNorm = k, st.Time, loss, gn
		switch {
		case s.LossTol > 0 && loss <= s.LossTol:
			res.Status, st.Done = LossConverged, true
		case s.GradTol > 0 && gradBelow(gn, s.GradTol, grad):
			res.Status, st.Done = GradConverged, true
		case k == s.Steps:
			res.Status, st.Done = StepLimit, true
		}
		for _, o := range s.Observers {
			o.Observe(st)
		}
		if st.Done {
			return res, nil
		}
		st.Time += r.Rate()
		r.Step(theta, grad)
	}
}

// BatchSettings controls RunBatch. Either Steps or Epochs must be positive;
// the zero values of the other fields are sensible defaults.
type BatchSettings struct {
	BatchSize int        // samples per batch; 0 means all N (full batch)
	Epochs    int        // if > 0, stop after this many passes over the data
	Steps     int        // if > 0, stop after this many updates
	DropLast  bool       // skip the last batch of an epoch if it is short
	Rand      *rand.Rand // shuffles the samples at each epoch; nil: in order
	Observers []Observer // called at every state
}

// RunBatch minimises a minibatch objective over n samples from theta
// (updated in place) with the rule r: stochastic gradient descent when r is
// a *GD. Each epoch visits the samples in batches of BatchSize, in an order
// freshly shuffled by s.Rand (if non-nil) at the start of the epoch:
//
//	θ_{k+1} = r(θ_k, ∇L_{B_k}(θ_k)).
//
// It stops after s.Steps updates or s.Epochs epochs, whichever comes first,
// and evaluates one more batch at the final θ for the observers and the
// result. A NaN or infinite loss or gradient stops it with a
// *NonFiniteError; the Result returned with it holds the gradient norm of
// the last state an observer was shown (0 without observers). After the
// first step RunBatch allocates nothing.
func RunBatch(f BatchFunc, n int, theta []float64, r Rule, s BatchSettings) (Result, error) {
	if n <= 0 {
		panic(fmt.Sprintf("optim: RunBatch: n = %d samples, want > 0", n))
	}
	if s.Steps <= 0 && s.Epochs <= 0 {
		panic(fmt.Sprintf("optim: RunBatch: Steps = %d and Epochs = %d, want one > 0", s.Steps, s.Epochs))
	}
	if s.BatchSize < 0 || s.BatchSize > n {
		panic(fmt.Sprintf("optim: RunBatch: BatchSize = %d, want in [0, %d]", s.BatchSize, n))
	}
	bs := s.BatchSize
	if bs == 0 {
		bs = n
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	grad := make([]float64, len(theta))
	st := &State{Theta: theta, Grad: grad}
	var res Result

	pos := n // position in perm; n forces a new epoch at the first batch
	epoch := -1
	for k := 0; ; k++ {
		if pos >= n || (s.DropLast && pos+bs > n) {
			epoch++
			pos = 0
			if s.Rand != nil {
				s.Rand.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			}
		}
		end := min(pos+bs, n)
		batch := perm[pos:end]
		pos = end

		loss := f(theta, grad, batch)
		res.Evals++
		done := (s.Steps > 0 && k == s.Steps) || (s.Epochs > 0 && epoch == s.Epochs)
		// The norm is seen only by observers and in the final result;
		// without observers the steps before the last check finiteness
		// alone, which is cheaper than any sum of squares.
		gn, err := res.GradNorm, error(nil)
		if done || len(s.Observers) > 0 {
			gn, err = checkFiniteFast(k, st.Time, loss, grad)
		} else {
			err = checkFiniteOnly(k, st.Time, loss, grad)
		}
		if err != nil {
			return res, err
		}
		st.Step, st.Epoch, st.Loss, st.GradNorm, st.Batch = k, epoch, loss, gn, batch
		res.Steps, res.Epochs, res.Time, res.Loss, res.GradNorm = k, epoch, st.Time, loss, gn
		if done {
			res.Status, st.Done = StepLimit, true
		}
		for _, o := range s.Observers {
			o.Observe(st)
		}
		if st.Done {
			return res, nil
		}
		st.Time += r.Rate()
		r.Step(theta, grad)
	}
}

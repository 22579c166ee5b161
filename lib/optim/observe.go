package optim

import "fmt"

// State is what an Observer sees at one point of a run. Theta, Grad and
// Batch belong to the run: an observer may read them during the call but
// must neither modify nor keep them (copy what it needs).
//
// In Run, State k describes θ_k, the parameters after k updates, with the
// loss and gradient at θ_k: the gradient that the next update uses. In
// RunBatch the loss and gradient are those of the minibatch Batch at θ_k.
// In Flow, Step counts accepted integration steps and Time is t.
type State struct {
	Step     int       // updates (Run, RunBatch) or accepted steps (Flow) so far
	Epoch    int       // RunBatch: completed passes over the data
	Time     float64   // Σ η over the updates so far (Run, RunBatch); t (Flow)
	Loss     float64   // loss at Theta (of Batch in RunBatch)
	GradNorm float64   // ‖Grad‖₂
	Theta    []float64 // current parameters
	Grad     []float64 // ∇L(Theta) (the minibatch gradient in RunBatch)
	Batch    []int     // RunBatch: the sample indices of Loss and Grad
	Done     bool      // this is the last state of the run
}

// Observer is called by a run at every state (Run, RunBatch) or at every
// accepted step or output time (Flow), always including the first and the
// last (Done) state.
type Observer interface {
	Observe(s *State)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(s *State)

// Observe calls f(s).
func (f ObserverFunc) Observe(s *State) { f(s) }

// Every returns an Observer that calls f at every k-th call (the first call
// included) and at the last state of the run.
func Every(k int, f func(s *State)) Observer {
	if k <= 0 {
		panic(fmt.Sprintf("optim: Every: k = %d, want > 0", k))
	}
	return &every{k: k, f: f}
}

type every struct {
	k, calls int
	f        func(s *State)
}

func (e *every) Observe(s *State) {
	if e.calls%e.k == 0 || s.Done {
		e.f(s)
	}
	e.calls++
}

// Loss returns s.Loss; a quantity for Recorder.Add.
func Loss(s *State) float64 { return s.Loss }

// GradNorm returns s.GradNorm; a quantity for Recorder.Add.
func GradNorm(s *State) float64 { return s.GradNorm }

// Recorder is an Observer that records named scalar series at every k-th
// call (the first included) and at the last state of a run, together with
// the step and time of each record:
//
//	rec := optim.NewRecorder(10).Add("loss", optim.Loss).Add("Q", trQ)
//	optim.Run(f, theta, &optim.GD{LR: 0.1}, optim.Settings{Steps: 1000, Observers: []optim.Observer{rec}})
//	plot(rec.Time, rec.Series("Q"))
//
// Between records an observation costs one counter increment.
type Recorder struct {
	Step []int     // State.Step of each record
	Time []float64 // State.Time of each record

	every, calls int
	names        []string
	fns          []func(*State) float64
	vals         [][]float64
}

// NewRecorder returns a Recorder that records at every k-th call.
func NewRecorder(k int) *Recorder {
	if k <= 0 {
		panic(fmt.Sprintf("optim: NewRecorder: k = %d, want > 0", k))
	}
	return &Recorder{every: k}
}

// Add registers a quantity q under name and returns r. Names must be
// unique, and quantities must be added before the first record.
func (r *Recorder) Add(name string, q func(s *State) float64) *Recorder {
	for _, n := range r.names {
		if n == name {
			panic(fmt.Sprintf("optim: Recorder.Add: name %q already used", name))
		}
	}
	if len(r.Step) > 0 {
		panic(fmt.Sprintf("optim: Recorder.Add: %q added after %d records", name, len(r.Step)))
	}
	r.names = append(r.names, name)
	r.fns = append(r.fns, q)
	r.vals = append(r.vals, nil)
	return r
}

// Observe implements Observer.
func (r *Recorder) Observe(s *State) {
	c := r.calls
	r.calls++
	if c%r.every != 0 && !s.Done {
		return
	}
	r.Step = append(r.Step, s.Step)
	r.Time = append(r.Time, s.Time)
	for i, q := range r.fns {
		r.vals[i] = append(r.vals[i], q(s))
	}
}

// Names returns the names of the recorded quantities in the order added.
func (r *Recorder) Names() []string { return append([]string(nil), r.names...) }

// Len returns the number of records.
func (r *Recorder) Len() int { return len(r.Step) }

// Series returns the recorded values of the quantity name (not a copy). It
// panics if no quantity has that name.
func (r *Recorder) Series(name string) []float64 {
	for i, n := range r.names {
		if n == name {
			return r.vals[i]
		}
	}
	panic(fmt.Sprintf("optim: Recorder.Series: no quantity %q (have %q)", name, r.names))
}

// Reset discards all records and restarts the call count, keeping the
// quantities.
func (r *Recorder) Reset() {
	r.Step, r.Time = r.Step[:0], r.Time[:0]
	for i := range r.vals {
		r.vals[i] = r.vals[i][:0]
	}
	r.calls = 0
}

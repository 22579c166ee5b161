package optim

import (
	"fmt"
	"math"
)

// The Dormand–Prince 5(4) pair (Dormand and Prince 1980; Hairer, Nørsett
// and Wanner, Solving ODEs I, Table II.5.2). dpA[i] holds row i+1 of the
// Runge–Kutta matrix (stage i+1 depends on stages 0..i), dpC the nodes, dpB
// the fifth-order weights (equal to the last row of A, so the last stage
// is evaluated at the new point: "first same as last"), and dpE = b − b̂ the
// difference from the embedded fourth-order weights b̂.
var (
	dpC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dpA = [6][6]float64{
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	dpB    = [7]float64{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0}
	dpBhat = [7]float64{5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40}
	dpE    = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// FlowSettings controls Flow. The zero value of every field but T is a
// sensible default.
type FlowSettings struct {
	// T is the end time. It must be positive; it may be +Inf if LossTol or
	// GradTol is set.
	T float64

	// RTol and ATol set the accepted local error of a step: the scaled
	// error sqrt(mean_i (e_i / (ATol + RTol·max(|θ_i|, |θ'_i|)))²) of the
	// embedded estimate e must be ≤ 1. Defaults 1e-10 and 1e-12. The global
	// error at time t is typically a modest multiple of RTol, as long as
	// the flow is not expanding.
	RTol, ATol float64

	// H0 is the first trial step; 0 chooses it from the gradient and a
	// trial Euler step (one extra evaluation).
	H0 float64

	// MaxSteps bounds the number of accepted steps; 0 means 1e6.
	MaxSteps int

	// Dt, if positive, is the output interval: observers are called only
	// at t = 0, Dt, 2Dt, ... (the integrator lands on these times exactly)
	// and at the end. With Dt = 0 they are called at every accepted step.
	Dt float64

	LossTol   float64    // if > 0, stop at the first accepted point with L ≤ LossTol
	GradTol   float64    // if > 0, stop at the first accepted point with ‖∇L‖₂ ≤ GradTol
	Observers []Observer // see Dt
}

// Flow integrates the gradient flow
//
//	dθ/dt = −∇L(θ),  θ(0) = theta,
//
// in place from t = 0 to t = s.T with the explicit Dormand–Prince 5(4)
// Runge–Kutta pair: fifth-order steps whose length is controlled by the
// embedded fourth-order error estimate (local extrapolation), six gradient
// evaluations per step. Unlike gradient descent with a small learning
// rate, the integrator's error is controlled to s.RTol, so conservation
// laws of the flow (Q̇ = 0) hold to about that accuracy, not to O(η).
//
// A trial point where the loss or gradient is not finite rejects the step
// and shortens it tenfold; Flow returns a *NonFiniteError only if the
// starting point is not finite or 30 such rejections follow one another.
// The step size is limited by stability, not only accuracy: an explicit
// method needs h ≲ 3.3/λ_max(∇²L), so a sharp minimum makes the flow slow.
func Flow(f Func, theta []float64, s FlowSettings) (Result, error) {
	if !(s.T > 0) {
		panic(fmt.Sprintf("optim: Flow: T = %v, want > 0", s.T))
	}
	if math.IsInf(s.T, 1) && s.LossTol <= 0 && s.GradTol <= 0 {
		panic("optim: Flow: T = +Inf needs LossTol or GradTol")
	}
	if s.Dt < 0 || s.H0 < 0 || s.RTol < 0 || s.ATol < 0 {
		panic(fmt.Sprintf("optim: Flow: negative setting: Dt = %v, H0 = %v, RTol = %v, ATol = %v", s.Dt, s.H0, s.RTol, s.ATol))
	}
	rtol, atol := orDefault(s.RTol, 1e-10), orDefault(s.ATol, 1e-12)
	maxSteps := s.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 1_000_000
	}
	n := len(theta)
	var g [7][]float64 // gradients at the stages (the slope is −g)
	for i := range g {
		g[i] = make([]float64, n)
	}
	ynew := make([]float64, n)
	y := theta

	var res Result
	loss := f(y, g[0])
	res.Evals++
	gn, err := checkFinite(0, 0, loss, g[0])
	if err != nil {
		return res, err
	}
	res.Loss, res.GradNorm = loss, gn

	st := &State{Theta: y, Grad: g[0], Loss: loss, GradNorm: gn}
	observe := func() {
		for _, o := range s.Observers {
			o.Observe(st)
		}
	}
	converged := func() bool {
		switch {
		case s.LossTol > 0 && st.Loss <= s.LossTol:
			res.Status = LossConverged
		case s.GradTol > 0 && st.GradNorm <= s.GradTol:
			res.Status = GradConverged
		default:
			return false
		}
		return true
	}
	if converged() {
		st.Done = true
		observe()
		return res, nil
	}
	observe()

	h := s.H0
	if h == 0 {
		h = initialStep(f, y, g[0], ynew, g[1], rtol, atol)
		res.Evals++
	}

	t := 0.0
	kOut := 1
	nonFinite := 0
	rejectedHere := false
	for {
		stop := s.T
		if s.Dt > 0 {
			stop = math.Min(stop, float64(kOut)*s.Dt)
		}
		landing, hProp := false, h
		if t+h >= stop {
			h, landing = stop-t, true
		}

		// Stages 1..6; stage 6 is evaluated at the new point ynew.
		var bad *NonFiniteError
		var lossNew float64
		for i := 0; i < 6 && bad == nil; i++ {
			a := &dpA[i]
			for j := range ynew {
				sum := 0.0
				for l := 0; l <= i; l++ {
					sum += a[l] * g[l][j]
				}
				ynew[j] = y[j] - h*sum
			}
			lossNew = f(ynew, g[i+1])
			res.Evals++
			if _, err := checkFinite(res.Steps+1, t+dpC[i+1]*h, lossNew, g[i+1]); err != nil {
				bad = err.(*NonFiniteError)
			}
		}
		if bad != nil {
			nonFinite++
			res.Rejected++
			if nonFinite >= 30 {
				return res, bad
			}
			h /= 10
			rejectedHere = true
			continue
		}
		nonFinite = 0

		// Scaled RMS norm of the embedded error estimate.
		var errSum float64
		for j := range ynew {
			e := 0.0
			for l := range dpE {
				e += dpE[l] * g[l][j]
			}
			sc := atol + rtol*math.Max(math.Abs(y[j]), math.Abs(ynew[j]))
			r := h * e / sc
			errSum += r * r
		}
		errNorm := math.Sqrt(errSum / float64(max(n, 1)))

		if errNorm > 1 {
			res.Rejected++
			h *= math.Max(0.2, 0.9*math.Pow(errNorm, -0.2))
			rejectedHere = true
			if h <= 16*epsilon*math.Max(math.Abs(t), 1e-300) {
				return res, fmt.Errorf("optim: Flow: step size underflow (h = %g) at t = %g after %d steps", h, t, res.Steps)
			}
			continue
		}

		// Accept.
		if landing {
			t = stop
		} else {
			t += h
		}
		copy(y, ynew)
		g[0], g[6] = g[6], g[0]
		gn, _ := checkFinite(0, 0, 0, g[0])
		res.Steps++
		st.Step, st.Time, st.Loss, st.GradNorm, st.Grad = res.Steps, t, lossNew, gn, g[0]
		res.Time, res.Loss, res.GradNorm = t, lossNew, gn

		done := true
		switch {
		case converged():
		case t >= s.T:
			res.Status = TimeReached
		case res.Steps >= maxSteps:
			res.Status = StepLimit
		default:
			done = false
		}
		onGrid := s.Dt > 0 && landing && t == float64(kOut)*s.Dt
		if onGrid {
			kOut++
		}
		if done || s.Dt == 0 || onGrid {
			st.Done = done
			observe()
		}
		if done {
			return res, nil
		}

		fac := 5.0
		if rejectedHere {
			fac = 1
		}
		if errNorm > 0 {
			fac = math.Min(fac, math.Max(0.2, 0.9*math.Pow(errNorm, -0.2)))
		}
		h *= fac
		if landing && fac >= 1 {
			// A step shortened to land on an output time says little about
			// the step the error allows: do not let it shrink the next one.
			h = math.Max(h, hProp)
		}
		rejectedHere = false
	}
}

const epsilon = 0x1p-52

// initialStep chooses a first step size for the flow y' = −g(y) from the
// size of y and of the slope, and from the change of the slope over a trial
// explicit Euler step (Hairer, Nørsett and Wanner, Sec. II.4): h is such
// that the Euler step's local error h²‖d²y/dt²‖/2 would be about 0.01 in the
// error norm, limited to 100 times the step that moves y by 1% of its
// size. ytmp and gtmp are scratch.
func initialStep(f Func, y, g0, ytmp, gtmp []float64, rtol, atol float64) float64 {
	n := float64(max(len(y), 1))
	var d0, d1 float64
	for i := range y {
		sc := atol + rtol*math.Abs(y[i])
		d0 += (y[i] / sc) * (y[i] / sc)
		d1 += (g0[i] / sc) * (g0[i] / sc)
	}
	d0, d1 = math.Sqrt(d0/n), math.Sqrt(d1/n)
	h0 := 1e-6
	if d0 >= 1e-5 && d1 >= 1e-5 {
		h0 = 0.01 * d0 / d1
	}
	for i := range y {
		ytmp[i] = y[i] - h0*g0[i]
	}
	f(ytmp, gtmp)
	var d2 float64
	for i := range y {
		sc := atol + rtol*math.Abs(y[i])
		d := (gtmp[i] - g0[i]) / sc
		d2 += d * d
	}
	d2 = math.Sqrt(d2/n) / h0
	var h1 float64
	if m := math.Max(d1, d2); m <= 1e-15 || math.IsNaN(m) {
		h1 = math.Max(1e-6, h0*1e-3)
	} else {
		h1 = math.Pow(0.01/m, 0.2)
	}
	return math.Min(100*h0, h1)
}

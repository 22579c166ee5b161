package optim

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// relDiff returns ‖a − b‖_F / ‖b‖_F.
func relDiff(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// The test helper's gradient must be right before anything is checked with
// it: central differences, error O(h²) ≈ 1e-10 relative with h = 1e-5.
func TestLinearNetGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := newLinearNet(3, 4, 5, randDense(rng, 5, 7, 1), randDense(rng, 3, 7, 1))
	theta := randVec(rng, p.dim(), 0.5)
	grad := make([]float64, p.dim())
	tmp := make([]float64, p.dim())
	for _, batch := range [][]int{nil, {4, 1, 6}} {
		f := func(th, g []float64) float64 {
			if batch == nil {
				return p.loss(th, g)
			}
			return p.batchLoss(th, g, batch)
		}
		f(theta, grad)
		fd := make([]float64, p.dim())
		const h = 1e-5
		for i := range theta {
			x := theta[i]
			theta[i] = x + h
			lp := f(theta, tmp)
			theta[i] = x - h
			lm := f(theta, tmp)
			theta[i] = x
			fd[i] = (lp - lm) / (2 * h)
		}
		if e := floats.Distance(fd, grad, 2) / floats.Norm(grad, 2); e > 1e-8 {
			t.Errorf("batch %v: gradient relative error %.3g, want ≤ 1e-8", batch, e)
		}
	}
}

// The Dormand–Prince coefficients as typed must satisfy the order
// conditions: rows of A sum to c, the b weights satisfy all 17 conditions up
// to order 5, b̂ those up to order 4, and E = b − b̂. The rationals are
// exact to rounding, so 1e-14 is a tolerance on typing, not on numerics.
func TestDormandPrinceTableau(t *testing.T) {
	a := func(i, j int) float64 { // full 7×7 matrix, a(i, j) for i > j
		if i == 0 || j >= i {
			return 0
		}
		return dpA[i-1][j]
	}
	for i := 1; i < 7; i++ {
		s := 0.0
		for j := 0; j < i; j++ {
			s += a(i, j)
		}
		if math.Abs(s-dpC[i]) > 1e-14 {
			t.Errorf("row %d of A sums to %v, want c = %v", i, s, dpC[i])
		}
	}
	for i := range dpE {
		if math.Abs(dpE[i]-(dpB[i]-dpBhat[i])) > 1e-15 {
			t.Errorf("E[%d] = %v, want b − b̂ = %v", i, dpE[i], dpB[i]-dpBhat[i])
		}
		if i < 6 && dpA[5][i] != dpB[i] {
			t.Errorf("last row of A differs from b at %d", i)
		}
	}
	c := dpC[:]
	// Ac^q and A(A c) etc. as vectors.
	mulA := func(v []float64) []float64 {
		r := make([]float64, 7)
		for i := range r {
			for j := range v {
				r[i] += a(i, j) * v[j]
			}
		}
		return r
	}
	pow := func(v []float64, q int) []float64 {
		r := make([]float64, len(v))
		for i := range v {
			r[i] = math.Pow(v[i], float64(q))
		}
		return r
	}
	ones := []float64{1, 1, 1, 1, 1, 1, 1}
	mul := func(u, v []float64) []float64 {
		r := make([]float64, len(u))
		for i := range u {
			r[i] = u[i] * v[i]
		}
		return r
	}
	ac := mulA(c)
	type cond struct {
		name  string
		v     []float64
		want  float64
		order int
	}
	conds := []cond{
		{"Σb", ones, 1, 1},
		{"Σbc", c, 1.0 / 2, 2},
		{"Σbc²", pow(c, 2), 1.0 / 3, 3},
		{"ΣbAc", ac, 1.0 / 6, 3},
		{"Σbc³", pow(c, 3), 1.0 / 4, 4},
		{"ΣbcAc", mul(c, ac), 1.0 / 8, 4},
		{"ΣbAc²", mulA(pow(c, 2)), 1.0 / 12, 4},
		{"ΣbAAc", mulA(ac), 1.0 / 24, 4},
		{"Σbc⁴", pow(c, 4), 1.0 / 5, 5},
		{"Σbc²Ac", mul(pow(c, 2), ac), 1.0 / 10, 5},
		{"Σb(Ac)²", mul(ac, ac), 1.0 / 20, 5},
		{"ΣbcAc²", mul(c, mulA(pow(c, 2))), 1.0 / 15, 5},
		{"ΣbcAAc", mul(c, mulA(ac)), 1.0 / 30, 5},
		{"ΣbAc³", mulA(pow(c, 3)), 1.0 / 20, 5},
		{"ΣbA(cAc)", mulA(mul(c, ac)), 1.0 / 40, 5},
		{"ΣbAAc²", mulA(mulA(pow(c, 2))), 1.0 / 60, 5},
		{"ΣbAAAc", mulA(mulA(ac)), 1.0 / 120, 5},
	}
	for _, k := range conds {
		if got := floats.Dot(dpB[:], k.v); math.Abs(got-k.want) > 1e-14 {
			t.Errorf("b: %s = %.16g, want %.16g", k.name, got, k.want)
		}
		got := floats.Dot(dpBhat[:], k.v)
		if k.order <= 4 && math.Abs(got-k.want) > 1e-14 {
			t.Errorf("b̂: %s = %.16g, want %.16g", k.name, got, k.want)
		}
		if k.name == "Σbc⁴" && math.Abs(got-k.want) < 1e-6 {
			t.Errorf("b̂ satisfies the fifth-order condition %s: the error estimate would vanish", k.name)
		}
	}
}

// quadratic returns L(θ) = ½θᵀAθ − bᵀθ for a random SPD A with eigenvalues
// spread over [lo, hi], and its eigen-decomposition.
func quadratic(rng *rand.Rand, n int, lo, hi float64) (f Func, A *mat.SymDense, b []float64, eig *mat.EigenSym) {
	var q mat.QR
	q.Factorize(randDense(rng, n, n, 1))
	var Q mat.Dense
	q.QTo(&Q)
	lam := make([]float64, n)
	for i := range lam {
		lam[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	var QL mat.Dense
	QL.Scale(1, &Q)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			QL.Set(i, j, Q.At(i, j)*lam[j])
		}
	}
	var full mat.Dense
	full.Mul(&QL, Q.T())
	A = mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			A.SetSym(i, j, 0.5*(full.At(i, j)+full.At(j, i)))
		}
	}
	b = randVec(rng, n, 1)
	eig = new(mat.EigenSym)
	if !eig.Factorize(A, true) {
		panic("eigen")
	}
	av := make([]float64, n)
	f = func(theta, grad []float64) float64 {
		mat.NewVecDense(n, av).MulVec(A, mat.NewVecDense(n, theta))
		l := 0.0
		for i := range theta {
			grad[i] = av[i] - b[i]
			l += 0.5*theta[i]*av[i] - b[i]*theta[i]
		}
		return l
	}
	return f, A, b, eig
}

// spectralApply returns θ* + Σ_i φ(λ_i) q_i q_iᵀ (θ₀ − θ*), θ* = A⁻¹b.
func spectralApply(eig *mat.EigenSym, b, theta0 []float64, phi func(lam float64) float64) []float64 {
	n := len(b)
	var Q mat.Dense
	eig.VectorsTo(&Q)
	lam := eig.Values(nil)
	// θ* = Q Λ⁻¹ Qᵀ b
	qb := mat.NewVecDense(n, nil)
	qb.MulVec(Q.T(), mat.NewVecDense(n, b))
	for i := 0; i < n; i++ {
		qb.SetVec(i, qb.AtVec(i)/lam[i])
	}
	star := mat.NewVecDense(n, nil)
	star.MulVec(&Q, qb)
	d := mat.NewVecDense(n, nil)
	d.SubVec(mat.NewVecDense(n, append([]float64(nil), theta0...)), star)
	qd := mat.NewVecDense(n, nil)
	qd.MulVec(Q.T(), d)
	for i := 0; i < n; i++ {
		qd.SetVec(i, qd.AtVec(i)*phi(lam[i]))
	}
	out := mat.NewVecDense(n, nil)
	out.MulVec(&Q, qd)
	out.AddVec(out, star)
	return out.RawVector().Data
}

// GD on a quadratic is linear: θ_k − θ* = (I − ηA)^k (θ₀ − θ*). The closed
// form, evaluated through the eigen-decomposition, agrees to rounding:
// 1e-12 relative allows for 200 steps of O(ε) errors and the eigensolver.
func TestGDQuadraticClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, eta, steps = 8, 0.15, 200
	f, _, b, eig := quadratic(rng, n, 0.1, 10)
	theta0 := randVec(rng, n, 1)
	theta := append([]float64(nil), theta0...)
	res, err := Run(f, theta, &GD{LR: eta}, Settings{Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != steps || res.Evals != steps+1 || res.Status != StepLimit {
		t.Errorf("result %+v, want %d steps, %d evals, step limit", res, steps, steps+1)
	}
	if math.Abs(res.Time-steps*eta) > 1e-12 {
		t.Errorf("Time = %v, want %v", res.Time, steps*eta)
	}
	want := spectralApply(eig, b, theta0, func(l float64) float64 { return math.Pow(1-eta*l, steps) })
	if e := floats.Distance(theta, want, 2) / floats.Norm(want, 2); e > 1e-12 {
		t.Errorf("GD vs closed form: relative error %.3g, want ≤ 1e-12", e)
	} else {
		t.Logf("GD vs closed form: relative error %.3g", e)
	}
}

// Momentum and Adam must reach the Rosenbrock minimum (1, 1) from (−1.2, 1),
// the classic start. Tolerance 1e-4 in θ: far below the start distance 2.2,
// reachable in a few thousand steps.
func TestRosenbrock(t *testing.T) {
	for _, c := range []struct {
		name  string
		rule  Rule
		steps int
	}{
		{"momentum", &Momentum{LR: 1e-3, Mu: 0.9}, 6400},
		{"nesterov", &Momentum{LR: 1e-3, Mu: 0.9, Nesterov: true}, 6400},
		{"adam", &Adam{LR: 1e-2}, 6400},
	} {
		theta := []float64{-1.2, 1}
		res, err := Run(rosenbrock, theta, c.rule, Settings{Steps: c.steps, GradTol: 1e-10})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d := math.Hypot(theta[0]-1, theta[1]-1)
		if d > 1e-4 {
			t.Errorf("%s: ended at %v after %d steps (loss %.3g), distance %.3g from (1, 1), want ≤ 1e-4", c.name, theta, res.Steps, res.Loss, d)
		} else {
			t.Logf("%s: distance %.2g after %d steps (%v)", c.name, d, res.Steps, res.Status)
		}
	}
	// Plain GD with the same rate is much slower along the valley: the
	// point of momentum. In the 6400 steps that were enough above it is
	// still far away.
	theta := []float64{-1.2, 1}
	Run(rosenbrock, theta, &GD{LR: 1e-3}, Settings{Steps: 6400})
	if d := math.Hypot(theta[0]-1, theta[1]-1); d < 1e-2 {
		t.Errorf("plain GD reached distance %.3g: the momentum test proves nothing", d)
	} else {
		t.Logf("plain GD: distance %.2g after 6400 steps", d)
	}
}

// The Adam update must be bias corrected: its first step moves every
// coordinate by η·sign(g) (up to ε), whatever the gradient's scale.
func TestAdamFirstStep(t *testing.T) {
	theta := []float64{1, 2, 3}
	grad := []float64{1e-3, -5, 1e4}
	(&Adam{LR: 0.1, Eps: 1e-300}).Step(theta, grad)
	want := []float64{0.9, 2.1, 2.9}
	if !floats.EqualApprox(theta, want, 1e-14) {
		t.Errorf("first Adam step gives %v, want %v", theta, want)
	}
}

// Weight decay in decoupled form on minibatch SGD gives, for the linear net
// and any batch, exactly
//
//	Q_{k+1} = (1 − ηγ)² Q_k + η² (G_UᵀG_U − G_V G_Vᵀ)
//
// (the cross terms cancel for every batch). Checked step by
// step on shuffled batches of 4 out of 10 samples. The identity is exact in
// exact arithmetic; rounding in forming Q (entries of size ‖U‖² ~ 1) limits
// the difference to about 1e-15 absolute, so the tolerance is 1e-12 relative
// to ‖Q_{k+1}‖.
func TestWeightDecayLaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const m, h, n, k = 3, 4, 5, 10
	p := newLinearNet(m, h, n, randDense(rng, n, k, 1), randDense(rng, m, k, 1))
	theta := randVec(rng, p.dim(), 0.5)
	const eta, gamma = 0.05, 0.3
	var prevQ, pred *mat.Dense
	worst := 0.0
	obs := ObserverFunc(func(s *State) {
		Q := p.Q(s.Theta)
		if pred != nil {
			e := relDiff(pred, Q)
			worst = math.Max(worst, e)
		}
		prevQ = Q
		a := 1 - eta*gamma
		pred = p.gdDrift(s.Grad, eta)
		var aq mat.Dense
		aq.Scale(a*a, prevQ)
		pred.Add(pred, &aq)
	})
	_, err := RunBatch(p.batchLoss, k, theta, &GD{LR: eta, WeightDecay: gamma},
		BatchSettings{BatchSize: 4, Epochs: 20, Rand: rng, Observers: []Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	if worst > 1e-12 {
		t.Errorf("weight decay law: worst relative error %.3g, want ≤ 1e-12", worst)
	}
	t.Logf("weight decay law: worst relative error %.3g over 60 steps", worst)
}

// Under GD on the linear net, Q_{k+1} − Q_k = η²(G_UᵀG_U − G_V G_Vᵀ) exactly
// (Zhao et al., ICLR 2023). The measured difference of two Q's carries rounding of
// order ε‖Q‖, so its error relative to the predicted change η²‖G‖² grows as
// the run converges and the change shrinks. Two checks, step by step over
// 30 steps in which the loss falls from 6.6 to 2e-5:
//   - while the change is at least 1e-5·‖Q‖ (the first 16 steps here), it
//     matches the law to ≤ 1e-10 relative (measured 1.6e-11);
//   - at every step the mismatch is within rounding: ≤ 64ε‖Q‖.
func TestGDQDriftExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const m, h, n = 4, 6, 5
	p := newLinearNet(m, h, n, eye(n), randDense(rng, m, n, 1))
	theta := randVec(rng, p.dim(), 0.5)
	const eta = 0.1
	var prevQ, pred *mat.Dense
	worst, checked, worstRound := 0.0, 0, 0.0
	obs := ObserverFunc(func(s *State) {
		Q := p.Q(s.Theta)
		if pred != nil {
			var dq mat.Dense
			dq.Sub(Q, prevQ)
			e := relDiff(&dq, pred)
			nq, np := mat.Norm(Q, 2), mat.Norm(pred, 2)
			if np >= 1e-5*nq {
				worst = math.Max(worst, e)
				checked++
			}
			worstRound = math.Max(worstRound, e*np/(nq*epsilon))
		}
		prevQ, pred = Q, p.gdDrift(s.Grad, eta)
	})
	res, err := Run(p.loss, theta, &GD{LR: eta}, Settings{Steps: 30, Observers: []Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Errorf("only %d steps with a change ≥ 1e-5‖Q‖", checked)
	}
	if worst > 1e-10 {
		t.Errorf("GD drift law: worst relative error %.3g, want ≤ 1e-10", worst)
	}
	if worstRound > 64 {
		t.Errorf("GD drift law: worst mismatch %.3g ε‖Q‖, want ≤ 64", worstRound)
	}
	t.Logf("GD drift law: worst relative error %.3g over %d steps; worst mismatch %.2g ε‖Q‖ over 30 (final loss %.2g)", worst, checked, worstRound, res.Loss)
}

// GD's drift of Q at a fixed time T is O(η): the per-step change is O(η²)
// and there are T/η steps. Halving η twice must halve the drift twice; the
// O(η²) correction makes the ratio 2 only approximately, so 5% is allowed
// (measured: within 1%).
func TestGDDriftLinearInLR(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const m, h, n = 3, 5, 4
	p := newLinearNet(m, h, n, eye(n), randDense(rng, m, n, 1))
	theta0 := randVec(rng, p.dim(), 0.3)
	Q0 := p.Q(theta0)
	const T = 2.0
	var drift []float64
	for _, eta := range []float64{0.02, 0.01, 0.005} {
		theta := append([]float64(nil), theta0...)
		if _, err := Run(p.loss, theta, &GD{LR: eta}, Settings{Steps: int(math.Round(T / eta))}); err != nil {
			t.Fatal(err)
		}
		drift = append(drift, relDiff(p.Q(theta), Q0))
	}
	for i := 1; i < len(drift); i++ {
		r := drift[i-1] / drift[i]
		if math.Abs(r-2) > 0.1 {
			t.Errorf("drift ratio for halved η: %.4f, want 2 ± 0.1 (drifts %v)", r, drift)
		}
	}
	t.Logf("relative drift of Q at T = %g for η = 0.02, 0.01, 0.005: %.3g", T, drift)
}

// Gradient flow conserves Q = UᵀU − VVᵀ exactly; the integrator, at its
// default tolerances (RTol 1e-10), keeps it to ≤ 1e-8 relative to ‖Q₀‖ over
// a run from small init (std 0.1: ‖Q₀‖ is small, so this is stringent) in
// which the loss falls more than tenfold.
func TestFlowConservesQ(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const m, h, n = 4, 6, 5
	p := newLinearNet(m, h, n, eye(n), randDense(rng, m, n, 1))
	theta := randVec(rng, p.dim(), 0.1)
	Q0 := p.Q(theta)
	grad := make([]float64, p.dim())
	l0 := p.loss(theta, grad)
	worst := 0.0
	rec := NewRecorder(1).Add("loss", Loss)
	obs := ObserverFunc(func(s *State) {
		worst = math.Max(worst, relDiff(p.Q(s.Theta), Q0))
	})
	res, err := Flow(p.loss, theta, FlowSettings{T: 20, Observers: []Observer{obs, rec}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != TimeReached || res.Time != 20 {
		t.Errorf("status %v at t = %v, want time reached at 20", res.Status, res.Time)
	}
	if res.Loss > l0/10 {
		t.Errorf("loss fell from %.3g to %.3g only: not tenfold", l0, res.Loss)
	}
	if worst > 1e-8 {
		t.Errorf("flow: max ‖Q(t) − Q₀‖/‖Q₀‖ = %.3g, want ≤ 1e-8", worst)
	}
	if rec.Len() != res.Steps+1 {
		t.Errorf("recorder has %d records, want steps+1 = %d", rec.Len(), res.Steps+1)
	}
	t.Logf("flow: loss %.3g → %.3g in %d steps (%d rejected, %d evals); max relative change of Q %.3g",
		l0, res.Loss, res.Steps, res.Rejected, res.Evals, worst)
}

// The flow of a quadratic is linear: θ(t) = θ* + e^{−At}(θ₀ − θ*). With the
// default RTol 1e-10 the global error at T is of order RTol times the number
// of steps' worth of accumulation, damped by the flow's contraction:
// 1e-9 relative is a safe bound. Tighter tolerances must give smaller
// errors: the error is controlled, not incidental.
func TestFlowQuadraticExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const n, T = 8, 3.0
	f, _, b, eig := quadratic(rng, n, 0.1, 10)
	theta0 := randVec(rng, n, 1)
	want := spectralApply(eig, b, theta0, func(l float64) float64 { return math.Exp(-l * T) })
	prev := math.Inf(1)
	for _, c := range []struct{ rtol, bound float64 }{{1e-6, 1e-5}, {1e-8, 1e-7}, {0, 1e-9}} {
		theta := append([]float64(nil), theta0...)
		res, err := Flow(f, theta, FlowSettings{T: T, RTol: c.rtol})
		if err != nil {
			t.Fatal(err)
		}
		e := floats.Distance(theta, want, 2) / floats.Norm(want, 2)
		if e > c.bound {
			t.Errorf("RTol %g: relative error %.3g at T, want ≤ %g", c.rtol, e, c.bound)
		}
		if e >= prev {
			t.Errorf("RTol %g: error %.3g not below the looser tolerance's %.3g", c.rtol, e, prev)
		}
		prev = e
		t.Logf("RTol %g: relative error %.3g, %d steps, %d rejected", c.rtol, e, res.Steps, res.Rejected)
	}
}

// With Dt the observers see exactly t = 0, Dt, ..., T.
func TestFlowOutputGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	f, _, _, _ := quadratic(rng, 4, 0.5, 2)
	theta := randVec(rng, 4, 1)
	rec := NewRecorder(1).Add("loss", Loss)
	if _, err := Flow(f, theta, FlowSettings{T: 1, Dt: 0.125, Observers: []Observer{rec}}); err != nil {
		t.Fatal(err)
	}
	if rec.Len() != 9 {
		t.Fatalf("%d records at %v, want 9", rec.Len(), rec.Time)
	}
	for i, tt := range rec.Time {
		if tt != float64(i)*0.125 {
			t.Errorf("record %d at t = %v, want %v", i, tt, float64(i)*0.125)
		}
	}
}

// Flow stops at the first accepted point below the gradient tolerance.
func TestFlowGradTol(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	f, _, _, _ := quadratic(rng, 4, 0.5, 2)
	theta := randVec(rng, 4, 1)
	res, err := Flow(f, theta, FlowSettings{T: math.Inf(1), GradTol: 1e-6})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != GradConverged || res.GradNorm > 1e-6 {
		t.Errorf("status %v, ‖g‖ = %.3g: want gradient converged ≤ 1e-6", res.Status, res.GradNorm)
	}
}

// A NaN or Inf stops every kind of run with an error naming the step and
// the culprit, leaving θ at the offending point.
func TestNonFinite(t *testing.T) {
	calls := 0
	bad := func(what string, at int) Func {
		calls = 0
		return func(theta, grad []float64) float64 {
			l := rosenbrock(theta, grad)
			if calls == at {
				if what == "loss" {
					l = math.NaN()
				} else {
					grad[1] = math.Inf(-1)
				}
			}
			calls++
			return l
		}
	}
	check := func(name string, err error, step int, what string) {
		t.Helper()
		var nf *NonFiniteError
		if !errors.As(err, &nf) {
			t.Fatalf("%s: error %v, want *NonFiniteError", name, err)
		}
		if nf.Step != step || nf.What != what {
			t.Errorf("%s: %v: want step %d, %s", name, err, step, what)
		}
		if what == "gradient" && nf.Index != 1 {
			t.Errorf("%s: index %d, want 1", name, nf.Index)
		}
		t.Logf("%s: %v", name, err)
	}
	theta := []float64{-1.2, 1}
	_, err := Run(bad("loss", 5), theta, &GD{LR: 1e-4}, Settings{Steps: 10})
	check("Run loss", err, 5, "loss")
	_, err = Run(bad("gradient", 3), theta, &Adam{}, Settings{Steps: 10})
	check("Run gradient", err, 3, "gradient")
	f := bad("gradient", 7)
	_, err = RunBatch(func(th, g []float64, _ []int) float64 { return f(th, g) }, 10, theta, &GD{LR: 1e-4},
		BatchSettings{BatchSize: 3, Epochs: 5})
	check("RunBatch gradient", err, 7, "gradient")
	_, err = Flow(bad("loss", 0), theta, FlowSettings{T: 1})
	check("Flow loss", err, 0, "loss")

	// A flow whose every trial point is NaN after the start gives up after
	// 30 rejections.
	calls = 0
	nan := func(theta, grad []float64) float64 {
		calls++
		if calls > 2 {
			return math.NaN()
		}
		return rosenbrock(theta, grad)
	}
	_, err = Flow(nan, []float64{-1.2, 1}, FlowSettings{T: 1})
	check("Flow after start", err, 1, "loss")
}

// Observers see every state in order, the last one marked Done; Every and
// Recorder pick every k-th and the last.
func TestObservers(t *testing.T) {
	var steps []int
	var done []bool
	all := ObserverFunc(func(s *State) { steps = append(steps, s.Step); done = append(done, s.Done) })
	var ev []int
	every := Every(4, func(s *State) { ev = append(ev, s.Step) })
	rec := NewRecorder(4).Add("loss", Loss).Add("‖g‖", GradNorm)
	theta := []float64{-1.2, 1}
	res, err := Run(rosenbrock, theta, &GD{LR: 1e-4}, Settings{Steps: 10, Observers: []Observer{all, every, rec}})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 11 || steps[10] != 10 || !done[10] || done[9] {
		t.Errorf("steps %v done %v, want 0..10 with only the last done", steps, done)
	}
	if want := []int{0, 4, 8, 10}; !equalInts(ev, want) || !equalInts(rec.Step, want) {
		t.Errorf("Every saw %v, Recorder %v, want %v", ev, rec.Step, want)
	}
	if l := rec.Series("loss"); len(l) != 4 || l[3] != res.Loss {
		t.Errorf("recorded loss %v, last want %v", l, res.Loss)
	}
	if got := rec.Time[3]; math.Abs(got-10e-4) > 1e-15 {
		t.Errorf("time at step 10 = %v, want 1e-3", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// RunBatch visits every sample exactly once per epoch, in a shuffled order
// when given a Rand, and the last short batch is kept unless DropLast.
func TestRunBatchEpochs(t *testing.T) {
	const n = 10
	for _, c := range []struct {
		bs       int
		dropLast bool
		steps    int // updates for 3 epochs
	}{{3, false, 12}, {3, true, 9}, {5, false, 6}, {0, false, 3}} {
		seen := make([]int, n)
		var orders [][]int
		cur := []int{}
		f := func(theta, grad []float64, batch []int) float64 {
			grad[0] = 0
			return 0
		}
		obs := ObserverFunc(func(s *State) {
			if s.Done {
				return
			}
			for len(orders) <= s.Epoch {
				orders = append(orders, nil)
			}
			orders[s.Epoch] = append(orders[s.Epoch], s.Batch...)
			for _, i := range s.Batch {
				seen[i]++
			}
			_ = cur
		})
		res, err := RunBatch(f, n, []float64{0}, &GD{LR: 1}, BatchSettings{BatchSize: c.bs, DropLast: c.dropLast, Epochs: 3,
			Rand: rand.New(rand.NewPCG(1, 1)), Observers: []Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Steps != c.steps || res.Epochs != 3 {
			t.Errorf("bs %d drop %v: %d steps, %d epochs, want %d, 3", c.bs, c.dropLast, res.Steps, res.Epochs, c.steps)
		}
		total := 0
		for i, s := range seen {
			total += s
			if !c.dropLast && s != 3 {
				t.Errorf("bs %d: sample %d seen %d times in 3 epochs", c.bs, i, s)
			}
		}
		if c.dropLast && total != 27 {
			t.Errorf("bs 3 drop last: %d samples seen, want 27", total)
		}
		if !c.dropLast && c.bs > 0 && equalInts(orders[0], orders[1]) {
			t.Errorf("bs %d: epochs 0 and 1 in the same order %v: not shuffled", c.bs, orders[0])
		}
	}
}

// After setup a run allocates nothing per step: a run of 1000 steps makes
// as many allocations as a run of 10.
func TestRunNoAllocPerStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	p := newLinearNet(3, 4, 5, eye(5), randDense(rng, 3, 5, 1))
	theta := randVec(rng, p.dim(), 0.3)
	adam := &Adam{}
	count := func(steps int) float64 {
		return testing.AllocsPerRun(5, func() {
			Run(p.loss, theta, adam, Settings{Steps: steps})
		})
	}
	if a, b := count(10), count(1000); a != b {
		t.Errorf("Run: %v allocations for 10 steps, %v for 1000", a, b)
	}
	countB := func(epochs int) float64 {
		return testing.AllocsPerRun(5, func() {
			RunBatch(p.batchLoss, 5, theta, &GD{LR: 1e-3}, BatchSettings{BatchSize: 2, Epochs: epochs, Rand: rng})
		})
	}
	if a, b := countB(2), countB(200); a != b {
		t.Errorf("RunBatch: %v allocations for 2 epochs, %v for 200", a, b)
	}
	countF := func(T float64) float64 {
		return testing.AllocsPerRun(5, func() {
			Flow(p.loss, theta, FlowSettings{T: T})
		})
	}
	if a, b := countF(0.1), countF(10); a != b {
		t.Errorf("Flow: %v allocations to T = 0.1, %v to T = 10", a, b)
	}
}

// Weight decay is decoupled in every rule: with a zero gradient each one
// multiplies θ by exactly (1 − ηγ) per step (momentum and Adam moments stay
// zero), so θ_k = (1 − ηγ)^k θ₀ to rounding.
func TestDecoupledDecayAllRules(t *testing.T) {
	zero := func(theta, grad []float64) float64 { clear(grad); return 0 }
	const eta, gamma, k = 0.1, 0.3, 50
	want := math.Pow(1-eta*gamma, k)
	for _, r := range []Rule{
		&GD{LR: eta, WeightDecay: gamma},
		&Momentum{LR: eta, WeightDecay: gamma},
		&Momentum{LR: eta, WeightDecay: gamma, Nesterov: true},
		&Adam{LR: eta, WeightDecay: gamma},
	} {
		theta := []float64{1, -2}
		if _, err := Run(zero, theta, r, Settings{Steps: k}); err != nil {
			t.Fatal(err)
		}
		if math.Abs(theta[0]-want) > 1e-14 || math.Abs(theta[1]+2*want) > 1e-14 {
			t.Errorf("%T: θ = %v, want %v·(1, −2)", r, theta, want)
		}
	}
}

// Momentum's vector loop (no weight decay) gives the scalar loop's iterates
// bit for bit, at every length (the tail after the last group of 8 runs
// scalar) and over several steps.
func TestMomentumVectorBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 64, 1003} {
		theta, grad := randVec(rng, n, 1), randVec(rng, n, 0.1)
		want, b := append([]float64(nil), theta...), make([]float64, n)
		r := &Momentum{LR: 0.03, Mu: 0.85}
		for range 3 {
			r.Step(theta, grad)
			for i, g := range grad {
				// float64(): each product rounded, whatever GOAMD64.
				b[i] = float64(0.85*b[i]) + g
				want[i] = want[i] - float64(0.03*b[i])
			}
			for i := range grad {
				grad[i] = rng.NormFloat64()
			}
		}
		for i := range want {
			if math.Float64bits(theta[i]) != math.Float64bits(want[i]) || math.Float64bits(r.b[i]) != math.Float64bits(b[i]) {
				t.Fatalf("n = %d, entry %d: θ %v b %v, scalar θ %v b %v", n, i, theta[i], r.b[i], want[i], b[i])
			}
		}
	}
}

// RunBatch without observers checks only the finiteness of the gradients
// before the last step: it stops with the same error as with an observer
// (which makes it compute every norm), at the first offending component.
func TestRunBatchNonFiniteUnobserved(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(-1)} {
		var errs [2]string
		for o := range 2 {
			f := func(theta, grad []float64, batch []int) float64 {
				for i := range grad {
					grad[i] = theta[i]
				}
				if theta[0] < 0.5 {
					grad[2] = bad
				}
				return 1
			}
			var obs []Observer
			if o == 1 {
				obs = []Observer{NewRecorder(1).Add("loss", Loss)}
			}
			_, err := RunBatch(f, 4, []float64{1, 1, 1, 1}, &GD{LR: 0.1}, BatchSettings{BatchSize: 1, Epochs: 5, Observers: obs})
			if err == nil {
				t.Fatalf("%v: no error", bad)
			}
			errs[o] = err.Error()
		}
		if errs[0] != errs[1] || !strings.Contains(errs[0], "component 2") {
			t.Errorf("%v: unobserved %q, observed %q", bad, errs[0], errs[1])
		}
	}
}

// Adam's vector kernel rounds as the scalar update does: θ, m and v agree
// bit for bit with the textbook loop, written out here, over steps with
// weight decay, for lengths around the kernel's width of 4.
func TestAdamVectorBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for _, n := range []int{0, 1, 3, 4, 5, 8, 13, 64, 1003} {
		theta, grad := randVec(rng, n, 1), randVec(rng, n, 0.1)
		want, m, v := append([]float64(nil), theta...), make([]float64, n), make([]float64, n)
		// Variables, not constants: Adam computes 1 − b1 in float64, where a
		// constant expression would be exact.
		eta, b1, b2, eps, gamma := 0.01, 0.8, 0.99, 1e-7, 0.1
		r := &Adam{LR: eta, Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: gamma}
		for step := 1; step <= 4; step++ {
			r.Step(theta, grad)
			c1 := 1 / (1 - math.Pow(b1, float64(step)))
			c2 := 1 / (1 - math.Pow(b2, float64(step)))
			for i, g := range grad {
				// float64(): each product rounded, whatever GOAMD64.
				m[i] = float64(b1*m[i]) + float64((1-b1)*g)
				v[i] = float64(b2*v[i]) + float64((1-b2)*g*g)
				want[i] = float64((1-eta*gamma)*want[i]) - eta*(m[i]*c1)/(math.Sqrt(v[i]*c2)+eps)
			}
			for i := range grad {
				grad[i] = rng.NormFloat64() * math.Exp(4*rng.NormFloat64())
			}
		}
		for i := range want {
			if math.Float64bits(theta[i]) != math.Float64bits(want[i]) || math.Float64bits(r.m[i]) != math.Float64bits(m[i]) ||
				math.Float64bits(r.v[i]) != math.Float64bits(v[i]) {
				t.Fatalf("n = %d, entry %d: θ %v m %v v %v, scalar θ %v m %v v %v", n, i, theta[i], r.m[i], r.v[i], want[i], m[i], v[i])
			}
		}
	}
}

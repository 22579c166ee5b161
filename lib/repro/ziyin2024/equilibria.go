package ziyin2024

// Notebook 15: noise equilibria. Along every orbit of a class-1 symmetry the
// expected drift of the charge changes sign once: SGD is attracted to a
// unique point of the orbit, whatever the initialisation, where GD stays
// wherever its initialisation put it.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
)

// leastSquares returns the minimiser M* = Y Xᵀ (X Xᵀ)⁻¹ of Σ‖Mx − y‖² over
// d×d matrices M: the product UV at every minimum of a two-layer linear net
// with h ≥ d.
func leastSquares(x, y *mat.Dense) (*mat.Dense, error) {
	var xxt, yxt mat.Dense
	xxt.Mul(x, x.T())
	yxt.Mul(y, x.T())
	var M mat.Dense
	// M (X Xᵀ) = Y Xᵀ  ⇔  (X Xᵀ) Mᵀ = X Yᵀ.
	var mt mat.Dense
	if err := mt.Solve(&xxt, yxt.T()); err != nil {
		return nil, fmt.Errorf("ziyin2024: least squares: %w", err)
	}
	M.CloneFrom(mt.T())
	return &M, nil
}

// predictedEquilibrium returns the point (U*, V*) of the minimum's orbit
// where SGD's noise balances, V*(Γ_V + κI)V*ᵀ = U*ᵀ(Γ_U + κI)U*
// (noise.LinearBalance and Balance.Equilibrate), for the least-squares
// product M* = UV of the minimum, factored through its SVD for a start.
func predictedEquilibrium(p Linear, x, y *mat.Dense, s noise.SGD) (U, V *mat.Dense, err error) {
	p = p.withDefaults()
	M, err := leastSquares(x, y)
	if err != nil {
		return nil, nil, err
	}
	var svd mat.SVD
	if !svd.Factorize(M, mat.SVDThin) {
		return nil, nil, fmt.Errorf("ziyin2024: SVD of M* failed")
	}
	var P, Q mat.Dense
	svd.UTo(&P)
	svd.VTo(&Q)
	sv := svd.Values(nil)
	U0, V0 := mat.NewDense(p.Dim, p.Hidden, nil), mat.NewDense(p.Hidden, p.Dim, nil)
	for j, sj := range sv {
		r := math.Sqrt(sj)
		for i := 0; i < p.Dim; i++ {
			U0.Set(i, j, P.At(i, j)*r)
			V0.Set(j, i, Q.At(i, j)*r)
		}
	}
	b, err := noise.LinearBalance(U0, V0, x, y, nn.MSE, s)
	if err != nil {
		return nil, nil, err
	}
	return b.Equilibrate(U0, V0)
}

// gram returns AᵀA (trans false) or AAᵀ.
func gram(a *mat.Dense, outer bool) *mat.Dense {
	var g mat.Dense
	if outer {
		g.Mul(a, a.T())
	} else {
		g.Mul(a.T(), a)
	}
	return &g
}

// relDist returns ‖A − B‖_F / ‖B‖_F.
func relDist(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, 2) / mat.Norm(b, 2)
}

// EquilibriaSettings are the settings of Equilibria. The zero value is the
// paper's two-layer linear experiment (30-40-30, y = x + ε, Sec. 6); the
// paper does not print its learning rate, batch size or run length, which
// are notebook 15's.
type EquilibriaSettings struct {
	Problem   Linear  // zero: 30-40-30 on 1000 samples
	LR        float64 // η of SGD and GD; 0 means 0.05
	BatchSize int     // SGD's S; 0 means 1
	Steps     int     // SGD steps; 0 means 100000
}

// Fast returns the preset of the tests: 200 samples, 30 000 SGD steps.
func (s EquilibriaSettings) Fast() EquilibriaSettings {
	s.Problem.Samples = 200
	s.Steps = 30000
	return s
}

func (s EquilibriaSettings) withDefaults() EquilibriaSettings {
	s.Problem = s.Problem.withDefaults()
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.BatchSize == 0 {
		s.BatchSize = 1
	}
	if s.Steps == 0 {
		s.Steps = 100000
	}
	return s
}

// EquilibriumRun is one run of Equilibria, summarised over its last half
// (SGD fluctuates about its equilibrium: averages over many records are
// what the noise balance predicts).
type EquilibriumRun struct {
	Optimiser, Init string
	Trajectory      *Trajectory
	NormU, NormV    float64 // ‖U‖_F, ‖V‖_F at the end
	// MeanNormU2 and MeanNormV2 are ‖U‖²_F and ‖V‖²_F averaged over the
	// records of the last half.
	MeanNormU2, MeanNormV2 float64
	Residual               float64 // noise.Balance.Residual at the end
	AvgResidual            float64 // the residual of Left and Right averaged over the last half
	// DistV and DistU are the relative distances of VᵀV and UUᵀ, averaged
	// over the last half, to those of the predicted equilibrium (these d×d
	// matrices do not change under the rotations of the hidden layer that
	// leave the equilibrium condition invariant).
	DistV, DistU float64
}

// EquilibriaResult holds the six runs and the prediction.
type EquilibriaResult struct {
	Settings EquilibriaSettings
	Runs     []EquilibriumRun // SGD from each init, then GD from each
	// The predicted equilibrium: the point of the least-squares minimum's
	// orbit where SGD's noise balances.
	PredNormU, PredNormV float64
	// GDSteps is the number of steps GD took to reach ‖∇L‖ ≤ 1e-9.
	GDSteps []int
}

// Equilibria runs the paper's two-layer linear experiment: SGD and GD on
// y = x + ε (30-40-30, 1000 samples, nn.MSE) from three initialisations:
//
//	"A"          Xavier normal, seed 0;
//	"A, moved"   A moved along its orbit by the double rotation
//	             (U e^{B}, e^{−B} V) with B a random symmetric 40×40 matrix of
//	             spectral norm 1: the same function, another charge;
//	"B"          Xavier normal, seed 1, scaled by ½: another function.
//
// SGD (one sample per step, shuffled epochs) runs Steps steps; GD (full
// batch, same η) runs until ‖∇L‖ ≤ 1e-9 and then stays where it is. Every
// minimum has the product M* of least squares, and the equilibrium SGD's
// noise predicts on M*'s orbit, V(Γ_V)Vᵀ = Uᵀ(Γ_U)U, is computed in closed
// form (noise.Balance.Equilibrate). The noise balance is measured for SGD's
// noise (batch S, without replacement) on every run, GD's included.
func Equilibria(s EquilibriaSettings) (*EquilibriaResult, error) {
	s = s.withDefaults()
	p := s.Problem
	if err := p.check("Equilibria"); err != nil {
		return nil, err
	}
	x, y := p.Data()
	sgd := noise.SGD{LR: s.LR, BatchSize: s.BatchSize}
	Us, Vs, err := predictedEquilibrium(p, x, y, sgd)
	if err != nil {
		return nil, err
	}
	predV, predU := gram(Vs, false), gram(Us, true)
	res := &EquilibriaResult{Settings: s, PredNormU: mat.Norm(Us, 2), PredNormV: mat.Norm(Vs, 2)}

	// The three inits.
	rng := rand.New(rand.NewPCG(5, 5))
	B := mat.NewSymDense(p.Hidden, nil)
	for a := 0; a < p.Hidden; a++ {
		for b := a; b < p.Hidden; b++ {
			B.SetSym(a, b, rng.NormFloat64())
		}
	}
	var eig mat.EigenSym
	eig.Factorize(B, false)
	ev := eig.Values(nil)
	B.ScaleSym(1/math.Max(-ev[0], ev[len(ev)-1]), B)
	thetaA := p.Init(0, nn.XavierNormal, 0)
	inits := []struct {
		name  string
		theta []float64
	}{
		{"A", thetaA},
		{"A, moved", noise.TwoLayerRotation(p.Dim, p.Dim, B).Exp(nil, 1, thetaA)},
		{"B", p.Init(1, nn.XavierNormal, 0.5)},
	}
	every := max(s.Steps/200, 1)
	from := s.Steps / 2
	type job struct {
		init int
		gd   bool
	}
	var jobs []job
	for i := range inits {
		jobs = append(jobs, job{i, false})
	}
	for i := range inits {
		jobs = append(jobs, job{i, true})
	}
	gdSteps := make([]int, len(inits))
	runs, err := par.MapErr(len(jobs), func(k int) (EquilibriumRun, error) {
		j := jobs[k]
		run := EquilibriumRun{Optimiser: "SGD", Init: inits[j.init].name}
		var tr *Trajectory
		var err error
		if !j.gd {
			tr, err = runLinear(p, x, y, inits[j.init].theta, sgd, s.Steps, every, from, rand.New(rand.NewPCG(uint64(j.init), 17)), sgd)
		} else {
			run.Optimiser = "GD"
			tr, gdSteps[j.init], err = descendLinear(p, x, y, inits[j.init].theta, s.LR, s.Steps, every, sgd)
		}
		if err != nil {
			return run, fmt.Errorf("ziyin2024: Equilibria: %s from %s: %w", run.Optimiser, run.Init, err)
		}
		run.Trajectory = tr
		n := len(tr.Step)
		run.NormU, run.NormV = tr.NormU[n-1], tr.NormV[n-1]
		run.Residual, run.AvgResidual = tr.Residual[n-1], tr.AvgResidual
		var cnt float64
		sumV, sumU := mat.NewDense(p.Dim, p.Dim, nil), mat.NewDense(p.Dim, p.Dim, nil)
		for i, st := range tr.Step {
			if st >= from {
				run.MeanNormU2 += tr.NormU[i] * tr.NormU[i]
				run.MeanNormV2 += tr.NormV[i] * tr.NormV[i]
				cnt++
			}
		}
		run.MeanNormU2 /= cnt
		run.MeanNormV2 /= cnt
		sumV.Add(sumV, tr.SumVtV)
		sumU.Add(sumU, tr.SumUUt) // sums over tr.Averaged records
		sumV.Scale(1/float64(tr.Averaged), sumV)
		sumU.Scale(1/float64(tr.Averaged), sumU)
		run.DistV, run.DistU = relDist(sumV, predV), relDist(sumU, predU)
		return run, nil
	})
	if err != nil {
		return nil, err
	}
	res.Runs = runs
	res.GDSteps = gdSteps
	return res, nil
}

// descendLinear runs full-batch GD from theta until ‖∇L‖ ≤ 1e-9 (at most
// `steps` steps) and returns it as a Trajectory on the record grid of an SGD
// run of `steps` steps: after convergence the parameters no longer change,
// so the last record is repeated up to `steps`, and if GD converged before
// the averaging window (the last half) its final state is that window's
// average.
func descendLinear(p Linear, x, y *mat.Dense, theta []float64, lr float64, steps, every int, bal noise.SGD) (*Trajectory, int, error) {
	p = p.withDefaults()
	tr, err := runLinear(p, x, y, theta, noise.SGD{LR: lr, BatchSize: p.Samples}, steps, every, steps/2, nil, bal)
	if err != nil {
		return nil, tr.Steps, err
	}
	last := len(tr.Step) - 1
	for k := (tr.Step[last]/every + 1) * every; k <= steps; k += every {
		tr.Step = append(tr.Step, k)
		tr.Loss = append(tr.Loss, tr.Loss[last])
		tr.NormU = append(tr.NormU, tr.NormU[last])
		tr.NormV = append(tr.NormV, tr.NormV[last])
		tr.Charge = append(tr.Charge, tr.Charge[last])
		tr.Residual = append(tr.Residual, tr.Residual[last])
		tr.Sharpness = append(tr.Sharpness, tr.Sharpness[last])
	}
	if tr.Averaged == 0 {
		tr.SumVtV, tr.SumUUt = gram(tr.FinalV, false), gram(tr.FinalU, true)
		tr.Averaged = 1
		tr.AvgResidual = tr.Residual[last]
	}
	return tr, tr.Steps, nil
}

// FactorisationSettings are the settings of Factorisation, the paper's
// Fig. 2. The paper's caption gives no sizes; the zero value is notebook
// 15's choice.
type FactorisationSettings struct {
	Dim     int     // d: M is d×d; 0 means 20
	Hidden  int     // h; 0 means 20
	Repeats int     // noisy observations of each column; 0 means 10 (N = d·Repeats)
	Noise   float64 // σ of the observation noise; 0 means 0.5
	LR      float64 // 0 means 0.2
	Steps   int     // 0 means 100000
	Inits   int     // initialisations, drawn at scales 1, ½, 2, …; 0 means 3
}

// Fast returns the preset of the tests: 5 observations per column,
// η = 0.4 (the Noether flow is 4 times faster), 20 000 steps.
func (s FactorisationSettings) Fast() FactorisationSettings {
	s.Repeats = 5
	s.LR = 0.4
	s.Steps = 20000
	return s
}

func (s FactorisationSettings) withDefaults() FactorisationSettings {
	if s.Dim == 0 {
		s.Dim = 20
	}
	if s.Hidden == 0 {
		s.Hidden = 20
	}
	if s.Repeats == 0 {
		s.Repeats = 10
	}
	if s.Noise == 0 {
		s.Noise = 0.5
	}
	if s.LR == 0 {
		s.LR = 0.2
	}
	if s.Steps == 0 {
		s.Steps = 100000
	}
	if s.Inits == 0 {
		s.Inits = 3
	}
	return s
}

// FactorisationResult holds Fig. 2's runs.
type FactorisationResult struct {
	Settings FactorisationSettings
	// SGD and GD hold one trajectory per init; their Residual is the noise
	// balance of SGD's noise (noise.LinearBalance).
	SGD, GD []*Trajectory
	// Rate is the exponential rate per step of the decay of SGD's mean
	// log-residual, fitted over the records where it is above twice its
	// final level, and RateSE its standard error.
	Rate, RateSE float64
}

// factorisationData returns x (one-hot columns e_{s mod d}) and
// y = M x + σε, M with N(0, 1/d) entries.
func factorisationData(s FactorisationSettings) (x, y *mat.Dense) {
	rng := rand.New(rand.NewPCG(3, 2024))
	d, N := s.Dim, s.Dim*s.Repeats
	M := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			M.Set(i, j, rng.NormFloat64()/math.Sqrt(float64(d)))
		}
	}
	x, y = mat.NewDense(d, N, nil), mat.NewDense(d, N, nil)
	for k := 0; k < N; k++ {
		j := k % d
		x.Set(j, k, 1)
		for i := 0; i < d; i++ {
			y.Set(i, k, M.At(i, j)+s.Noise*rng.NormFloat64())
		}
	}
	return x, y
}

// Factorisation reproduces the paper's Fig. 2: matrix factorisation
// M ≈ U V (U d×h, V h×d) from noisy observations of M's columns — the
// two-layer linear net on inputs x = e_j (j = s mod d) with targets
// y = M e_j + σε, per-sample loss (1/d)‖UVx − y‖². SGD (one observation per
// step) and GD (full batch) run from Inits Xavier-normal initialisations at
// scales 1, ½, 2 (seeds 0, 1, 2), and the noise balance of SGD's noise,
// V Γ_V Vᵀ = Uᵀ Γ_U U, is recorded along each run (noise.LinearBalance):
// under SGD its residual falls exponentially to the floor of the
// fluctuations, whatever the init; under GD it stays where the init put it.
func Factorisation(s FactorisationSettings) (*FactorisationResult, error) {
	s = s.withDefaults()
	if s.Dim <= 0 || s.Hidden <= 0 || s.Repeats <= 0 || !(s.Noise > 0) || !(s.LR > 0) || s.Steps <= 0 || s.Inits <= 0 {
		return nil, fmt.Errorf("ziyin2024: Factorisation: invalid settings %+v", s)
	}
	x, y := factorisationData(s)
	p := Linear{Dim: s.Dim, Hidden: s.Hidden, Samples: s.Dim * s.Repeats}
	sgd := noise.SGD{LR: s.LR, BatchSize: 1}
	every := max(s.Steps/200, 1)
	runs, err := par.MapErr(2*s.Inits, func(k int) (*Trajectory, error) {
		i := k % s.Inits
		scale := math.Pow(2, float64((i+1)/2)) // 1, 2, 2, 4, 4, …
		if i%2 == 1 {
			scale = 1 / scale // 1, ½, 2, ¼, 4, …
		}
		theta := p.Init(uint64(i), nn.XavierNormal, scale)
		if k < s.Inits {
			return runLinear(p, x, y, theta, sgd, s.Steps, every, s.Steps/2, rand.New(rand.NewPCG(uint64(i), 19)), sgd)
		}
		tr, _, err := descendLinear(p, x, y, theta, s.LR, s.Steps, every, sgd)
		return tr, err
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: Factorisation: %w", err)
	}
	res := &FactorisationResult{Settings: s, SGD: runs[:s.Inits], GD: runs[s.Inits:]}
	res.Rate, res.RateSE = decayRate(res.SGD)
	return res, nil
}

// decayRate fits log(mean residual) = a − κ·step over the records whose
// mean residual (over the runs) is above twice its mean over the last
// quarter, and returns κ with its standard error.
func decayRate(runs []*Trajectory) (float64, float64) {
	n := len(runs[0].Step)
	mean := make([]float64, n)
	for _, r := range runs {
		for i := range mean {
			mean[i] += r.Residual[i] / float64(len(runs))
		}
	}
	var floor float64
	for _, v := range mean[3*n/4:] {
		floor += v / float64(n-3*n/4)
	}
	var xs, ys []float64
	for i, v := range mean {
		if v <= 2*floor {
			break
		}
		xs = append(xs, float64(runs[0].Step[i]))
		ys = append(ys, math.Log(v))
	}
	if len(xs) < 3 {
		return math.NaN(), math.NaN()
	}
	slope, se := fitLine(xs, ys)
	return -slope, se
}

// fitLine returns the least-squares slope of y against x and its standard
// error.
func fitLine(x, y []float64) (slope, se float64) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i] / n
		my += y[i] / n
	}
	var sxx, sxy float64
	for i := range x {
		sxx += (x[i] - mx) * (x[i] - mx)
		sxy += (x[i] - mx) * (y[i] - my)
	}
	slope = sxy / sxx
	var rss float64
	for i := range x {
		e := y[i] - my - slope*(x[i]-mx)
		rss += e * e
	}
	se = math.Sqrt(rss / (n - 2) / sxx)
	return slope, se
}

// AnisotropySettings are the settings of Anisotropy, the paper's Fig. 3
// (autoencoding x ∈ R¹⁰⁰ whose two halves have variances φ and 2 − φ).
// The zero value halves the paper's dimension, d = 50, so that the sweep
// fits notebook 15's time budget (at d = 100 it takes about two minutes on
// two cores); the closed forms below hold for any d.
type AnisotropySettings struct {
	Dim, Hidden int       // 0 means 50, 50
	Samples     int       // 0 means 10·Dim
	Noise       float64   // σ of y = x + σε; 0 means 1
	Phis        []float64 // nil means 0.2, 0.5, 1, 1.5, 1.8
	LR          float64   // SGD's η; 0 means 0.05
	Steps       int       // SGD steps; 0 means 100000
	GDLR        float64   // GD's η; 0 means 2 (stable: the largest Hessian eigenvalue is about 0.2 at d = 50)
}

// Fast returns the preset of the short tests: d = h = 20 on 200 samples,
// φ ∈ {0.4, 1, 1.6}, 40 000 steps, GD at η = 1.
func (s AnisotropySettings) Fast() AnisotropySettings {
	s.Dim, s.Hidden, s.Samples = 20, 20, 200
	s.Phis = []float64{0.4, 1, 1.6}
	s.Steps = 40000
	s.GDLR = 1
	return s
}

func (s AnisotropySettings) withDefaults() AnisotropySettings {
	if s.Dim == 0 {
		s.Dim = 50
	}
	if s.Hidden == 0 {
		s.Hidden = s.Dim
	}
	if s.Samples == 0 {
		s.Samples = 10 * s.Dim
	}
	if s.Noise == 0 {
		s.Noise = 1
	}
	if s.Phis == nil {
		s.Phis = []float64{0.2, 0.5, 1, 1.5, 1.8}
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.Steps == 0 {
		s.Steps = 100000
	}
	if s.GDLR == 0 {
		s.GDLR = 2
	}
	return s
}

// AnisotropyRow is one value of φ.
type AnisotropyRow struct {
	Phi float64
	// SGD's ‖U‖², ‖V‖² and sharpness Tr ∇²L averaged over the last quarter
	// of its run, GD's at its end (‖∇L‖ ≤ 1e-9).
	SGDU2, SGDV2, SGDSharp float64
	GDU2, GDV2, GDSharp    float64
	// The equilibrium predicted from the data (noise.Balance.Equilibrate on
	// the least-squares minimum) and in closed form for Σₓ = diag(φ, 2 − φ)
	// and M* = I: ‖U*‖² = Tr Σₓ^{1/2}, ‖V*‖² = Tr Σₓ^{−1/2}, S* = 4 Tr Σₓ^{1/2}.
	PredU2, PredV2, PredSharp       float64
	ClosedU2, ClosedV2, ClosedSharp float64
	SGDRun, GDRun                   *Trajectory
}

// AnisotropyResult holds Fig. 3's sweep over φ.
type AnisotropyResult struct {
	Settings AnisotropySettings
	Rows     []AnisotropyRow
}

// Anisotropy reproduces the paper's Fig. 3: the Linear problem y = x + σε
// with x ~ N(0, Σₓ), Σₓ = diag(φ I_{d/2}, (2 − φ) I_{d/2}), learnt by SGD
// (one sample per step, η = LR) and by GD (full batch, η = GDLR, to
// ‖∇L‖ ≤ 1e-9), both from the same Xavier-normal init. At the minimum
// UV ≈ I the residual is r ≈ −σε, so Γ_V = E[‖r‖²xxᵀ] = dσ²Σₓ and
// Γ_U = E[‖x‖²rrᵀ] = σ² Tr Σₓ I = dσ² I: SGD's equilibrium is
// V Σₓ Vᵀ = UᵀU, solved by V* = Σₓ^{−1/4}, U* = Σₓ^{1/4}, so
//
//	‖U*‖² = Tr Σₓ^{1/2} = (d/2)(√φ + √(2 − φ)),  ‖V*‖² = Tr Σₓ^{−1/2} = (d/2)(1/√φ + 1/√(2 − φ)),
//
// equal only at φ = 1, and the sharpness Tr∇²L = 2(⟨VᵀV, Σₓ⟩ + ‖U‖² Tr Σₓ/d)
// (nn.MSE) is S* = 4 Tr Σₓ^{1/2}, below its value 4d at φ = 1: SGD flattens
// as the data become anisotropic. GD keeps the balance of its init
// (Q = UᵀU − VVᵀ up to O(η)).
func Anisotropy(s AnisotropySettings) (*AnisotropyResult, error) {
	s = s.withDefaults()
	res := &AnisotropyResult{Settings: s}
	every := max(s.Steps/200, 1)
	type out struct {
		run  *Trajectory
		pred [3]float64
	}
	n := len(s.Phis)
	outs, err := par.MapErr(2*n, func(k int) (out, error) {
		p := Linear{Dim: s.Dim, Hidden: s.Hidden, Samples: s.Samples, Noise: s.Noise, Phi: s.Phis[k%n]}
		if err := p.check("Anisotropy"); err != nil {
			return out{}, err
		}
		x, y := p.Data()
		theta := p.Init(0, nn.XavierNormal, 0)
		sgd := noise.SGD{LR: s.LR, BatchSize: 1}
		if k >= n {
			tr, _, err := descendLinear(p, x, y, theta, s.GDLR, 50000, 50000, sgd)
			return out{run: tr}, err
		}
		var o out
		var err error
		if o.run, err = runLinear(p, x, y, theta, sgd, s.Steps, every, 3*s.Steps/4, rand.New(rand.NewPCG(0, 23)), sgd); err != nil {
			return o, err
		}
		Us, Vs, err := predictedEquilibrium(p, x, y, sgd)
		if err != nil {
			return o, err
		}
		sh, err := noise.LinearSharpness(Us, Vs, x, nn.MSE)
		nu, nv := mat.Norm(Us, 2), mat.Norm(Vs, 2)
		o.pred = [3]float64{nu * nu, nv * nv, sh}
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: Anisotropy: %w", err)
	}
	half := float64(s.Dim) / 2
	for i, phi := range s.Phis {
		sg, gd := outs[i].run, outs[n+i].run
		row := AnisotropyRow{Phi: phi, SGDRun: sg, GDRun: gd,
			PredU2: outs[i].pred[0], PredV2: outs[i].pred[1], PredSharp: outs[i].pred[2],
			ClosedU2:    half * (math.Sqrt(phi) + math.Sqrt(2-phi)),
			ClosedV2:    half * (1/math.Sqrt(phi) + 1/math.Sqrt(2-phi)),
			ClosedSharp: 4 * half * (math.Sqrt(phi) + math.Sqrt(2-phi)),
		}
		var cnt float64
		for j, st := range sg.Step {
			if st >= sg.From {
				row.SGDU2 += sg.NormU[j] * sg.NormU[j]
				row.SGDV2 += sg.NormV[j] * sg.NormV[j]
				row.SGDSharp += sg.Sharpness[j]
				cnt++
			}
		}
		row.SGDU2 /= cnt
		row.SGDV2 /= cnt
		row.SGDSharp /= cnt
		last := len(gd.Step) - 1
		row.GDU2, row.GDV2, row.GDSharp = gd.NormU[last]*gd.NormU[last], gd.NormV[last]*gd.NormV[last], gd.Sharpness[last]
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// RelaxationSettings are the settings of Relaxation, the paper's appendix
// on the time to reach the equilibrium as the learning rate, the batch size
// and the dimension vary. The zero value is notebook 15's sweep.
type RelaxationSettings struct {
	Dim     int       // base d (h = 4d/3); 0 means 20
	Samples int       // 0 means 200
	LR      float64   // base η; 0 means 0.05
	Batch   int       // base S; 0 means 1
	LRs     []float64 // nil means 0.0125, 0.025, 0.05, 0.1
	Batches []int     // nil means 1, 2, 4
	Dims    []int     // nil means 10, 20, 30
	Tilt    float64   // the init is moved to (e^t U, e^{−t} V); 0 means ln 2
	Seeds   int       // SGD runs per configuration; 0 means 4
}

// Fast returns the preset of the short tests: two values per factor, two
// seeds.
func (s RelaxationSettings) Fast() RelaxationSettings {
	s.LRs = []float64{0.025, 0.05}
	s.Batches = []int{1, 2}
	s.Dims = []int{10, 20}
	s.Seeds = 2
	return s
}

func (s RelaxationSettings) withDefaults() RelaxationSettings {
	if s.Dim == 0 {
		s.Dim = 20
	}
	if s.Samples == 0 {
		s.Samples = 200
	}
	if s.LR == 0 {
		s.LR = 0.05
	}
	if s.Batch == 0 {
		s.Batch = 1
	}
	if s.LRs == nil {
		s.LRs = []float64{0.0125, 0.025, 0.05, 0.1}
	}
	if s.Batches == nil {
		s.Batches = []int{1, 2, 4}
	}
	if s.Dims == nil {
		s.Dims = []int{10, 20, 30}
	}
	if s.Tilt == 0 {
		s.Tilt = math.Ln2
	}
	if s.Seeds == 0 {
		s.Seeds = 4
	}
	return s
}

// RelaxationRow is one configuration.
type RelaxationRow struct {
	Factor        string // "η", "S" or "d": the one varied from the base
	LR            float64
	Batch, Dim    int
	C0, CHalf     float64 // the charge Tr Q at the minimum, and the target (C0 + C*)/2
	CStar         float64 // the charge at the noise equilibrium on the minimum's orbit
	Predicted     float64 // steps to reach CHalf by the mean Noether flow (noise.Orbit.Steps)
	Measured      []float64
	Mean, CI95    float64 // of Measured over seeds
	PredictedTime float64 // Predicted·η
}

// RelaxationResult holds the sweep.
type RelaxationResult struct {
	Settings RelaxationSettings
	Rows     []RelaxationRow
}

// Relaxation measures how fast SGD reaches the noise equilibrium. For each
// configuration (the base η, S, d, with one of them varied) it descends the
// Linear problem (d, h = 4d/3, Samples samples) by GD from the tilted
// Xavier init to a minimum θ_min, finds on θ_min's orbit under the double
// rotation with B = I (C = Tr Q) the equilibrium C* (noise.Orbit) and the
// number of steps the mean Noether flow needs to take C from C(θ_min)
// halfway to C*, k = ∫ C′(λ)/D(λ) dλ (noise.Orbit.Steps), and compares it
// with the first step at which SGD runs from θ_min (batches drawn with
// replacement, c = 1/S) reach it. Near the minimum D ∝ η²c, so the
// predicted steps scale as S/η², and the time kη as S/η.
func Relaxation(s RelaxationSettings) (*RelaxationResult, error) {
	s = s.withDefaults()
	type cfg struct {
		factor     string
		lr         float64
		batch, dim int
	}
	var cfgs []cfg
	for _, v := range s.LRs {
		cfgs = append(cfgs, cfg{"η", v, s.Batch, s.Dim})
	}
	for _, v := range s.Batches {
		cfgs = append(cfgs, cfg{"S", s.LR, v, s.Dim})
	}
	for _, v := range s.Dims {
		cfgs = append(cfgs, cfg{"d", s.LR, s.Batch, v})
	}
	// The minimum of each dimension, once (GD at the base η).
	type minimum struct {
		p     Linear
		x, y  *mat.Dense
		theta []float64
	}
	mins := map[int]*minimum{}
	var dims []int
	for _, c := range cfgs {
		if mins[c.dim] == nil {
			mins[c.dim] = &minimum{}
			dims = append(dims, c.dim)
		}
	}
	if err := par.ForErr(len(dims), func(i int) error {
		d := dims[i]
		p := Linear{Dim: d, Hidden: (4*d + 2) / 3, Samples: s.Samples}.withDefaults()
		if err := p.check("Relaxation"); err != nil {
			return err
		}
		m := mins[d]
		m.p = p
		m.x, m.y = p.Data()
		m.theta = p.tiltedInit(0, s.Tilt)
		obj := nn.NewObjective(p.Net(), m.x, m.y, nn.MSE)
		_, err := optim.Run(obj.Func, m.theta, &optim.GD{LR: s.LR}, optim.Settings{Steps: 200000, GradTol: 1e-9})
		return err
	}); err != nil {
		return nil, fmt.Errorf("ziyin2024: Relaxation: GD to the minimum: %w", err)
	}
	res := &RelaxationResult{Settings: s}
	for _, c := range cfgs {
		m := mins[c.dim]
		A := m.p.TraceCharge()
		sgd := noise.SGD{LR: c.lr, BatchSize: c.batch, Replace: true}
		g, err := noise.PerSample(m.p.Net(), m.theta, m.x, m.y, nn.MSE)
		if err != nil {
			return nil, err
		}
		orb, err := noise.NewOrbit(A, m.theta, g, sgd)
		if err != nil {
			return nil, err
		}
		eq, err := orb.Equilibrium()
		if err != nil {
			return nil, fmt.Errorf("ziyin2024: Relaxation: %w", err)
		}
		row := RelaxationRow{Factor: c.factor, LR: c.lr, Batch: c.batch, Dim: c.dim, C0: A.Charge(m.theta), CStar: eq.Charge}
		row.CHalf = (row.C0 + row.CStar) / 2
		row.Predicted = orb.Steps(0, orb.Lambda(row.CHalf))
		row.PredictedTime = row.Predicted * c.lr
		// SGD in chunks of about a tenth of the prediction, until the charge
		// crosses CHalf or 20 predictions have passed.
		chunk := max(int(row.Predicted/10), 100)
		limit := 20*int(row.Predicted) + 1000
		meas, err := par.MapErr(s.Seeds, func(i int) (float64, error) {
			th := append([]float64(nil), m.theta...)
			obj := nn.NewObjective(m.p.Net(), m.x, m.y, nn.MSE)
			f := noise.WithReplacement(obj.Batch, s.Samples, rand.New(rand.NewPCG(uint64(i), 29)))
			hit, done := math.NaN(), 0
			watch := optim.ObserverFunc(func(st *optim.State) {
				if math.IsNaN(hit) && !st.Done && (A.Charge(st.Theta)-row.CHalf)*(row.C0-row.CHalf) <= 0 {
					hit = float64(done + st.Step)
				}
			})
			for math.IsNaN(hit) && done < limit {
				if _, err := optim.RunBatch(f, s.Samples, th, &optim.GD{LR: c.lr},
					optim.BatchSettings{BatchSize: c.batch, Steps: chunk, Observers: []optim.Observer{watch}}); err != nil {
					return hit, err
				}
				done += chunk
			}
			return hit, nil
		})
		if err != nil {
			return nil, fmt.Errorf("ziyin2024: Relaxation: %w", err)
		}
		row.Measured = meas
		row.Mean, row.CI95 = meanCI(meas)
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// LRScanSettings are the settings of LRScan. The zero value is notebook
// 15's: the 30-40-30 problem, η = 0.05, 0.025, 0.0125 with 10⁵ steps at
// 0.05 and steps ∝ 1/η² (the same amount of Noether flow).
type LRScanSettings struct {
	Problem   Linear    // zero: 30-40-30 on 1000 samples
	LRs       []float64 // nil means 0.05, 0.025, 0.0125
	BaseSteps int       // steps at LRs[0]; 0 means 100000
}

// Fast returns the preset of the tests: 200 samples, η = 0.05 and 0.025,
// 30 000 steps at 0.05.
func (s LRScanSettings) Fast() LRScanSettings {
	s.Problem.Samples = 200
	s.LRs = []float64{0.05, 0.025}
	s.BaseSteps = 30000
	return s
}

// LRScanRow is one learning rate.
type LRScanRow struct {
	LR           float64
	Steps        int
	AvgResidual  float64 // the residual of Left and Right averaged over the last half
	DistV, DistU float64 // of the averaged VᵀV and UUᵀ to the predicted equilibrium's
}

// LRScanResult holds the scan.
type LRScanResult struct {
	Settings LRScanSettings
	Rows     []LRScanRow
}

// LRScan runs SGD (one sample per step) from Equilibria's init "A" at
// several learning rates, each for BaseSteps·(LRs[0]/η)² steps, and
// measures how close its averages over the last half come to the predicted
// equilibrium: the prediction is that of the noise at the minimum, so the
// gap should shrink as O(η).
func LRScan(s LRScanSettings) (*LRScanResult, error) {
	s.Problem = s.Problem.withDefaults()
	if s.LRs == nil {
		s.LRs = []float64{0.05, 0.025, 0.0125}
	}
	if s.BaseSteps == 0 {
		s.BaseSteps = 100000
	}
	p := s.Problem
	if err := p.check("LRScan"); err != nil {
		return nil, err
	}
	x, y := p.Data()
	theta := p.Init(0, nn.XavierNormal, 0)
	rows, err := par.MapErr(len(s.LRs), func(i int) (LRScanRow, error) {
		lr := s.LRs[i]
		steps := int(math.Round(float64(s.BaseSteps) * math.Pow(s.LRs[0]/lr, 2)))
		sgd := noise.SGD{LR: lr, BatchSize: 1}
		Us, Vs, err := predictedEquilibrium(p, x, y, sgd)
		if err != nil {
			return LRScanRow{}, err
		}
		tr, err := runLinear(p, x, y, theta, sgd, steps, max(steps/200, 1), steps/2, rand.New(rand.NewPCG(0, 17)), sgd)
		if err != nil {
			return LRScanRow{}, err
		}
		vtv, uut := mat.DenseCopyOf(tr.SumVtV), mat.DenseCopyOf(tr.SumUUt)
		vtv.Scale(1/float64(tr.Averaged), vtv)
		uut.Scale(1/float64(tr.Averaged), uut)
		return LRScanRow{LR: lr, Steps: steps, AvgResidual: tr.AvgResidual,
			DistV: relDist(vtv, gram(Vs, false)), DistU: relDist(uut, gram(Us, true))}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("ziyin2024: LRScan: %w", err)
	}
	return &LRScanResult{Settings: s, Rows: rows}, nil
}

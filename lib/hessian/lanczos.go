package hessian

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Which selects the eigenvalues Lanczos returns.
type Which int

const (
	Largest          Which = iota // the k largest, in decreasing order
	Smallest                      // the k smallest, in increasing order
	LargestMagnitude              // the k largest in absolute value, by decreasing |λ|
)

// LanczosSettings controls Lanczos. The zero value is sensible.
type LanczosSettings struct {
	Which Which

	// MaxSteps bounds the number of operator products (the dimension of
	// the Krylov space); 0 means min(n, max(50, 4k)). Storage is
	// MaxSteps·n floats.
	MaxSteps int

	// Tol stops the iteration when every wanted Ritz pair (θ, x) has a
	// residual ‖H x − θ x‖ ≤ Tol · max|θ|; 0 means 1e-8. The error of a
	// Ritz value is bounded by the residual and, when the eigenvalue is
	// separated by a gap δ from the rest of the spectrum, by residual²/δ,
	// so the default gives eigenvalues to about 1e-14 relative unless they
	// are clustered.
	Tol float64

	// Start is the starting vector (not modified); nil means a Gaussian
	// random vector drawn from Rand.
	Start []float64

	// Rand draws the starting vector and any restart vectors; nil means a
	// fixed seed, so results are reproducible.
	Rand *rand.Rand
}

// Eigen holds approximate eigenpairs of an operator.
type Eigen struct {
	Values    []float64  // eigenvalue estimates (Ritz values), in the order asked for
	Vectors   *mat.Dense // n×k, column i the unit eigenvector estimate for Values[i]
	Residuals []float64  // ‖H x_i − λ_i x_i‖ (a bound computed from the recurrence)
	Steps     int        // operator products used
	Converged bool       // all residuals met the tolerance
}

func defaultRand(r *rand.Rand) *rand.Rand {
	if r != nil {
		return r
	}
	return rand.New(rand.NewPCG(0x5eed, 0x1a9c205))
}

// Lanczos computes k extreme eigenpairs of a symmetric operator by the
// Lanczos process with full reorthogonalisation. From a unit vector q₁ it
// builds an orthonormal basis Q_m = [q₁ … q_m] of the Krylov space
// span{q₁, Hq₁, …, H^{m−1}q₁} by the three-term recurrence
//
//	β_j q_{j+1} = H q_j − α_j q_j − β_{j−1} q_{j−1},  α_j = q_jᵀ H q_j,
//
// in which Q_mᵀ H Q_m = T_m is tridiagonal (α on the diagonal, β beside
// it). In floating point the q_j lose orthogonality as Ritz values
// converge, so every new vector is orthogonalised again against all
// previous ones, twice (classical Gram–Schmidt twice): the basis stays
// orthonormal to rounding and no spurious copies of eigenvalues appear.
// The eigenpairs (θ_i, s_i) of T_m give the Ritz pairs (θ_i, Q_m s_i), with
// residual ‖H Q_m s_i − θ_i Q_m s_i‖ = β_m |s_{m,i}|: the iteration stops as
// soon as the k wanted residuals are below Tol · max|θ|. Extreme
// eigenvalues converge fastest, so 20–30 products usually give the top
// eigenvalue to 1e-10, where power iteration needs hundreds. If the Krylov
// space becomes invariant (β ≈ 0: for instance a Hessian of low rank), the
// process continues from a random vector orthogonal to the basis.
//
// Lanczos panics if k is not in [1, n] or MaxSteps < k.
func Lanczos(op Operator, k int, s LanczosSettings) Eigen {
	n := op.Dim()
	if k < 1 || k > n {
		panic(fmt.Sprintf("hessian: Lanczos: k = %d, want in [1, %d]", k, n))
	}
	maxSteps := s.MaxSteps
	if maxSteps == 0 {
		maxSteps = max(50, 4*k)
	}
	maxSteps = min(maxSteps, n)
	if maxSteps < k {
		panic(fmt.Sprintf("hessian: Lanczos: MaxSteps = %d < k = %d", s.MaxSteps, k))
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-8
	}
	rng := defaultRand(s.Rand)

	l := newLanczos(n, maxSteps)
	if s.Start != nil {
		checkLen("Lanczos", "Start", len(s.Start), n)
		copy(l.q(0), s.Start)
	} else {
		for i := range l.q(0) {
			l.q(0)[i] = rng.NormFloat64()
		}
	}
	if nq := norm(l.q(0)); nq == 0 {
		panic("hessian: Lanczos: Start is the zero vector")
	} else {
		scal(1/nq, l.q(0))
	}

	var res Eigen
	var sel []int
	var vals []float64
	var vecs mat.Dense
	for j := 0; j < maxSteps; j++ {
		b := l.step(op, j)
		res.Steps++
		m := j + 1
		if m < k {
			if b <= l.breakdown() {
				l.restart(j, rng)
			}
			continue
		}
		if m < 100 || m%5 == 0 || m == maxSteps || b <= l.breakdown() {
			vals, sel = l.ritz(m, k, s.Which, &vecs)
			bound := 0.0
			for _, v := range vals {
				bound = math.Max(bound, math.Abs(v))
			}
			res.Residuals = res.Residuals[:0]
			res.Converged = true
			for _, i := range sel {
				r := b * math.Abs(vecs.At(m-1, i))
				res.Residuals = append(res.Residuals, r)
				if r > tol*bound {
					res.Converged = false
				}
			}
			if res.Converged || m == maxSteps {
				break
			}
		}
		if b <= l.breakdown() {
			l.restart(j, rng)
		}
	}
	m := res.Steps
	res.Values = make([]float64, len(sel))
	S := mat.NewDense(m, len(sel), nil)
	for c, i := range sel {
		res.Values[c] = vals[i]
		for r := 0; r < m; r++ {
			S.Set(r, c, vecs.At(r, i))
		}
	}
	Q := mat.NewDense(m, n, l.Q[:m*n])
	res.Vectors = mat.NewDense(n, len(sel), nil)
	res.Vectors.Mul(Q.T(), S)
	return res
}

// lanczos holds the state of a Lanczos process with full
// reorthogonalisation: the basis vectors as the rows of Q, the recurrence
// coefficients and scratch.
type lanczos struct {
	n           int
	Q           []float64 // rows q_0, q_1, ...
	alpha, beta []float64 // beta[j] couples q_j and q_{j+1}
	w, c        []float64
	anorm       float64 // running estimate of ‖H‖ (max row sum of T)
}

func newLanczos(n, m int) *lanczos {
	return &lanczos{
		n: n, Q: make([]float64, m*n),
		alpha: make([]float64, m), beta: make([]float64, m),
		w: make([]float64, n), c: make([]float64, m),
	}
}

func (l *lanczos) q(j int) []float64 { return l.Q[j*l.n : (j+1)*l.n] }

// breakdown is the threshold below which β counts as zero: the new vector
// is then rounding noise, and the Krylov space is invariant.
func (l *lanczos) breakdown() float64 { return 1e-10 * l.anorm }

// step applies the operator to q_j, orthogonalises the result against
// q_0..q_j, stores α_j and β_j, writes q_{j+1} if there is room and β_j is
// not negligible, and returns β_j.
func (l *lanczos) step(op Operator, j int) float64 {
	qj, w := l.q(j), l.w
	op.MulVec(w, qj)
	a := dot(qj, w)
	axpy(-a, qj, w)
	if j > 0 {
		axpy(-l.beta[j-1], l.q(j-1), w)
	}
	// Full reorthogonalisation, twice: w ← w − Q Qᵀ w.
	for range 2 {
		da := l.orthogonalise(w, j+1)
		a += da
	}
	l.alpha[j] = a
	b := norm(w)
	l.beta[j] = b
	rowSum := math.Abs(a) + b
	if j > 0 {
		rowSum += l.beta[j-1]
	}
	l.anorm = math.Max(l.anorm, rowSum)
	if (j+1)*l.n < len(l.Q) && b > l.breakdown() {
		qn := l.q(j + 1)
		for i, x := range w {
			qn[i] = x / b
		}
	}
	return b
}

// orthogonalise removes from w its components along q_0..q_{m−1} and
// returns the component along q_{m−1} (a correction to α).
func (l *lanczos) orthogonalise(w []float64, m int) float64 {
	Q := blas64.General{Rows: m, Cols: l.n, Stride: l.n, Data: l.Q[:m*l.n]}
	c := blas64.Vector{N: m, Inc: 1, Data: l.c[:m]}
	wv := blas64.Vector{N: l.n, Inc: 1, Data: w}
	blas64.Gemv(blas.NoTrans, 1, Q, wv, 0, c)
	blas64.Gemv(blas.Trans, -1, Q, c, 1, wv)
	return l.c[m-1]
}

// restart replaces q_{j+1} by a random unit vector orthogonal to q_0..q_j
// and sets β_j = 0: the Krylov space of q_0 was invariant.
func (l *lanczos) restart(j int, rng *rand.Rand) {
	if (j+1)*l.n >= len(l.Q) {
		return
	}
	l.beta[j] = 0
	qn := l.q(j + 1)
	for {
		for i := range qn {
			qn[i] = rng.NormFloat64()
		}
		for range 2 {
			l.orthogonalise(qn, j+1)
		}
		if nq := norm(qn); nq > 1e-3 {
			scal(1/nq, qn)
			return
		}
	}
}

// ritz computes the eigen-decomposition of T_m, storing the eigenvectors
// (columns) in vecs, and returns all Ritz values in ascending order and the
// indices of the k wanted ones in the order asked for.
func (l *lanczos) ritz(m, k int, which Which, vecs *mat.Dense) ([]float64, []int) {
	T := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		T.SetSym(i, i, l.alpha[i])
		if i+1 < m {
			T.SetSym(i, i+1, l.beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(T, true) {
		panic("hessian: Lanczos: eigendecomposition of the tridiagonal matrix did not converge")
	}
	vals := eig.Values(nil)
	vecs.Reset()
	eig.VectorsTo(vecs)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	switch which {
	case Largest:
		for i, j := 0, m-1; i < j; i, j = i+1, j-1 {
			idx[i], idx[j] = idx[j], idx[i]
		}
	case Smallest:
	case LargestMagnitude:
		sort.SliceStable(idx, func(a, b int) bool { return math.Abs(vals[idx[a]]) > math.Abs(vals[idx[b]]) })
	default:
		panic(fmt.Sprintf("hessian: Lanczos: unknown Which %d", int(which)))
	}
	return vals, idx[:k]
}

func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func scal(a float64, x []float64) {
	for i := range x {
		x[i] *= a
	}
}

// PowerSettings controls PowerIteration. The zero value reproduces the
// defaults of PyHessian's eigenvalues(): at most 100 products, stopping when
// the relative change of the eigenvalue estimate is below 1e-3.
type PowerSettings struct {
	MaxSteps int        // 0 means 100
	Tol      float64    // stop when |λ_k − λ_{k−1}| < Tol·(|λ_{k−1}| + 1e-6); 0 means 1e-3
	Start    []float64  // starting vector; nil means Gaussian from Rand
	Rand     *rand.Rand // nil means a fixed seed
}

// PowerIteration estimates the eigenvalue of largest magnitude by the power
// method, v ← Hv/‖Hv‖, λ = vᵀHv, as PyHessian does; it is here for
// comparison. Its error after k steps falls like (λ₂/λ₁)^{2k}, so a small
// spectral gap makes it slow: prefer Lanczos, which reaches the same
// accuracy in far fewer products. The result has one value and vector;
// Residuals[0] = ‖Hv − λv‖.
func PowerIteration(op Operator, s PowerSettings) Eigen {
	n := op.Dim()
	maxSteps := s.MaxSteps
	if maxSteps <= 0 {
		maxSteps = 100
	}
	tol := s.Tol
	if tol == 0 {
		tol = 1e-3
	}
	v := make([]float64, n)
	if s.Start != nil {
		checkLen("PowerIteration", "Start", len(s.Start), n)
		copy(v, s.Start)
	} else {
		rng := defaultRand(s.Rand)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
	}
	nv := norm(v)
	if nv == 0 {
		panic("hessian: PowerIteration: Start is the zero vector")
	}
	scal(1/nv, v)
	w := make([]float64, n)
	var res Eigen
	lambda := math.NaN()
	for k := 0; k < maxSteps; k++ {
		op.MulVec(w, v)
		res.Steps++
		prev := lambda
		lambda = dot(v, w)
		r := 0.0
		for i := range w {
			d := w[i] - lambda*v[i]
			r += d * d
		}
		res.Residuals = []float64{math.Sqrt(r)}
		if k > 0 && math.Abs(lambda-prev) < tol*(math.Abs(prev)+1e-6) {
			res.Converged = true
			break
		}
		if k == maxSteps-1 {
			break
		}
		nw := norm(w)
		if nw == 0 {
			res.Converged = true // v is in the null space: λ = 0
			break
		}
		for i := range v {
			v[i] = w[i] / nw
		}
	}
	res.Values = []float64{lambda}
	res.Vectors = mat.NewDense(n, 1, v)
	return res
}

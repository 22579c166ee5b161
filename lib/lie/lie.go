package lie

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Field is a vector field on R^D with exact Jacobian-vector products.
type Field interface {
	// At sets v = V(θ).
	At(v, theta []float64)
	// Deriv sets dv = DV(θ) u, the derivative of V at θ along u.
	Deriv(dv, theta, u []float64)
}

// Objective is a loss with its gradient and exact Hessian-vector products,
// as nn.Objective provides them.
type Objective interface {
	Func(theta, grad []float64) float64
	HessVec(hv, theta, v []float64) float64
}

// Gradient is the gradient field θ ↦ ∇L(θ) of an objective; its derivative
// along u is the Hessian-vector product ∇²L(θ) u.
type Gradient struct{ L Objective }

// At sets v = ∇L(θ).
func (g Gradient) At(v, theta []float64) { g.L.Func(theta, v) }

// Deriv sets dv = ∇²L(θ) u.
func (g Gradient) Deriv(dv, theta, u []float64) { g.L.HessVec(dv, theta, u) }

// Bracket sets dst = [V, W](θ) = DW(θ) V(θ) − DV(θ) W(θ), the Lie bracket of
// two fields at θ, from their values v = V(θ), w = W(θ) and two
// Jacobian-vector products. scratch must have length D; dst must not alias
// v, w or scratch.
func Bracket(dst []float64, V, W Field, theta, v, w, scratch []float64) {
	if len(dst) != len(theta) || len(v) != len(theta) || len(w) != len(theta) || len(scratch) != len(theta) {
		panic(fmt.Sprintf("lie: Bracket: lengths dst %d, θ %d, v %d, w %d, scratch %d differ", len(dst), len(theta), len(v), len(w), len(scratch)))
	}
	W.Deriv(dst, theta, v)
	V.Deriv(scratch, theta, w)
	floats.Sub(dst, scratch)
}

// MinGap is the smallest ratio between the last non-zero and the first zero
// singular value that Rank accepts by default.
const MinGap = 1e6

// RankResult is the numerical rank of a set of vectors.
type RankResult struct {
	Rank int
	// Singular are the singular values of the matrix of the vectors, each
	// normalised to unit length, in decreasing order.
	Singular []float64
	// SmallestNonZero is Singular[Rank−1] (0 if Rank = 0); LargestZero is
	// Singular[Rank] (0 if the vectors are independent or there are no more
	// singular values). Gap is their ratio (+Inf when LargestZero is 0).
	SmallestNonZero, LargestZero, Gap float64
}

// ErrNoGap is returned by Rank when the singular values have no gap of at
// least the required ratio: the rank cannot be read off them.
var ErrNoGap = errors.New("lie: no gap in the singular values")

// Rank returns the dimension of the span of vecs (each of length D) from the
// singular values of the matrix whose rows are the vectors normalised to unit
// length. The cut is at the largest ratio σ_k/σ_{k+1} between consecutive
// singular values (σ_{min(n,D)+1} = 0 counts, so independent vectors have
// full rank when no ratio inside is larger than σ_min/ε); it must be at
// least minGap (MinGap if minGap ≤ 0), else the error wraps ErrNoGap and
// names the largest ratio found. Zero vectors are dropped.
func Rank(vecs [][]float64, minGap float64) (RankResult, error) {
	if minGap <= 0 {
		minGap = MinGap
	}
	var rows [][]float64
	d := -1
	for i, v := range vecs {
		if d < 0 {
			d = len(v)
		} else if len(v) != d {
			panic(fmt.Sprintf("lie: Rank: vector %d has length %d, want %d", i, len(v), d))
		}
		if n := floats.Norm(v, 2); n > 0 {
			r := append([]float64(nil), v...)
			floats.Scale(1/n, r)
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return RankResult{}, nil
	}
	a := mat.NewDense(len(rows), d, nil)
	for i, r := range rows {
		a.SetRow(i, r)
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		return RankResult{}, errors.New("lie: Rank: SVD did not converge")
	}
	s := svd.Values(nil)
	sort.Sort(sort.Reverse(sort.Float64Slice(s)))
	// Candidate cuts k = 1..len(s): ratio s[k−1]/s[k], with s[len(s)] taken
	// as the rounding floor ε·s[0], so that a full-rank set of vectors is
	// recognised when its smallest singular value stands far above rounding.
	best, bestRatio := 0, 0.0
	for k := 1; k <= len(s); k++ {
		next := 0.0
		if k < len(s) {
			next = s[k]
		}
		floor := math.Max(next, 1e-16*s[0]*math.Sqrt(float64(len(rows))))
		if r := s[k-1] / floor; r > bestRatio {
			best, bestRatio = k, r
		}
	}
	res := RankResult{Rank: best, Singular: s, SmallestNonZero: s[best-1]}
	if best < len(s) {
		res.LargestZero = s[best]
	}
	res.Gap = math.Inf(1)
	if res.LargestZero > 0 {
		res.Gap = res.SmallestNonZero / res.LargestZero
	}
	if bestRatio < minGap {
		return res, fmt.Errorf("%w: largest ratio %.3g between singular values %d and %d, want at least %.3g", ErrNoGap, bestRatio, best, best+1, minGap)
	}
	return res, nil
}

// Span is the span at a point of a family of fields and of their first Lie
// brackets.
type Span struct {
	// Fields holds V_i(θ); Brackets holds [V_i, V_j](θ) for i < j, in the
	// order (0,1), (0,2), …, (1,2), ….
	Fields, Brackets [][]float64
	// FieldRank is the dimension of the span of the fields alone (W_0(θ));
	// Rank that of the fields and their brackets (W_1(θ)), each with its
	// singular values and gap.
	FieldRank, Rank RankResult
}

// Upper returns D − dim W_1(θ), the upper bound on the number of
// independent conserved functions of the fields' flows near θ.
func (s *Span) Upper() int { return len(s.Fields[0]) - s.Rank.Rank }

// Generate returns the span at θ of the fields and of their brackets
// [V_i, V_j], i < j: N values and N(N−1)/2 brackets, each bracket two
// Jacobian-vector products. The ranks are read with Rank(·, minGap).
func Generate(fields []Field, theta []float64, minGap float64) (*Span, error) {
	n, d := len(fields), len(theta)
	if n == 0 {
		return nil, errors.New("lie: Generate: no fields")
	}
	s := &Span{Fields: make([][]float64, n)}
	for i, f := range fields {
		s.Fields[i] = make([]float64, d)
		f.At(s.Fields[i], theta)
	}
	// DV_i(θ) V_j(θ) for every ordered pair, then the brackets.
	dv := make([][][]float64, n)
	for i, f := range fields {
		dv[i] = make([][]float64, n)
		for j := range fields {
			if i != j {
				dv[i][j] = make([]float64, d)
				f.Deriv(dv[i][j], theta, s.Fields[j])
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			b := make([]float64, d)
			floats.SubTo(b, dv[j][i], dv[i][j]) // DV_j V_i − DV_i V_j
			s.Brackets = append(s.Brackets, b)
		}
	}
	var err error
	if s.FieldRank, err = Rank(s.Fields, minGap); err != nil {
		return s, fmt.Errorf("lie: Generate: fields: %w", err)
	}
	if s.Rank, err = Rank(append(append([][]float64(nil), s.Fields...), s.Brackets...), minGap); err != nil {
		return s, fmt.Errorf("lie: Generate: fields and brackets: %w", err)
	}
	return s, nil
}

// Sub returns the span of the first n fields and of their brackets, reusing
// the vectors of s (n ≤ len(s.Fields)).
func (s *Span) Sub(n int, minGap float64) (*Span, error) {
	if n < 1 || n > len(s.Fields) {
		panic(fmt.Sprintf("lie: Span.Sub: %d fields of %d", n, len(s.Fields)))
	}
	t := &Span{Fields: s.Fields[:n]}
	N := len(s.Fields)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			// Index of (i, j) in the order of Generate.
			k := i*N - i*(i+1)/2 + (j - i - 1)
			t.Brackets = append(t.Brackets, s.Brackets[k])
		}
	}
	var err error
	if t.FieldRank, err = Rank(t.Fields, minGap); err != nil {
		return t, fmt.Errorf("lie: Span.Sub: fields: %w", err)
	}
	if t.Rank, err = Rank(append(append([][]float64(nil), t.Fields...), t.Brackets...), minGap); err != nil {
		return t, fmt.Errorf("lie: Span.Sub: fields and brackets: %w", err)
	}
	return t, nil
}

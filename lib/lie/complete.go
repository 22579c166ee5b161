package lie

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Check is the comparison of a set of known conserved functions with a span
// of the Lie algebra at a point.
type Check struct {
	// Laws is the number of functions; LawRank the rank of their gradients
	// (= Laws when they are independent).
	Laws    int
	LawRank RankResult
	// Joint is the rank of the span's vectors and the laws' gradients
	// together: the laws span the orthogonal complement of the span exactly
	// when Joint = D and LawRank = D − dim span.
	Joint RankResult
	// MaxCos is the largest |cos| of the angle between a law's gradient and
	// a vector of the span: zero to rounding when the laws are conserved.
	MaxCos float64
}

// Independent reports whether the laws' gradients are independent.
func (c Check) Independent() bool { return c.LawRank.Rank == c.Laws }

// Complete reports whether the laws are independent, orthogonal to the span
// to within tol in |cos|, and with it span R^D: then they are all the
// conserved functions there are near θ (the two bounds meet).
func (c Check) Complete(s *Span, tol float64) bool {
	d := len(s.Fields[0])
	return c.Independent() && c.MaxCos <= tol && c.Joint.Rank == d && c.LawRank.Rank+s.Rank.Rank == d
}

// Compare checks the gradients of known conserved functions at θ (grads[a]
// = ∇h_a(θ), each of length D) against the span s of the fields and their
// brackets at the same θ.
func Compare(s *Span, grads [][]float64, minGap float64) (Check, error) {
	c := Check{Laws: len(grads)}
	var err error
	if c.LawRank, err = Rank(grads, minGap); err != nil {
		return c, fmt.Errorf("lie: Compare: law gradients: %w", err)
	}
	all := append(append(append([][]float64(nil), s.Fields...), s.Brackets...), grads...)
	if c.Joint, err = Rank(all, minGap); err != nil {
		return c, fmt.Errorf("lie: Compare: span and law gradients: %w", err)
	}
	for _, g := range grads {
		ng := floats.Norm(g, 2)
		for _, vs := range [][][]float64{s.Fields, s.Brackets} {
			for _, v := range vs {
				if nv := floats.Norm(v, 2); nv > 0 && ng > 0 {
					c.MaxCos = math.Max(c.MaxCos, math.Abs(floats.Dot(g, v))/(ng*nv))
				}
			}
		}
	}
	return c, nil
}

// QuadraticJacobian returns the gradients at θ of the functions
// q(θ) = (q_1(θ), …, q_L(θ)), each a polynomial of degree at most two in θ
// (every conserved quantity of package conserved is one), from their values:
// for such a function the symmetric difference (q_a(θ + e_k) − q_a(θ − e_k))/2
// is ∂_k q_a(θ) exactly, as the third derivative vanishes, so the result is
// exact to rounding and not an approximation. Row a of the result is ∇q_a(θ).
// θ is changed during the call and restored; q must not retain it.
func QuadraticJacobian(q func(theta []float64) []float64, theta []float64) [][]float64 {
	var grads [][]float64
	for k := range theta {
		t := theta[k]
		theta[k] = t + 1
		p := q(theta)
		theta[k] = t - 1
		m := q(theta)
		theta[k] = t
		if grads == nil {
			grads = make([][]float64, len(p))
			for a := range grads {
				grads[a] = make([]float64, len(theta))
			}
		}
		if len(p) != len(grads) || len(m) != len(grads) {
			panic(fmt.Sprintf("lie: QuadraticJacobian: q returned %d and %d values, want %d", len(p), len(m), len(grads)))
		}
		for a := range grads {
			grads[a][k] = (p[a] - m[a]) / 2
		}
	}
	return grads
}

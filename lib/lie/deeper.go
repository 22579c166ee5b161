package lie

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Field2 is a field with exact second derivatives as well.
type Field2 interface {
	Field
	// Deriv2 sets d2 = D²V(θ)[a, u], the derivative along u of DV(θ)a.
	Deriv2(d2, theta, a, u []float64)
}

// combo evaluates random combinations Σ_k c_k V_k of a family of fields at
// θ: their values, derivatives and second derivatives, each a sum over the
// family.
type combo struct {
	fields []Field2
	theta  []float64
	values [][]float64 // V_k(θ)
	tmp    []float64
}

func (c *combo) value(dst, coef []float64) {
	clear(dst)
	for k, v := range c.values {
		floats.AddScaled(dst, coef[k], v)
	}
}

func (c *combo) deriv(dst, coef, u []float64) {
	clear(dst)
	for k, f := range c.fields {
		f.Deriv(c.tmp, c.theta, u)
		floats.AddScaled(dst, coef[k], c.tmp)
	}
}

func (c *combo) deriv2(dst, coef, a, u []float64) {
	clear(dst)
	for k, f := range c.fields {
		f.Deriv2(c.tmp, c.theta, a, u)
		floats.AddScaled(dst, coef[k], c.tmp)
	}
}

// Deeper returns the rank of W_2(θ) = W_1(θ) + [W_0, W_1](θ), the span s
// (of the fields and their first brackets at θ) together with second
// brackets [A, [B, C]](θ) of random combinations A, B, C of the fields:
//
//	[A, [B, C]] = D[B, C]·A − DA·[B, C],
//	D[B, C]·A   = D²C[B, A] + DC·(DB·A) − D²B[C, A] − DB·(DC·A).
//
// Brackets are trilinear, so random combinations span what all N³ brackets
// of the fields span; since W_2 can exceed W_1 by at most s.Upper()
// dimensions, that many combinations and a few more (triples) test whether
// the span still grows. fields must be the fields s was generated from.
func Deeper(s *Span, fields []Field2, theta []float64, triples int, rng *rand.Rand, minGap float64) (RankResult, [][]float64, error) {
	n, d := len(fields), len(theta)
	if n != len(s.Fields) {
		panic(fmt.Sprintf("lie: Deeper: %d fields for a span of %d", n, len(s.Fields)))
	}
	c := &combo{fields: fields, theta: theta, values: s.Fields, tmp: make([]float64, d)}
	vec := func() []float64 { return make([]float64, d) }
	coef := func() []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	var deep [][]float64
	A, B, C, BC, t1, t2, t3 := vec(), vec(), vec(), vec(), vec(), vec(), vec()
	for range triples {
		a, b, g := coef(), coef(), coef()
		c.value(A, a)
		c.value(B, b)
		c.value(C, g)
		// [B, C] = DC·B − DB·C.
		c.deriv(BC, g, B)
		c.deriv(t1, b, C)
		floats.Sub(BC, t1)
		out := vec()
		c.deriv2(out, g, B, A) // D²C[B, A]
		c.deriv(t1, b, A)      // DB·A
		c.deriv(t2, g, t1)     // DC·(DB·A)
		floats.Add(out, t2)
		c.deriv2(t2, b, C, A) // D²B[C, A]
		floats.Sub(out, t2)
		c.deriv(t1, g, A)  // DC·A
		c.deriv(t2, b, t1) // DB·(DC·A)
		floats.Sub(out, t2)
		c.deriv(t3, a, BC) // DA·[B, C]
		floats.Sub(out, t3)
		deep = append(deep, out)
	}
	all := append(append(append([][]float64(nil), s.Fields...), s.Brackets...), deep...)
	r, err := Rank(all, minGap)
	if err != nil {
		return r, deep, fmt.Errorf("lie: Deeper: %w", err)
	}
	return r, deep, nil
}

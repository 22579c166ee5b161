package ad

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// fastSum and fastDot give the same bits with and without AVX2 (the
// assembly against sum16Go and dot16Go), and are within the rounding bound
// of their order of additions of the exact sum. A term of the sum passes
// through at most d roundings: n = 16q + r entries, q ≥ 1, take q − 1 in
// its lane (the first addition to a zero is exact), 4 in combine16 and r in
// the tail, d = q + 3 + r (r − 1 when q = 0); fastDot's fused terms one more,
// each product being rounded in its first step, d = q + 4 + r (r when
// q = 0). The result is then within γ_d Σ|terms| of the exact sum S, and
// the float64 nearest S within u|S| (u = 2⁻⁵³, γ_d = du/(1 − du)):
// (γ_d + u) Σ|terms| ≤ (d + 1)u Σ|terms| (1 + 2du). Σ|terms| is rounded
// from the exact sum of the magnitudes (1 + 2u), and the bound's own
// roundings are three; with d ≤ 3200 every second-order factor together is
// below 1 + 2⁻³⁶.
func TestFastSumDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 100, 1000, 10000, 50013} {
		x, y := make([]float64, n), make([]float64, n+3)
		for i := range x {
			x[i] = rng.NormFloat64() * math.Exp(4*rng.NormFloat64())
		}
		for i := range y {
			y[i] = rng.NormFloat64()
		}
		sum, dot := fastSum(x), fastDot(x, y)
		exactSum, exactDot := new(big.Float).SetPrec(2000), new(big.Float).SetPrec(2000)
		exactAbsSum, exactAbsDot := new(big.Float).SetPrec(2000), new(big.Float).SetPrec(2000)
		for i, v := range x {
			p := new(big.Float).SetPrec(2000).Mul(new(big.Float).SetFloat64(v), new(big.Float).SetFloat64(y[i]))
			exactSum.Add(exactSum, new(big.Float).SetFloat64(v))
			exactDot.Add(exactDot, p)
			exactAbsSum.Add(exactAbsSum, new(big.Float).SetFloat64(math.Abs(v)))
			exactAbsDot.Add(exactAbsDot, p.Abs(p))
		}
		q, r := n/16, n%16
		dSum, dDot := max(r-1, 0), r
		if q > 0 {
			dSum, dDot = q+3+r, q+4+r
		}
		u := math.Ldexp(1, -53)
		es, _ := exactSum.Float64()
		ed, _ := exactDot.Float64()
		absSum, _ := exactAbsSum.Float64()
		absDot, _ := exactAbsDot.Float64()
		if d, bound := math.Abs(sum-es), float64(dSum+1)*u*absSum*(1+0x1p-36); d > bound {
			t.Errorf("n = %d: fastSum off the exact sum by %g, bound %g", n, d, bound)
		}
		if d, bound := math.Abs(dot-ed), float64(dDot+1)*u*absDot*(1+0x1p-36); d > bound {
			t.Errorf("n = %d: fastDot off the exact sum by %g, bound %g", n, d, bound)
		}
		if !hasAVX2FMA {
			continue
		}
		func() {
			defer func(v bool) { hasAVX2FMA = v }(hasAVX2FMA)
			hasAVX2FMA = false
			if s := fastSum(x); math.Float64bits(s) != math.Float64bits(sum) {
				t.Errorf("n = %d: fastSum %v with AVX2, %v without", n, sum, s)
			}
			if d := fastDot(x, y); math.Float64bits(d) != math.Float64bits(dot) {
				t.Errorf("n = %d: fastDot %v with AVX2, %v without", n, dot, d)
			}
		}()
	}
}

func BenchmarkFastSum(b *testing.B) {
	x := make([]float64, 50000)
	for i := range x {
		x[i] = float64(i % 7)
	}
	b.Run("fastSum", func(b *testing.B) {
		for b.Loop() {
			fastSum(x)
		}
	})
	b.Run("sum", func(b *testing.B) {
		for b.Loop() {
			sum(x)
		}
	})
}

// fastSum and fastDot on special values, with and without AVX2: a NaN
// alone, infinities of both signs (whose sum is x86's default NaN) and
// zeros of both signs give the same bits; two NaNs of different payloads
// give a NaN, but which of them is the compiler's choice in the Go code.
func TestFastSumDotSpecial(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("no AVX2: one code path only")
	}
	nan1, nan2 := math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff8000000000002)
	negZero := math.Copysign(0, -1)
	for _, n := range []int{16, 17, 32, 47} {
		for p := 0; p < n; p++ {
			for q := 0; q < n; q++ {
				for _, c := range [][2]float64{{nan1, 1}, {math.Inf(1), math.Inf(-1)}, {math.Inf(-1), 2}, {negZero, negZero}, {nan1, nan2}} {
					x, y := make([]float64, n), make([]float64, n)
					for i := range x {
						x[i], y[i] = negZero, 1.5
					}
					x[p], x[q] = c[0], c[1]
					if p == q {
						x[p] = c[0]
					}
					sum, dot := fastSum(x), fastDot(x, y)
					func() {
						defer func(v bool) { hasAVX2FMA = v }(hasAVX2FMA)
						hasAVX2FMA = false
						s, d := fastSum(x), fastDot(x, y)
						twoNaNs := math.IsNaN(c[0]) && math.IsNaN(c[1]) && p != q
						for _, r := range [][3]float64{{sum, s, 0}, {dot, d, 1}} {
							same := math.Float64bits(r[0]) == math.Float64bits(r[1])
							if twoNaNs {
								same = math.IsNaN(r[0]) && math.IsNaN(r[1])
							}
							if !same {
								t.Fatalf("n = %d, %v at %d and %v at %d: %s %#x with AVX2, %#x without",
									n, c[0], p, c[1], q, []string{"fastSum", "fastDot"}[int(r[2])], math.Float64bits(r[0]), math.Float64bits(r[1]))
							}
						}
					}()
				}
			}
		}
	}
}

// addScaled2 has the bits of SumSq's former back tangent, dst zeroed (first)
// then s·x and t·y added in turn, on normal numbers, zeros of both signs,
// infinities and NaNs (math.NaN's and x86's default, from ∞·0, of another
// sign and payload), with and without y: but for the sign of a zero result,
// which the zeroed buffer made +0. Where the compiler fuses a multiply and
// an add (arm64, GOAMD64=v3), the two round otherwise.
func TestAddScaled2(t *testing.T) {
	if goKernelFMA != goUnfused {
		t.Skip("the compiler fuses multiply-adds here")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e300}
	draw := func() float64 {
		if rng.IntN(4) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64()
	}
	for trial := range 500 {
		n := 1 + trial%37
		x, y, d0 := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i], d0[i] = draw(), draw(), draw()
		}
		s, u := draw(), draw()
		for _, first := range []bool{true, false} {
			for _, withY := range []bool{true, false} {
				yy := y
				if !withY {
					yy = nil
				}
				got, want := append([]float64(nil), d0...), append([]float64(nil), d0...)
				addScaled2(got, first, s, x, u, yy)
				if first {
					clear(want)
				}
				for i, v := range x {
					want[i] += s * v
				}
				for i, v := range yy {
					want[i] += u * v
				}
				for i := range got {
					same := math.Float64bits(got[i]) == math.Float64bits(want[i])
					if first && got[i] == 0 && want[i] == 0 {
						same = true // the sign of a zero result
					}
					if !same {
						t.Fatalf("first %v, y %v: s %v, x %v, t %v, y %v, dst %v: %#x, two passes give %#x",
							first, withY, s, x[i], u, y[i], d0[i], math.Float64bits(got[i]), math.Float64bits(want[i]))
					}
				}
			}
		}
	}
}

package ad

import "math"

// fastSum and fastDot are the reductions of the tangent sweeps (HessVec):
// sixteen partial sums, lane j taking the entries j, j+16, j+32, … of the
// leading multiple of 16, combined in a fixed order, and the rest added in
// order. With AVX2 the partial sums are four vector registers, which gives
// about four times the speed of a single chain of additions; without it
// sum16Go and dot16Go compute the same partial sums in the same order, so
// the bits do not depend on the CPU (TestFastSumDot), but for which NaN a
// sum gives when NaNs of different payloads or signs meet in it: x86 returns
// the first operand's NaN, and the compiler picks the order of the operands
// of the Go additions. The gradient (Backward)
// keeps its own four-way sum, whose bits the training runs depend on.
func fastSum(x []float64) float64 {
	m := len(x) &^ 15
	var s float64
	if m > 0 {
		if hasAVX2FMA {
			s = vsum16(&x[0], m)
		} else {
			s = sum16Go(x[:m])
		}
	}
	for _, v := range x[m:] {
		s += v
	}
	return s
}

// fastDot returns Σ x[i]·y[i] over len(x) entries (y at least as long), each
// term fused into its partial sum (math.FMA), in fastSum's order.
func fastDot(x, y []float64) float64 {
	y = y[:len(x)]
	m := len(x) &^ 15
	var s float64
	if m > 0 {
		if hasAVX2FMA {
			s = vdot16(&x[0], &y[0], m)
		} else {
			s = dot16Go(x[:m], y[:m])
		}
	}
	for i := m; i < len(x); i++ {
		s = math.FMA(x[i], y[i], s)
	}
	return s
}

// sum16Go is vsum16 in Go: len(x) a multiple of 16.
func sum16Go(x []float64) float64 {
	var a [16]float64
	for i := 0; i < len(x); i += 16 {
		v := x[i : i+16 : i+16]
		for j := range a {
			a[j] += v[j]
		}
	}
	return combine16(&a)
}

// dot16Go is vdot16 in Go: len(x) = len(y), a multiple of 16.
func dot16Go(x, y []float64) float64 {
	var a [16]float64
	for i := 0; i < len(x); i += 16 {
		v, w := x[i:i+16:i+16], y[i:i+16:i+16]
		for j := range a {
			a[j] = math.FMA(v[j], w[j], a[j])
		}
	}
	return combine16(&a)
}

// combine16 adds sixteen partial sums as the assembly does: the four
// registers of four lanes pairwise, (r0 + r1) + (r2 + r3), then lanes
// 0 + 2 and 1 + 3, then those two.
func combine16(a *[16]float64) float64 {
	var d [4]float64
	for j := range d {
		d[j] = (a[j] + a[4+j]) + (a[8+j] + a[12+j])
	}
	return (d[0] + d[2]) + (d[1] + d[3])
}

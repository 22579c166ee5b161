package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a mean with a two-sided 95% confidence interval [Lo, Hi] over
// N units.
type Interval struct {
	Mean, Lo, Hi float64
	N            int
}

// String formats the interval as "mean [lo, hi]" with three decimals.
func (iv Interval) String() string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", iv.Mean, iv.Lo, iv.Hi)
}

// Sig formats the interval as "mean [lo, hi]" with digits significant
// digits each (%g), for quantities whose scale varies from row to row; an
// interval of fewer than two units shows its mean alone.
func (iv Interval) Sig(digits int) string {
	if iv.N < 2 {
		return fmt.Sprintf("%.*g", digits, iv.Mean)
	}
	return fmt.Sprintf("%.*g [%.*g, %.*g]", digits, iv.Mean, digits, iv.Lo, digits, iv.Hi)
}

// Half returns the half-width of a symmetric interval, (Hi − Lo)/2.
func (iv Interval) Half() float64 { return (iv.Hi - iv.Lo) / 2 }

// PlusMinus formats the interval as "mean ± half" with the given number of
// decimals, the mean signed when signed is true.
func (iv Interval) PlusMinus(decimals int, signed bool) string {
	f := "%.*f ± %.*f"
	if signed {
		f = "%+.*f ± %.*f"
	}
	return fmt.Sprintf(f, decimals, iv.Mean, decimals, iv.Half())
}

// Excludes reports whether v lies outside [Lo, Hi]. An interval of fewer
// than two units (NaN bounds) excludes nothing.
func (iv Interval) Excludes(v float64) bool { return v < iv.Lo || v > iv.Hi }

// Within reports whether the whole interval lies in [lo, hi].
func (iv Interval) Within(lo, hi float64) bool { return iv.Lo >= lo && iv.Hi <= hi }

// MeanCI returns the mean of the independent measurements x with Student's
// t interval,
//
//	x̄ ± t_{0.975, n−1} s/√n,   s² = Σ (x_i − x̄)²/(n − 1).
//
// With fewer than two measurements the bounds are NaN.
func MeanCI(x []float64) Interval {
	n := len(x)
	if n == 0 {
		return Interval{math.NaN(), math.NaN(), math.NaN(), 0}
	}
	m := stat.Mean(x, nil)
	if n < 2 {
		return Interval{m, math.NaN(), math.NaN(), n}
	}
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) * stat.StdDev(x, nil) / math.Sqrt(float64(n))
	return Interval{m, m - h, m + h, n}
}

// PairedCI returns MeanCI of the differences a_i − b_i of measurements paired
// by unit. It panics if a and b differ in length.
func PairedCI(a, b []float64) Interval {
	if len(a) != len(b) {
		panic(fmt.Sprintf("stats: PairedCI: %d and %d measurements", len(a), len(b)))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return MeanCI(d)
}

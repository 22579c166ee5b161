package exercise

import (
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// tiedRanks returns the ranks of x, 1 for the smallest, ties at their mean rank.
func tiedRanks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

func TestSpearman(t *testing.T) {
	verdictIs(t, Spearman(func(x, y []float64) float64 { return stat.Correlation(tiedRanks(x), tiedRanks(y), nil) }), Right)
	verdictIs(t, Spearman(func(x, y []float64) float64 { return stat.Correlation(x, y, nil) }), Wrong) // Pearson's
	ordinalRanks := func(x []float64) []float64 {                                                      // ties broken by position, not averaged
		idx := make([]int, len(x))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case x[a] < x[b]:
				return -1
			case x[a] > x[b]:
				return 1
			}
			return 0
		})
		r := make([]float64, len(x))
		for k, i := range idx {
			r[i] = float64(k + 1)
		}
		return r
	}
	verdictIs(t, Spearman(func(x, y []float64) float64 { return stat.Correlation(ordinalRanks(x), ordinalRanks(y), nil) }), Wrong)
	verdictIs(t, Spearman(nil), Unanswered)
}

func TestRescalingInvariants(t *testing.T) {
	verdictIs(t, RescalingInvariants("ac"), Right)
	verdictIs(t, RescalingInvariants("acd"), Wrong) // additive noise taken for invariant
	verdictIs(t, RescalingInvariants("abc"), Wrong) // the Hessian taken for invariant
	verdictIs(t, RescalingInvariants("a"), Wrong)
	verdictIs(t, RescalingInvariants(""), Unanswered)
}

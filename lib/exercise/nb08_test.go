package exercise

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ensemble"
)

// voteByHand is the solution of exercise 08.1, with the tie rule as a parameter.
func voteByHand(logits []*mat.Dense, largestOnTie bool) []int {
	classes, samples := logits[0].Dims()
	out := make([]int, samples)
	for j := range samples {
		count := make([]int, classes)
		for _, z := range logits {
			count[columnArgmax(z.ColView(j).(*mat.VecDense))[0]]++
		}
		best := 0
		for k := range classes {
			if count[k] > count[best] || largestOnTie && count[k] == count[best] {
				best = k
			}
		}
		out[j] = best
	}
	return out
}

func TestMajorityVote(t *testing.T) {
	verdictIs(t, MajorityVote(func(z []*mat.Dense) []int { return voteByHand(z, false) }), Right)
	v := MajorityVote(func(z []*mat.Dense) []int { return voteByHand(z, true) })
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "ties") {
		t.Errorf("the tie rule is not named: %s", v.Message)
	}
	v = MajorityVote(func(z []*mat.Dense) []int { return columnArgmax(ensemble.Average(z)) })
	verdictIs(t, v, Wrong)
	if !strings.Contains(v.Message, "mean softmax") {
		t.Errorf("the mean softmax is not named: %s", v.Message)
	}
	verdictIs(t, MajorityVote(func(z []*mat.Dense) []int { return nil }), Wrong)
	verdictIs(t, MajorityVote(nil), Unanswered)
}

// cycleLengths returns the cycle lengths of a permutation.
func cycleLengths(perm []int) []int {
	seen := make([]bool, len(perm))
	var out []int
	for i := range perm {
		n := 0
		for j := i; !seen[j]; j = perm[j] {
			seen[j] = true
			n++
		}
		if n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func TestInterpolatedLimit(t *testing.T) {
	// ½(I + P) is singular exactly when P has the eigenvalue −1: a cycle of even length.
	verdictIs(t, InterpolatedLimit(func(perm []int) bool {
		for _, n := range cycleLengths(perm) {
			if n%2 == 0 {
				return false
			}
		}
		return true
	}), Right)
	verdictIs(t, InterpolatedLimit(func(perm []int) bool { return true }), Wrong) // "the inverse is exact"
	verdictIs(t, InterpolatedLimit(func(perm []int) bool {                        // singular when P has a fixed point
		for i, p := range perm {
			if i == p {
				return false
			}
		}
		return true
	}), Wrong)
	verdictIs(t, InterpolatedLimit(nil), Unanswered)
}

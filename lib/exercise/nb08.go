package exercise

import (
	"errors"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/sym"
)

// MajorityVote checks exercise 08.1: a function that turns the members'
// logits (one classes×samples matrix per member) into the ensemble's
// prediction by majority vote, ties going to the smallest class.
//
// The check compares the answer with ensemble.Vote, exactly (they are
// integers), on random logits: an even number of members over three classes,
// where ties are frequent, and an odd number over ten.
func MajorityVote(f func(logits []*mat.Dense) []int) Verdict {
	const id = "08.1"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(8, 1))
	for _, c := range []struct{ members, classes, samples int }{{5, 10, 300}, {4, 3, 300}, {1, 4, 20}} {
		logits := make([]*mat.Dense, c.members)
		for i := range logits {
			logits[i] = data.Normal(rng, c.classes, c.samples, 1)
		}
		want := ensemble.Vote(logits)
		got, err := Protect(func() []int {
			cp := make([]*mat.Dense, len(logits))
			for i, z := range logits {
				cp[i] = mat.DenseCopyOf(z)
			}
			return f(cp)
		})
		switch {
		case err != nil:
			return Fail(id, "your function panicked on %d members, %d classes: %v", c.members, c.classes, err)
		case len(got) != c.samples:
			return Fail(id, "your function returned %d predictions for %d samples (one per column)", len(got), c.samples)
		case slices.Equal(got, want):
			continue
		}
		if slices.Equal(got, columnArgmax(ensemble.Average(logits))) {
			return Fail(id, "your predictions are those of the mean softmax, which weighs how confident each member is. A vote counts each member's class once.")
		}
		ties := 0
		for j := range got {
			if got[j] != want[j] && votesFor(logits, j, got[j]) == votesFor(logits, j, want[j]) {
				ties++
			}
		}
		if ties > 0 {
			return Fail(id, "with %d members and %d classes, your vote breaks %d ties differently: ties go to the smallest class, as torch.mode", c.members, c.classes, ties)
		}
		return Fail(id, "with %d members and %d classes, your vote differs on samples without ties: count, for each sample, how many members predict each class (the argmax of their column)", c.members, c.classes)
	}
	return Pass(id, "your vote agrees with ensemble.Vote on random logits, ties included")
}

// columnArgmax returns the row of the largest entry of each column.
func columnArgmax(z mat.Matrix) []int {
	r, c := z.Dims()
	out := make([]int, c)
	for j := range c {
		for i := 1; i < r; i++ {
			if z.At(i, j) > z.At(out[j], j) {
				out[j] = i
			}
		}
	}
	return out
}

// votesFor counts the members whose argmax on sample j is class k.
func votesFor(logits []*mat.Dense, j, k int) int {
	n := 0
	for _, z := range logits {
		if columnArgmax(z.ColView(j).(*mat.VecDense))[0] == k {
			n++
		}
	}
	return n
}

// InterpolatedLimit checks exercise 08.2. The interpolated-permutation
// baseline uses G = (I + ½ε(I + P))/(1 + ε), which tends to ½(I + P) as
// ε → ∞; the exercise asks for a function telling, from a permutation
// (P_{i,perm[i]} = 1, as sym.PermMatrix), whether that limit is invertible.
//
// The check builds ½(I + P) with sym.PermMatrix for random permutations of
// 1 to 12 units and calls it singular when its smallest singular value is
// below 1e-8; the nonzero ones are at least sin(π/24) ≈ 0.13 here (P's
// eigenvalues are roots of unity), so the threshold cannot misclassify.
func InterpolatedLimit(f func(perm []int) bool) Verdict {
	const id = "08.2"
	if f == nil {
		return Open(id)
	}
	rng := rand.New(rand.NewPCG(8, 2))
	var saidYes, saidNo int // wrong answers of each kind
	for trial := range 300 {
		h := 1 + trial%12
		perm := rng.Perm(h)
		want := limitInvertible(perm)
		got, err := Protect(func() bool { return f(slices.Clone(perm)) })
		if err != nil {
			return Fail(id, "your function panicked on a permutation of %d units: %v", h, err)
		}
		switch {
		case got && !want:
			saidYes++
		case !got && want:
			saidNo++
		}
	}
	const hint = "The eigenvalues of a permutation matrix are roots of unity, one set per cycle: when is 1 + λ zero?"
	switch {
	case saidYes > 0 && saidNo > 0:
		return Fail(id, "of 300 random permutations, %d limits you call invertible are singular and %d you call singular are invertible. %s", saidYes, saidNo, hint)
	case saidYes > 0:
		return Fail(id, "of 300 random permutations, %d limits you call invertible are singular. %s", saidYes, hint)
	case saidNo > 0:
		return Fail(id, "of 300 random permutations, %d limits you call singular are invertible. %s", saidNo, hint)
	}
	return Pass(id, "your function tells invertible from singular limits on 300 random permutations of 1 to 12 units")
}

// limitInvertible reports whether ½(I + P) is invertible.
func limitInvertible(perm []int) bool {
	M := sym.PermMatrix(perm)
	h := len(perm)
	for i := range h {
		M.Set(i, i, M.At(i, i)+1)
	}
	M.Scale(0.5, M)
	var svd mat.SVD
	if !svd.Factorize(M, mat.SVDNone) {
		mustLib("InterpolatedLimit", errors.New("the SVD of ½(I + P) did not converge"))
	}
	s := svd.Values(nil)
	return s[len(s)-1] > 1e-8
}

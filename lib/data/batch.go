package data

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Last says what a Batcher does with the last, partial batch of an epoch
// when the batch size does not divide the number of samples.
type Last int

const (
	KeepLast Last = iota // yield it, smaller than the others
	DropLast             // skip it: every batch has the full size
)

// A Batcher splits the sample indices 0, …, n−1 into minibatches, in a new
// random order every epoch.
//
// Next serves step-counted loops, starting new epochs as needed; Epoch
// serves epoch-counted loops:
//
//	b := data.NewBatcher(train.Len(), 32, data.KeepLast, rng)
//	for epoch := 0; epoch < 10; epoch++ {
//		for idx := range b.Epoch() {
//			xb = data.GatherRows(xb, train.X, idx)
//			…
//		}
//	}
//
// The slice of indices it returns is valid until the next call of Next or
// the next step of Epoch, and must not be modified.
type Batcher struct {
	size   int
	last   Last
	rng    *rand.Rand
	perm   []int
	pos    int
	epochs int
}

// NewBatcher returns a Batcher over n samples in batches of size. With a nil
// rng the order is 0, …, n−1 in every epoch. It panics if n or size is not
// positive, or if DropLast leaves no batch (size > n).
func NewBatcher(n, size int, last Last, rng *rand.Rand) *Batcher {
	if n <= 0 || size <= 0 {
		panic(fmt.Sprintf("data: NewBatcher: %d samples in batches of %d", n, size))
	}
	if last == DropLast && size > n {
		panic(fmt.Sprintf("data: NewBatcher: batches of %d from %d samples with DropLast leave no batch", size, n))
	}
	b := &Batcher{size: size, last: last, rng: rng, perm: make([]int, n)}
	for i := range b.perm {
		b.perm[i] = i
	}
	b.pos = b.end() // the first call starts epoch 1
	return b
}

// end returns the position at which an epoch ends.
func (b *Batcher) end() int {
	n := len(b.perm)
	if b.last == DropLast {
		return n - n%b.size
	}
	return n
}

// Len returns the number of batches per epoch.
func (b *Batcher) Len() int { return (b.end() + b.size - 1) / b.size }

// Epochs returns the number of epochs started so far.
func (b *Batcher) Epochs() int { return b.epochs }

func (b *Batcher) start() {
	if b.rng != nil {
		b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	}
	b.pos = 0
	b.epochs++
}

// Next returns the indices of the next batch, starting a new epoch (and a
// new permutation) when the current one is used up.
func (b *Batcher) Next() []int {
	if b.pos >= b.end() {
		b.start()
	}
	lo := b.pos
	b.pos = min(lo+b.size, b.end())
	return b.perm[lo:b.pos:b.pos]
}

// Epoch starts a new epoch, abandoning what is left of the current one, and
// returns an iterator over its batches.
func (b *Batcher) Epoch() iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		b.start()
		for b.pos < b.end() {
			if !yield(b.Next()) {
				return
			}
		}
	}
}

// GatherRows copies the rows idx of src into the rows of dst, in order,
//
//	dst_{i,·} = src_{idx[i],·},
//
// and returns dst. A nil dst gives a new len(idx)×c matrix; otherwise dst is
// reshaped to len(idx)×c if needed, reusing its storage when it has room
// (like Reset then ReuseAs), so that one dst serves the full batches and the
// last partial one of an epoch without allocating. dst must therefore not
// be a view into another matrix. It panics if an index is out of range.
func GatherRows(dst, src *mat.Dense, idx []int) *mat.Dense {
	r, c := src.Dims()
	dst = reuse(dst, len(idx), c)
	for i, k := range idx {
		if k < 0 || k >= r {
			panic(fmt.Sprintf("data: GatherRows: index %d out of range [0, %d)", k, r))
		}
		copy(dst.RawRowView(i), src.RawRowView(k))
	}
	return dst
}

// GatherLabels returns the labels idx of src, dst_i = src_{idx[i]}, in dst
// if it has room. It panics if an index is out of range.
func GatherLabels(dst, src, idx []int) []int {
	if cap(dst) < len(idx) {
		dst = make([]int, len(idx))
	}
	dst = dst[:len(idx)]
	for i, k := range idx {
		if k < 0 || k >= len(src) {
			panic(fmt.Sprintf("data: GatherLabels: index %d out of range [0, %d)", k, len(src)))
		}
		dst[i] = src[k]
	}
	return dst
}

package data

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// A Set is a labelled data set stored one sample per row.
type Set struct {
	// X is N×d: row i is sample i. Images are flattened in channel, row,
	// column order (CHW), d = C·H·W.
	X *mat.Dense
	// Labels[i] ∈ [0, len(Classes)) is the class of sample i.
	Labels []int
	// Classes are the class names, indexed by label.
	Classes []string
	// Shape is the shape of one image; {1, 1, d} for data that are not
	// images.
	Shape Shape
}

// Shape is the shape of one image: channels, height, width. It converts to
// ad.Dims, which has the same fields.
type Shape struct{ C, H, W int }

// Size returns C·H·W, the length of a flattened image.
func (s Shape) Size() int { return s.C * s.H * s.W }

func (s Shape) String() string { return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W) }

// Len returns the number of samples.
func (s *Set) Len() int { return len(s.Labels) }

// OneHot returns the N×len(Classes) one-hot encoding of the labels.
func (s *Set) OneHot() *mat.Dense { return OneHot(nil, s.Labels, len(s.Classes)) }

// Split selects the training or the test part of a data set.
type Split int

const (
	Train Split = iota // the training set
	Test               // the test set
)

func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// Scaling says how pixel bytes p ∈ {0, …, 255} become inputs.
type Scaling int

const (
	Unit      Scaling = iota // x = p/255 ∈ [0, 1], the default
	Centered                 // x = p/255 − ½ ∈ [−½, ½]
	Symmetric                // x = 2p/255 − 1 ∈ [−1, 1]
)

// Range returns the interval [lo, hi] the scaled pixels lie in.
func (s Scaling) Range() (lo, hi float64) {
	switch s {
	case Centered:
		return -0.5, 0.5
	case Symmetric:
		return -1, 1
	}
	return 0, 1
}

// table returns the value of each pixel byte under s.
func (s Scaling) table() *[256]float64 {
	var t [256]float64
	lo, hi := s.Range()
	for p := range t {
		t[p] = lo + (hi-lo)*float64(p)/255
	}
	return &t
}

// Settings are the options of the data-set loaders. The zero value loads the
// whole split from the default location with pixels in [0, 1].
type Settings struct {
	// Dir is the directory holding the files. If empty, the loader's
	// environment variable (NOETHER_FASHION_MNIST, NOETHER_CIFAR10) is used,
	// then its default directory.
	Dir string
	// Limit, if positive, loads only the first Limit samples.
	Limit int
	// Scale maps pixel bytes to inputs.
	Scale Scaling
	// Offline forbids downloading a data set that is not installed, as
	// $NOETHER_OFFLINE does: the loader then fails, saying where it looked
	// and how to get the data.
	Offline bool
}

func (s *Settings) orDefault() *Settings {
	if s == nil {
		return &Settings{}
	}
	return s
}

// OneHot returns the N×classes matrix whose row i is the unit vector of
// labels[i], in dst if it is non-nil (dst is resized as in GatherRows). It
// panics if a label is outside [0, classes).
//
// Samples are rows here, as everywhere in this package; Columns gives the
// one-sample-per-column matrix that nn's models take.
func OneHot(dst *mat.Dense, labels []int, classes int) *mat.Dense {
	dst = reuse(dst, len(labels), classes)
	dst.Zero()
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("data: OneHot: label %d of sample %d out of range [0, %d)", l, i, classes))
		}
		dst.Set(i, l, 1)
	}
	return dst
}

// Columns returns a transposed copy of m: a data matrix with one sample per
// row (this package's orientation) as the one-sample-per-column matrix that
// nn's models and objectives take, and back. It is the one place where the
// library turns samples from rows into columns.
func Columns(m mat.Matrix) *mat.Dense { return mat.DenseCopyOf(m.T()) }

// ClassCounts returns how many of the labels fall in each of the classes
// [0, classes). It panics if a label is outside that range.
func ClassCounts(labels []int, classes int) []int {
	c := make([]int, classes)
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("data: ClassCounts: label %d of sample %d out of range [0, %d)", l, i, classes))
		}
		c[l]++
	}
	return c
}

// Center subtracts a mean row from every row of x, in place:
//
//	x_{i,j} ← x_{i,j} − μ_j.
//
// If mean is nil it is the column mean of x itself, μ_j = (1/N) Σ_i x_{i,j};
// Center returns the μ it used, so that a test set is centred with the
// training mean:
//
//	data.Center(test.X, data.Center(train.X, nil))
//
// It panics if len(mean) differs from the number of columns of x.
func Center(x *mat.Dense, mean []float64) []float64 {
	r, c := x.Dims()
	if mean == nil {
		mean = make([]float64, c)
		for i := 0; i < r; i++ {
			for j, v := range x.RawRowView(i) {
				mean[j] += v
			}
		}
		if r > 0 {
			for j := range mean {
				mean[j] /= float64(r)
			}
		}
	}
	if len(mean) != c {
		panic(fmt.Sprintf("data: Center: mean of length %d for a %d×%d matrix", len(mean), r, c))
	}
	for i := 0; i < r; i++ {
		row := x.RawRowView(i)
		for j := range row {
			row[j] -= mean[j]
		}
	}
	return mean
}

// reuse returns dst shaped r×c, reusing its storage when it has room; a nil
// dst gives a new matrix.
func reuse(dst *mat.Dense, r, c int) *mat.Dense {
	if dst == nil {
		dst = &mat.Dense{}
	} else if dr, dc := dst.Dims(); dr == r && dc == c {
		return dst
	}
	if !dst.IsEmpty() {
		dst.Reset()
	}
	if r > 0 && c > 0 {
		dst.ReuseAs(r, c)
	}
	return dst
}

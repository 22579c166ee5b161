package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// The generators below draw from rng in row-major order, so that a seed
// fixes the data. Like the loaders they return one sample per row.

// Normal returns a rows×cols matrix of independent N(0, std²) entries.
func Normal(rng *rand.Rand, rows, cols int, std float64) *mat.Dense {
	if rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("data: Normal: shape %d×%d", rows, cols))
	}
	m := mat.NewDense(rows, cols, nil)
	v := m.RawMatrix().Data
	for i := range v {
		v[i] = std * rng.NormFloat64()
	}
	return m
}

// TeacherStudent returns n samples of the linear regression
//
//	y = W* x + σ ε,  x ~ N(0, I_in),  ε ~ N(0, I_out),  W*_{ij} ~ N(0, 1/in),
//
// as x (n×in) and y (n×out), one sample per row (so Y = X W*ᵀ + σE), and the
// teacher W* (out×in). The 1/in variance keeps y of order one in any
// dimension. Draws: W*, then X, then E.
func TeacherStudent(rng *rand.Rand, n, in, out int, noise float64) (x, y, teacher *mat.Dense) {
	teacher = Normal(rng, out, in, 1/math.Sqrt(float64(in)))
	x = Normal(rng, n, in, 1)
	y = Normal(rng, n, out, noise)
	var clean mat.Dense
	clean.Mul(x, teacher.T())
	y.Add(y, &clean)
	return x, y, teacher
}

// Whitened returns the regression set of the paper's Fig. 3: n samples with
// whitened inputs X = I_n (n×n) and targets Y ~ N(0, 1) (n×m). The figure
// uses n = 10, m = 5; its Y, stored m×n with samples as columns, is the
// transpose of this one.
func Whitened(rng *rand.Rand, n, m int) (x, y *mat.Dense) {
	x = mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		x.Set(i, i, 1)
	}
	return x, Normal(rng, n, m, 1)
}

// NoisyIdentity returns n samples of y = x + σ ε with x, ε ~ N(0, I_d), the
// target of the two-layer linear network of Ziyin et al. Draws: X, then E.
func NoisyIdentity(rng *rand.Rand, n, d int, noise float64) (x, y *mat.Dense) {
	x = Normal(rng, n, d, 1)
	y = Normal(rng, n, d, noise)
	y.Add(y, x)
	return x, y
}

// A Mixture is a Gaussian mixture classification problem: class c has
// inputs x ~ N(μ_c, I_d). It is a synthetic stand-in for Fashion-MNIST-like
// experiments when the real data are absent: train and test sets drawn from
// one Mixture share its means.
type Mixture struct {
	// Means is classes×d: row c is μ_c.
	Means *mat.Dense
}

// NewMixture draws the means of a mixture of k classes in d dimensions,
// μ_c ~ N(0, (sep²/d) I_d), so that two means lie about sep·√2 apart
// whatever d, while the unit noise has standard deviation 1 along any
// direction: sep sets the difficulty (sep = 3 is easy, sep = 1 hard).
func NewMixture(rng *rand.Rand, k, d int, sep float64) *Mixture {
	return &Mixture{Means: Normal(rng, k, d, sep/math.Sqrt(float64(d)))}
}

// Sample draws n labelled samples. The classes are balanced — each of the k
// classes has ⌊n/k⌋ or ⌈n/k⌉ samples — and appear in random order. Draws:
// the label permutation, then X row by row.
func (m *Mixture) Sample(rng *rand.Rand, n int) *Set {
	k, d := m.Means.Dims()
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % k
	}
	rng.Shuffle(n, func(i, j int) { labels[i], labels[j] = labels[j], labels[i] })
	x := Normal(rng, n, d, 1)
	for i, l := range labels {
		row, mu := x.RawRowView(i), m.Means.RawRowView(l)
		for j := range row {
			row[j] += mu[j]
		}
	}
	classes := make([]string, k)
	for c := range classes {
		classes[c] = fmt.Sprintf("class %d", c)
	}
	return &Set{X: x, Labels: labels, Classes: classes, Shape: Shape{1, 1, d}}
}

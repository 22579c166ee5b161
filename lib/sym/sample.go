package sym

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// SampleAlgebra returns T ∈ gl(h) with independent N(0, 1/h) entries,
// T = randn(h,h)/√h, the random direction of the official notebooks. Its
// operator norm is about 2 for large h, so e^{εT} is ε-close to the identity.
func SampleAlgebra(rnd *rand.Rand, h int) *mat.Dense {
	checkWidth("SampleAlgebra", h)
	T := mat.NewDense(h, h, nil)
	s := 1 / math.Sqrt(float64(h))
	raw := T.RawMatrix().Data
	for i := range raw {
		raw[i] = s * rnd.NormFloat64()
	}
	return T
}

// SampleGL returns g = e^{εT} with T = SampleAlgebra(rnd, h): a random element
// of the identity component of GL(h) at distance about ε from the identity.
// det g = e^{ε Tr T} > 0.
func SampleGL(rnd *rand.Rand, h int, eps float64) *mat.Dense {
	return Expm(eps, SampleAlgebra(rnd, h))
}

// SamplePositive returns h positive scales c_j = exp(spread·z_j), z_j ~ N(0,1):
// log-normal, with median 1 and log c_j of standard deviation spread.
func SamplePositive(rnd *rand.Rand, h int, spread float64) []float64 {
	checkWidth("SamplePositive", h)
	c := make([]float64, h)
	for j := range c {
		c[j] = math.Exp(spread * rnd.NormFloat64())
	}
	return c
}

// SamplePerm returns a uniformly random permutation of 0, …, h−1.
func SamplePerm(rnd *rand.Rand, h int) []int {
	checkWidth("SamplePerm", h)
	return rnd.Perm(h)
}

// SampleSigns returns h independent uniformly random signs ±1.
func SampleSigns(rnd *rand.Rand, h int) []float64 {
	checkWidth("SampleSigns", h)
	s := make([]float64, h)
	for j := range s {
		s[j] = 1
		if rnd.IntN(2) == 0 {
			s[j] = -1
		}
	}
	return s
}

// SampleOrthogonal returns a Haar-distributed (uniform) random element of O(h).
// With Z an h×h standard Gaussian matrix and Z = QR its QR factorisation, the
// Q of a Householder QR is not Haar: the signs of diag(R) depend on Z. The
// correction Q diag(sign R_ii) makes the factorisation unique (R with a
// positive diagonal), and then Q inherits the invariance of Z under left
// multiplication by orthogonal matrices, which is the Haar property.
func SampleOrthogonal(rnd *rand.Rand, h int) *mat.Dense {
	checkWidth("SampleOrthogonal", h)
	Z := mat.NewDense(h, h, nil)
	raw := Z.RawMatrix().Data
	for i := range raw {
		raw[i] = rnd.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(Z)
	var Q, R mat.Dense
	qr.QTo(&Q)
	qr.RTo(&R)
	for j := 0; j < h; j++ {
		if R.At(j, j) < 0 {
			scaleCol(&Q, j, -1)
		}
	}
	return &Q
}

func checkWidth(fn string, h int) {
	if h <= 0 {
		panic(fmt.Sprintf("sym: %s: h = %d, want positive", fn, h))
	}
}

// Identity returns the h×h identity matrix: the identity element e of GL(h),
// at which every action leaves (U, V) as it is.
func Identity(h int) *mat.Dense {
	e := mat.NewDense(h, h, nil)
	for i := range h {
		e.Set(i, i, 1)
	}
	return e
}

package nn

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Initializer fills a weight matrix with random values. For an out×in
// weight (as used throughout this package) fan-in is the number of columns
// and fan-out the number of rows.
type Initializer func(rng *rand.Rand, m *mat.Dense)

func fillNormal(rng *rand.Rand, m *mat.Dense, std float64) {
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, std*rng.NormFloat64())
		}
	}
}

func fillUniform(rng *rand.Rand, m *mat.Dense, a float64) {
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, a*(2*rng.Float64()-1))
		}
	}
}

// Normal returns the initializer W_ij ~ N(0, std²).
func Normal(std float64) Initializer {
	return func(rng *rand.Rand, m *mat.Dense) { fillNormal(rng, m, std) }
}

// Uniform returns the initializer W_ij ~ U(−a, a).
func Uniform(a float64) Initializer {
	return func(rng *rand.Rand, m *mat.Dense) { fillUniform(rng, m, a) }
}

// Zeros sets every entry to zero.
func Zeros(_ *rand.Rand, m *mat.Dense) { m.Zero() }

// LeCunNormal draws W_ij ~ N(0, 1/fan_in). For the two-layer network it is
// the initialisation of the paper's official code (which calls it Xavier):
// U ~ N(0, 1/h) for U ∈ R^{m×h} and V ~ N(0, 1/n) for V ∈ R^{h×n}, giving
// E[Tr(UᵀU − VVᵀ)] = m − h.
func LeCunNormal(rng *rand.Rand, m *mat.Dense) {
	_, in := m.Dims()
	fillNormal(rng, m, 1/math.Sqrt(float64(in)))
}

// PaperInit is the official code's initialisation, LeCunNormal.
var PaperInit Initializer = LeCunNormal

// XavierNormal (Glorot normal) draws W_ij ~ N(0, 2/(fan_in + fan_out)).
func XavierNormal(rng *rand.Rand, m *mat.Dense) {
	out, in := m.Dims()
	fillNormal(rng, m, math.Sqrt(2/float64(in+out)))
}

// XavierUniform (Glorot uniform) draws W_ij ~ U(−a, a) with
// a = √(6/(fan_in + fan_out)), the same variance as XavierNormal.
func XavierUniform(rng *rand.Rand, m *mat.Dense) {
	out, in := m.Dims()
	fillUniform(rng, m, math.Sqrt(6/float64(in+out)))
}

// KaimingNormal (He normal) draws W_ij ~ N(0, 2/fan_in), which keeps the
// second moment of ReLU activations constant through depth.
func KaimingNormal(rng *rand.Rand, m *mat.Dense) {
	_, in := m.Dims()
	fillNormal(rng, m, math.Sqrt(2/float64(in)))
}

// KaimingUniform (He uniform) draws W_ij ~ U(−a, a) with a = √(6/fan_in).
func KaimingUniform(rng *rand.Rand, m *mat.Dense) {
	_, in := m.Dims()
	fillUniform(rng, m, math.Sqrt(6/float64(in)))
}

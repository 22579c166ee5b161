package sym

import (
	"math/rand/v2"
	"testing"
)

// The Fig. 9 setting: m = 10, n = 5, h = 50, d = 750 parameters.
func BenchmarkNewGeneratorDoubleRotation(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	A := DoubleRotationGen(randSym(rnd, 50), 10, 5)
	for b.Loop() {
		NewGenerator(A)
	}
}

func BenchmarkGeneratorApply(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	g := NewGenerator(DoubleRotationGen(randSym(rnd, 50), 10, 5))
	theta := make([]float64, g.Dim())
	for i := range theta {
		theta[i] = rnd.NormFloat64()
	}
	dst := make([]float64, len(theta))
	for b.Loop() {
		g.Apply(dst, 0.3, theta)
	}
}

func BenchmarkGL(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	U, V := randn(rnd, 10, 50, 1), randn(rnd, 50, 5, 1)
	g := SampleGL(rnd, 50, 0.5)
	for b.Loop() {
		GL(g, U, V)
	}
}

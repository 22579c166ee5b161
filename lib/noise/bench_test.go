package noise

import (
	"testing"

	"github.com/noetherlab/noether/lib/nn"
)

// The target: per-sample gradients and Tr[ΣA] of a 10 000-parameter
// MLP on 1000 samples in ≤ 50 ms on 2 cores.
func benchMLP() (problem, *Symmetry) {
	p := mlp(1, nn.Tanh, []int{64, 100, 32, 10}, 1000, nn.MSE) // 10 062 parameters
	A := LayerRescaling(p.model.Params(), []string{"W2", "b2"}, []string{"W3"})
	return p, A
}

func BenchmarkPerSample10k(b *testing.B) {
	p, _ := benchMLP()
	for b.Loop() {
		if _, err := PerSample(p.model, p.theta, p.x, p.y, p.loss); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPerSampleTraceCovA10k(b *testing.B) {
	p, A := benchMLP()
	for b.Loop() {
		g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
		if err != nil {
			b.Fatal(err)
		}
		_ = g.TraceCovA(A)
	}
}

func BenchmarkTraceCov10k(b *testing.B) {
	p, _ := benchMLP()
	g, _ := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	for b.Loop() {
		_ = g.TraceCov()
	}
}

func BenchmarkCovMulVec10k(b *testing.B) {
	p, _ := benchMLP()
	g, _ := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	v := make([]float64, g.Dim())
	for i := range v {
		v[i] = 1
	}
	dst := make([]float64, g.Dim())
	for b.Loop() {
		g.CovMulVec(dst, v)
	}
}

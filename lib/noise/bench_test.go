package noise

import (
	"testing"

	"gonum.org/v1/gonum/mat"

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

// Tr[ΣA] of the 30-40-30 linear net on 1000 samples for the rotation
// generator with B = I (Tr Q = ‖U‖² − ‖V‖², two 1×1 parts): the prediction
// DriftRate takes at every state of its SGD runs.
func BenchmarkTraceCovATraceQ(b *testing.B) {
	p := linearNet(1, 30, 40, 30, 1000)
	id := mat.NewSymDense(40, nil)
	for i := range 40 {
		id.SetSym(i, i, 1)
	}
	A := TwoLayerRotation(30, 30, id)
	g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		g.TraceCovA(A)
	}
}

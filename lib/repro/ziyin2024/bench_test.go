package ziyin2024_test

import (
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// The target: 10⁵ SGD steps (one sample per step) of the 30-40-30
// linear net of notebook 15 in ≤ 5 s on 2 cores.
func BenchmarkSGD3040(b *testing.B) {
	p := ziyin2024.Linear{}
	x, y := p.Data()
	obj := nn.NewObjective(p.Net(), x, y, nn.MSE)
	theta0 := p.Init(0, nn.XavierNormal, 0)
	for b.Loop() {
		theta := append([]float64(nil), theta0...)
		if _, err := optim.RunBatch(obj.Batch, 1000, theta, &optim.GD{LR: 0.05}, optim.BatchSettings{
			BatchSize: 1, Steps: 100000, Rand: rand.New(rand.NewPCG(1, 1))}); err != nil {
			b.Fatal(err)
		}
	}
}

package ziyin2024

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// TestLinearGD checks the full-batch objective from sufficient statistics
// against the network's on the data, at Xavier inits of notebook 15's
// problem and of Factorisation's: the same loss and gradient up to the
// rounding of sums over N = 1000 samples, relative 1e-12 (measured: below
// 3e-15 for the loss, 5e-16 for the gradient).
func TestLinearGD(t *testing.T) {
	fs := FactorisationSettings{}.withDefaults()
	fx, fy := factorisationData(fs)
	for _, c := range []struct {
		p    Linear
		x, y *mat.Dense
	}{
		{Linear{}, nil, nil},
		{Linear{Dim: fs.Dim, Hidden: fs.Hidden, Samples: fs.Dim * fs.Repeats}, fx, fy},
	} {
		p := c.p.withDefaults()
		x, y := c.x, c.y
		if x == nil {
			x, y = p.Data()
		}
		obj := nn.NewObjective(p.Net(), x, y, nn.MSE)
		gd := newLinearGD(p, x, y)
		for seed := range uint64(3) {
			theta := p.Init(seed, nn.XavierNormal, 1)
			want, got := make([]float64, len(theta)), make([]float64, len(theta))
			lw, lg := obj.Func(theta, want), gd.Func(theta, got)
			if math.Abs(lg-lw) > 1e-12*math.Abs(lw) {
				t.Errorf("%+v seed %d: loss %v, network's %v", p, seed, lg, lw)
			}
			floats.Sub(got, want)
			if e, n := floats.Norm(got, 2), floats.Norm(want, 2); e > 1e-12*n {
				t.Errorf("%+v seed %d: gradient off by %.3g of its norm %.3g", p, seed, e/n, n)
			}
		}
	}
}

// One full-batch evaluation of loss and gradient of the 30-40-30 problem on
// its 1000 samples (notebook 15's GD runs): by the network on the data and
// from the sufficient statistics.
func BenchmarkLinearFullBatch(b *testing.B) {
	p := Linear{}.withDefaults()
	x, y := p.Data()
	theta := p.Init(0, nn.XavierNormal, 0)
	grad := make([]float64, len(theta))
	b.Run("network", func(b *testing.B) {
		obj := nn.NewObjective(p.Net(), x, y, nn.MSE)
		for b.Loop() {
			obj.Func(theta, grad)
		}
	})
	b.Run("statistics", func(b *testing.B) {
		gd := newLinearGD(p, x, y)
		for b.Loop() {
			gd.Func(theta, grad)
		}
	})
}

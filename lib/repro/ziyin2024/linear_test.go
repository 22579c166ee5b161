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
// problem, of Factorisation's and of one with XXᵀ singular (20 samples in
// 30 dimensions, statistics about 0): the same loss and gradient up to the
// rounding of sums of N ≤ 1000 terms, γ_N ≈ N·2⁻⁵³ ≤ 1.1e-13 of the sums
// of their magnitudes, which at these inits are within a few times the
// loss: relative 1e-12 (measured: below 3e-15 for the loss, 4e-16 for the
// gradient).
func TestLinearGD(t *testing.T) {
	fs := FactorisationSettings{}.withDefaults()
	fx, fy := factorisationData(fs)
	for _, c := range []struct {
		p    Linear
		x, y *mat.Dense
	}{
		{Linear{}, nil, nil},
		{Linear{Samples: 20}, nil, nil}, // XXᵀ singular: statistics about 0
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

// TestLinearGDNearMinimum checks the loss from sufficient statistics at the
// least squares minimum of problems with little noise, L = σ² ≪ ‖Y‖²/(dN):
// there the network's loss itself is only as accurate as its residuals
// r = UVx − y, each rounded by at most γ_{d+h}·(|U||V||x|)_i with
// γ_k ≈ k·2⁻⁵³, so the two agree to 2·2γ_{d+h}·max(|M||X|)/√L relative
// (1.3e-10 at σ = 10⁻³, 1.3e-7 at 10⁻⁶; measured 1.8e-15 and 1.1e-12).
// Statistics expanded about M = 0 lose the absolute rounding of ‖Y‖²_F
// here (measured 1.9e-9 and 1.8e-4).
func TestLinearGDNearMinimum(t *testing.T) {
	for _, sigma := range []float64{1e-3, 1e-6} {
		p := Linear{Noise: sigma}.withDefaults()
		x, y := p.Data()
		d, h := p.Dim, p.Hidden
		// θ at a least squares minimum: U = [M*, 0], V = [I; 0].
		var S, C, M mat.Dense
		S.Mul(x, x.T())
		C.Mul(y, x.T())
		if err := M.Solve(&S, C.T()); err != nil {
			t.Fatal(err)
		}
		theta := make([]float64, 2*d*h)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				theta[i*h+j] = M.At(j, i) // M solves S Mᵀ = Cᵀ
			}
			theta[d*h+i*d+i] = 1
		}
		var absM, absX, mx mat.Dense
		absM.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, M.T())
		absX.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, x)
		mx.Mul(&absM, &absX)
		lw := nn.NewObjective(p.Net(), x, y, nn.MSE).Func(theta, make([]float64, len(theta)))
		lg := newLinearGD(p, x, y).Func(theta, make([]float64, len(theta)))
		tol := 4 * float64(d+h) * 0x1p-53 * mat.Max(&mx) / math.Sqrt(lw)
		if e := math.Abs(lg-lw) / lw; e > tol {
			t.Errorf("σ = %g: loss %v, network's %v: relative %.2g > %.2g", sigma, lg, lw, e, tol)
		}
	}
}

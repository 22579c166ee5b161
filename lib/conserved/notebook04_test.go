package conserved_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// The claims of notebooks/04-initialisation.ipynb, on its draws: Q at
// initialisation U ~ N(0, 1/h), V ~ N(0, 1/n) (nn.PaperInit), draw i from
// rand.NewPCG(i, 4), and the scaling orbit of a minimum.

func nb04Sample(m, h, n, draws int) map[string][]float64 {
	net := nn.TwoLayer{In: n, Hidden: h, Out: m}
	q := map[string][]float64{}
	for i := range draws {
		p := net.Init(rand.New(rand.NewPCG(uint64(i), 4)), nn.PaperInit)
		for _, f := range officialActs {
			q[f.Name] = append(q[f.Name], conserved.Official(f, p.M("U"), p.M("V")))
		}
	}
	return q
}

// Sample moments of 1000 draws against the closed forms of InitMoments and
// against papers.md's values (measured on other draws). Q is a sum of ≥ 10⁴
// independent terms, so it is Gaussian to a good approximation: the sample
// mean has standard error σ/√N and the sample sd σ/√(2N). Bounds are 4
// standard errors; a comparison of two independent samples (ours and the
// derived values) gets √2 more, plus half a unit in the last digit the
// derived value is given to.
func TestNotebook04InitMoments(t *testing.T) {
	const N = 1000
	cases := []struct {
		m, h, n    int
		f          nn.Activation
		mean, sd   float64 // papers.md §1.6 [derived]
		mRnd, sRnd float64 // half a unit in their last digit
	}{
		{100, 100, 100, nn.Linear, 0.09, 1.98, 0.005, 0.005},
		{100, 100, 100, nn.ReLU, 50.1, 1.8, 0.05, 0.05},
		{100, 100, 100, nn.Tanh, -10001, 2.0, 0.5, 0.05},
		{100, 100, 100, nn.Sigmoid, -9999, 19.9, 0.5, 0.05},
		{100, 200, 100, nn.Linear, -100.1, 2.3, 0.05, 0.05},
		{200, 100, 100, nn.Linear, 100.1, 2.5, 0.05, 0.05},
	}
	samples := map[[3]int]map[string][]float64{}
	for _, c := range cases {
		key := [3]int{c.m, c.h, c.n}
		if samples[key] == nil {
			samples[key] = nb04Sample(c.m, c.h, c.n, N)
		}
		q := samples[key][c.f.Name]
		mean, sd := stat.Mean(q, nil), stat.StdDev(q, nil)
		em, ev := conserved.InitMoments(c.f, c.m, c.h, c.n, 1/math.Sqrt(float64(c.h)), 1/math.Sqrt(float64(c.n)))
		sigma := math.Sqrt(ev)
		seMean, seSD := sigma/math.Sqrt(N), sigma/math.Sqrt(2*N)
		if math.Abs(mean-em) > 4*seMean || math.Abs(sd-sigma) > 4*seSD {
			t.Errorf("%v %v: sample %.3f ± %.3f, closed form %.3f ± %.3f (bounds %.2g, %.2g)", c.f, key, mean, sd, em, sigma, 4*seMean, 4*seSD)
		}
		if math.Abs(mean-c.mean) > 4*math.Sqrt2*seMean+c.mRnd || math.Abs(sd-c.sd) > 4*math.Sqrt2*seSD+c.sRnd {
			t.Errorf("%v %v: sample %.3f ± %.3f, paper (derived) %g ± %g", c.f, key, mean, sd, c.mean, c.sd)
		}
		if c.f.Name == nn.Linear.Name { // E = m − h, Var = 2m/h + 2h/n
			m, h, n := float64(c.m), float64(c.h), float64(c.n)
			if math.Abs(em-(m-h)) > 1e-12*m || math.Abs(ev-(2*m/h+2*h/n)) > 1e-12 {
				t.Errorf("%v: InitMoments %g, %g, want m − h = %g, 2m/h + 2h/n = %g", key, em, ev, m-h, 2*m/h+2*h/n)
			}
		}
		t.Logf("%v %v: sample %.2f ± %.2f, closed form %.2f ± %.2f, derived %g ± %g", c.f, key, mean, sd, em, sigma, c.mean, c.sd)
	}
}

// The balanced factorisation U = P S^½, V = S^½ Rᵀ of Y = P S Rᵀ.
func nb04Minimum() (Y, U, V *mat.Dense) {
	_, Yt := data.Whitened(rand.New(rand.NewPCG(7, 8)), 100, 100)
	Y = mat.DenseCopyOf(Yt.T())
	var svd mat.SVD
	if !svd.Factorize(Y, mat.SVDThin) {
		panic("SVD failed")
	}
	var P, R mat.Dense
	svd.UTo(&P)
	svd.VTo(&R)
	s := svd.Values(nil)
	for i := range s {
		s[i] = math.Sqrt(s[i])
	}
	U, V = new(mat.Dense), new(mat.Dense)
	U.Mul(&P, mat.NewDiagDense(100, s))
	V.Mul(mat.NewDiagDense(100, s), R.T())
	return Y, U, V
}

func nb04Scale(U, V *mat.Dense, c float64) (*mat.Dense, *mat.Dense) {
	cs := make([]float64, 100)
	for j := range cs {
		cs[j] = c
	}
	return sym.Rescale(cs, U, V)
}

// On the scaling orbit (U/c, cV) of a minimum of ‖Y − UV‖² the loss stays 0
// and Tr Q = (1/c² − c²)‖Y‖_* takes every value: ScaleForQ hits any target.
// Rounding: Tr Q is a difference of two sums of 10⁴ squares, each of size
// ‖Y‖_*/c² or c²‖Y‖_* (‖Y‖_* ≈ 850): 1e-12 relative to their sum; the
// product UV of an SVD reconstruction is exact to ~1e-15 relative (1e-13).
func TestNotebook04Orbit(t *testing.T) {
	Y, U, V := nb04Minimum()
	f := mat.Norm(U, 2)
	nuc := f * f // ‖U‖²_F = ‖V‖²_F = Σ s_i = ‖Y‖_*
	resid := func(Uc, Vc *mat.Dense) float64 {
		var R mat.Dense
		R.Mul(Uc, Vc)
		R.Sub(Y, &R)
		return mat.Norm(&R, 2) / mat.Norm(Y, 2)
	}
	if q := conserved.Official(nn.Linear, U, V); math.Abs(q) > 1e-12*2*nuc {
		t.Errorf("balanced minimum: Tr Q = %.2g, want 0", q)
	}
	prev := math.Inf(1)
	for i := -200; i <= 200; i += 5 {
		c := math.Pow(10, float64(i)/100)
		Uc, Vc := nb04Scale(U, V, c)
		q := conserved.Official(nn.Linear, Uc, Vc)
		if want := (1/(c*c) - c*c) * nuc; math.Abs(q-want) > 1e-12*(1/(c*c)+c*c)*nuc {
			t.Errorf("c = %g: Tr Q = %.15g, want (1/c² − c²)‖Y‖_* = %.15g", c, q, want)
		}
		if !(q < prev) {
			t.Errorf("Tr Q not decreasing at c = %g", c)
		}
		prev = q
		if r := resid(Uc, Vc); r > 1e-13 {
			t.Errorf("c = %g: ‖Y − UV‖/‖Y‖ = %.2g, want 0", c, r)
		}
	}
	for _, target := range []float64{-1e6, -1e3, -6, 0, 6, 1e3, 1e6} {
		c := conserved.ScaleForQ(target, nuc, nuc)
		Uc, Vc := nb04Scale(U, V, c)
		if q := conserved.Official(nn.Linear, Uc, Vc); math.Abs(q-target) > 1e-12*(1/(c*c)+c*c)*nuc {
			t.Errorf("ScaleForQ(%g): Tr Q = %.15g", target, q)
		}
	}
	// The initial band (|Q₀| ≤ 8 = 4 sd at (100, 100, 100)) is crossed
	// within 0.3% of c = 1: dQ/dc = −4‖Y‖_* there, so |c − 1| ≈ 8/(4·850).
	for _, q := range []float64{-8, 8} {
		if c := conserved.ScaleForQ(q, nuc, nuc); math.Abs(c-1) > 3e-3 {
			t.Errorf("Tr Q = %g at c = %g, want within 0.3%% of 1", q, c)
		}
	}
}

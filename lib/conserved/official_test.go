package conserved

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"gonum.org/v1/gonum/mat"
)

func TestOfficialValues(t *testing.T) {
	// A 1×2 U and a 2×2 V, computed by hand from the official definitions.
	U := mat.NewDense(1, 2, []float64{1, 2})
	V := mat.NewDense(2, 2, []float64{0.5, -1, 2, 0})
	ch := func(x float64) float64 { return math.Cosh(x) * math.Cosh(x) }
	cases := []struct {
		act     nn.Activation
		q, plus float64
	}{
		{nn.Linear, 5 - (0.25 + 1 + 4), 5 + 5.25},
		{nn.ReLU, 5 - (0.25 + 4), 5 + 4.25},
		{nn.Tanh, 5 - (ch(0.5) + ch(-1) + ch(2) + ch(0)), 5 + ch(0.5) + ch(-1) + ch(2) + ch(0)},
		{nn.Sigmoid, 2.5 - 1.5 - (math.Exp(0.5) + math.Exp(-1) + math.Exp(2) + 1), 2.5 + 1.5 + math.Exp(0.5) + math.Exp(-1) + math.Exp(2) + 1},
	}
	for _, c := range cases {
		if q := Official(c.act, U, V); math.Abs(q-c.q) > 1e-14*math.Abs(c.q) {
			t.Errorf("Official(%v) = %.17g, want %.17g", c.act, q, c.q)
		}
		if p := OfficialPlus(c.act, U, V); math.Abs(p-c.plus) > 1e-14*math.Abs(c.plus) {
			t.Errorf("OfficialPlus(%v) = %.17g, want %.17g", c.act, p, c.plus)
		}
	}
	if tr := mat.Trace(Matrix(nil, U, V)); math.Abs(tr-Official(nn.Linear, U, V)) > 1e-14 {
		t.Errorf("Tr Matrix = %v, want Official(nn.Linear) = %v", tr, Official(nn.Linear, U, V))
	}
	if d := NormalisedChange(-3, 2, 10); d != 0.1 {
		t.Errorf("NormalisedChange(−3, 2, 10) = %v, want (3 − 2)/10", d)
	}
}

func TestOfficialVsPaper(t *testing.T) {
	// The documented relations between the official forms and the paper's
	// P = ½‖U‖² − Σ F(V): 2P (linear, ReLU), 2P − hn (tanh), P − hn (sigmoid).
	// Sums of ~100 O(1) terms: 1e-12 relative is rounding.
	const m, h, n = 3, 5, 4
	rnd := rand.New(rand.NewPCG(18, 19))
	U, V := randn(rnd, m, h, 1), randn(rnd, h, n, 1)
	hn := float64(h * n)
	for _, c := range []struct {
		act         nn.Activation
		factor, off float64
	}{{nn.Linear, 2, 0}, {nn.ReLU, 2, 0}, {nn.Tanh, 2, -hn}, {nn.Sigmoid, 1, -hn}} {
		p := Elementwise(RatioIntegral(c.act), U, V)
		want := c.factor*p + c.off
		if got := Official(c.act, U, V); math.Abs(got-want) > 1e-12*(math.Abs(want)+hn) {
			t.Errorf("%v: Official = %.15g, want %g·P %+g = %.15g", c.act, got, c.factor, c.off, want)
		}
	}
}

func TestRatioQuad(t *testing.T) {
	// Composite 20-point Gauss–Legendre against the closed forms: the
	// integrands are entire, so the rule's error is below rounding; 1e-13
	// relative to max(1, |F|) covers rounding over up to 16 panels.
	cases := []struct {
		name   string
		a      activation
		act    nn.Activation
		offset float64 // closed form minus ∫₀ˣ
	}{
		{"linear", actLinear, nn.Linear, 0},
		{"tanh", actTanh, nn.Tanh, 0},
		{"sigmoid", actSigmoid, nn.Sigmoid, 0},
	}
	for _, c := range cases {
		F := RatioQuad(c.a.f, c.a.df, 0)
		exact := RatioIntegral(c.act)
		for x := -4.0; x <= 4; x += 0.37 {
			got, want := F(x), exact(x)
			if math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: ∫₀^%.2f σ/σ′ = %.17g by quadrature, %.17g closed form", c.name, x, got, want)
			}
		}
	}
	// A nonzero lower limit shifts F by a constant: F_{x0}(x) = F_0(x) − F_0(x0).
	F0, F1 := RatioQuad(math.Tanh, actTanh.df, 0), RatioQuad(math.Tanh, actTanh.df, 1.3)
	if d := F1(-0.7) - (F0(-0.7) - F0(1.3)); math.Abs(d) > 1e-14 {
		t.Errorf("lower limit: off by %.3g", d)
	}
}

func TestInitMomentsLinear(t *testing.T) {
	// Q = ‖U‖² − ‖V‖² with U ~ N(0, 1/h), V ~ N(0, 1/n), m = h = n = 20:
	// E[Q] = m − h = 0, Var[Q] = 2m/h + 2h/n = 4.
	const m, h, n, N = 20, 20, 20, 2000
	mean, variance := InitMoments(nn.Linear, m, h, n, 1/math.Sqrt(h), 1/math.Sqrt(n))
	if math.Abs(mean-(m-h)) > 1e-12 || math.Abs(variance-(2.0*m/h+2.0*h/n)) > 1e-12 {
		t.Fatalf("InitMoments = %v, %v; want m − h = %d, 2m/h + 2h/n = %v", mean, variance, m-h, 2.0*m/h+2.0*h/n)
	}
	rnd := rand.New(rand.NewPCG(20, 21))
	qs := make([]float64, N)
	for i := range qs {
		U := randn(rnd, m, h, 1/math.Sqrt(h))
		V := randn(rnd, h, n, 1/math.Sqrt(n))
		qs[i] = Official(nn.Linear, U, V)
	}
	sm, sv := meanVar(qs)
	// Standard error of the mean: √(Var/N) = 0.045.
	seMean := math.Sqrt(variance / N)
	// Standard error of the sample variance: Var(s²) = σ⁴(2/(N−1) + κ/N), κ the
	// excess kurtosis of Q. A cumulant of a·χ²_k is κ_r = a^r 2^{r−1}(r−1)! k, so
	// κ₄(Q) = 48·mh/h⁴ + 48·hn/n⁴ (= 0.24 here) and κ = κ₄/σ⁴ (= 0.015).
	k4 := 48*float64(m*h)/math.Pow(h, 4) + 48*float64(h*n)/math.Pow(n, 4)
	seVar := variance * math.Sqrt(2.0/(N-1)+k4/(variance*variance)/N)
	t.Logf("sample mean %.4f (want %v ± %.3f), sample variance %.4f (want %v ± %.3f)", sm, mean, 4*seMean, sv, variance, 4*seVar)
	if math.Abs(sm-mean) > 4*seMean {
		t.Errorf("sample mean of Q = %.4f, want %v within 4 standard errors (%.3f)", sm, mean, 4*seMean)
	}
	if math.Abs(sv-variance) > 4*seVar {
		t.Errorf("sample variance of Q = %.4f, want %v within 4 standard errors (%.3f)", sv, variance, 4*seVar)
	}
}

func TestInitMomentsOther(t *testing.T) {
	// The other official forms at a non-square shape and non-Xavier stds. The
	// standard error of the sample variance uses the sample fourth central
	// moment: Var(s²) ≈ (μ₄ − σ⁴(N−3)/(N−1))/N.
	const m, h, n, N = 6, 15, 10, 2000
	rnd := rand.New(rand.NewPCG(22, 23))
	for _, c := range []struct {
		act      nn.Activation
		sdU, sdV float64
	}{{nn.Linear, 0.3, 0.2}, {nn.ReLU, 1 / math.Sqrt(h), 1 / math.Sqrt(n)}, {nn.Tanh, 0.3, 0.4}, {nn.Sigmoid, 0.3, 0.4}} {
		mean, variance := InitMoments(c.act, m, h, n, c.sdU, c.sdV)
		qs := make([]float64, N)
		for i := range qs {
			qs[i] = Official(c.act, randn(rnd, m, h, c.sdU), randn(rnd, h, n, c.sdV))
		}
		sm, sv := meanVar(qs)
		var m4 float64
		for _, q := range qs {
			d := q - sm
			m4 += d * d * d * d
		}
		m4 /= N
		seVar := math.Sqrt((m4 - sv*sv*(N-3)/(N-1)) / N)
		seMean := math.Sqrt(variance / N)
		t.Logf("%-7v mean %.4f (predicted %.4f ± %.3f), variance %.4f (predicted %.4f ± %.3f)", c.act, sm, mean, 4*seMean, sv, variance, 4*seVar)
		if math.Abs(sm-mean) > 4*seMean {
			t.Errorf("%v: sample mean %.4f, predicted %.4f ± %.3f", c.act, sm, mean, 4*seMean)
		}
		if math.Abs(sv-variance) > 4*seVar {
			t.Errorf("%v: sample variance %.4f, predicted %.4f ± %.3f", c.act, sv, variance, 4*seVar)
		}
	}
}

func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

func TestPanics(t *testing.T) {
	U, V := mat.NewDense(2, 5, nil), mat.NewDense(4, 3, nil)
	cases := []struct {
		want string
		f    func()
	}{
		{"conserved: Matrix: U is 2×5 and V is 4×3", func() { Matrix(nil, U, V) }},
		{"conserved: Matrix: dst is 3×3, want 5×5", func() { Matrix(mat.NewSymDense(3, nil), U, mat.NewDense(5, 3, nil)) }},
		{`conserved: Official: no official form for activation "swish"`, func() { Official(nn.Swish, U, mat.NewDense(5, 3, nil)) }},
		{"conserved: Neurons: b has length 2, want 5", func() { Neurons(nil, 1, U, mat.NewDense(5, 3, nil), mat.NewVecDense(2, nil)) }},
		{"conserved: ScaleForQ: u2 = 0", func() { ScaleForQ(1, 0, 1) }},
		{"conserved: Charge: A is 3×3, vectors have lengths 2 and 2", func() { Charge(mat.NewSymDense(3, nil), []float64{1, 2}) }},
		{"conserved: DeepMatrix: W[0] is 4×2 and W[1] is 3×5", func() {
			DeepMatrix([]*mat.Dense{mat.NewDense(4, 2, nil), mat.NewDense(3, 5, nil)}, nil)
		}},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, tc.want) {
					t.Errorf("panic %q, want prefix %q", r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

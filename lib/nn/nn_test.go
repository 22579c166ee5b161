package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
)

func randDense(rng *rand.Rand, r, c int, std float64) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	fillNormal(rng, m, std)
	return m
}

// checkGradient compares grad f at theta with central differences:
// ‖g − ĝ‖/max(‖g‖, ‖ĝ‖) ≤ 1e-6.
func checkGradient(t *testing.T, name string, f func(theta, grad []float64) float64, theta []float64) {
	t.Helper()
	g := make([]float64, len(theta))
	l0 := f(theta, g)
	if v := f(theta, nil); v != l0 {
		t.Errorf("%s: value without gradient %v differs from %v", name, v, l0)
	}
	num := make([]float64, len(theta))
	th := append([]float64(nil), theta...)
	for i := range th {
		v := th[i]
		h := 1e-5 * math.Max(1, math.Abs(v))
		th[i] = v + h
		lp := f(th, nil)
		th[i] = v - h
		lm := f(th, nil)
		th[i] = v
		num[i] = (lp - lm) / (2 * h)
	}
	diff := make([]float64, len(g))
	floats.SubTo(diff, g, num)
	rel := floats.Norm(diff, 2) / math.Max(floats.Norm(g, 2), floats.Norm(num, 2))
	if !(rel <= 1e-6) {
		t.Errorf("%s: relative gradient error %.3g > 1e-6", name, rel)
	}
}

func TestTwoLayerGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := randDense(rng, 4, 7, 1)
	y := randDense(rng, 3, 7, 1)
	acts := []Activation{Linear, ReLU, LeakyReLU(0.1), Tanh, Sigmoid, ReLU2, Softplus, Swish, Pow(2, 0), Pow(1.5, 0.3), Radial}
	losses := map[string]Loss{"MSE": MSE, "Frobenius": Frobenius, "SquaredError": SquaredError, "HalfSquaredError": HalfSquaredError}
	for _, act := range acts {
		net := TwoLayer{In: 4, Hidden: 5, Out: 3, Act: act}
		p := net.Init(rng, Normal(0.7))
		for lname, loss := range losses {
			obj := NewObjective(net, x, y, loss)
			checkGradient(t, net.String()+" "+lname, obj.Func, p.Vec())
		}
	}
}

func TestMLPAndConvGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	x := randDense(rng, 6, 9, 1)
	labels := []int{0, 1, 2, 3, 0, 1, 2, 3, 1}
	for _, act := range []Activation{Tanh, LeakyReLU(0.01), Swish} {
		net := MLP{Sizes: []int{6, 5, 4, 4}, Act: act}
		p := net.Init(rng, XavierNormal)
		fillNormal(rng, p.M("b1"), 0.1) // exercise the bias path with nonzero biases
		checkGradient(t, net.String()+" CE labels", NewObjective(net, x, LabelRow(labels), CrossEntropy).Func, p.Vec())
		checkGradient(t, net.String()+" CE one-hot", NewObjective(net, x, data.Columns(data.OneHot(nil, labels, 4)), CrossEntropy).Func, p.Vec())
		checkGradient(t, net.String()+" MSE", NewObjective(net, x, randDense(rng, 4, 9, 1), MSE).Func, p.Vec())
	}
	nb := MLP{Sizes: []int{6, 3, 2}, Act: Sigmoid, NoBias: true}
	checkGradient(t, "MLP no bias", NewObjective(nb, x, randDense(rng, 2, 9, 1), MSE).Func, nb.Init(rng, KaimingNormal).Vec())

	cn := ConvNet{In: ad.Dims{C: 2, H: 6, W: 4}, Channels: 3, Hidden: 5, Classes: 4}
	xi := randDense(rng, cn.In.Size(), 5, 1)
	p := cn.Init(rng, KaimingUniform)
	fillNormal(rng, p.M("conv.b"), 0.1)
	checkGradient(t, cn.String(), NewObjective(cn, xi, LabelRow([]int{3, 1, 0, 2, 1}), CrossEntropy).Func, p.Vec())
	cn.Act = Tanh
	checkGradient(t, cn.String()+" tanh", NewObjective(cn, xi, LabelRow([]int{3, 1, 0, 2, 1}), CrossEntropy).Func, p.Vec())
}

func TestModelSymmetries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := randDense(rng, 4, 10, 1)
	// Linear: f is invariant under (U, V) ↦ (U g⁻¹, g V) for any invertible g.
	lin := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: Linear}
	p := lin.Init(rng, LeCunNormal)
	g := randDense(rng, 3, 3, 1)
	for i := 0; i < 3; i++ {
		g.Set(i, i, g.At(i, i)+3)
	}
	var gi mat.Dense
	if err := gi.Inverse(g); err != nil {
		t.Fatal(err)
	}
	q := p.Clone()
	q.M("U").Mul(p.M("U"), &gi)
	q.M("V").Mul(g, p.M("V"))
	if !mat.EqualApprox(Predict(lin, p, x), Predict(lin, q, x), 1e-12) {
		t.Errorf("linear net is not GL(h)-invariant")
	}
	// ReLU: invariant under positive diagonal rescaling.
	relu := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: ReLU}
	d := []float64{0.3, 2, 5}
	q = p.Clone()
	for j := 0; j < 3; j++ {
		for i := 0; i < 2; i++ {
			q.M("U").Set(i, j, p.M("U").At(i, j)/d[j])
		}
		for k := 0; k < 4; k++ {
			q.M("V").Set(j, k, p.M("V").At(j, k)*d[j])
		}
	}
	if !mat.EqualApprox(Predict(relu, p, x), Predict(relu, q, x), 1e-12) {
		t.Errorf("ReLU net is not invariant under positive rescaling")
	}
	// Radial: invariant under orthogonal g, (U gᵀ, g V).
	rad := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: Radial}
	var qr mat.QR
	qr.Factorize(g)
	var o mat.Dense
	qr.QTo(&o)
	q = p.Clone()
	q.M("U").Mul(p.M("U"), o.T())
	q.M("V").Mul(&o, p.M("V"))
	if !mat.EqualApprox(Predict(rad, p, x), Predict(rad, q, x), 1e-12) {
		t.Errorf("radial net is not O(h)-invariant")
	}
	// and (c U, c V) for c > 0.
	q = p.Clone()
	floats.Scale(2.5, q.Vec())
	if !mat.EqualApprox(Predict(rad, p, x), Predict(rad, q, x), 1e-12) {
		t.Errorf("radial net is not invariant under joint scaling")
	}
	// α-homogeneous: (U g^{−α}, g V) for positive diagonal g.
	const alpha = 2.0
	hom := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: Pow(alpha, 0.5)}
	q = p.Clone()
	for j := 0; j < 3; j++ {
		for i := 0; i < 2; i++ {
			q.M("U").Set(i, j, p.M("U").At(i, j)*math.Pow(d[j], -alpha))
		}
		for k := 0; k < 4; k++ {
			q.M("V").Set(j, k, p.M("V").At(j, k)*d[j])
		}
	}
	if !mat.EqualApprox(Predict(hom, p, x), Predict(hom, q, x), 1e-12) {
		t.Errorf("2-homogeneous net is not invariant under (U g^{-2}, g V)")
	}
}

func TestLossValues(t *testing.T) {
	f := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	y := mat.NewDense(2, 2, []float64{0, 2, 5, 4})
	// residual (1, 0, −2, 0): ‖·‖² = 5
	tp := ad.NewTape()
	F, Y := tp.Const(f), tp.Const(y)
	for _, c := range []struct {
		name string
		loss Loss
		want float64
	}{
		{"MSE", MSE, 5.0 / 4},
		{"Frobenius", Frobenius, math.Sqrt(5)},
		{"SquaredError", SquaredError, 5},
		{"HalfSquaredError", HalfSquaredError, 0.5 * 5 / 2},
	} {
		if got := c.loss(tp, F, Y).Scalar(); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestInitStatistics(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	cases := []struct {
		name     string
		init     Initializer
		variance float64
	}{
		{"LeCunNormal", LeCunNormal, 1.0 / 300},
		{"XavierNormal", XavierNormal, 2.0 / 500},
		{"XavierUniform", XavierUniform, 2.0 / 500},
		{"KaimingNormal", KaimingNormal, 2.0 / 300},
		{"KaimingUniform", KaimingUniform, 2.0 / 300},
		{"Normal(0.1)", Normal(0.1), 0.01},
		{"Uniform(0.3)", Uniform(0.3), 0.03},
	}
	for _, c := range cases {
		m := mat.NewDense(200, 300, nil)
		c.init(rng, m)
		v := m.RawMatrix().Data
		mean := floats.Sum(v) / float64(len(v))
		variance := floats.Dot(v, v) / float64(len(v))
		if math.Abs(variance/c.variance-1) > 0.03 || math.Abs(mean) > 4*math.Sqrt(c.variance/float64(len(v))) {
			t.Errorf("%s: mean %.3g variance %.4g, want 0 and %.4g", c.name, mean, variance, c.variance)
		}
	}
	// With U ~ N(0, 1/h), V ~ N(0, 1/n), Q = Tr(UᵀU − VVᵀ) has (derived in
	// notebooks/REFERENCES.md, 04) mean m − h and variance 2m/h + 2h/n.
	const m, h, n, draws = 20, 30, 10, 2000
	net := TwoLayer{In: n, Hidden: h, Out: m, Act: Linear}
	var sum, sum2 float64
	for i := 0; i < draws; i++ {
		p := net.Init(rng, PaperInit)
		u, v := p.M("U").RawMatrix().Data, p.M("V").RawMatrix().Data
		q := floats.Dot(u, u) - floats.Dot(v, v)
		sum += q
		sum2 += q * q
	}
	mean := sum / draws
	variance := sum2/draws - mean*mean
	wantVar := 2.0*m/h + 2.0*h/n
	if math.Abs(mean-(m-h)) > 4*math.Sqrt(wantVar/draws) || math.Abs(variance/wantVar-1) > 0.15 {
		t.Errorf("Q at init: mean %.3f variance %.3f, want %d and %.3f", mean, variance, m-h, wantVar)
	}
}

// convActThenPool is ConvNet recorded in the textbook order conv → σ → pool,
// the order ConvNet.Features swaps.
type convActThenPool struct{ ConvNet }

func (n convActThenPool) Forward(t *ad.Tape, w []*ad.Node, x *ad.Node) *ad.Node {
	h := t.LeakyReLU(t.Conv2D(x, w[0], w[1], n.In), n.slope())
	f := t.MaxPool2(h, ad.Dims{C: n.Channels, H: n.In.H, W: n.In.W})
	return Dense(t, w[4], w[5], n.act().Apply(t, Dense(t, w[2], w[3], f)))
}

// ConvNet pools before its leaky ReLU; for a positive slope the two orders
// agree exactly: σ is increasing, so each window's maximum sits at the same
// place and σ is applied to the same number. Loss and gradient are compared
// bit for bit, on Fashion-MNIST-sized images and a batch with many negative
// windows (conv biases pushed down).
func TestConvNetPoolsBeforeActivationExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, slope := range []float64{0, 0.1} {
		cn := ConvNet{In: ad.Dims{C: 1, H: 28, W: 28}, Channels: 4, Hidden: 6, Classes: 3, ConvSlope: slope}
		p := cn.Init(rng, KaimingUniform)
		fillNormal(rng, p.M("conv.b"), 0.5)
		x := randDense(rng, cn.In.Size(), 7, 1)
		y := LabelRow([]int{0, 2, 1, 1, 0, 2, 2})
		g1, g2 := make([]float64, p.Len()), make([]float64, p.Len())
		l1 := NewObjective(cn, x, y, CrossEntropy).Func(p.Vec(), g1)
		l2 := NewObjective(convActThenPool{cn}, x, y, CrossEntropy).Func(p.Vec(), g2)
		if l1 != l2 {
			t.Errorf("slope %g: loss %v pooling first, %v activating first", cn.slope(), l1, l2)
		}
		for i := range g1 {
			if g1[i] != g2[i] {
				t.Fatalf("slope %g: gradient entry %d is %v pooling first, %v activating first", cn.slope(), i, g1[i], g2[i])
			}
		}
	}
}

// The exact Hessian-vector product agrees too: the tangent sweeps route Ẋ
// and Ġ through the same maxima, and multiplying by the leaky ReLU's slope
// commutes with picking an entry, so the two orders give the same bits. The
// pooled input also differentiates with a slope below zero, where Features
// keeps the textbook order.
func TestConvNetPoolsBeforeActivationHessVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, slope := range []float64{0, 0.1, -0.2} {
		cn := ConvNet{In: ad.Dims{C: 1, H: 8, W: 7}, Channels: 3, Hidden: 5, Classes: 3, ConvSlope: slope}
		p := cn.Init(rng, KaimingUniform)
		fillNormal(rng, p.M("conv.b"), 0.5)
		x := randDense(rng, cn.In.Size(), 6, 1)
		y := LabelRow([]int{0, 2, 1, 1, 0, 2})
		v := make([]float64, p.Len())
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		h1, h2 := make([]float64, p.Len()), make([]float64, p.Len())
		NewObjective(cn, x, y, CrossEntropy).HessVec(h1, p.Vec(), v)
		NewObjective(convActThenPool{cn}, x, y, CrossEntropy).HessVec(h2, p.Vec(), v)
		if floats.Norm(h1, 2) == 0 {
			t.Fatalf("slope %g: Hv = 0, nothing compared", cn.slope())
		}
		for i := range h1 {
			if h1[i] != h2[i] {
				t.Fatalf("slope %g: (Hv)[%d] is %v with Features, %v activating first", cn.slope(), i, h1[i], h2[i])
			}
		}
	}
}

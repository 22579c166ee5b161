package landscape

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/ad"
)

// signInputs are the special values of sign, steD and clip (±0, ±1 and
// their neighbours, ±Inf, NaNs with payloads, signalling included,
// subnormals), then random values on several scales.
func signInputs() []float64 {
	x := []float64{0, math.Copysign(0, -1), 1, -1, math.Nextafter(1, 2), math.Nextafter(1, 0),
		math.Nextafter(-1, -2), math.Nextafter(-1, 0), 5e-324, -5e-324, 1e300, -1e300,
		math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(),
		math.Float64frombits(0x7ff0000000000001), // signalling NaN
		math.Float64frombits(0xfff8000000abcdef), // negative quiet NaN with a payload
		0.5, -0.5, 2, -2, 1.5, -3}
	rng := rand.New(rand.NewPCG(13, 13))
	for _, s := range []float64{1e-8, 0.01, 0.3, 1, 3, 30} {
		for range 200 {
			x = append(x, s*rng.NormFloat64())
		}
	}
	return x
}

// The vector forms of sign, sign(s·x), steD and clip against the scalar ones, bit for
// bit, on every length up to 19 (the kernels' tails) and at every offset
// of the special values.
func TestSignKernelsBits(t *testing.T) {
	in := signInputs()
	if vecLen(len(in)) == 0 {
		t.Log("no vector kernels: the scalar loops are tested against themselves")
	}
	check := func(name string, x, got []float64, want func(float64) float64) {
		t.Helper()
		for i, v := range x {
			if w := want(v); math.Float64bits(got[i]) != math.Float64bits(w) {
				t.Errorf("%s(%v = %#x) = %v (%#x), want %v (%#x)", name, v, math.Float64bits(v),
					got[i], math.Float64bits(got[i]), w, math.Float64bits(w))
			}
		}
	}
	clipScalar := func(v float64) float64 { return max(-1, min(1, v)) }
	run := func(x []float64) {
		dst := make([]float64, len(x))
		signs(dst, x)
		check("sign", x, dst, sign)
		steDs(dst, x)
		check("steD", x, dst, steD)
		c := append([]float64(nil), x...)
		clip(c)
		check("clip", x, c, clipScalar)
		check("Signs", x, Signs(x), sign)
		for _, sc := range []float64{1.0 / 28, 0.125, 3, 1e-300, 1e300, -1, math.Inf(1)} {
			scaledSigns(dst, x, sc)
			check("scaled sign", x, dst, func(v float64) float64 { return sign(sc * v) })
		}
	}
	run(in)
	for off := range 8 {
		run(in[off:])
	}
	for n := range 20 {
		run(in[:n])
		run(in[len(in)-n:])
	}
	// The scalar clip is Go's math.Max(−1, math.Min(1, v)), but for the
	// payload of a NaN: the builtins pass the input's through, math's
	// return math.NaN().
	for _, v := range in {
		c, w := clipScalar(v), math.Max(-1, math.Min(1, v))
		if math.IsNaN(c) != math.IsNaN(w) || !math.IsNaN(c) && math.Float64bits(c) != math.Float64bits(w) {
			t.Errorf("max(-1, min(1, %v)) = %v, math.Max/Min %v", v, clipScalar(v), w)
		}
	}
}

// The elementwise work of a binary net's step, at the size of notebook
// 13's 784-64-64-10 net: the signs of the latent weights, and clip.
func BenchmarkSigns(b *testing.B) {
	x := benchLatent()
	dst := make([]float64, len(x))
	forms(b, 8*len(x), func() { signs(dst, x) })
}

func BenchmarkSteD(b *testing.B) {
	x := benchLatent()
	dst := make([]float64, len(x))
	forms(b, 8*len(x), func() { steDs(dst, x) })
}

func BenchmarkClip(b *testing.B) {
	x := benchLatent()
	for i := range x {
		x[i] *= 1.1 // a few beyond ±1
	}
	y := make([]float64, len(x))
	forms(b, 8*len(x), func() {
		copy(y, x)
		clip(y)
	})
}

// benchLatent returns latent weights of BinaryMLP{784, 64, 64, 10},
// uniform in [−1, 1].
func benchLatent() []float64 {
	m := BinaryMLP{Sizes: []int{784, 64, 64, 10}}
	return m.Init(rand.New(rand.NewPCG(1, 2)), nil).Vec()
}

// The Evaluator's forward pass of a binary net, sign(s·z) in one pass,
// gives the logits of BinaryMLP.Forward's Map(Scale(z, s)) bit for bit,
// from the same first-layer product z (with zeros, whose sign is +1, and a
// NaN).
func TestBinaryRestBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := BinaryMLP{Sizes: []int{30, 16, 12, 5}}
	ev, err := NewEvaluator(m, smallSet(rng, 50, 30, 5))
	if err != nil {
		t.Fatal(err)
	}
	nt := ev.nets([][]float64{m.Init(rng, nil).Vec()})[0]
	const rows = 37
	z1 := make([]float64, 16*rows)
	for i := range z1 {
		z1[i] = float64(rng.IntN(21)-10) / 7 // sums of ±pixels: zeros and ties
	}
	z1[3], z1[4] = math.Copysign(0, -1), math.NaN()
	tp := ad.NewTape()
	got := ev.rest(tp, nt, tp.ConstData(16, rows, z1), true).Value().RawMatrix().Data
	z := tp.Scale(tp.ConstData(16, rows, z1), 1/math.Sqrt(30))
	for l := 1; l < len(nt.W); l++ {
		z = tp.Map(z, signSTE)
		z = tp.Scale(tp.MatMul(tp.ConstData(m.Sizes[l+1], m.Sizes[l], nt.W[l]), z), 1/math.Sqrt(float64(m.Sizes[l])))
	}
	want := z.Value().RawMatrix().Data
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("logit %d: %v, Forward's way %v", i, got[i], want[i])
		}
	}
}

// centre and couple (replicated SGD's centre and coupling) against their
// scalar loops, bit for bit, on the special values (a NaN in one operand
// at a time) for 1 to 4 replicas and every tail length.
func TestReplicaKernelsBits(t *testing.T) {
	in := signInputs()
	n := len(in)
	rng := rand.New(rand.NewPCG(7, 7))
	perm := func() []float64 {
		x := make([]float64, n)
		for i, j := range rng.Perm(n) {
			x[i] = in[j]
		}
		return x
	}
	eq := func(name string, i int, got, want float64) {
		t.Helper()
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s entry %d: %v (%#x), want %v (%#x)", name, i, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
	for y := 1; y <= 4; y++ {
		ws := make([][]float64, y)
		for k := range ws {
			ws[k] = perm()
		}
		for _, m := range []int{n, n - 1, n - 2, n - 3, 5, 3, 0} {
			sub := make([][]float64, y)
			for k := range ws {
				sub[k] = ws[k][:m]
			}
			dst := make([]float64, m)
			centre(dst, sub)
			for i := range dst {
				c := 0.0
				for _, w := range sub {
					c += w[i]
				}
				eq("centre", i, dst[i], c/float64(y))
			}
		}
	}
	// couple with NaN in at most one of g and γ(w − c), so that which NaN
	// wins is not at stake.
	w, c := perm(), perm()
	for _, gamma := range []float64{0.01, 1, 0.37, 1e300} {
		for _, m := range []int{n, n - 1, n - 2, n - 3, 3} {
			g := make([]float64, m)
			for i := range g {
				g[i] = float64(i%7) - 3.5
			}
			if m > 0 {
				g[0] = math.NaN()
			}
			want := append([]float64(nil), g...)
			for i := range want {
				want[i] += float64(gamma * (w[i] - c[i]))
			}
			couple(g, w, c, gamma)
			for i := range g {
				eq("couple", i, g[i], want[i])
			}
		}
	}
}

// Replicated SGD's per-step work besides the gradient, at notebook 13's
// size: the centre of three replicas and one replica's coupling.
func BenchmarkCentreCouple(b *testing.B) {
	ws := [][]float64{benchLatent(), benchLatent(), benchLatent()}
	for k, w := range ws {
		for i := range w {
			w[i] += float64(k) * 1e-3
		}
	}
	c, g := make([]float64, len(ws[0])), make([]float64, len(ws[0]))
	forms(b, 8*len(c), func() {
		centre(c, ws)
		couple(g, ws[0], c, 0.01)
	})
}

// steGrad, the gradient of sign's Map in one pass, against ad's loop over
// steD, g[i]·steD(x[i]) written or added, bit for bit: x the special values,
// g negative (so that 0·g is −0), infinite or NaN in turn, at every tail.
func TestSteGradBits(t *testing.T) {
	x := signInputs()
	n := len(x)
	g := make([]float64, n)
	for i := range g {
		g[i] = []float64{-1.5, 2, math.Inf(-1), 0.25, math.Copysign(0, -1), -3e-310}[i%6]
	}
	g[7] = math.NaN()
	for _, m := range []int{n, n - 1, n - 2, n - 3, 3, 0} {
		for _, acc := range []bool{false, true} {
			dst := make([]float64, m)
			for i := range dst {
				dst[i] = float64(i%5) - 2
			}
			want := append([]float64(nil), dst...)
			for i := range want {
				if acc {
					want[i] += float64(g[i] * steD(x[i]))
				} else {
					want[i] = g[i] * steD(x[i])
				}
			}
			steGrad(dst, g[:m], x[:m], acc)
			for i := range dst {
				if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
					t.Errorf("acc %v, x %v, g %v: %v, want %v", acc, x[i], g[i], dst[i], want[i])
				}
			}
		}
	}
}

// The straight-through gradient at notebook 13's size.
func BenchmarkSteGrad(b *testing.B) {
	x := benchLatent()
	g, dst := make([]float64, len(x)), make([]float64, len(x))
	for i := range g {
		g[i] = float64(i%7) - 3
	}
	forms(b, 8*len(x), func() { steGrad(dst, g, x, false) })
}

// forms runs f as the sub-benchmarks "scalar" (the fallback loops) and
// "avx" (the kernels, if the CPU has them), bytes per call set to n.
func forms(b *testing.B, n int, f func()) {
	has := hasAVX
	defer func() { hasAVX = has }()
	for _, avx := range []bool{false, true} {
		name := map[bool]string{false: "scalar", true: "avx"}[avx]
		b.Run(name, func(b *testing.B) {
			if avx && !has {
				b.Skip("no AVX")
			}
			hasAVX = avx
			b.SetBytes(int64(n))
			for b.Loop() {
				f()
			}
		})
	}
}

package conserved

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"gonum.org/v1/gonum/mat"
)

func TestHandGradients(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	U, V, b := randn(rnd, 3, 5, 1), randn(rnd, 5, 4, 1), randn(rnd, 5, 1, 1)
	X, Y := randn(rnd, 4, 6, 1), randn(rnd, 3, 6, 1)
	for _, a := range []activation{actLinear, actTanh, actSigmoid, actLeaky, actSoftplus, homog(1.5)} {
		_, GU, GV, Gb := twoLayerGrad(a, U, V, b, X, Y)
		loss := func() float64 { L, _, _, _ := twoLayerGrad(a, U, V, b, X, Y); return L }
		checkGrad(t, "two-layer "+a.name, loss, []*mat.Dense{U, V, b}, []*mat.Dense{GU, GV, Gb})
	}
	_, GU, GV := radialGrad(U, V, X, Y)
	checkGrad(t, "radial", func() float64 { L, _, _ := radialGrad(U, V, X, Y); return L }, []*mat.Dense{U, V}, []*mat.Dense{GU, GV})
	Yn := randn(rnd, 3, 4, 1)
	_, GU, GV = rowNormGrad(U, V, Yn)
	checkGrad(t, "row-normalised", func() float64 { L, _, _ := rowNormGrad(U, V, Yn); return L }, []*mat.Dense{U, V}, []*mat.Dense{GU, GV})
	W := []*mat.Dense{randn(rnd, 5, 4, 0.5), randn(rnd, 4, 5, 0.5), randn(rnd, 3, 4, 0.5)}
	bs := []*mat.Dense{randn(rnd, 5, 1, 1), randn(rnd, 4, 1, 1), randn(rnd, 3, 1, 1)}
	_, GW, Gb := deepGrad(actTanh, W, bs, X, Y)
	checkGrad(t, "deep tanh", func() float64 { L, _, _ := deepGrad(actTanh, W, bs, X, Y); return L },
		append(append([]*mat.Dense{}, W...), bs...), append(append([]*mat.Dense{}, GW...), Gb...))
}

// flowRate returns dQ/dt along gradient flow, d/dt Q(θ − t∇L) at t = 0, for a
// vector-valued Q of the parameters ps, by the fourth-order central stencil
// (−Q(2τ) + 8Q(τ) − 8Q(−τ) + Q(−2τ))/(12τ). At τ = 1e-3 its truncation error is
// τ⁴·|Q⁽⁵⁾|/30 and its rounding error ≈ 1e-16·|Q|/τ; relative to the scale below
// both are ≲ 1e-12 for polynomial Q and ~3e-11 for tanh's fast-growing cosh².
// It also returns that scale, ‖θ‖·‖∇L‖, which bounds |dQ/dt| up to a constant
// when ∇Q is of the size of θ.
func flowRate(ps, gs []*mat.Dense, Q func() []float64) (rate []float64, scale float64) {
	const tau = 1e-3
	orig := make([]*mat.Dense, len(ps))
	var th2, g2 float64
	for i, p := range ps {
		orig[i] = mat.DenseCopyOf(p)
		th2 += mat.Norm(p, 2) * mat.Norm(p, 2)
		g2 += mat.Norm(gs[i], 2) * mat.Norm(gs[i], 2)
	}
	at := func(t float64) []float64 {
		for i, p := range ps {
			p.Scale(-t, gs[i])
			p.Add(p, orig[i])
		}
		return Q()
	}
	q2, q1, qm1, qm2 := at(2*tau), at(tau), at(-tau), at(-2*tau)
	for i, p := range ps {
		p.Copy(orig[i])
	}
	rate = make([]float64, len(q1))
	for i := range rate {
		rate[i] = (-q2[i] + 8*q1[i] - 8*qm1[i] + qm2[i]) / (12 * tau)
	}
	return rate, math.Sqrt(th2 * g2)
}

// flowTol bounds |dQ/dt| / (‖θ‖‖∇L‖) for a conserved Q: the stencil's errors
// are ≲ 1e-10 relative (see flowRate; tanh, with its fast-growing cosh², measures
// 3e-11); a quantity that is not conserved gives
// O(1e-2–1) (the negative controls below check ≥ 1e-3).
const flowTol = 1e-9

func checkFlow(t *testing.T, name string, ps, gs []*mat.Dense, Q func() []float64, conserved bool) {
	t.Helper()
	rate, scale := flowRate(ps, gs, Q)
	var worst float64
	for _, r := range rate {
		worst = math.Max(worst, math.Abs(r)/scale)
	}
	if conserved && !(worst <= flowTol) {
		t.Errorf("%s: |dQ/dt|/(‖θ‖‖∇L‖) = %.3g, want ≤ %g", name, worst, flowTol)
	}
	if !conserved && !(worst >= 1e-3) {
		t.Errorf("%s: |dQ/dt|/(‖θ‖‖∇L‖) = %.3g, want ≥ 1e-3 (not conserved)", name, worst)
	}
	t.Logf("%-34s |dQ/dt|/(‖θ‖‖∇L‖) = %.2g", name, worst)
}

func scalar(q float64) []float64 { return []float64{q} }

func symEntries(q *mat.SymDense) []float64 {
	n := q.SymmetricDim()
	var out []float64
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			out = append(out, q.At(i, j))
		}
	}
	return out
}

func TestConservedTwoLayer(t *testing.T) {
	const m, h, n, k = 3, 6, 4, 8
	rnd := rand.New(rand.NewPCG(2, 3))
	U, V, b := randn(rnd, m, h, 1), randn(rnd, h, n, 1), randn(rnd, h, 1, 1)
	X, Y := randn(rnd, n, k, 1), randn(rnd, m, k, 1)
	ps := []*mat.Dense{U, V}

	// Linear, any X: the matrix Q and its trace.
	_, GU, GV, _ := twoLayerGrad(actLinear, U, V, nil, X, Y)
	checkFlow(t, "linear Matrix, general X", ps, []*mat.Dense{GU, GV}, func() []float64 { return symEntries(Matrix(nil, U, V)) }, true)

	// Elementwise σ with X = I: the official forms and the paper's formula.
	I := eye(n)
	Yn := randn(rnd, m, n, 1)
	for _, c := range []struct {
		a   activation
		act nn.Activation
	}{{actLinear, nn.Linear}, {actReLU, nn.ReLU}, {actTanh, nn.Tanh}, {actSigmoid, nn.Sigmoid}} {
		_, GU, GV, _ := twoLayerGrad(c.a, U, V, nil, I, Yn)
		gs := []*mat.Dense{GU, GV}
		checkFlow(t, "Official "+c.act.String()+", X = I", ps, gs, func() []float64 { return scalar(Official(c.act, U, V)) }, true)
		checkFlow(t, "Elementwise "+c.act.String()+", X = I", ps, gs, func() []float64 { return scalar(Elementwise(RatioIntegral(c.act), U, V)) }, true)
		// The "+" normaliser is not conserved.
		checkFlow(t, "OfficialPlus "+c.act.String(), ps, gs, func() []float64 { return scalar(OfficialPlus(c.act, U, V)) }, false)
	}
	// An activation without a closed-form ∫σ/σ′: softplus, by quadrature.
	F := RatioQuad(actSoftplus.f, actSoftplus.df, 0)
	_, GU, GV, _ = twoLayerGrad(actSoftplus, U, V, nil, I, Yn)
	checkFlow(t, "Elementwise softplus (quad), X = I", ps, []*mat.Dense{GU, GV}, func() []float64 { return scalar(Elementwise(F, U, V)) }, true)
	// Negative controls: the formula needs X = I, and the right F.
	_, GU, GV, _ = twoLayerGrad(actTanh, U, V, nil, X, Y)
	checkFlow(t, "Elementwise tanh, general X", ps, []*mat.Dense{GU, GV}, func() []float64 { return scalar(Elementwise(RatioIntegral(nn.Tanh), U, V)) }, false)
	_, GU, GV, _ = twoLayerGrad(actTanh, U, V, nil, I, Yn)
	checkFlow(t, "Official linear on a tanh net", ps, []*mat.Dense{GU, GV}, func() []float64 { return scalar(Official(nn.Linear, U, V)) }, false)

	// Homogeneous σ, any X, with and without bias: per-unit Q.
	psb := []*mat.Dense{U, V, b}
	for _, c := range []struct {
		a     activation
		alpha float64
	}{{actReLU, 1}, {actLeaky, 1}, {homog(1.5), 1.5}, {homog(2), 2}} {
		_, GU, GV, Gb := twoLayerGrad(c.a, U, V, b, X, Y)
		checkFlow(t, "Neurons α="+ftoa(c.alpha)+" "+c.a.name+" + bias", psb, []*mat.Dense{GU, GV, Gb}, func() []float64 { return Neurons(nil, c.alpha, U, V, vec(b)) }, true)
		_, GU, GV, _ = twoLayerGrad(c.a, U, V, nil, X, Y)
		checkFlow(t, "Neurons α="+ftoa(c.alpha)+" "+c.a.name, ps, []*mat.Dense{GU, GV}, func() []float64 { return Neurons(nil, c.alpha, U, V, nil) }, true)
	}
	// Leaving the bias out of Q breaks it.
	_, GU, GV, Gb := twoLayerGrad(actReLU, U, V, b, X, Y)
	checkFlow(t, "Neurons relu, bias ignored", psb, []*mat.Dense{GU, GV, Gb}, func() []float64 { return Neurons(nil, 1, U, V, nil) }, false)

	// Radial models.
	_, GU, GV = radialGrad(U, V, X, Y)
	checkFlow(t, "Radial, per-sample model", ps, []*mat.Dense{GU, GV}, func() []float64 { return scalar(Radial(U, V)) }, true)
	checkFlow(t, "RadialNeurons, per-sample model", ps, []*mat.Dense{GU, GV}, func() []float64 { return RadialNeurons(nil, U, V) }, false)
	_, GU, GV = rowNormGrad(U, V, Yn)
	checkFlow(t, "Radial, official model", ps, []*mat.Dense{GU, GV}, func() []float64 { return scalar(Radial(U, V)) }, true)
	checkFlow(t, "RadialNeurons, official model", ps, []*mat.Dense{GU, GV}, func() []float64 { return RadialNeurons(nil, U, V) }, true)
}

func ftoa(x float64) string {
	return map[float64]string{1: "1", 1.5: "1.5", 2: "2"}[x]
}

func TestConservedDeep(t *testing.T) {
	widths := []int{4, 6, 5, 3}
	const k = 7
	rnd := rand.New(rand.NewPCG(4, 5))
	var W, b []*mat.Dense
	for i := 0; i+1 < len(widths); i++ {
		W = append(W, randn(rnd, widths[i+1], widths[i], 1/math.Sqrt(float64(widths[i]))))
		b = append(b, randn(rnd, widths[i+1], 1, 0.5))
	}
	X, Y := randn(rnd, widths[0], k, 1), randn(rnd, widths[len(widths)-1], k, 1)
	ps := append(append([]*mat.Dense{}, W...), b...)
	flat := func(qs []*mat.SymDense) []float64 {
		var out []float64
		for _, q := range qs {
			out = append(out, symEntries(q)...)
		}
		return out
	}
	flatN := func(qs [][]float64) []float64 {
		var out []float64
		for _, q := range qs {
			out = append(out, q...)
		}
		return out
	}
	_, GW, Gb := deepGrad(actLinear, W, b, X, Y)
	gs := append(append([]*mat.Dense{}, GW...), Gb...)
	checkFlow(t, "DeepMatrix linear + biases", ps, gs, func() []float64 { return flat(DeepMatrix(W, vecs(b))) }, true)
	checkFlow(t, "DeepMatrix linear, biases ignored", ps, gs, func() []float64 { return flat(DeepMatrix(W, nil)) }, false)
	for _, c := range []struct {
		a     activation
		alpha float64
	}{{actReLU, 1}, {actLeaky, 1}, {homog(2), 2}} {
		_, GW, Gb := deepGrad(c.a, W, b, X, Y)
		gs := append(append([]*mat.Dense{}, GW...), Gb...)
		checkFlow(t, "DeepNeurons "+c.a.name+" + biases", ps, gs, func() []float64 { return flatN(DeepNeurons(c.alpha, W, vecs(b))) }, true)
	}
	_, GW, Gb = deepGrad(actReLU, W, b, X, Y)
	gs = append(append([]*mat.Dense{}, GW...), Gb...)
	checkFlow(t, "DeepMatrix off-diagonal on relu", ps, gs, func() []float64 { return flat(DeepMatrix(W, vecs(b))) }, false)
	// Deep without biases.
	_, GW, _ = deepGrad(actReLU, W, nil, X, Y)
	checkFlow(t, "DeepNeurons relu, no biases", W, GW, func() []float64 { return flatN(DeepNeurons(1, W, nil)) }, true)
}

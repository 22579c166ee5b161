package attack

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Loss returns one loss per sample (column) of x with the given labels, the
// quantity a gradient-free attack increases.
type Loss = func(x *mat.Dense, labels []int) []float64

// SPSA is a gradient-free attack in the L∞ ball of radius Eps around each
// input, clipped to the Box (Uesato et al., ICML 2018, with signed steps as
// in PGD). Each iteration estimates the gradient of the loss of every sample
// from Samples random Rademacher directions v ∈ {−1, 1}^d,
//
//	ĝ = (1/Samples) Σ_k [L(x + δv_k) − L(x − δv_k)] / (2δ) · v_k,
//
// and steps x ← Π(x + α sign ĝ). It needs only the loss, never its
// gradient, so a model whose gradient is uninformative (masked) is attacked
// as well as one whose gradient is not.
type SPSA struct {
	Eps     float64 // radius of the ball
	Step    float64 // α, the size of each signed step
	Delta   float64 // δ, the finite-difference step
	Samples int     // directions per iteration
	Iters   int     // number of steps
	Seed    uint64  // the directions
	Box     Box
}

// Attack returns the SPSA adversarial examples of x into dst (allocated
// when nil). The loss is evaluated at x ± δv, which may lie up to δ outside
// the box; only the steps are clipped.
func (s SPSA) Attack(dst, x *mat.Dense, labels []int, loss Loss) *mat.Dense {
	dst = prepare("SPSA", dst, x, labels, s.Box)
	if s.Eps < 0 || s.Step < 0 || !(s.Delta > 0) || s.Samples < 1 || s.Iters < 0 {
		panic(fmt.Sprintf("attack: SPSA: Eps %g, Step %g, Delta %g, Samples %d, Iters %d: want Delta > 0, Samples ≥ 1, the others ≥ 0",
			s.Eps, s.Step, s.Delta, s.Samples, s.Iters))
	}
	dst.Copy(x)
	d, N := x.Dims()
	rng := rand.New(rand.NewPCG(s.Seed, 0x73707361))
	v, plus, minus, g := mat.NewDense(d, N, nil), mat.NewDense(d, N, nil), mat.NewDense(d, N, nil), mat.NewDense(d, N, nil)
	for range s.Iters {
		g.Zero()
		for range s.Samples {
			vd := v.RawMatrix().Data
			for i := range vd {
				vd[i] = float64(2*rng.IntN(2) - 1)
			}
			minus.Scale(s.Delta, v)
			plus.Add(dst, minus)
			minus.Sub(dst, minus)
			lp, lm := loss(plus, labels), loss(minus, labels)
			if len(lp) != N || len(lm) != N {
				panic(fmt.Sprintf("attack: SPSA: loss returned %d and %d values for %d samples", len(lp), len(lm), N))
			}
			for i := 0; i < d; i++ {
				gr, vr := g.RawRowView(i), v.RawRowView(i)
				for j := range gr { // ĝ up to the positive factor 1/(2δ·Samples), which sign ignores
					gr[j] += (lp[j] - lm[j]) * vr[j]
				}
			}
		}
		for i := 0; i < d; i++ {
			gr, c, x0 := g.RawRowView(i), dst.RawRowView(i), x.RawRowView(i)
			for j := range gr {
				lo, hi := ball(x0[j], s.Eps)
				c[j] = s.Box.clip(min(max(c[j]+s.Step*sign(gr[j]), lo), hi))
			}
		}
	}
	return dst
}

package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// BalancedKaimingSharpness checks exercise 16.1: move notebook 16's Kaiming
// initialisation (ziyin2024.WarmupSettings{}.Problem(nn.KaimingNormal))
// along its orbit (e^λ u, e^{−λ} w) to the balanced point q = ‖u‖² − ‖w‖² = 0;
// what is its sharpness S = Tr ∇²L there?
//
// The check finds λ = ¼ ln(‖w‖²/‖u‖²) and evaluates noise.LinearSharpness
// (nn.HalfSquaredError) at the moved point: closed forms, tolerance 1e-9
// relative.
func BalancedKaimingSharpness(got float64) Verdict {
	const id = "16.1"
	if math.IsNaN(got) {
		return Open(id)
	}
	net, x, _, theta := ziyin2024.WarmupSettings{}.Problem(nn.KaimingNormal)
	p := net.Params()
	p.Bind(theta)
	u, w := net.UV(p)
	nu, nw := mat.Norm(u, 2), mat.Norm(w, 2)
	lambda := 0.25 * math.Log(nw*nw/(nu*nu))
	var ub, wb mat.Dense
	ub.Scale(math.Exp(lambda), u)
	wb.Scale(math.Exp(-lambda), w)
	want, err := noise.LinearSharpness(&ub, &wb, x, nn.HalfSquaredError)
	mustLib("BalancedKaimingSharpness", err)
	return Number(id, got, want, 1e-9,
		"The function does not change along the orbit, the sharpness does: find the λ at which "+
			"e^{2λ}‖u‖² = e^{−2λ}‖w‖², move u and w there, and evaluate noise.LinearSharpness.")
}

// RankOneSharpness checks exercise 16.2: write the exact sharpness S =
// Tr ∇²L of the rank-1 factorisation f(x) = u wᵀx (u d×1, w 1×d) under the
// loss L = (1/N) Σ_s ½‖f(x_s) − y_s‖², for any inputs x (d×N, samples as
// columns); the notebook's d‖w‖² + ‖u‖² Tr Σ̂ₓ holds only when Σ̂ₓ = I.
//
// The function is compared with noise.LinearSharpness on 100 random
// problems (d = 2, …, 8, N = 3, …, 40, anisotropic x): both are sums of
// O(dN) products of order one, tolerance 1e-10 relative.
func RankOneSharpness(f func(u, w, x *mat.Dense) float64) Verdict {
	const id = "16.2"
	if f == nil {
		return Open(id)
	}
	return OnRandomInputs(id, 100, 16, func(rng *rand.Rand) string {
		d, n := 2+rng.IntN(7), 3+rng.IntN(38)
		u, w, x := mat.NewDense(d, 1, nil), mat.NewDense(1, d, nil), mat.NewDense(d, n, nil)
		for i := range d {
			u.Set(i, 0, rng.NormFloat64())
			w.Set(0, i, rng.NormFloat64())
			scale := 0.2 + 2*rng.Float64()
			for s := range n {
				x.Set(i, s, scale*rng.NormFloat64()+0.3*x.At((i+d-1)%d, s))
			}
		}
		want, err := noise.LinearSharpness(u, w, x, nn.HalfSquaredError)
		mustLib("RankOneSharpness", err)
		got := f(mat.DenseCopyOf(u), mat.DenseCopyOf(w), mat.DenseCopyOf(x))
		if !(math.Abs(got-want) <= 1e-10*math.Abs(want)) {
			return fmt.Sprintf("on random data with d = %d and %d anisotropic samples your sharpness differs from the "+
				"library's. Sum the diagonal second derivatives: ∂²L/∂u_i² involves E[(wᵀx)²], ∂²L/∂w_k² involves "+
				"‖u‖² E[x_k²], and each is an average over the samples.", d, n)
		}
		return ""
	})
}

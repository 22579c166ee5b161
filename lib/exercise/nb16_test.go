package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

func TestBalancedKaimingSharpness(t *testing.T) {
	net, x, _, theta := ziyin2024.WarmupSettings{}.Problem(nn.KaimingNormal)
	p := net.Params()
	p.Bind(theta)
	u, w := net.UV(p)
	unmoved, err := noise.LinearSharpness(u, w, x, nn.HalfSquaredError)
	if err != nil {
		t.Fatal(err)
	}
	nu, nw := mat.Norm(u, 2), mat.Norm(w, 2)
	c := math.Sqrt(nw / nu) // e^λ with e^{4λ} = ‖w‖²/‖u‖²
	var ub, wb mat.Dense
	ub.Scale(c, u)
	wb.Scale(1/c, w)
	balanced, err := noise.LinearSharpness(&ub, &wb, x, nn.HalfSquaredError)
	if err != nil {
		t.Fatal(err)
	}
	expect12(t, "right", BalancedKaimingSharpness(balanced), Right)
	expect12(t, "not moved", BalancedKaimingSharpness(unmoved), Wrong)
	expect12(t, "NaN", BalancedKaimingSharpness(math.NaN()), Unanswered)
}

// answer162 is the solution of exercise 16.2: S = d·E[(wᵀx)²] + ‖u‖²
// E[‖x‖²], the sums of ∂²L/∂u_i² and ∂²L/∂w_k².
func answer162(u, w, x *mat.Dense) float64 {
	d, n := x.Dims()
	var wx, xx float64
	for s := range n {
		var z float64
		for k := range d {
			z += w.At(0, k) * x.At(k, s)
			xx += x.At(k, s) * x.At(k, s)
		}
		wx += z * z
	}
	nu := mat.Norm(u, 2)
	return float64(d)*wx/float64(n) + nu*nu*xx/float64(n)
}

func TestRankOneSharpness(t *testing.T) {
	right := answer162
	isotropic := func(u, w, x *mat.Dense) float64 {
		d, n := x.Dims()
		var xx float64
		for s := range n {
			for k := range d {
				xx += x.At(k, s) * x.At(k, s)
			}
		}
		nu, nw := mat.Norm(u, 2), mat.Norm(w, 2)
		return float64(d)*nw*nw + nu*nu*xx/float64(n)
	}
	expect12(t, "right", RankOneSharpness(right), Right)
	expect12(t, "d‖w‖² + ‖u‖² Tr Σ̂ₓ", RankOneSharpness(isotropic), Wrong)
	expect12(t, "nil", RankOneSharpness(nil), Unanswered)
}

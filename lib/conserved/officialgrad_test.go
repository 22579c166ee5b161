package conserved_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
)

var officialActs = []nn.Activation{nn.Linear, nn.ReLU, nn.Tanh, nn.Sigmoid}

// OfficialGrad against central differences of Official. The step 1e-5 on
// entries of size ~1 gives truncation ~1e-10·|Q‴| and rounding
// ~1e-16·|Q|/1e-5 ~ 1e-10: 1e-7 relative to the gradient's largest entry is
// far above both and far below any wrong factor or sign.
func TestOfficialGradFiniteDifferences(t *testing.T) {
	rnd := rand.New(rand.NewPCG(71, 72))
	const m, h, n = 3, 4, 5
	U, V := mat.NewDense(m, h, nil), mat.NewDense(h, n, nil)
	for _, A := range []*mat.Dense{U, V} {
		r, c := A.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				A.Set(i, j, 0.8*rnd.NormFloat64())
			}
		}
	}
	for _, act := range officialActs {
		gU, gV := conserved.OfficialGrad(nil, nil, act, U, V)
		scale := math.Max(mat.Norm(gU, math.Inf(1)), mat.Norm(gV, math.Inf(1)))
		for _, pg := range []struct {
			P, G *mat.Dense
			name string
		}{{U, gU, "U"}, {V, gV, "V"}} {
			r, c := pg.P.Dims()
			for i := 0; i < r; i++ {
				for j := 0; j < c; j++ {
					v := pg.P.At(i, j)
					const d = 1e-5
					pg.P.Set(i, j, v+d)
					qp := conserved.Official(act, U, V)
					pg.P.Set(i, j, v-d)
					qm := conserved.Official(act, U, V)
					pg.P.Set(i, j, v)
					fd := (qp - qm) / (2 * d)
					if e := math.Abs(fd - pg.G.At(i, j)); e > 1e-7*scale {
						t.Errorf("%v: ∂Q/∂%s[%d,%d] = %.10g, central difference %.10g", act, pg.name, i, j, pg.G.At(i, j), fd)
					}
				}
			}
		}
		// dst is used when given, and an empty dst is sized.
		var dU, dV mat.Dense
		gU2, gV2 := conserved.OfficialGrad(&dU, &dV, act, U, V)
		if gU2 != &dU || gV2 != &dV || !mat.Equal(gU2, gU) || !mat.Equal(gV2, gV) {
			t.Errorf("%v: OfficialGrad with empty dst differs from nil dst", act)
		}
	}
}

func TestOfficialGradPanics(t *testing.T) {
	U, V := mat.NewDense(2, 3, nil), mat.NewDense(3, 4, nil)
	for name, f := range map[string]func(){
		"shapes":     func() { conserved.OfficialGrad(nil, nil, nn.Linear, U, mat.NewDense(2, 4, nil)) },
		"dstU shape": func() { conserved.OfficialGrad(mat.NewDense(3, 2, nil), nil, nn.Linear, U, V) },
		"dstV shape": func() { conserved.OfficialGrad(nil, mat.NewDense(3, 3, nil), nn.Linear, U, V) },
		"activation": func() { conserved.OfficialGrad(nil, nil, nn.Swish, U, V) },
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "conserved: OfficialGrad:") {
					t.Errorf("%s: panic %v, want a message naming conserved: OfficialGrad", name, r)
				}
			}()
			f()
		}()
	}
}

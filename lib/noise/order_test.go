package noise

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// randSym returns a k×k symmetric matrix with standard normal entries on
// and above the diagonal, drawn row by row.
func randSym(rng *rand.Rand, k int) *mat.SymDense {
	B := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			B.SetSym(a, b, rng.NormFloat64())
		}
	}
	return B
}

// orderGenerators returns generators of p's model with 1×1 parts of both
// signs (a unit rescaling, a layer rescaling) and parts of several
// coordinates (a double rotation with a random full B).
func orderGenerators(p problem) []*Symmetry {
	if tl, ok := p.model.(nn.TwoLayer); ok {
		B := randSym(rand.New(rand.NewPCG(4, 4)), tl.Hidden)
		return []*Symmetry{TwoLayerUnit(tl.Out, tl.Hidden, tl.In, 1), TwoLayerRotation(tl.Out, tl.In, B)}
	}
	pp := p.model.Params()
	return []*Symmetry{LayerRescaling(pp, []string{"W1", "b1"}, []string{"W2"}), ParamScaling(pp, "W2")}
}

// QuadMoment takes four samples at a time but is documented as the same
// float64 operations in the same order as summing Quad(g_s, g_s) over s:
// the two agree to the bit, for N with a remainder of 3 (43, 31) and of 0
// (40), so that the tail loop runs too.
func TestQuadMomentSumOrder(t *testing.T) {
	for name, p := range map[string]problem{
		"linear 5-7-4, N = 43":  linearNet(11, 4, 7, 5, 43),
		"linear 5-7-4, N = 40":  linearNet(12, 4, 7, 5, 40),
		"tanh MLP+bias, N = 31": mlp(12, nn.Tanh, []int{3, 6, 5, 2}, 31, nn.MSE),
	} {
		g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]float64, g.Dim())
		for _, A := range orderGenerators(p) {
			var want float64
			for s := 0; s < g.N(); s++ {
				g.Sample(buf, s)
				want += A.Quad(buf, buf)
			}
			want /= float64(g.N())
			if got := g.QuadMoment(A); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%s, %s: QuadMoment = %v, sum of Quad %v", name, A.Name, got, want)
			}
		}
	}
}

// AbsCharge reads the 1×1 parts directly; it gives to the bit the sum of
// |λ|c² over eachCoord's coordinates, signed zeros and negative
// eigenvalues included.
func TestAbsChargeTerms(t *testing.T) {
	p := mlp(3, nn.Tanh, []int{3, 6, 5, 2}, 4, nn.MSE)
	lp := linearNet(5, 4, 7, 5, 4)
	for _, c := range []struct {
		p     problem
		theta []float64
	}{{p, p.theta}, {lp, lp.theta}} {
		theta := append([]float64(nil), c.theta...)
		theta[0], theta[1], theta[len(theta)-1] = math.Copysign(0, -1), 0, -3.5
		for _, A := range orderGenerators(c.p) {
			var want float64
			A.eachCoord(theta, func(l, c float64) { want += math.Abs(l) * c * c })
			if got := A.AbsCharge(theta); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%s: AbsCharge = %v, Σ|λ|c² = %v", A.Name, got, want)
			}
		}
	}
}

// Sample into a given dst allocates nothing: QuadMoment and Matrix call it
// once per sample.
func TestSampleAllocs(t *testing.T) {
	p := mlp(7, nn.Tanh, []int{3, 6, 5, 2}, 9, nn.MSE)
	g, err := PerSample(p.model, p.theta, p.x, p.y, p.loss)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, g.Dim())
	if n := testing.AllocsPerRun(20, func() { g.Sample(buf, 4) }); n != 0 {
		t.Errorf("Sample allocates %v times a call", n)
	}
}

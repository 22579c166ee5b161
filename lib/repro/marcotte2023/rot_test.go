package marcotte2023

import (
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/lie"
)

// TestCountOrbit asserts what notebook 18 says of the two-layer linear
// network 5-3-4: the fields span D − h² dimensions, all but the tangent of
// the GL(h) orbit (W₁, W₂) ↦ (A W₁, −W₂ A), A ∈ R^{h×h}, along which f does
// not change; the first brackets add h(h−1)/2 directions of that tangent
// (W_1 lies in W_0 plus the orbit's tangent), all of it but the h(h+1)/2
// gradients of the laws.
func TestCountOrbit(t *testing.T) {
	c := DefaultCases()[0]
	net, x, y, theta := Problem(c, CountSettings{}, 0)
	span, err := lie.Generate(Fields(net, x, y), theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := net.Params()
	p.Bind(theta)
	W, _ := net.Layers(p)
	h := c.Sizes[1]
	var orbit [][]float64
	for i := 0; i < h; i++ {
		for j := 0; j < h; j++ {
			S := mat.NewDense(h, h, nil)
			S.Set(i, j, 1)
			d := net.Params()
			var a, b mat.Dense
			a.Mul(S, W[0])
			b.Mul(W[1], S)
			b.Scale(-1, &b)
			d.M("W1").Copy(&a)
			d.M("W2").Copy(&b)
			orbit = append(orbit, append([]float64(nil), d.Vec()...))
		}
	}
	with := func(vs ...[][]float64) int {
		var all [][]float64
		for _, v := range vs {
			all = append(all, v...)
		}
		r, err := lie.Rank(all, 0)
		if err != nil {
			t.Fatal(err)
		}
		return r.Rank
	}
	w0, w1, d := span.FieldRank.Rank, span.Rank.Rank, len(theta)
	if w0 != d-h*h || w1 != w0+h*(h-1)/2 {
		t.Errorf("dim W₀ = %d, dim W₁ = %d; want D − h² = %d and %d more", w0, w1, d-h*h, h*(h-1)/2)
	}
	if got := with(orbit); got != h*h {
		t.Errorf("orbit tangent of dimension %d, want %d", got, h*h)
	}
	if a, b := with(span.Fields, orbit), with(span.Fields, span.Brackets, orbit); a != b || a != d {
		t.Errorf("W₀ + orbit has dimension %d, W₁ + orbit %d; want both %d", a, b, d)
	}
}

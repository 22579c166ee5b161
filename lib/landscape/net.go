package landscape

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// layers returns the weights and biases of p, a parameter vector of m, as
// views (writing to them writes to p), after checking that p has m's
// layout. The error names the first layer whose shape differs.
func layers(fn string, m nn.MLP, p *nn.Params) (W []*mat.Dense, b []*mat.VecDense, err error) {
	if len(m.Sizes) < 2 {
		return nil, nil, fmt.Errorf("landscape: %s: the model has sizes %v, want at least input and output", fn, m.Sizes)
	}
	want := m.Params()
	if p == nil || p.Count() != want.Count() {
		n := 0
		if p != nil {
			n = p.Count()
		}
		return nil, nil, fmt.Errorf("landscape: %s: %d parameter matrices for %v, want %d (%v)", fn, n, m, want.Count(), want.Names())
	}
	for i, name := range want.Names() {
		if p.Names()[i] != name {
			return nil, nil, fmt.Errorf("landscape: %s: parameter %d is %q, want %q", fn, i, p.Names()[i], name)
		}
		wr, wc := want.At(i).Dims()
		r, c := p.At(i).Dims()
		if r != wr || c != wc {
			return nil, nil, fmt.Errorf("landscape: %s: layer %s: %s is %d×%d, want %d×%d for %v", fn, layerOf(name), name, r, c, wr, wc, m)
		}
	}
	W, b = m.Layers(p)
	return W, b, nil
}

// layerOf returns the layer number in a parameter name "W3" or "b3".
func layerOf(name string) string { return name[1:] }

// sameShape returns an error naming the first layer where a and b, two
// parameter vectors meant for the same network, differ in shape.
func sameShape(fn string, a, b *nn.Params) error {
	if a.Count() != b.Count() {
		return fmt.Errorf("landscape: %s: %d parameter matrices (%v) and %d (%v)", fn, a.Count(), a.Names(), b.Count(), b.Names())
	}
	for i, name := range a.Names() {
		ar, ac := a.At(i).Dims()
		br, bc := b.At(i).Dims()
		if b.Names()[i] != name || ar != br || ac != bc {
			return fmt.Errorf("landscape: %s: layer %s: %s is %d×%d in the first net and %s is %d×%d in the second", fn, layerOf(name), name, ar, ac, b.Names()[i], br, bc)
		}
	}
	return nil
}

// describe returns "W2 64×64, b2 64" for layer l (0-based) of m, for error
// messages.
func describe(m nn.MLP, l int) string {
	s := fmt.Sprintf("W%d %d×%d", l+1, m.Sizes[l+1], m.Sizes[l])
	if !m.NoBias {
		s += fmt.Sprintf(", b%d %d", l+1, m.Sizes[l+1])
	}
	return s
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func sqrt(x float64) float64 { return math.Sqrt(x) }

func abs(x float64) float64 { return math.Abs(x) }

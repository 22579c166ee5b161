package exercise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/landscape"
	"github.com/noetherlab/noether/lib/nn"
)

// PathBarrier checks exercise 12.1: write the barrier of a path from its
// error profile, errs[k] the error at t_k = k/(len(errs) − 1),
//
//	B = max_t E(w(t)) − ½ (E(w(0)) + E(w(1))).
//
// The function is compared with landscape.Profile.Barrier on 200 random
// profiles of 2 to 30 points. Both compute one maximum, one mean and one
// difference of numbers in [0, 1], so they agree to rounding: the tolerance
// is 1e-12.
func PathBarrier(f func(errs []float64) float64) Verdict {
	const id = "12.1"
	if f == nil {
		return Open(id)
	}
	return OnRandomInputs(id, 200, 12, func(rng *rand.Rand) string {
		n := 2 + rng.IntN(29)
		p := landscape.Profile{T: make([]float64, n), M: make([]landscape.Measure, n)}
		errs := make([]float64, n)
		for k := range n {
			p.T[k] = float64(k) / float64(n-1)
			errs[k] = rng.Float64()
			p.M[k].Err = errs[k]
		}
		want, _ := p.Barrier()
		got := f(append([]float64(nil), errs...))
		if math.IsNaN(got) || math.Abs(got-want) > 1e-12 {
			return fmt.Sprintf("on a random profile of %d points your barrier differs from the library's. ", n) +
				"The barrier is the path's highest point measured from the mean of the errors at its two ends, " +
				"not from its lowest point or from one end."
		}
		return ""
	})
}

// LineThroughRescaling checks exercise 12.2: a ReLU unit with incoming
// weight 1 and outgoing weight 1, and its copy rescaled by c = 4 (incoming
// 4, outgoing ¼), compute the same function; by what factor, at most,
// does the straight line between the two multiply the unit's output?
//
// The check walks landscape.Line between the two parameter vectors of the
// network nn.MLP{1, 1, 1} (ReLU) at t = k/1000 and takes the largest ratio
// of its output (nn.Predict at input 1) to the output at the ends. The grid
// contains the maximiser, so the value is exact to rounding: tolerance 1e-9.
func LineThroughRescaling(got float64) Verdict {
	const id = "12.2"
	if math.IsNaN(got) {
		return Open(id)
	}
	const c = 4
	m := nn.MLP{Sizes: []int{1, 1, 1}, Act: nn.ReLU}
	a, b := m.Params(), m.Params()
	a.M("W1").Set(0, 0, 1)
	a.M("W2").Set(0, 0, 1)
	b.M("W1").Set(0, 0, c)
	b.M("W2").Set(0, 0, 1.0/c)
	x := mat.NewDense(1, 1, []float64{1})
	end := nn.Predict(m, a, x).At(0, 0)
	line := landscape.Line{A: a.Vec(), B: b.Vec()}
	p := m.Params()
	want := 0.0
	for k := 0; k <= 1000; k++ {
		line.At(float64(k)/1000, p.Vec())
		want = max(want, nn.Predict(m, p, x).At(0, 0)/end)
	}
	return Number(id, got, want, 1e-9,
		"The unit's output is proportional to the product of its incoming and outgoing weights: "+
			"follow both along the line and find where their product peaks.")
}

// UnitSlerp checks exercise 12.3: write the geodesic of a sphere between
// two unit vectors a and b, the great-circle arc at constant speed that the
// per-unit slerp path follows on every sphere of the canonical form.
//
// The function is compared with landscape.Sphered (with Slerp) on the
// sphere of the hidden unit of a network nn.MLP{k − 1, 1, 1}, for 100 random
// pairs of unit vectors in R^k (k = 2, …, 6) and random t ∈ (0, 1). Both
// are sums of two vectors of unit norm with coefficients computed from the
// same angle: tolerance 1e-10 on each coordinate.
func UnitSlerp(f func(a, b []float64, t float64) []float64) Verdict {
	const id = "12.3"
	if f == nil {
		return Open(id)
	}
	return OnRandomInputs(id, 100, 12, func(rng *rand.Rand) string {
		k := 2 + rng.IntN(5)
		unit := func() []float64 {
			v := make([]float64, k)
			var n float64
			for i := range v {
				v[i] = rng.NormFloat64()
				n += v[i] * v[i]
			}
			for i := range v {
				v[i] /= math.Sqrt(n)
			}
			return v
		}
		a, b, t := unit(), unit(), rng.Float64()
		m := nn.MLP{Sizes: []int{k - 1, 1, 1}, Act: nn.ReLU}
		canon := func(v []float64) *landscape.Canonical {
			p := m.Params()
			c := &landscape.Canonical{Model: m, Params: p, Scale: 1, Rescaled: true}
			for i, j := range c.Spheres()[0].Idx {
				p.Vec()[j] = v[i]
			}
			p.M("W2").Set(0, 0, 1) // the last layer's sphere: the same point at both ends
			return c
		}
		ca, cb := canon(a), canon(b)
		path, err := landscape.NewSphered(ca, cb, true)
		mustLib("UnitSlerp", err)
		dst := make([]float64, len(ca.Params.Vec()))
		path.At(t, dst)
		got := f(append([]float64(nil), a...), append([]float64(nil), b...), t)
		if len(got) != k {
			return fmt.Sprintf("your function returned a vector of length %d for vectors of length %d.", len(got), k)
		}
		var n2 float64
		for _, v := range got {
			n2 += v * v
		}
		if !(math.Abs(n2-1) < 1e-9) {
			return "your point leaves the sphere: w(t) must keep unit norm for every t."
		}
		for i, j := range ca.Spheres()[0].Idx {
			if !(math.Abs(got[i]-dst[j]) <= 1e-10) {
				return "your point is on the sphere but not where the geodesic is at that t: along a great circle " +
					"the angle from a grows at a constant rate, t times the angle between a and b " +
					"(normalising the chord does not do that)."
			}
		}
		return ""
	})
}

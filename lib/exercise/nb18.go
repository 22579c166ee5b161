package exercise

import (
	"math"

	"github.com/noetherlab/noether/lib/lie"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/repro/marcotte2023"
)

// lawCount returns D − dim W₁(θ) for case c at the point marcotte2023.Problem
// draws with 40 samples, after edit (if non-nil) has changed θ.
func lawCount(c marcotte2023.Case, edit func(net nn.MLP, p *nn.Params)) (int, error) {
	s := marcotte2023.CountSettings{Cases: []marcotte2023.Case{c}, Samples: 40}
	net, x, y, theta := marcotte2023.Problem(c, s, 0)
	if edit != nil {
		p := net.Params()
		p.Bind(theta)
		edit(net, p)
	}
	span, err := lie.Generate(marcotte2023.Fields(net, x, y), theta, 0)
	if err != nil {
		return 0, err
	}
	return span.Upper(), nil
}

// integer reports whether x is a whole number.
func integer(x float64) bool { return x == math.Trunc(x) && !math.IsInf(x, 0) }

// LinearLawCount checks exercise 18.1: the number of independent
// conservation laws of gradient flow for a two-layer linear network with
// h = 6 hidden units (7-6-5, no biases). The check counts them as the
// notebook does, D − dim of the span of the per-sample gradient fields and
// their brackets at a random point.
func LinearLawCount(answer float64) Verdict {
	const id = "18.1"
	if math.IsNaN(answer) {
		return Open(id)
	}
	want, err := lawCount(marcotte2023.Case{Name: "linear 7-6-5", Sizes: []int{7, 6, 5}, Act: nn.Linear}, nil)
	mustLib("LinearLawCount", err)
	switch {
	case !integer(answer):
		return Fail(id, "a number of independent functions is a whole number.")
	case int(answer) == want:
		return Pass(id, "the count of the Lie span at a random point agrees")
	case answer == 6:
		return Fail(id, "that is one law per hidden unit, the count of a ReLU network. A linear network has a larger symmetry group, GL(h) rather than rescalings: which of its generators give conserved functions?")
	case answer == 36:
		return Fail(id, "GL(h) has h² generators, but only the symmetric ones are gradients of a function (notebook 02); the antisymmetric ones move θ along the flow's own span.")
	case answer > float64(want):
		return Fail(id, "too many: count the independent entries of the symmetric matrix UᵀU − VVᵀ.")
	default:
		return Fail(id, "too few: every independent entry of the h×h matrix UᵀU − VVᵀ is conserved.")
	}
}

// DeadUnitLaws checks exercise 18.2: the number of independent conserved
// functions of the two-layer ReLU network 5-4-3 of the notebook (no biases)
// once the incoming weights of hidden unit 0 are set to zero. The check
// counts them as the notebook does.
func DeadUnitLaws(answer float64) Verdict {
	const id = "18.2"
	if math.IsNaN(answer) {
		return Open(id)
	}
	want, err := lawCount(marcotte2023.Case{Name: "ReLU 5-4-3", Sizes: []int{5, 4, 3}, Act: nn.ReLU}, func(net nn.MLP, p *nn.Params) {
		W, _ := net.Layers(p)
		W[0].Slice(0, 1, 0, 5).(interface{ Zero() }).Zero()
	})
	mustLib("DeadUnitLaws", err)
	switch {
	case !integer(answer):
		return Fail(id, "a number of independent functions is a whole number.")
	case int(answer) == want:
		return Pass(id, "the count of the Lie span at the edited point agrees")
	case answer == 4:
		return Fail(id, "the four rescaling laws are still there, but a dead unit adds more: which weights does no per-sample gradient move?")
	case answer == 12:
		return Fail(id, "close: the dead unit's own rescaling law is a function of its weights, which are already counted one by one.")
	case answer > float64(want):
		return Fail(id, "too many: the laws of the other units stay, and the dead unit's weights are each conserved; do not count a function of them twice.")
	default:
		return Fail(id, "too few: with relu′(0) = 0 no sample's gradient moves any incoming or outgoing weight of the dead unit.")
	}
}

package nn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
)

// Activation is a nonlinearity σ applied to pre-activations Z (one sample
// per column). Most are elementwise and carry their scalar form F with
// derivative D; Radial acts on whole columns and RadialUnits on whole rows,
// and they have F and D nil.
type Activation struct {
	// Name identifies the activation: "linear", "relu", "leaky_relu(0.1)",
	// "tanh", "sigmoid", "relu2", "softplus", "swish", "pow(2,0)", "radial",
	// "radial_units". It is the activation's identity across the library
	// (conserved finds its official form by it, tables label rows with it):
	// an Activation holds functions, so compare Names, not values.
	Name string
	// Degree is the homogeneity degree α when σ(cz) = c^α σ(z) for all
	// c > 0 (1 for linear, ReLU and leaky ReLU, α for Pow, −1 for Radial and
	// RadialUnits), and 0 when σ is not homogeneous.
	Degree float64
	// F and D are σ and σ′ for an elementwise activation.
	F, D func(x float64) float64
	// Apply records σ(Z) on a tape.
	Apply func(t *ad.Tape, z *ad.Node) *ad.Node
}

func (a Activation) String() string { return a.Name }

// Elementwise reports whether σ acts entry by entry.
func (a Activation) Elementwise() bool { return a.F != nil }

// Eval returns σ(Z) for a matrix Z (one sample per column), into dst when it
// is non-nil.
func (a Activation) Eval(dst, z *mat.Dense) *mat.Dense {
	r, c := z.Dims()
	if dst == nil {
		dst = mat.NewDense(r, c, nil)
	} else if dr, dc := dst.Dims(); dr != r || dc != c {
		panic(fmt.Sprintf("nn: Activation.Eval: dst %d×%d for Z %d×%d", dr, dc, r, c))
	}
	if a.F != nil {
		zr, dr := z.RawMatrix(), dst.RawMatrix()
		if zr.Stride == c && dr.Stride == c {
			ds := dr.Data[:r*c]
			for i, v := range zr.Data[:r*c] {
				ds[i] = a.F(v)
			}
			return dst
		}
		dst.Apply(func(_, _ int, v float64) float64 { return a.F(v) }, z)
		return dst
	}
	t := ad.NewTape()
	dst.Copy(a.Apply(t, t.Const(z)).Value())
	return dst
}

// Linear is the identity, σ(x) = x: U σ(V X) is a linear network.
var Linear = Activation{
	Name: "linear", Degree: 1,
	F:     func(x float64) float64 { return x },
	D:     func(float64) float64 { return 1 },
	Apply: func(_ *ad.Tape, z *ad.Node) *ad.Node { return z },
}

// ReLU is σ(x) = max(x, 0).
var ReLU = Activation{
	Name: "relu", Degree: 1,
	F: func(x float64) float64 { return math.Max(x, 0) },
	D: func(x float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	},
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.ReLU(z) },
}

// LeakyReLU returns σ(x) = x for x > 0 and αx otherwise.
func LeakyReLU(alpha float64) Activation {
	return Activation{
		Name: fmt.Sprintf("leaky_relu(%g)", alpha), Degree: 1,
		F: func(x float64) float64 {
			if x > 0 {
				return x
			}
			return alpha * x
		},
		D: func(x float64) float64 {
			if x > 0 {
				return 1
			}
			return alpha
		},
		Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.LeakyReLU(z, alpha) },
	}
}

// Tanh is σ(x) = tanh x.
var Tanh = Activation{
	Name: "tanh",
	F:    math.Tanh,
	D: func(x float64) float64 {
		y := math.Tanh(x)
		return 1 - y*y
	},
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.Tanh(z) },
}

// Sigmoid is σ(x) = 1/(1 + e^{−x}).
var Sigmoid = Activation{
	Name: "sigmoid",
	F:    sigmoid,
	D: func(x float64) float64 {
		s := sigmoid(x)
		return s * (1 - s)
	},
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.Sigmoid(z) },
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Softplus is σ(x) = log(1 + eˣ).
var Softplus = Activation{
	Name:  "softplus",
	F:     func(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) },
	D:     sigmoid,
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.Softplus(z) },
}

// Swish is σ(x) = x·sigmoid(x).
var Swish = Activation{
	Name: "swish",
	F:    func(x float64) float64 { return x * sigmoid(x) },
	D: func(x float64) float64 {
		s := sigmoid(x)
		return s + x*s*(1-s)
	},
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.Swish(z) },
}

var relu2Func = ad.Func{
	Name: "relu2",
	F: func(x float64) float64 {
		if x > 0 {
			return x*x + 0.01*x
		}
		return 0.01*x*x + 0.01*x
	},
	D: func(x float64) float64 {
		if x > 0 {
			return 2*x + 0.01
		}
		return 0.02*x + 0.01
	},
	D2: func(x float64) float64 {
		if x > 0 {
			return 2
		}
		return 0.02
	},
	// Vec and DVec are F and D as loops: an ensemble of relu² members
	// evaluates σ on millions of entries.
	Vec: func(dst, x []float64) {
		dst = dst[:len(x)]
		for i, v := range x {
			if v > 0 {
				dst[i] = v*v + 0.01*v
			} else {
				dst[i] = 0.01*v*v + 0.01*v
			}
		}
	},
	DVec: func(dst, x []float64) {
		dst = dst[:len(x)]
		for i, v := range x {
			if v > 0 {
				dst[i] = 2*v + 0.01
			} else {
				dst[i] = 0.02*v + 0.01
			}
		}
	},
}

// ReLU2 is the official code's "relu²", σ(x) = LeakyReLU₀.₁(x)² + 0.01x:
// x² + 0.01x for x > 0 and 0.01x² + 0.01x otherwise (smooth and invertible).
var ReLU2 = Activation{
	Name: "relu2",
	F:    relu2Func.F,
	D:    relu2Func.D,
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node {
		return t.Map(z, &relu2Func)
	},
}

// Pow returns the α-homogeneous activation σ(x) = x^α for x > 0 and
// −β(−x)^α for x < 0, with σ(cx) = c^α σ(x) for c > 0 (see ad.Tape.PowAct).
// Pow(1, 0) is ReLU, Pow(2, 0) is ReLU², Pow(3, 1) is x³.
func Pow(alpha, beta float64) Activation {
	return Activation{
		Name: fmt.Sprintf("pow(%g,%g)", alpha, beta), Degree: alpha,
		F: func(x float64) float64 {
			switch {
			case x > 0:
				return math.Pow(x, alpha)
			case x < 0:
				return -beta * math.Pow(-x, alpha)
			}
			return 0
		},
		D: func(x float64) float64 {
			switch {
			case x > 0:
				return alpha * math.Pow(x, alpha-1)
			case x < 0:
				return alpha * beta * math.Pow(-x, alpha-1)
			}
			if alpha == 1 {
				return 1
			}
			return 0
		},
		Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.PowAct(z, alpha, beta) },
	}
}

// Radial is the per-sample radial activation σ(z) = z/‖z‖², applied to each
// sample's pre-activation vector (each column of V X): a radial function
// σ(z) = f(‖z‖) z of the paper's Sec. 3. It is O(h)-equivariant,
// σ(gz) = g σ(z), and homogeneous of degree −1, so U σ(V X) is invariant under
// (U gᵀ, g V) for g ∈ O(h) and under the joint scale (c U, c V).
//
// It is not the model of the official code's radial experiments (Fig. 7),
// which normalises each hidden unit's row instead: see RadialUnits.
var Radial = Activation{
	Name: "radial", Degree: -1,
	Apply: func(t *ad.Tape, z *ad.Node) *ad.Node { return t.RadialCols(z) },
}

package exercise

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// rightAnswers runs each check of notebooks 00–05 on a right answer, the
// one of its solutions notebook: a right answer makes a check do all its
// work, so these time the checks.
var rightAnswers = []struct {
	id    string
	check func() Verdict
}{
	{"00.1", func() Verdict { return BranchFlip(func(u, v float64) (float64, float64) { return -u, -v }) }},
	{"00.2", func() Verdict { return WelcomeDrift(0.0039585) }}, // half the η = 0.1 drift, 7.917e-3
	{"01.1", func() Verdict {
		return CubePi(func(s []float64) []float64 {
			p := make([]float64, len(s))
			for i, c := range s {
				p[i] = c * c * c
			}
			return p
		})
	}},
	{"01.2", func() Verdict { return OrbitDimension(56) }},
	{"01.3", func() Verdict {
		return BiasRescale(func(c []float64, U, V *mat.Dense, b []float64) (*mat.Dense, *mat.Dense, []float64) {
			cU, cV := sym.Rescale(c, U, V)
			floats.Mul(b, c)
			return cU, cV, b
		})
	}},
	{"02.1", func() Verdict {
		F := conserved.RatioQuad(nn.Softplus.F, nn.Softplus.D, 0)
		return SoftplusConserved(func(U, V *mat.Dense) float64 { return conserved.Elementwise(F, U, V) })
	}},
	{"02.2", func() Verdict { return StepChange(stepChangeAt(0.05)) }},
	{"03.1", func() Verdict {
		return BalancedScale(func(U, V *mat.Dense) float64 { return math.Log(mat.Norm(U, 2)/mat.Norm(V, 2)) / 2 })
	}},
	{"03.2", func() Verdict {
		return PredictEnd(func(u, v []float64, q float64) ([]float64, []float64) {
			c := conserved.ScaleForQ(q, floats.Dot(u, u), floats.Dot(v, v))
			floats.Scale(1/c, u)
			floats.Scale(c, v)
			return u, v
		})
	}},
	{"04.1", func() Verdict {
		return LinearBand(func(m, h, n int, sdU, sdV float64) (float64, float64) {
			return conserved.InitMoments(nn.Linear, m, h, n, sdU, sdV)
		})
	}},
	{"04.2", func() Verdict { return HeReLUSpread(math.Sqrt(7)) }},
	{"05.1", func() Verdict { return HalfLossCurvature(func(Q, y float64) float64 { return math.Hypot(Q, 2*y) }) }},
	{"05.2", func() Verdict { return ScalarFactor(1 - 0.1*math.Sqrt(13)) }},
}

// Each entry of rightAnswers is right, so that the benchmark times real work.
func TestRightAnswers(t *testing.T) {
	for _, a := range rightAnswers {
		if v := a.check(); v.Status != Right || v.Exercise != a.id {
			t.Errorf("%s: %v", a.id, v)
		}
	}
}

// BenchmarkChecks times each check on a right answer; each must stay well
// under the 2 s a notebook cell may spend on it.
func BenchmarkChecks(b *testing.B) {
	for _, a := range rightAnswers {
		b.Run(a.id, func(b *testing.B) {
			for b.Loop() {
				a.check()
			}
		})
	}
}

package exercise

import (
	"math"
	"testing"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/noise"
	"github.com/noetherlab/noether/lib/repro/ziyin2024"
)

// answer141 is the solution of exercise 14.1.
func answer141(C, eta, gamma, q float64) float64 {
	return (1-eta*gamma)*(1-eta*gamma)*C + eta*eta*q
}

func TestChargeStep(t *testing.T) {
	right := answer141
	firstOrderDecay := func(C, eta, gamma, q float64) float64 {
		return (1-2*eta*gamma)*C + eta*eta*q
	}
	expect12(t, "right", ChargeStep(right), Right)
	expect12(t, "(1 − 2ηγ)C", ChargeStep(firstOrderDecay), Wrong)
	expect12(t, "nil", ChargeStep(nil), Unanswered)
}

// notebook14Step is the solution of exercise 14.2 at batch size S (with
// replacement), as a student computes it in the notebook.
func notebook14Step(t *testing.T, S int) float64 {
	t.Helper()
	prob := ziyin2024.Linear{}
	x, y := prob.Data()
	A := prob.TraceCharge()
	theta := prob.Init(0, nn.XavierNormal, 1)
	A.Exp(theta, math.Ln2, theta)
	g, err := noise.PerSample(prob.Net(), theta, x, y, nn.MSE)
	if err != nil {
		t.Fatal(err)
	}
	d, err := noise.ExpectedStep(A, theta, g, noise.SGD{LR: 0.05, BatchSize: S, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	return d.Total
}

func TestBatchDrift(t *testing.T) {
	expect12(t, "right", BatchDrift(notebook14Step(t, 4)), Right)
	expect12(t, "batch 1", BatchDrift(notebook14Step(t, 1)), Wrong)
	expect12(t, "NaN", BatchDrift(math.NaN()), Unanswered)
}

func TestCircleGrowth(t *testing.T) {
	r, err := ziyin2024.Circle(ziyin2024.CircleSettings{})
	if err != nil {
		t.Fatal(err)
	}
	const eta, k = 0.05, 100000
	T := r.TraceAtMin
	expect12(t, "right", CircleGrowth(math.Sqrt(1+2*eta*eta*T*k)), Right)
	expect12(t, "right, T to four digits", CircleGrowth(math.Sqrt(1+2*eta*eta*math.Round(T*1e4)/1e4*k)), Right)
	expect12(t, "η instead of η²", CircleGrowth(math.Sqrt(1+2*eta*T*k)), Wrong)
	expect12(t, "no square root", CircleGrowth(1+2*eta*eta*T*k), Wrong)
	expect12(t, "NaN", CircleGrowth(math.NaN()), Unanswered)
}

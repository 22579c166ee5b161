package nn_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
)

// testdata/torch holds the data and initial weights that a PyTorch 1.13
// reference run (float64) saved, and the results it printed
// (reference.json).
func torchReference(t *testing.T) (map[string]float64, map[string]*nnMat) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/torch/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]any
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	nums := map[string]float64{}
	for k, v := range ref {
		if f, ok := v.(float64); ok {
			nums[k] = f
		}
	}
	ms := map[string]*nnMat{}
	for _, name := range []string{"X", "Y", "U", "V"} {
		m, err := nn.ReadNpy("../../testdata/torch/lin_" + name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		ms[name] = &nnMat{m}
	}
	return nums, ms
}

// The linear net 20-50-10, trained from PyTorch's initial weights on its data
// by 1000 GD steps at lr 0.1 on ½‖·‖²/N, ends at PyTorch's loss. Tolerance
// 1e-10 relative: the two differ only in the order of floating-point sums
// (~1e-16 per step), and gradient descent here contracts such differences
// instead of amplifying them.
func TestLinearNetMatchesPyTorch(t *testing.T) {
	ref, m := torchReference(t)
	net := nn.TwoLayer{In: 20, Hidden: 50, Out: 10, Act: nn.Linear}
	p := net.Params()
	p.M("U").Copy(m["U"])
	p.M("V").Copy(m["V"])
	obj := nn.NewObjectiveRows(net, m["X"].Dense, m["Y"].Dense, nn.HalfSquaredError)
	if _, err := optim.Run(obj.Func, p.Vec(), &optim.GD{LR: 0.1}, optim.Settings{Steps: 1000}); err != nil {
		t.Fatal(err)
	}
	got, want := obj.Func(p.Vec(), nil), ref["lin_final_loss"]
	if rel := math.Abs(got-want) / want; rel > 1e-10 {
		t.Fatalf("final loss %.17g, PyTorch %.17g (relative difference %.1e)", got, want, rel)
	}
	t.Logf("final loss %.17g, PyTorch %.17g", got, want)
}

// The Hessian of the leaky-ReLU MLP 20-50-10 (zero biases) at PyTorch's
// weights, against PyTorch's exact Hessian (double backward, then eigvalsh;
// testdata/torch/mlp_hessian.json says how it was made), with both our
// operators: the finite differences of exact gradients (hessian.NewHVP),
// accurate to ~1e-9 relative, must give λ_max and λ₂ by Lanczos to 1e-8, and
// the exact products (hessian.New, forward over reverse) to 1e-12 (both sides
// exact: what remains is the rounding of eigvalsh and of Lanczos converged to
// its default tolerance 1e-8, whose eigenvalue error is residual²/gap
// ≈ 1e-14). The trace by Hutchinson must lie within 4 standard errors.
// PyTorch's own 50 power iterations (reference.json) are only a lower bound:
// λ₂/λ₁ = 0.96 makes power iteration slow here.
func TestMLPHessianMatchesPyTorch(t *testing.T) {
	ref, m := torchReference(t)
	b, err := os.ReadFile("../../testdata/torch/mlp_hessian.json")
	if err != nil {
		t.Fatal(err)
	}
	var exact struct {
		LambdaMax float64 `json:"lambda_max"`
		Lambda2   float64 `json:"lambda_2"`
		Trace     float64 `json:"trace"`
	}
	if err := json.Unmarshal(b, &exact); err != nil {
		t.Fatal(err)
	}
	net := nn.MLP{Sizes: []int{20, 50, 10}, Act: nn.LeakyReLU(0.01)}
	p := net.Params()
	p.M("W1").Copy(m["V"])
	p.M("W2").Copy(m["U"])
	obj := nn.NewObjectiveRows(net, m["X"].Dense, m["Y"].Dense, nn.HalfSquaredError)
	hvp := hessian.NewHVP(obj.Func, p.Vec())
	e := hessian.Lanczos(hvp, 2, hessian.LanczosSettings{Rand: rand.New(rand.NewPCG(1, 2))})
	ex := hessian.Lanczos(hessian.New(obj, p.Vec()), 2, hessian.LanczosSettings{Rand: rand.New(rand.NewPCG(1, 2))})
	for i, want := range []float64{exact.LambdaMax, exact.Lambda2} {
		if rel := math.Abs(e.Values[i]-want) / want; rel > 1e-8 {
			t.Errorf("finite differences: λ_%d = %.15g, PyTorch %.15g (relative difference %.1e)", i+1, e.Values[i], want, rel)
		}
		if rel := math.Abs(ex.Values[i]-want) / want; rel > 1e-12 {
			t.Errorf("exact products: λ_%d = %.15g, PyTorch %.15g (relative difference %.1e)", i+1, ex.Values[i], want, rel)
		}
		t.Logf("λ_%d relative to PyTorch: finite differences %.1e, exact %.1e", i+1, math.Abs(e.Values[i]-want)/want, math.Abs(ex.Values[i]-want)/want)
	}
	tr := hessian.Trace(hvp, 100, rand.New(rand.NewPCG(3, 4)))
	if d := math.Abs(tr.Mean - exact.Trace); d > 4*tr.StdErr {
		t.Errorf("trace %.6g ± %.2g, PyTorch %.10g", tr.Mean, tr.StdErr, exact.Trace)
	}
	if power := ref["hvp_lambda"]; power > exact.LambdaMax*(1+1e-12) {
		t.Errorf("PyTorch's power iteration %.12g exceeds λ_max %.12g", power, exact.LambdaMax)
	}
	t.Logf("λ_max %.15g vs PyTorch %.15g; trace %.6g ± %.2g vs %.10g", e.Values[0], exact.LambdaMax, tr.Mean, tr.StdErr, exact.Trace)
}

type nnMat struct{ *mat.Dense }

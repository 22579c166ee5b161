package noise

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/optim"
)

// SGD is the optimiser whose noise is studied: plain stochastic gradient
// descent with decoupled weight decay, as optim.GD applies it to minibatch
// gradients,
//
//	θ' = (1 − ηγ) θ − η ĝ,   ĝ = (1/S) Σ_{s ∈ batch} g_s,
//
// with batches of S samples drawn from N uniformly, with or without
// replacement.
type SGD struct {
	LR          float64 // η; must be positive
	WeightDecay float64 // γ ≥ 0
	BatchSize   int     // S; 0 means 1
	// Replace draws each batch's samples independently (with replacement);
	// false draws S distinct samples, as the shuffled epochs of
	// optim.RunBatch do (each of their batches is a uniform S-subset).
	Replace bool
}

func (s SGD) check(n int) error {
	if !(s.LR > 0) || s.WeightDecay < 0 || s.BatchSize < 0 {
		return fmt.Errorf("noise: SGD: LR = %v, WeightDecay = %v, BatchSize = %d: want LR > 0, WeightDecay ≥ 0, BatchSize ≥ 0", s.LR, s.WeightDecay, s.BatchSize)
	}
	if !s.Replace && s.batch() > n {
		return fmt.Errorf("noise: SGD: batches of %d distinct samples from %d", s.batch(), n)
	}
	return nil
}

func (s SGD) batch() int { return max(s.BatchSize, 1) }

// Factor returns c with Cov[ĝ] = c Σ for batches of S samples out of N:
//
//	with replacement:     c = 1/S
//	without replacement:  c = (N − S) / (S (N − 1))
//
// (the finite-population correction; c = 0 for the full batch S = N).
func (s SGD) Factor(n int) float64 {
	S := float64(s.batch())
	if s.Replace {
		return 1 / S
	}
	if n <= 1 {
		return 0
	}
	return (float64(n) - S) / (S * float64(n-1))
}

// Shrink returns k = 1 − (1 − ηγ)², the fraction of the charge that weight
// decay removes in one step.
func (s SGD) Shrink() float64 {
	a := 1 - s.LR*s.WeightDecay
	return 1 - a*a
}

// NextCharge returns the charge after one step from a point of charge C with
// the minibatch gradient ĝ: the exact discrete Noether law
//
//	C' = (1 − ηγ)² C + η² ĝᵀAĝ.
//
// Expanding θ'ᵀAθ' gives a third term −2η(1 − ηγ) ĝᵀAθ, which vanishes
// because every minibatch loss has the symmetry: ℓ(e^{λA}θ) = ℓ(θ) gives
// ⟨∇ℓ, Aθ⟩ = 0. Nothing is neglected, so the law holds to rounding at any
// learning rate and batch size; with γ = 0 it is ΔC = η²ĝᵀAĝ. It is
// conserved.NextCharge for a structured A.
func NextCharge(C float64, A *Symmetry, g []float64, s SGD) float64 {
	a := 1 - s.LR*s.WeightDecay
	return a*a*C + s.LR*s.LR*A.Quad(g, g)
}

// Drift is the expected one-step change of a charge at θ, split into its
// terms: E[C' − C | θ] = Decay + Mean + Noise.
type Drift struct {
	Charge float64 // C = θᵀAθ
	Decay  float64 // −k C, k = 1 − (1 − ηγ)²
	Mean   float64 // η² ḡᵀAḡ, from the full gradient (what GD would do)
	Noise  float64 // η² c Tr[ΣA], from the gradient noise
	Total  float64 // their sum
}

// ExpectedStep returns the expected change of the charge C = θᵀAθ over one
// step of s from θ, where g holds the per-sample gradients at θ. Taking the
// expectation of NextCharge over the batch, with E[ĝĝᵀ] = ḡḡᵀ + cΣ (Factor),
//
//	E[C' − C | θ] = −k C + η² (ḡᵀAḡ + c Tr[ΣA]).
//
// This is the Noether flow of Ziyin et al. in exact discrete form: their
// continuous-time Ċ = −4γC + σ² Tr[ΣA] (whose constants differ between
// their equations) is its leading order in η.
func ExpectedStep(A *Symmetry, theta []float64, g *Gradients, s SGD) (Drift, error) {
	if err := s.check(g.N()); err != nil {
		return Drift{}, err
	}
	if A.Dim() != g.Dim() || len(theta) != g.Dim() {
		return Drift{}, fmt.Errorf("noise: ExpectedStep: generator of dimension %d, θ of length %d, gradients of %d parameters", A.Dim(), len(theta), g.Dim())
	}
	eta2 := s.LR * s.LR
	C := A.Charge(theta)
	d := Drift{
		Charge: C,
		Decay:  -s.Shrink() * C,
		Mean:   eta2 * A.Quad(g.Mean(), g.Mean()),
		Noise:  eta2 * s.Factor(g.N()) * g.TraceCovA(A),
	}
	d.Total = d.Decay + d.Mean + d.Noise
	return d, nil
}

// Tracker is an optim.Observer that follows the charge of A along a run of
// Rule (optim.Run or optim.RunBatch) and checks the exact law NextCharge at
// every step: it predicts C_{k+1} from C_k and the gradient ĝ_k the step
// uses, and compares with the charge it then sees. The residual of step k is
//
//	|C_{k+1} − (1 − ηγ)² C_k − η² ĝ_kᵀAĝ_k| / θ_{k+1}ᵀ|A|θ_{k+1},
//
// relative to AbsCharge, the scale of the rounding of C: of order 1e-16 per
// step when the law holds. The learning rate and decay are read from Rule at
// each step, so a warm-up that changes Rule.LR is followed.
type Tracker struct {
	A    *Symmetry
	Rule *optim.GD
	// Every records C every Every steps (and at the last); 0 means 1. The
	// law is checked at every step whatever Every is.
	Every int

	Step   []int     // recorded steps
	Charge []float64 // C at the recorded steps

	Checked     int     // steps whose law was checked
	MaxResidual float64 // the largest residual

	pred  float64
	have  bool
	calls int
}

// Observe implements optim.Observer.
func (t *Tracker) Observe(s *optim.State) {
	C := t.A.Charge(s.Theta)
	if t.have {
		r := math.Abs(C-t.pred) / t.A.AbsCharge(s.Theta)
		if !(r <= t.MaxResidual) { // also catches NaN
			t.MaxResidual = r
		}
		t.Checked++
	}
	every := max(t.Every, 1)
	if t.calls%every == 0 || s.Done {
		t.Step = append(t.Step, s.Step)
		t.Charge = append(t.Charge, C)
	}
	t.calls++
	t.pred = NextCharge(C, t.A, s.Grad, SGD{LR: t.Rule.LR, WeightDecay: t.Rule.WeightDecay})
	t.have = !s.Done
}

// WithReplacement returns a minibatch objective that ignores the batch
// optim.RunBatch hands it and evaluates f on as many indices drawn
// independently and uniformly from [0, n) (with replacement) by rng: with it,
// RunBatch runs SGD with replacement, SGD{Replace: true}. (Observers still
// see RunBatch's own State.Batch.)
func WithReplacement(f optim.BatchFunc, n int, rng *rand.Rand) optim.BatchFunc {
	if n <= 0 || rng == nil {
		panic(fmt.Sprintf("noise: WithReplacement: n = %d, rng nil: %v", n, rng == nil))
	}
	var idx []int
	return func(theta, grad []float64, batch []int) float64 {
		idx = idx[:0]
		for range batch {
			idx = append(idx, rng.IntN(n))
		}
		return f(theta, grad, idx)
	}
}

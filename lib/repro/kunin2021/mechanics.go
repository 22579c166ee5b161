package kunin2021

// Notebook 20: broken conservation in closed form. For each hidden ReLU unit
// j of a 784-h-10 MLP the rescaling (W1_j, b1_j, W2_{:,j}) ↦ (e^{−s}W1_j,
// e^{−s}b1_j, e^{s}W2_{:,j}) leaves the loss unchanged, so its charge
//
//	C_j(θ) = ‖W2_{:,j}‖² − ‖W1_{j,:}‖² − b1_j² = θᵀA_jθ,
//
// A_j diagonal with +1 on the outgoing and −1 on the incoming weights, is
// conserved by gradient flow (⟨∇L, A_jθ⟩ = 0). The runs break it three ways.

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/conserved"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// MechanicsSettings are the settings of Mechanics. The paper's experiments
// train VGG-16 on Tiny ImageNet for many epochs; on 2 cores this package's
// setting is a 784-Hidden-10 ReLU MLP with biases, full-batch steps on the
// first Samples Fashion-MNIST training images with cross-entropy, and
// hyperparameters chosen so that every effect is visible: weight decay large
// enough to decay the charges by e^{−2γηSteps} = e^{−2}, and momentum close
// enough to 1 that the oscillator, under-damped once ηγ exceeds
// (1−β)²/(4(1+β)), rings several times within MomentumSteps.
type MechanicsSettings struct {
	Samples       int     // 0 means 1000
	Hidden        int     // 0 means 32
	LR            float64 // η of the weight-decay and plain runs; 0 means 0.05
	WeightDecay   float64 // γ of the weight-decay run; 0 means 0.05
	Steps         int     // of the weight-decay and plain runs; 0 means 400 (t = 20)
	MomentumLR    float64 // η of the momentum run; 0 means 0.01
	Momentum      float64 // β; 0 means 0.99
	MomentumDecay float64 // γ of the momentum run; 0 means 0.02
	MomentumSteps int     // 0 means 1000 (t = 10)
	// EtaScale multiplies both learning rates and divides both step counts,
	// keeping the times: 0 means 1; 0.5 is the run at η/2 that shows the
	// order of each prediction's error.
	EtaScale float64
	Seed     uint64 // initialisation (Kaiming normal, biases zero)
}

// Fast returns the preset of the tests: 200 samples, 16 hidden units.
func (s MechanicsSettings) Fast() MechanicsSettings {
	s.Samples, s.Hidden = 200, 16
	return s
}

func (s MechanicsSettings) withDefaults() MechanicsSettings {
	def := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	defInt := func(x *int, v int) {
		if *x == 0 {
			*x = v
		}
	}
	defInt(&s.Samples, 1000)
	defInt(&s.Hidden, 32)
	def(&s.LR, 0.05)
	def(&s.WeightDecay, 0.05)
	defInt(&s.Steps, 400)
	def(&s.MomentumLR, 0.01)
	def(&s.Momentum, 0.99)
	def(&s.MomentumDecay, 0.02)
	defInt(&s.MomentumSteps, 1000)
	def(&s.EtaScale, 1)
	if s.EtaScale != 1 {
		s.LR *= s.EtaScale
		s.MomentumLR *= s.EtaScale
		s.Steps = int(math.Round(float64(s.Steps) / s.EtaScale))
		s.MomentumSteps = int(math.Round(float64(s.MomentumSteps) / s.EtaScale))
		s.EtaScale = 1
	}
	return s
}

// Run is one training run of Mechanics: the charges C_j of the hidden units
// at every step, and their predictions.
type Run struct {
	Name                string
	LR, Decay, Momentum float64
	// Time is t = kη for k = 0..Steps; Charge[k][j] is C_j at step k.
	Time   []float64
	Charge [][]float64
	// Continuous is the continuous-time prediction of gradient flow with
	// weight decay (and momentum), from C(0) alone; Modified the paper's
	// modified equation, which adds the first-order effect of the finite
	// learning rate and is driven by the measured gradients (velocities
	// under momentum); Exact the exact law of the discrete update.
	Continuous, Modified, Exact [][]float64
	// ContinuousErr, ModifiedErr and ExactErr are
	// max_k ‖prediction_k − C_k‖ / max_k ‖C_k‖.
	ContinuousErr, ModifiedErr, ExactErr float64
	Loss                                 []float64
}

// MechanicsResult holds the three runs of Mechanics: weight decay without
// momentum, plain GD (finite learning rate only), and momentum with weight
// decay.
type MechanicsResult struct {
	Settings MechanicsSettings
	Runs     []Run
}

// Problem returns the network, the data (784×Samples inputs, 1×Samples
// labels) and the initial point of Mechanics.
func (s MechanicsSettings) Problem() (nn.MLP, *mat.Dense, *mat.Dense, []float64, error) {
	s = s.withDefaults()
	set, err := data.FashionMNIST(data.Train, &data.Settings{Limit: s.Samples})
	if err != nil {
		return nn.MLP{}, nil, nil, nil, err
	}
	net := nn.MLP{Sizes: []int{784, s.Hidden, 10}, Act: nn.ReLU}
	p := net.Init(rand.New(rand.NewPCG(s.Seed, 20)), nn.KaimingNormal)
	return net, data.Columns(set.X), nn.LabelRow(set.Labels), p.Vec(), nil
}

// Charges returns C_j(θ) = ‖W2_{:,j}‖² − ‖W1_{j,:}‖² − b1_j² for every hidden
// unit (conserved.DeepNeurons with α = 1). Applied to a gradient or a
// velocity laid out as θ it gives gᵀA_jg.
func Charges(net nn.MLP, theta []float64) []float64 {
	return newCharger(net).of(theta)
}

// charger computes Charges with one parameter set for every call: train
// takes three charges a step, and a fresh set each time (as long as θ) cost
// more than the charges themselves.
type charger struct {
	net nn.MLP
	p   *nn.Params
}

// newCharger returns the charger of net, with its one parameter set.
func newCharger(net nn.MLP) charger { return charger{net, net.Params()} }

// of returns Charges(c.net, theta).
func (c charger) of(theta []float64) []float64 {
	c.p.Bind(theta)
	W, b := c.net.Layers(c.p)
	return conserved.DeepNeurons(1, W, b)[0]
}

// Mechanics trains three copies of the network from the same initialisation,
// with weight decay, without, and with momentum and weight decay, each with
// full-batch steps of PyTorch's SGD,
//
//	v_{k+1} = β v_k + ∇L(θ_k) + γ θ_k,   θ_{k+1} = θ_k − η v_{k+1},   v_0 = 0,
//
// (β = 0 is plain GD with weight decay), and records the charges C_j. Its
// predictions, in time t = kη (notebooks/REFERENCES.md, notebook 20, derives
// them):
//
//	weight decay (β = 0):  continuous C(t) = e^{−2γt} C(0)
//	                       modified   Ċ = −(2γ + ηγ²) C + η gᵀAg
//	                       exact      C_{k+1} = (1 − ηγ)² C_k + η² g_kᵀA g_k
//	finite η (β = γ = 0):  continuous C(t) = C(0)
//	                       modified   Ċ = η gᵀAg (with g constant over a step, the exact law)
//	                       exact      C_{k+1} = C_k + η² g_kᵀA g_k
//	momentum:              continuous m C̈ + Ċ + κ C = 0, m = η(1+β)/(2(1−β)),
//	                                  κ = 2γ/(1−β), C(0) = C_0, Ċ(0) = −2γ C_0
//	                       modified   m C̈ + Ċ + κ C = η(1+β)K/(1−β), the same start
//	                       exact      C_{k+1} = (1+β−2ηγ) C_k − β C_{k−1} + η²(K_{k+1} + β K_k),
//	                                  K_k = v_kᵀA v_k, C_1 = (1 − 2ηγ) C_0 + η² K_1.
//
// The continuous forms use only C(0); the modified ones and the exact laws
// the measured g_kᵀAg_k and K_k as well.
func Mechanics(s MechanicsSettings) (*MechanicsResult, error) {
	s = s.withDefaults()
	net, x, y, theta0, err := s.Problem()
	if err != nil {
		return nil, fmt.Errorf("kunin2021: Mechanics: %w", err)
	}
	res := &MechanicsResult{Settings: s}
	for _, r := range []struct {
		name             string
		eta, decay, beta float64
		steps            int
	}{
		{"weight decay", s.LR, s.WeightDecay, 0, s.Steps},
		{"finite learning rate", s.LR, 0, 0, s.Steps},
		{"momentum and weight decay", s.MomentumLR, s.MomentumDecay, s.Momentum, s.MomentumSteps},
	} {
		run := train(net, x, y, theta0, s.Hidden, r.eta, r.decay, r.beta, r.steps)
		run.Name = r.name
		res.Runs = append(res.Runs, run)
	}
	return res, nil
}

func train(net nn.MLP, x, y *mat.Dense, theta0 []float64, h int, eta, gamma, beta float64, steps int) Run {
	obj := nn.NewObjective(net, x, y, nn.CrossEntropy)
	theta := append([]float64(nil), theta0...)
	n := len(theta)
	g, v := make([]float64, n), make([]float64, n)
	run := Run{LR: eta, Decay: gamma, Momentum: beta}
	charges := newCharger(net).of
	C0 := charges(theta)
	exact := append([]float64(nil), C0...)
	var prevExact, prevK []float64
	mod := append([]float64(nil), C0...) // the modified equation's C
	modDot := make([]float64, h)         // and Ċ, under momentum
	for j := range modDot {
		modDot[j] = -2 * gamma * C0[j]
	}
	for k := 0; ; k++ {
		C := charges(theta)
		run.Time = append(run.Time, float64(k)*eta)
		run.Charge = append(run.Charge, C)
		run.Exact = append(run.Exact, append([]float64(nil), exact...))
		run.Continuous = append(run.Continuous, continuous(C0, float64(k)*eta, eta, gamma, beta))
		run.Modified = append(run.Modified, append([]float64(nil), mod...))
		if k == steps {
			break
		}
		run.Loss = append(run.Loss, obj.Func(theta, g))
		gA := charges(g) // g_kᵀA_j g_k
		for i := range v {
			v[i] = beta*v[i] + g[i] + gamma*theta[i]
			theta[i] -= eta * v[i]
		}
		K := charges(v) // K_{k+1} = v_{k+1}ᵀA_j v_{k+1}
		next := make([]float64, h)
		for j := range next {
			switch {
			case beta == 0:
				next[j] = (1-eta*gamma)*(1-eta*gamma)*exact[j] + eta*eta*gA[j]
			case k == 0:
				next[j] = (1-2*eta*gamma)*exact[j] + eta*eta*K[j]
			default:
				next[j] = (1+beta-2*eta*gamma)*exact[j] - beta*prevExact[j] + eta*eta*(K[j]+beta*prevK[j])
			}
		}
		prevExact, prevK, exact = exact, K, next
		for j := range mod {
			if beta == 0 {
				mod[j] = modifiedStep(mod[j], eta, gamma, gA[j])
			} else {
				mod[j], modDot[j] = oscillatorStep(mod[j], modDot[j], eta, gamma, beta, K[j])
			}
		}
	}
	run.ContinuousErr = relErr(run.Continuous, run.Charge)
	run.ModifiedErr = relErr(run.Modified, run.Charge)
	run.ExactErr = relErr(run.Exact, run.Charge)
	return run
}

// modifiedStep advances the modified equation of gradient descent with
// weight decay, Ċ = −(2γ + ηγ²) C + η gᵀAg, over one step of length η with
// gᵀAg = gAg held constant, exactly:
//
//	C(t+η) = e^{−rη} C(t) + η gᵀAg (1 − e^{−rη})/r,  r = 2γ + ηγ².
func modifiedStep(c, eta, gamma, gAg float64) float64 {
	r := 2*gamma + eta*gamma*gamma
	if r == 0 {
		return c + eta*eta*gAg
	}
	e := math.Exp(-r * eta)
	return e*c + eta*gAg*(1-e)/r
}

// oscillatorStep advances the driven oscillator m C̈ + Ċ + κ C = F,
// F = η(1+β)K/(1−β) (K = vᵀAv held constant over the step), over one step
// of length η by 16 steps of the classical Runge–Kutta method (its error,
// O((η/16)⁴) per unit time, is far below the O(η) of the equation itself).
func oscillatorStep(c, cdot, eta, gamma, beta, K float64) (float64, float64) {
	m, kappa := Oscillator(eta, gamma, beta)
	F := eta * (1 + beta) / (1 - beta) * K
	acc := func(c, cdot float64) float64 { return (F - cdot - kappa*c) / m }
	const n = 16
	dt := eta / n
	for range n {
		k1c, k1v := cdot, acc(c, cdot)
		k2c, k2v := cdot+dt/2*k1v, acc(c+dt/2*k1c, cdot+dt/2*k1v)
		k3c, k3v := cdot+dt/2*k2v, acc(c+dt/2*k2c, cdot+dt/2*k2v)
		k4c, k4v := cdot+dt*k3v, acc(c+dt*k3c, cdot+dt*k3v)
		c += dt / 6 * (k1c + 2*k2c + 2*k3c + k4c)
		cdot += dt / 6 * (k1v + 2*k2v + 2*k3v + k4v)
	}
	return c, cdot
}

// continuous returns the continuous-time prediction at time t from C(0).
func continuous(C0 []float64, t, eta, gamma, beta float64) []float64 {
	f := 1.0
	switch {
	case beta == 0:
		f = math.Exp(-2 * gamma * t)
	default:
		m, kappa := Oscillator(eta, gamma, beta)
		f = oscillator(t, m, kappa, -2*gamma)
	}
	c := make([]float64, len(C0))
	for j := range c {
		c[j] = f * C0[j]
	}
	return c
}

// Oscillator returns the mass m = η(1+β)/(2(1−β)) and the stiffness
// κ = 2γ/(1−β) of the continuous-time equation m C̈ + Ċ + κ C = 0 that a
// charge follows under momentum β, weight decay γ and learning rate η (time
// t = kη). It oscillates (is under-damped) when 4mκ > 1.
func Oscillator(eta, gamma, beta float64) (m, kappa float64) {
	return eta * (1 + beta) / (2 * (1 - beta)), 2 * gamma / (1 - beta)
}

// oscillator returns x(t) for m ẍ + ẋ + κ x = 0, x(0) = 1, ẋ(0) = v0: with
// roots r = (−1 ± √(1 − 4mκ))/(2m), real or complex.
func oscillator(t, m, kappa, v0 float64) float64 {
	disc := 1 - 4*m*kappa
	a := -1 / (2 * m)
	if disc >= 0 {
		s := math.Sqrt(disc) / (2 * m)
		r1, r2 := a+s, a-s
		// x = A e^{r1 t} + B e^{r2 t}, A + B = 1, A r1 + B r2 = v0.
		A := (v0 - r2) / (r1 - r2)
		return A*math.Exp(r1*t) + (1-A)*math.Exp(r2*t)
	}
	w := math.Sqrt(-disc) / (2 * m)
	// x = e^{at}(cos wt + ((v0 − a)/w) sin wt).
	return math.Exp(a*t) * (math.Cos(w*t) + (v0-a)/w*math.Sin(w*t))
}

// relErr returns max_k ‖p_k − c_k‖ / max_k ‖c_k‖.
func relErr(p, c [][]float64) float64 {
	var num, den float64
	for k := range c {
		var d, n float64
		for j := range c[k] {
			d += (p[k][j] - c[k][j]) * (p[k][j] - c[k][j])
			n += c[k][j] * c[k][j]
		}
		num, den = math.Max(num, math.Sqrt(d)), math.Max(den, math.Sqrt(n))
	}
	return num / den
}

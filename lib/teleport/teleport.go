// Package teleport moves a network along a symmetry orbit of its loss, the
// optimiser step of symmetry teleportation (Zhao, Dehmamy, Walters, Yu,
// NeurIPS 2022; Zhao, Gower, Walters, Yu, ICLR 2024): the loss stays exactly
// what it was, while a chosen quantity (the squared gradient norm, or the
// sharpness) goes up or down.
//
// # The orbit and its algebra
//
// For an MLP (nn.MLP) with weights W_1 … W_L and biases b_1 … b_L, hidden
// layer i (the output of W_i, 1 ≤ i < L) carries the action of an invertible
// h_i×h_i matrix g,
//
//	W_i → g W_i,   b_i → g b_i,   W_{i+1} → W_{i+1} g⁻¹,
//
// which leaves the function unchanged for every input when g is in
//
//	GL       all of GL(h_i)                  the activation is the identity
//	Rescale  the positive diagonal matrices  σ(cx) = c σ(x) for c > 0 (ReLU, LeakyReLU)
//
// (sym.DeepGL, sym.DeepRescale). The third group is the data-dependent
// nonlinear action of Zhao et al. (sym.NonlinearPi), for any elementwise σ:
//
//	Nonlinear  W_i → g W_i,  W_{i+1} → W_{i+1} π,  π = σ(W_i H_i) σ(g W_i H_i)⁺
//
// with H_i the input of layer i on the data (Settings.Inputs). It leaves the
// outputs on those inputs unchanged only when there are at most h_i of them
// (σ(g W_i H_i) has full column rank), and changes them elsewhere: a symmetry
// of the loss of a tiny data set, not of the network.
//
// A teleport composes elements g_i = exp(A_i), one per hidden layer, chosen
// by gradient ascent in the Lie algebra. If Φ(θ) is the quantity to move and
// w = ∇Φ(θ), the derivative of Φ along the orbit direction A_i at the identity
// is ⟨w, t(A_i)⟩ with the tangent t(A_i) = (A_i W_i, A_i b_i, −W_{i+1} A_i),
// so the algebra gradient is
//
//	G_i = w_{W_i} W_iᵀ + w_{b_i} b_iᵀ − W_{i+1}ᵀ w_{W_{i+1}}     (h_i×h_i),
//
// its diagonal for Rescale. For Nonlinear the action is not linear in θ and
// G_i is taken instead by central differences of Φ along each of the h_i²
// directions E_ab (two evaluations of Φ each). One step moves by A_i = ±α G_i/‖G‖ (‖G‖ over all
// layers), so α is the length of the step in the algebra, and is halved until
// the step improves Φ.
//
// # The quantities
//
//	GradNorm        Φ = ‖∇L‖²,  w = 2 H ∇L         one gradient and one Hessian-vector product
//	SharpnessUp     Φ = ±λ_max(H), w = ±D³L[v, v, ·] Lanczos for (λ_max, v), then
//	SharpnessDown                                   (H(θ+εv)v − H(θ−εv)v)/(2ε)
//
// The Hessian-vector products are exact (nn.Objective.HessVec); the third
// derivative along v is their central difference, accurate to O(ε²) plus
// rounding ε_mach/ε, about 1e-8 relative with ε = 1e-4.
package teleport

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// Group is the part of the symmetry group a teleport moves in.
type Group int

const (
	// GL is all of GL(h) at every hidden layer: exact for linear MLPs.
	GL Group = iota
	// Rescale is the positive diagonal group at every hidden layer: exact
	// for 1-homogeneous activations (ReLU, LeakyReLU) and linear MLPs.
	Rescale
	// Nonlinear is the data-dependent action of GL(h) at every hidden
	// layer, for MLPs without biases and any elementwise activation: exact
	// on Settings.Inputs when there are no more of them than the narrowest
	// hidden layer's width. Only the GradNorm target.
	Nonlinear
)

func (g Group) String() string {
	switch g {
	case GL:
		return "GL"
	case Rescale:
		return "rescale"
	case Nonlinear:
		return "nonlinear"
	}
	return fmt.Sprintf("Group(%d)", int(g))
}

// Target is the quantity a teleport moves.
type Target int

const (
	// GradNorm maximises ‖∇L‖², the rate −dL/dt of gradient flow.
	GradNorm Target = iota
	// SharpnessUp maximises λ_max(∇²L).
	SharpnessUp
	// SharpnessDown minimises λ_max(∇²L).
	SharpnessDown
)

func (t Target) String() string {
	switch t {
	case GradNorm:
		return "‖∇L‖²"
	case SharpnessUp:
		return "λ_max up"
	case SharpnessDown:
		return "λ_max down"
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// Settings control a teleport. The zero value maximises ‖∇L‖² in GL(h) by
// 10 steps of length 0.1.
type Settings struct {
	Group  Group
	Target Target
	// Steps is the number of ascent steps; 0 means 10.
	Steps int
	// StepSize α is the length of a step in the Lie algebra, ‖A‖ = α
	// (Frobenius, over all layers); 0 means 0.1. A step that does not
	// improve the quantity is halved, at most 8 times, then the teleport
	// stops.
	StepSize float64
	// MaxRatio, if positive, stops the teleport once the quantity exceeds
	// MaxRatio times its value at the start (for GradNorm and
	// SharpnessUp, which are unbounded on the orbit: the loss is constant
	// along it, but the point becomes sharper, and a large enough
	// sharpness makes the next gradient steps unstable).
	MaxRatio float64
	// LanczosSteps bounds the Hessian-vector products of each λ_max
	// estimate; 0 means 20. Each estimate starts from the previous
	// eigenvector.
	LanczosSteps int
	// Inputs are the data the Nonlinear action is fitted on (n×k, one
	// sample per column): the inputs of the objective.
	Inputs *mat.Dense
}

func (s Settings) withDefaults() Settings {
	if s.Steps == 0 {
		s.Steps = 10
	}
	if s.StepSize == 0 {
		s.StepSize = 0.1
	}
	if s.LanczosSteps == 0 {
		s.LanczosSteps = 20
	}
	return s
}

// Result reports a teleport.
type Result struct {
	// Before and After are the quantity at the start and at the end
	// (‖∇L‖² or λ_max), LossBefore and LossAfter the loss.
	Before, After         float64
	LossBefore, LossAfter float64
	// Steps is the number of accepted ascent steps.
	Steps int
	// Grads and HVPs count the gradient evaluations and Hessian-vector
	// products the teleport made (Lanczos included); Cost is Grads +
	// 2·HVPs, in gradient evaluations (an exact product costs about two).
	Grads, HVPs, Cost int
	// Seconds is the wall time of the teleport.
	Seconds float64
	// Trace is the quantity after each accepted step, Trace[0] = Before.
	Trace []float64
}

// Teleport moves theta, the parameters of net, in place along the orbit of
// s.Group so as to increase (GradNorm, SharpnessUp) or decrease
// (SharpnessDown) the quantity s.Target of the loss obj, and reports what it
// did. The loss is unchanged up to rounding. It returns an error for
// settings it cannot honour (a hidden layer of a non-linear MLP under GL,
// a negative step), and for a non-finite quantity.
func Teleport(obj *nn.Objective, net nn.MLP, theta []float64, s Settings) (Result, error) {
	s = s.withDefaults()
	if s.Steps < 0 || !(s.StepSize > 0) || s.MaxRatio < 0 || s.LanczosSteps < 2 {
		return Result{}, fmt.Errorf("teleport: invalid settings %+v", s)
	}
	if s.Group == GL && net.Act.Name != nn.Linear.Name {
		return Result{}, fmt.Errorf("teleport: GL(h) is a symmetry of linear MLPs only, not of %s (use Rescale)", net.Act.Name)
	}
	if s.Group == Rescale && net.Act.Degree != 1 {
		return Result{}, fmt.Errorf("teleport: the rescaling is a symmetry of 1-homogeneous activations only, not of %s", net.Act.Name)
	}
	if s.Group == Nonlinear {
		switch {
		case s.Target != GradNorm:
			return Result{}, errors.New("teleport: the nonlinear action supports the GradNorm target only")
		case !net.NoBias:
			return Result{}, errors.New("teleport: the nonlinear action needs an MLP without biases")
		case !net.Act.Elementwise():
			return Result{}, fmt.Errorf("teleport: the nonlinear action needs an elementwise activation, not %s", net.Act.Name)
		case s.Inputs == nil:
			return Result{}, errors.New("teleport: the nonlinear action needs Settings.Inputs")
		}
		if r, k := s.Inputs.Dims(); r != net.Sizes[0] {
			panic(fmt.Sprintf("teleport: Inputs are %d×%d, the MLP takes %d inputs", r, k, net.Sizes[0]))
		}
		for _, h := range net.Sizes[1 : len(net.Sizes)-1] {
			if _, k := s.Inputs.Dims(); k > h {
				return Result{}, fmt.Errorf("teleport: the nonlinear action is exact on at most h = %d samples, Inputs has %d", h, k)
			}
		}
	}
	if len(theta) != obj.Len() {
		panic(fmt.Sprintf("teleport: len(theta) = %d, objective has %d parameters", len(theta), obj.Len()))
	}
	if len(net.Sizes) < 3 {
		return Result{}, errors.New("teleport: the MLP has no hidden layer, so no orbit to move along")
	}
	t0 := time.Now()
	tp := &teleporter{obj: obj, net: net, s: s, n: len(theta)}
	var r Result
	phi, w, err := tp.eval(theta, &r)
	if err != nil {
		return r, err
	}
	r.LossBefore = tp.loss
	r.Before = tp.report(phi)
	r.Trace = []float64{r.Before}
	p := obj.Params()
	trial := make([]float64, len(theta))
	alpha := s.StepSize
	for step := 0; step < s.Steps; step++ {
		if s.MaxRatio > 0 && r.Trace[len(r.Trace)-1] > s.MaxRatio*r.Before {
			break
		}
		var G []*mat.Dense
		if s.Group == Nonlinear {
			G = tp.differenceGradient(p, theta, &r)
		} else {
			G = tp.algebraGradient(p, theta, w)
		}
		accepted := false
		for try := 0; try < 9; try++ {
			copy(trial, theta)
			tp.move(p, trial, G, alpha)
			phi2, w2, err := tp.eval(trial, &r)
			if err != nil {
				return r, err
			}
			if phi2 > phi {
				copy(theta, trial)
				phi, w = phi2, w2
				accepted = true
				break
			}
			alpha /= 2
		}
		if !accepted {
			break
		}
		r.Steps++
		r.Trace = append(r.Trace, tp.report(phi))
	}
	r.After = r.Trace[len(r.Trace)-1]
	r.LossAfter = obj.Func(theta, nil)
	r.Cost = r.Grads + 2*r.HVPs
	r.Seconds = time.Since(t0).Seconds()
	return r, nil
}

// teleporter holds what one teleport reuses between steps.
type teleporter struct {
	obj  *nn.Objective
	net  nn.MLP
	s    Settings
	n    int
	loss float64
	v    []float64 // the last top eigenvector (sharpness targets)
}

// report turns the maximised Φ into the reported quantity (λ_max for
// SharpnessDown, which maximises −λ_max).
func (tp *teleporter) report(phi float64) float64 {
	if tp.s.Target == SharpnessDown {
		return -phi
	}
	return phi
}

// eval returns Φ(θ), the quantity being maximised, and its gradient w, and
// counts the work in r.
func (tp *teleporter) eval(theta []float64, r *Result) (float64, []float64, error) {
	n := tp.n
	switch tp.s.Target {
	case GradNorm:
		g := make([]float64, n)
		tp.loss = tp.obj.Func(theta, g)
		r.Grads++
		if tp.s.Group == Nonlinear {
			// The ascent direction comes from differences of Φ itself.
			return floats.Dot(g, g), nil, nil
		}
		hg := make([]float64, n)
		tp.obj.HessVec(hg, theta, g)
		r.HVPs++
		floats.Scale(2, hg)
		phi := floats.Dot(g, g)
		if math.IsNaN(phi) || math.IsInf(phi, 0) {
			return 0, nil, fmt.Errorf("teleport: ‖∇L‖² is %g", phi)
		}
		return phi, hg, nil
	case SharpnessUp, SharpnessDown:
		tp.loss = tp.obj.Func(theta, nil)
		r.Grads++
		op := hessian.NewExact(tp.obj, theta)
		eig := hessian.Lanczos(op, 1, hessian.LanczosSettings{MaxSteps: tp.s.LanczosSteps, Start: tp.v, Tol: 1e-6})
		r.HVPs += eig.Steps
		lam := eig.Values[0]
		v := mat.Col(nil, 0, eig.Vectors)
		tp.v = v
		// w = D³L[v, v, ·] by a central difference of exact products.
		eps := 1e-4 * math.Max(1, floats.Norm(theta, 2)/math.Sqrt(float64(n)))
		tp1, tm1 := make([]float64, n), make([]float64, n)
		floats.AddScaledTo(tp1, theta, eps, v)
		floats.AddScaledTo(tm1, theta, -eps, v)
		hp, hm := make([]float64, n), make([]float64, n)
		tp.obj.HessVec(hp, tp1, v)
		tp.obj.HessVec(hm, tm1, v)
		r.HVPs += 2
		w := make([]float64, n)
		floats.SubTo(w, hp, hm)
		floats.Scale(1/(2*eps), w)
		if math.IsNaN(lam) || math.IsInf(lam, 0) {
			return 0, nil, fmt.Errorf("teleport: λ_max is %g", lam)
		}
		if tp.s.Target == SharpnessDown {
			floats.Scale(-1, w)
			return -lam, w, nil
		}
		return lam, w, nil
	}
	return 0, nil, fmt.Errorf("teleport: unknown target %v", tp.s.Target)
}

// algebraGradient returns G_i for each hidden layer i (see the package
// documentation), the diagonal only for Rescale.
func (tp *teleporter) algebraGradient(p *nn.Params, theta, w []float64) []*mat.Dense {
	p.Bind(theta)
	W, b := tp.net.Layers(p)
	q := tp.obj.Params()
	q.Bind(w)
	Wg, bg := tp.net.Layers(q)
	var G []*mat.Dense
	for i := 0; i+1 < len(W); i++ {
		h := W[i].RawMatrix().Rows
		g := mat.NewDense(h, h, nil)
		g.Mul(Wg[i], W[i].T())
		if b != nil {
			var bb mat.Dense
			bb.Outer(1, bg[i], b[i])
			g.Add(g, &bb)
		}
		var u mat.Dense
		u.Mul(W[i+1].T(), Wg[i+1])
		g.Sub(g, &u)
		if tp.s.Group == Rescale {
			for r := 0; r < h; r++ {
				for c := 0; c < h; c++ {
					if r != c {
						g.Set(r, c, 0)
					}
				}
			}
		}
		G = append(G, g)
	}
	return G
}

// move applies exp(α G_i/‖G‖) to every hidden layer of theta, in place.
func (tp *teleporter) move(p *nn.Params, theta []float64, G []*mat.Dense, alpha float64) {
	var norm float64
	for _, g := range G {
		f := mat.Norm(g, 2)
		norm += f * f
	}
	norm = math.Sqrt(norm)
	if norm == 0 {
		return
	}
	p.Bind(theta)
	W, b := tp.net.Layers(p)
	for i, g := range G {
		var A mat.Dense
		A.Scale(alpha/norm, g)
		var nW []*mat.Dense
		var nb []*mat.VecDense
		if tp.s.Group == Nonlinear {
			tp.nonlinear(W, i, sym.Expm(1, &A))
			continue
		}
		if tp.s.Group == Rescale {
			h := A.RawMatrix().Rows
			c := make([]float64, h)
			for j := range c {
				c[j] = math.Exp(A.At(j, j))
			}
			nW, nb = sym.DeepRescale(i, 1, c, W, b)
		} else {
			nW, nb = sym.DeepGL(i, sym.Expm(1, &A), W, b)
		}
		W[i].Copy(nW[i])
		W[i+1].Copy(nW[i+1])
		if b != nil {
			b[i].CopyVec(nb[i])
		}
	}
}

// nonlinear applies g to hidden layer i of the weights W in place by the
// data-dependent action: W_i → g W_i, W_{i+1} → W_{i+1} σ(W_i H)σ(g W_i H)⁺,
// H the layer's input on Settings.Inputs under the current weights.
func (tp *teleporter) nonlinear(W []*mat.Dense, i int, g *mat.Dense) {
	H := tp.s.Inputs
	for l := 0; l < i; l++ {
		var Z mat.Dense
		Z.Mul(W[l], H)
		H = tp.net.Act.Eval(nil, &Z)
	}
	pi := sym.NonlinearPi(tp.net.Act, g, W[i], H)
	nU, nV := sym.NonlinearAct(pi, g, W[i+1], W[i])
	W[i].Copy(nV)
	W[i+1].Copy(nU)
}

// differenceGradient returns G_i for the Nonlinear group by central
// differences (Φ(e^{εE_ab}·θ) − Φ(e^{−εE_ab}·θ))/(2ε), ε = 1e-5, along every
// direction E_ab of every hidden layer, counting the gradients in r.
func (tp *teleporter) differenceGradient(p *nn.Params, theta []float64, r *Result) []*mat.Dense {
	const eps = 1e-5
	trial := make([]float64, len(theta))
	g := make([]float64, len(theta))
	phi := func(i, a, b int, e float64) float64 {
		copy(trial, theta)
		p.Bind(trial)
		W, _ := tp.net.Layers(p)
		h := W[i].RawMatrix().Rows
		E := mat.NewDense(h, h, nil)
		E.Set(a, b, e)
		tp.nonlinear(W, i, sym.Expm(1, E))
		tp.obj.Func(trial, g)
		r.Grads++
		return floats.Dot(g, g)
	}
	var G []*mat.Dense
	for i := 0; i+2 < len(tp.net.Sizes); i++ {
		h := tp.net.Sizes[i+1]
		Gi := mat.NewDense(h, h, nil)
		for a := range h {
			for b := range h {
				Gi.Set(a, b, (phi(i, a, b, eps)-phi(i, a, b, -eps))/(2*eps))
			}
		}
		G = append(G, Gi)
	}
	return G
}

package landscape

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/optim"
	"github.com/noetherlab/noether/lib/par"
)

// A Path is a curve w(t), t ∈ [0, 1], in the parameter space of a model:
// At writes w(t) into dst (len(dst) = the number of parameters).
type Path interface {
	At(t float64, dst []float64)
}

// Line is the segment w(t) = (1 − t) A + t B.
type Line struct{ A, B []float64 }

// At implements Path.
func (l Line) At(t float64, dst []float64) {
	for i, a := range l.A {
		dst[i] = (1-t)*a + t*l.B[i]
	}
}

// Chain is the polygonal path with a single bend, A → Bend → B, each leg
// run at constant speed in half the time:
//
//	w(t) = A + 2t (Bend − A)           for t ≤ ½,
//	w(t) = Bend + (2t − 1)(B − Bend)   for t > ½.
type Chain struct{ A, Bend, B []float64 }

// At implements Path.
func (c Chain) At(t float64, dst []float64) {
	if t <= 0.5 {
		Line{c.A, c.Bend}.At(2*t, dst)
		return
	}
	Line{c.Bend, c.B}.At(2*t-1, dst)
}

// weight returns ∂w(t)/∂Bend, the factor by which a gradient at w(t)
// reaches the bend: 2t for t ≤ ½ and 2 − 2t after.
func (Chain) weight(t float64) float64 {
	if t <= 0.5 {
		return 2 * t
	}
	return 2 - 2*t
}

// Sphered is a path between two canonical networks of the same model that
// stays in canonical coordinates: on each sphere S of the product (see
// Canonical.Spheres) it runs either the chord
//
//	w_S(t) = (1 − t) a_S + t b_S
//
// or, with Slerp, the great-circle arc (the geodesic of the sphere)
//
//	w_S(t) = [sin((1 − t)Ω) a_S + sin(tΩ) b_S] / sin Ω,  cos Ω = ⟨a_S, b_S⟩,
//
// so that with Slerp the path is the geodesic of the product of spheres,
// each factor at its own constant speed. The output scale runs
// geometrically, ρ(t) = ρ_a^{1−t} ρ_b^t, and At writes the parameters of the
// network ρ(t) f_{w(t)} (the last layer multiplied by ρ(t)), so that the
// loss along the path is that of the networks it joins at its ends; the
// error does not depend on ρ. Where Ω < 1e-8 or Ω > π − 1e-8 (no unique
// arc), and for dead units, the chord is used.
type Sphered struct {
	A, B    *Canonical
	Slerp   bool
	spheres []Sphere
}

// NewSphered returns the chord (slerp false) or the geodesic (slerp true)
// between a and b, or an error naming the first layer where their shapes
// differ.
func NewSphered(a, b *Canonical, slerp bool) (*Sphered, error) {
	if err := sameShape("NewSphered", a.Params, b.Params); err != nil {
		return nil, err
	}
	return &Sphered{A: a, B: b, Slerp: slerp, spheres: a.Spheres()}, nil
}

// At implements Path.
func (s *Sphered) At(t float64, dst []float64) {
	va, vb := s.A.Params.Vec(), s.B.Params.Vec()
	Line{va, vb}.At(t, dst) // entries on no sphere (none for an MLP) and the chord
	if s.Slerp {
		for _, sp := range s.spheres {
			if ca, cb, ok := s.arc(sp, t); ok {
				for _, i := range sp.Idx {
					dst[i] = ca*va[i] + cb*vb[i]
				}
			}
		}
	}
	rho := math.Exp((1-t)*math.Log(s.A.Scale) + t*math.Log(s.B.Scale))
	last := s.spheres[len(s.spheres)-1]
	for _, i := range last.Idx {
		dst[i] *= rho
	}
}

// arc returns the coefficients of the great-circle arc on sphere sp at
// t, w_S(t) = ca a_S + cb b_S, and whether the arc is used (false where the
// chord is: a dead unit, or Ω within 1e-8 of 0 or π).
func (s *Sphered) arc(sp Sphere, t float64) (ca, cb float64, ok bool) {
	va, vb := s.A.Params.Vec(), s.B.Params.Vec()
	var ab, aa, bb float64
	for _, i := range sp.Idx {
		ab += va[i] * vb[i]
		aa += va[i] * va[i]
		bb += vb[i] * vb[i]
	}
	if aa == 0 || bb == 0 {
		return 1 - t, t, false
	}
	om := angle(ab / math.Sqrt(aa*bb))
	if om < 1e-8 || om > math.Pi-1e-8 {
		return 1 - t, t, false
	}
	return math.Sin((1-t)*om) / math.Sin(om), math.Sin(t*om) / math.Sin(om), true
}

// spanned is a path whose first layer is, unit by unit, a combination of
// the first layers of a few fixed parameter vectors: row j of (W_1, b_1)
// at t is Σ_r c_{r,j}(t) times row j of basis()[r]'s. Along then multiplies
// the data by each basis vector's first layer once (Evaluator.evalSpan),
// not by every point's: for the 784-64-64-10 net, whose first layer holds
// 91% of the work, 25 points cost about what 4 networks do.
type spanned interface {
	basis() [][]float64
	// coef writes c_{r,j}(t) into dst[r][j], j over the units of the
	// first layer.
	coef(t float64, dst [][]float64)
}

func (l Line) basis() [][]float64 { return [][]float64{l.A, l.B} }

func (l Line) coef(t float64, dst [][]float64) {
	fill(dst[0], 1-t)
	fill(dst[1], t)
}

func (c Chain) basis() [][]float64 { return [][]float64{c.A, c.Bend, c.B} }

func (c Chain) coef(t float64, dst [][]float64) {
	if t <= 0.5 {
		fill(dst[0], 1-2*t)
		fill(dst[1], 2*t)
		fill(dst[2], 0)
		return
	}
	fill(dst[0], 0)
	fill(dst[1], 2-2*t)
	fill(dst[2], 2*t-1)
}

func (s *Sphered) basis() [][]float64 { return [][]float64{s.A.Params.Vec(), s.B.Params.Vec()} }

// coef of a Sphered: the first layer's units are the first spheres, one
// per unit, in order (Spheres); the output scale ρ(t) touches only the
// last layer, which Along's span needs to differ from the first.
func (s *Sphered) coef(t float64, dst [][]float64) {
	for j := range dst[0] {
		ca, cb := 1-t, t
		if s.Slerp {
			ca, cb, _ = s.arc(s.spheres[j], t)
		}
		dst[0][j], dst[1][j] = ca, cb
	}
}

func fill(x []float64, v float64) {
	for i := range x {
		x[i] = v
	}
}

// Hamming is a geodesic of the hypercube {−1, +1}^P between the sign
// patterns A and B of two binary networks: each weight where they differ
// flips once, at its own time drawn uniformly in (0, 1), so that w(t) has
// the signs of A before and those of B after, and the Hamming distance to A
// grows linearly in expectation. At writes ±1 values; a BinaryMLP, which
// takes signs of its latent weights, reads them as they are.
type Hamming struct {
	A, B []float64
	flip []float64
}

// NewHamming returns a random geodesic between the signs of the latent
// weights a and b, with flip times from rng.
func NewHamming(a, b []float64, rng *rand.Rand) *Hamming {
	if len(a) != len(b) {
		panic(fmt.Sprintf("landscape: NewHamming: %d and %d weights", len(a), len(b)))
	}
	h := &Hamming{A: Signs(a), B: Signs(b), flip: make([]float64, len(a))}
	for i := range h.flip {
		h.flip[i] = rng.Float64()
	}
	return h
}

// At implements Path.
func (h *Hamming) At(t float64, dst []float64) {
	for i, a := range h.A {
		if t < h.flip[i] {
			dst[i] = a
		} else {
			dst[i] = h.B[i]
		}
	}
}

// Profile is a network's error and loss at points t of a path.
type Profile struct {
	T []float64
	M []Measure
}

// Along evaluates ev at points equally spaced points t_k = k/(points − 1)
// of path (at least 2), all together (Evaluator.EvalAll).
func Along(path Path, ev *Evaluator, points int) Profile {
	if points < 2 {
		panic(fmt.Sprintf("landscape: Along: %d points, want at least 2", points))
	}
	n := ev.layout.Len()
	pr := Profile{T: make([]float64, points)}
	for k := range pr.T {
		pr.T[k] = float64(k) / float64(points-1)
	}
	ws := par.Map(points, func(k int) []float64 {
		w := make([]float64, n)
		path.At(pr.T[k], w)
		return w
	})
	if sp, ok := path.(spanned); ok && ev.spans() {
		basis := sp.basis()
		c := make([][][]float64, points)
		for k := range c {
			c[k] = make([][]float64, len(basis))
			for r := range c[k] {
				c[k][r] = make([]float64, ev.sizes[1])
			}
			sp.coef(pr.T[k], c[k])
		}
		pr.M = ev.evalSpan(basis, c, ws)
		return pr
	}
	if _, ok := path.(*Hamming); ok && ev.flips() {
		// From one point to the next a Hamming geodesic flips a few
		// weights: each point's first layer is the previous one's,
		// corrected (Evaluator.evalFlips), with EvalAll's measures.
		base, ms := ev.evalFlips(ws[0], ws[1:], true)
		pr.M = append([]Measure{base}, ms...)
		return pr
	}
	pr.M = ev.EvalAll(ws)
	return pr
}

// Barrier returns the barrier of the profile on the error and on the loss,
//
//	B = max_t E(w(t)) − ½ (E(w(0)) + E(w(1))),
//
// the height of the path above the mean of its ends (Frankle et al. 2020,
// Entezari et al. 2022): zero for a path that never rises above its ends'
// mean.
func (p Profile) Barrier() (err, loss float64) {
	n := len(p.M)
	e0, e1 := p.M[0], p.M[n-1]
	err, loss = math.Inf(-1), math.Inf(-1)
	for _, m := range p.M {
		err, loss = math.Max(err, m.Err), math.Max(loss, m.Loss)
	}
	return err - (e0.Err+e1.Err)/2, loss - (e0.Loss+e1.Loss)/2
}

// Max returns the largest error and loss on the profile.
func (p Profile) Max() Measure {
	out := Measure{Err: math.Inf(-1), Loss: math.Inf(-1)}
	for _, m := range p.M {
		out.Err, out.Loss = math.Max(out.Err, m.Err), math.Max(out.Loss, m.Loss)
	}
	return out
}

// Errs and Losses return the profile's columns.
func (p Profile) Errs() []float64 {
	out := make([]float64, len(p.M))
	for i, m := range p.M {
		out[i] = m.Err
	}
	return out
}

// Losses returns the losses along the profile.
func (p Profile) Losses() []float64 {
	out := make([]float64, len(p.M))
	for i, m := range p.M {
		out[i] = m.Loss
	}
	return out
}

// BendSettings are the options of TrainBend. The zero value is 2 epochs
// of SGD with momentum 0.9, learning rate 0.01, batch 64.
type BendSettings struct {
	Epochs    int     // passes over the data; 0 means 2
	BatchSize int     // 0 means 64
	LR        float64 // 0 means 0.01
	Seed      uint64  // draws t and the minibatches
}

// TrainBend trains the bend θ of the chain A → θ → B (Chain) by stochastic
// gradient descent on the loss averaged along it,
//
//	ℓ(θ) = E_{t ~ U(0,1)} L(w_θ(t)),
//
// the mean softmax cross-entropy L of model m on set: each step draws one t
// and one minibatch, and since ∂w(t)/∂θ = 2t (t ≤ ½) or 2 − 2t (t > ½),
// the stochastic gradient is that factor times ∇L(w(t)) (Garipov et al.
// 2018's polygonal chain with one bend). The bend starts at the midpoint
// (A + B)/2, so that the untrained chain is the segment. It returns the
// trained bend.
func TrainBend(m nn.Model, set *data.Set, a, b []float64, s BendSettings) ([]float64, error) {
	if len(a) != len(b) || len(a) != m.Params().Len() {
		return nil, fmt.Errorf("landscape: TrainBend: ends of %d and %d parameters for %v with %d", len(a), len(b), m, m.Params().Len())
	}
	if s.Epochs <= 0 {
		s.Epochs = 2
	}
	if s.BatchSize <= 0 {
		s.BatchSize = 64
	}
	if s.LR <= 0 {
		s.LR = 0.01
	}
	bend := make([]float64, len(a))
	Line{a, b}.At(0.5, bend)
	chain := Chain{A: a, Bend: bend, B: b}
	obj := nn.NewObjectiveRows(m, set.X, labelColumn(set.Labels), nn.CrossEntropy)
	rng := rand.New(rand.NewPCG(s.Seed, 0x62656e64))
	w := make([]float64, len(a))
	gw := make([]float64, len(a))
	f := func(theta, grad []float64, batch []int) float64 {
		chain.Bend = theta
		t := rng.Float64()
		chain.At(t, w)
		l := obj.Batch(w, gw, batch)
		c := chain.weight(t)
		for i, g := range gw {
			grad[i] = c * g
		}
		return l
	}
	_, err := optim.RunBatch(f, set.Len(), bend, &optim.Momentum{LR: s.LR}, optim.BatchSettings{
		BatchSize: min(s.BatchSize, set.Len()), Epochs: s.Epochs, Rand: rng,
	})
	return bend, err
}

// labelColumn returns the N×1 matrix of class labels.
func labelColumn(labels []int) *mat.Dense {
	y := mat.NewDense(len(labels), 1, nil)
	for i, l := range labels {
		y.Set(i, 0, float64(l))
	}
	return y
}

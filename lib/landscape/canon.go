package landscape

import (
	"fmt"
	"math"

	"github.com/noetherlab/noether/lib/nn"
)

// Sphere is one factor of the product of spheres a canonical network lives
// on: the entries Idx of the parameter vector, whose Euclidean norm is 1.
type Sphere struct {
	// Layer is the 0-based layer (W[Layer+1], b[Layer+1] in nn.MLP's names).
	Layer int
	// Unit is the hidden unit whose incoming weights and bias these are, or
	// −1 for the whole last layer.
	Unit int
	// Idx are the positions in Params.Vec(): the unit's row of W and its
	// bias, or every entry of the last layer's W and b.
	Idx []int
}

// Dim returns the dimension of the sphere, len(Idx) − 1.
func (s Sphere) Dim() int { return len(s.Idx) - 1 }

// Canonical is a multilayer perceptron with its continuous symmetries
// removed: a point of the product of spheres
//
//	(S^{n₀})^{n₁} × (S^{n₁})^{n₂} × … × (S^{n_{L−2}})^{n_{L−1}} × S^{n_L(n_{L−1}+1)−1}
//
// (one sphere per hidden unit, holding its incoming weights and bias, and
// one for the whole last layer), times the output scale ρ > 0. Each factor
// is listed by Spheres. The network it stands for computes
//
//	f(x) = ρ · f_Params(x),
//
// the function of the net it was made from; the classification error, a
// function of argmax f alone, does not depend on ρ. A product of circles
// is a torus, hence the "toroidal" topology of Pittorino et al. (2022).
//
// For odd activations the sign of each hidden unit is fixed too (see
// Canonicalize). The discrete permutation symmetry is not removed by the
// canonical form itself but by aligning to a reference (Align).
type Canonical struct {
	Model nn.MLP
	// Params is the point on the product of spheres. Hidden units with no
	// incoming weight or bias (dead units) are left at zero, off their
	// sphere; Dead counts them.
	Params *nn.Params
	// Scale is ρ, the Frobenius norm of the last layer (weights and bias)
	// that was divided out.
	Scale float64
	// Rescaled and SignFixed say which symmetries were removed.
	Rescaled, SignFixed bool
	Dead                int
}

// Odd reports whether the activation is odd, σ(−z) = −σ(z), so that
// flipping the sign of a hidden unit's incoming weights, bias and outgoing
// weights leaves the network unchanged: tanh and the identity here.
func Odd(a nn.Activation) bool { return a.Name == nn.Tanh.Name || a.Name == nn.Linear.Name }

// Canonicalize returns the canonical form of p, a parameter vector of m,
// removing the continuous symmetries m's activation has, hidden layer by
// hidden layer from the input:
//
//   - rescaling, if σ is positively homogeneous of degree α > 0
//     (σ(cz) = c^α σ(z) for c > 0: ReLU, leaky ReLU, linear with α = 1):
//     for each hidden unit j of layer l, with r_j = ‖(W_l[j,:], b_l[j])‖,
//
//     W_l[j,:] ← W_l[j,:]/r_j,  b_l[j] ← b_l[j]/r_j,  W_{l+1}[:,j] ← r_j^α W_{l+1}[:,j],
//
//     which leaves the function unchanged, since σ(z/r) = σ(z)/r^α; the
//     factor pushed into layer l+1 is then removed from it in turn;
//
//   - sign flips, if σ is odd (tanh): unit j is negated (its row, bias and
//     outgoing column) when s_j = Σ_i W_l[j,i] + b_l[j] < 0, so that
//     s_j ≥ 0 afterwards. The rule is odd in the unit's weights, so a net
//     and any sign-flipped copy get the same canonical form exactly
//     (negation is exact in floating point).
//
// Last, the output layer (W_L, b_L) is divided by its Frobenius norm ρ,
// stored as Scale: this changes the logits by the factor 1/ρ and so the
// loss, but not the predicted class, hence not the error.
//
// Activations with neither property (sigmoid) keep their weights; only
// the last layer is normalised. Canonicalize does not change p. It is
// idempotent up to rounding: every norm it divides by is 1 ± a few ulps
// the second time.
func Canonicalize(m nn.MLP, p *nn.Params) (*Canonical, error) {
	if _, _, err := layers("Canonicalize", m, p); err != nil {
		return nil, err
	}
	c := &Canonical{Model: m, Params: p.Clone()}
	if m.Act.Degree > 0 {
		if err := removeRescaling(m, c.Params, &c.Dead); err != nil {
			return nil, err
		}
		c.Rescaled = true
	}
	if Odd(m.Act) {
		removeSignFlips(m, c.Params)
		c.SignFixed = true
	}
	c.Scale = normaliseLast(m, c.Params)
	return c, nil
}

// RemoveRescaling divides every hidden unit's incoming weights and bias by
// their norm and multiplies its outgoing weights by the norm to the power
// α (the first step of Canonicalize), in place. It returns an error naming
// the first hidden layer and its shapes if m's activation is not positively
// homogeneous (m.Act.Degree ≤ 0), for then the rescaling changes the
// function.
func RemoveRescaling(m nn.MLP, p *nn.Params) (dead int, err error) {
	if _, _, err := layers("RemoveRescaling", m, p); err != nil {
		return 0, err
	}
	err = removeRescaling(m, p, &dead)
	return dead, err
}

func removeRescaling(m nn.MLP, p *nn.Params, dead *int) error {
	alpha := m.Act.Degree
	if alpha <= 0 {
		if len(m.Sizes) < 3 {
			return nil
		}
		return fmt.Errorf("landscape: RemoveRescaling: layer 1 (%s): activation %s is not positively homogeneous (σ(cz) ≠ c^α σ(z)), so rescaling a unit changes the function", describe(m, 0), m.Act.Name)
	}
	W, b := m.Layers(p)
	for l := 0; l < len(W)-1; l++ {
		h, n := W[l].Dims()
		next := W[l+1]
		for j := 0; j < h; j++ {
			row := W[l].RawRowView(j)
			ss := dot(row, row)
			if b != nil {
				ss += b[l].AtVec(j) * b[l].AtVec(j)
			}
			r := math.Sqrt(ss)
			if r == 0 {
				*dead++
				continue
			}
			for i := 0; i < n; i++ {
				row[i] /= r
			}
			if b != nil {
				b[l].SetVec(j, b[l].AtVec(j)/r)
			}
			up := r
			if alpha != 1 {
				up = math.Pow(r, alpha)
			}
			rows, _ := next.Dims()
			for i := 0; i < rows; i++ {
				next.Set(i, j, next.At(i, j)*up)
			}
		}
	}
	return nil
}

// removeSignFlips makes s_j = Σ_i W_l[j,i] + b_l[j] ≥ 0 for every hidden
// unit by negating the unit where it is negative.
func removeSignFlips(m nn.MLP, p *nn.Params) {
	W, b := m.Layers(p)
	for l := 0; l < len(W)-1; l++ {
		h, _ := W[l].Dims()
		next := W[l+1]
		rows, _ := next.Dims()
		for j := 0; j < h; j++ {
			row := W[l].RawRowView(j)
			var s float64
			for _, v := range row {
				s += v
			}
			if b != nil {
				s += b[l].AtVec(j)
			}
			if s >= 0 {
				continue
			}
			for i := range row {
				row[i] = -row[i]
			}
			if b != nil {
				b[l].SetVec(j, -b[l].AtVec(j))
			}
			for i := 0; i < rows; i++ {
				next.Set(i, j, -next.At(i, j))
			}
		}
	}
}

// normaliseLast divides the last layer by its Frobenius norm and returns
// the norm (1 and no change for an all-zero last layer).
func normaliseLast(m nn.MLP, p *nn.Params) float64 {
	W, b := m.Layers(p)
	L := len(W) - 1
	raw := W[L].RawMatrix()
	ss := dot(raw.Data, raw.Data)
	var bias []float64
	if b != nil {
		bias = b[L].RawVector().Data
		ss += dot(bias, bias)
	}
	rho := math.Sqrt(ss)
	if rho == 0 {
		return 1
	}
	for i := range raw.Data {
		raw.Data[i] /= rho
	}
	for i := range bias {
		bias[i] /= rho
	}
	return rho
}

// Spheres lists the factors of the product of spheres c lives on, in the
// order of the layers and, within a layer, of the units.
func (c *Canonical) Spheres() []Sphere { return spheres(c.Model, c.Params) }

func spheres(m nn.MLP, p *nn.Params) []Sphere {
	var out []Sphere
	L := len(m.Sizes) - 1
	for l := 0; l < L; l++ {
		wOff := p.Offset(fmt.Sprintf("W%d", l+1))
		bOff := -1
		if !m.NoBias {
			bOff = p.Offset(fmt.Sprintf("b%d", l+1))
		}
		h, n := m.Sizes[l+1], m.Sizes[l]
		if l == L-1 {
			idx := make([]int, 0, h*n+h)
			for k := 0; k < h*n; k++ {
				idx = append(idx, wOff+k)
			}
			if bOff >= 0 {
				for k := 0; k < h; k++ {
					idx = append(idx, bOff+k)
				}
			}
			out = append(out, Sphere{Layer: l, Unit: -1, Idx: idx})
			break
		}
		for j := 0; j < h; j++ {
			idx := make([]int, 0, n+1)
			for k := 0; k < n; k++ {
				idx = append(idx, wOff+j*n+k)
			}
			if bOff >= 0 {
				idx = append(idx, bOff+j)
			}
			out = append(out, Sphere{Layer: l, Unit: j, Idx: idx})
		}
	}
	return out
}

// Function returns parameters of m that compute c's function f = ρ f_Params
// exactly: Params with the last layer multiplied by ρ.
func (c *Canonical) Function() *nn.Params {
	q := c.Params.Clone()
	scaleLast(c.Model, q, c.Scale)
	return q
}

// scaleLast multiplies the last layer of p by s.
func scaleLast(m nn.MLP, p *nn.Params, s float64) {
	W, b := m.Layers(p)
	L := len(W) - 1
	raw := W[L].RawMatrix().Data
	for i := range raw {
		raw[i] *= s
	}
	if b != nil {
		v := b[L].RawVector().Data
		for i := range v {
			v[i] *= s
		}
	}
}

// Distance returns the geodesic distance between two canonical networks on
// their product of spheres,
//
//	d(a, b) = ( Σ_S arccos⟨a_S, b_S⟩² )^{1/2},
//
// the product metric, summed over the spheres S of Spheres (dead units
// count as orthogonal to everything). It ignores the output scales ρ,
// which do not change the error. a and b must be of the same model; it
// returns an error naming the first layer that differs.
func Distance(a, b *Canonical) (float64, error) {
	if err := sameShape("Distance", a.Params, b.Params); err != nil {
		return 0, err
	}
	va, vb := a.Params.Vec(), b.Params.Vec()
	var d2 float64
	for _, s := range a.Spheres() {
		var ab, aa, bb float64
		for _, i := range s.Idx {
			ab += va[i] * vb[i]
			aa += va[i] * va[i]
			bb += vb[i] * vb[i]
		}
		ang := math.Pi / 2
		if aa > 0 && bb > 0 {
			ang = angle(ab / math.Sqrt(aa*bb))
		}
		d2 += ang * ang
	}
	return math.Sqrt(d2), nil
}

// angle returns arccos of a cosine clamped to [−1, 1].
func angle(cos float64) float64 { return math.Acos(math.Max(-1, math.Min(1, cos))) }

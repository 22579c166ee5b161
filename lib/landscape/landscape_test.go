package landscape

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// bruteAssign enumerates every permutation of n ≤ 8.
func bruteAssign(C *mat.Dense) float64 {
	n, _ := C.Dims()
	perm := identity(n)
	best := math.Inf(1)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			best = math.Min(best, objective(C, perm))
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return best
}

// Assign finds the optimum of every random problem up to n = 7, also with
// ties (integer costs); the tolerance is the rounding of a sum of n terms.
func TestAssignBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 7; n++ {
		for trial := range 30 {
			C := mat.NewDense(n, n, nil)
			for i := range n {
				for j := range n {
					if trial%2 == 0 {
						C.Set(i, j, rng.NormFloat64())
					} else {
						C.Set(i, j, float64(rng.IntN(4)))
					}
				}
			}
			perm, cost := Assign(C)
			if err := checkPerm(perm, n); err != nil {
				t.Fatalf("n = %d: %v", n, err)
			}
			if got := objective(C, perm); math.Abs(got-cost) > 1e-12 {
				t.Errorf("n = %d: reported cost %g, the permutation costs %g", n, cost, got)
			}
			if want := bruteAssign(C); math.Abs(cost-want) > 1e-12*float64(n) {
				t.Errorf("n = %d trial %d: cost %.15g, brute force %.15g", n, trial, cost, want)
			}
		}
	}
}

// A planted permutation of random unit vectors is recovered exactly from
// the −cos cost at n = 64.
func TestAssignPlanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d = 64, 20
	A := data.Normal(rng, n, d, 1)
	planted := rng.Perm(n)
	C := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a, b := A.RawRowView(i), A.RawRowView(planted[j])
			C.Set(i, j, -dot(a, b)/(norm(a)*norm(b)))
		}
	}
	perm, _ := Assign(C)
	for i, j := range perm {
		if planted[j] != i {
			t.Fatalf("unit %d matched to %d, the planted copy of %d", i, j, planted[j])
		}
	}
}

// testNet returns a random MLP with biases (biases drawn too).
func testNet(rng *rand.Rand, act nn.Activation, sizes ...int) (nn.MLP, *nn.Params) {
	m := nn.MLP{Sizes: sizes, Act: act}
	p := m.Init(rng, nn.KaimingNormal)
	_, b := m.Layers(p)
	for _, v := range b {
		for i := 0; i < v.Len(); i++ {
			v.SetVec(i, 0.3*rng.NormFloat64())
		}
	}
	return m, p
}

// plant returns a copy of p with each hidden layer permuted, rescaled
// (c ∈ [0.1, 10], for homogeneous σ) and sign-flipped (for odd σ), and the
// permutations.
func plant(rng *rand.Rand, m nn.MLP, p *nn.Params) (*nn.Params, [][]int) {
	W, b := m.Layers(p)
	var perms [][]int
	for l := 0; l < len(W)-1; l++ {
		h := m.Sizes[l+1]
		if m.Act.Degree > 0 {
			W, b = sym.DeepRescale(l, m.Act.Degree, sym.SamplePositive(rng, h, math.Log(10)), W, b)
		}
		if Odd(m.Act) {
			W, b = sym.DeepSignFlip(l, sym.SampleSigns(rng, h), W, b)
		}
		perm := rng.Perm(h)
		W, b = sym.DeepPermute(l, perm, W, b)
		perms = append(perms, perm)
	}
	q := m.Params()
	W2, b2 := m.Layers(q)
	for l := range W {
		W2[l].Copy(W[l])
		b2[l].CopyVec(b[l])
	}
	return q, perms
}

func relDiff(a, b []float64) float64 {
	var d, s float64
	for i := range a {
		d += (a[i] - b[i]) * (a[i] - b[i])
		s += a[i] * a[i]
	}
	return math.Sqrt(d / s)
}

// The canonical form computes ρ·f_Params = f, lies on its spheres, is
// idempotent, and a planted copy aligns onto it. Tolerances: every step is a
// division by a norm (one rounding per entry) or an exact permutation, so
// relative differences are a few ulps times the depth, ≤ 1e-13 measured
// 1e-16 to 4e-16; 1e-12 is the bound.
func TestCanonical(t *testing.T) {
	X := data.Normal(rand.New(rand.NewPCG(5, 6)), 20, 200, 1) // 200 samples as columns
	for _, act := range []nn.Activation{nn.ReLU, nn.LeakyReLU(0.1), nn.Tanh} {
		rng := rand.New(rand.NewPCG(7, 8))
		m, p := testNet(rng, act, 20, 12, 9, 4)
		c, err := Canonicalize(m, p)
		if err != nil {
			t.Fatal(err)
		}
		f := nn.Predict(m, p, X)
		fc := nn.Predict(m, c.Function(), X)
		if d := relDiff(f.RawMatrix().Data, fc.RawMatrix().Data); d > 1e-12 {
			t.Errorf("%s: ρ f_canonical differs from f by %.2g", act.Name, d)
		}
		if !slices.Equal(nn.Argmax(f), nn.Argmax(nn.Predict(m, c.Params, X))) {
			t.Errorf("%s: the canonical net's predictions differ", act.Name)
		}
		if c.Rescaled != (act.Degree > 0) || c.SignFixed != Odd(act) {
			t.Errorf("%s: rescaled %v, signs fixed %v", act.Name, c.Rescaled, c.SignFixed)
		}
		v := c.Params.Vec()
		for _, s := range c.Spheres() {
			var ss float64
			for _, i := range s.Idx {
				ss += v[i] * v[i]
			}
			if (c.Rescaled || s.Unit < 0) && math.Abs(ss-1) > 1e-13 {
				t.Errorf("%s: sphere (layer %d, unit %d) has norm² %.17g", act.Name, s.Layer, s.Unit, ss)
			}
		}
		c2, err := Canonicalize(m, c.Params)
		if err != nil {
			t.Fatal(err)
		}
		if d := relDiff(v, c2.Params.Vec()); d > 1e-12 || math.Abs(c2.Scale-1) > 1e-12 {
			t.Errorf("%s: not idempotent: moved %.2g, scale %.17g", act.Name, d, c2.Scale)
		}
		q, planted := plant(rng, m, p)
		cq, err := Canonicalize(m, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []AlignSettings{{Matching: Cosine}, {Matching: Weights}} {
			a, perms, err := Align(c, cq, s)
			if err != nil {
				t.Fatal(err)
			}
			if d := relDiff(v, a.Params.Vec()); d > 1e-12 {
				t.Errorf("%s %v: the planted copy's canonical form is %.2g away", act.Name, s.Matching, d)
			}
			if math.Abs(a.Scale-c.Scale) > 1e-12*c.Scale {
				t.Errorf("%s: scales %.17g and %.17g", act.Name, a.Scale, c.Scale)
			}
			for l, perm := range perms {
				for i, j := range perm { // aligned unit i = planted unit j = original unit planted[l][j]
					if planted[l][j] != i {
						t.Fatalf("%s %v layer %d: unit %d matched to planted unit %d (original %d)", act.Name, s.Matching, l, i, j, planted[l][j])
					}
				}
			}
			if d, _ := Distance(c, a); d > 1e-6 {
				t.Errorf("%s: distance to the aligned copy %.2g", act.Name, d)
			}
		}
	}
}

// Weight matching on raw parameters recovers a planted permutation (no
// rescaling) exactly.
func TestWeightMatchingPlanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	m, p := testNet(rng, nn.Sigmoid, 30, 16, 16, 16, 5)
	q, planted := plant(rng, m, p)
	a, perms, err := AlignParams(m, p, q, AlignSettings{Matching: Weights})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Vec(), p.Vec()) {
		t.Errorf("aligned copy differs by %.2g", relDiff(p.Vec(), a.Vec()))
	}
	for l := range perms {
		for i, j := range perms[l] {
			if planted[l][j] != i {
				t.Fatalf("layer %d: unit %d matched to %d", l, i, j)
			}
		}
	}
}

// Bad input returns errors naming the layer and the shapes.
func TestErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, p := testNet(rng, nn.ReLU, 10, 8, 6, 3)
	_, q := testNet(rng, nn.ReLU, 10, 8, 5, 3)
	_, _, err := AlignParams(m, p, q, AlignSettings{})
	if err == nil || !strings.Contains(err.Error(), "layer 2") || !strings.Contains(err.Error(), "6×8") || !strings.Contains(err.Error(), "5×8") {
		t.Errorf("different shapes: %v", err)
	}
	if _, err := Canonicalize(m, q); err == nil || !strings.Contains(err.Error(), "layer 2") {
		t.Errorf("params of another shape: %v", err)
	}
	mt := nn.MLP{Sizes: m.Sizes, Act: nn.Tanh}
	_, err = RemoveRescaling(mt, p)
	if err == nil || !strings.Contains(err.Error(), "layer 1") || !strings.Contains(err.Error(), "W1 8×10") || !strings.Contains(err.Error(), "tanh") {
		t.Errorf("tanh rescaling: %v", err)
	}
	if _, err := Permute(m, p, [][]int{{0, 1}, identity(6)}); err == nil || !strings.Contains(err.Error(), "layer 1") {
		t.Errorf("short permutation: %v", err)
	}
}

// smallSet is a data set of n random samples of d features with random
// labels in [0, k).
func smallSet(rng *rand.Rand, n, d, k int) *data.Set {
	s := &data.Set{X: data.Normal(rng, n, d, 1), Labels: make([]int, n)}
	for i := range s.Labels {
		s.Labels[i] = rng.IntN(k)
	}
	return s
}

// The row-layout evaluator agrees with nn's column forward pass: error
// exactly, loss to rounding (1e-12).
func TestEvaluator(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	set := smallSet(rng, 2500, 15, 4) // more than one Chunk
	for _, model := range []nn.Model{
		func() nn.Model { m, _ := testNet(rng, nn.ReLU, 15, 7, 4); return m }(),
		BinaryMLP{Sizes: []int{15, 9, 4}},
	} {
		p := model.Init(rng, nn.KaimingNormal)
		ev, err := NewEvaluator(model, set)
		if err != nil {
			t.Fatal(err)
		}
		got := ev.Eval(p.Vec())
		obj := nn.NewObjectiveRows(model, set.X, labelColumn(set.Labels), nn.CrossEntropy)
		loss := obj.Func(p.Vec(), nil)
		acc := nn.Accuracy(obj.Output(), set.Labels)
		if math.Abs(got.Loss-loss) > 1e-12*loss || math.Abs(got.Err-(1-acc)) > 1e-15 {
			t.Errorf("%v: evaluator %+v, nn loss %.15g error %.15g", model, got, loss, 1-acc)
		}
	}
	if _, err := NewEvaluator(nn.MLP{Sizes: []int{14, 3}}, set); err == nil {
		t.Error("no error for samples of the wrong size")
	}
}

// The geodesic stays on the product of spheres and runs from a to b; the
// chord leaves the spheres in between.
func TestSphered(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	m, p := testNet(rng, nn.ReLU, 6, 5, 4, 3)
	_, q := testNet(rng, nn.ReLU, 6, 5, 4, 3)
	a, _ := Canonicalize(m, p)
	b, _ := Canonicalize(m, q)
	for _, slerp := range []bool{false, true} {
		path, err := NewSphered(a, b, slerp)
		if err != nil {
			t.Fatal(err)
		}
		w := make([]float64, p.Len())
		for _, tt := range []float64{0, 0.3, 1} {
			path.At(tt, w)
			for _, s := range a.Spheres() {
				var ss float64
				for _, i := range s.Idx {
					ss += w[i] * w[i]
				}
				want := 1.0
				if s.Unit < 0 {
					rho := math.Pow(a.Scale, 1-tt) * math.Pow(b.Scale, tt)
					want = rho * rho
				}
				if onSphere := math.Abs(ss-want) < 1e-12*want; onSphere != (slerp || tt == 0 || tt == 1) {
					t.Errorf("slerp %v t = %g: sphere (%d, %d) norm² %.15g, want %.15g", slerp, tt, s.Layer, s.Unit, ss, want)
				}
			}
		}
		path.At(1, w)
		if d := relDiff(b.Function().Vec(), w); d > 1e-12 {
			t.Errorf("slerp %v: w(1) is %.2g from b", slerp, d)
		}
	}
}

// Multiplicative local energy is the same at every point of a rescaling
// orbit, draw by draw (the perturbed rescaled net is the rescaled perturbed
// net), while additive noise sees the rescaling. Tolerance: the errors are
// counts of the same argmaxes, equal unless rounding flips a tie: exactly
// equal here; the losses agree to rounding.
func TestLocalEnergyInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	set := smallSet(rng, 500, 10, 3)
	m, p := testNet(rng, nn.ReLU, 10, 8, 8, 3)
	W, b := m.Layers(p)
	c := make([]float64, 8)
	for i := range c {
		c[i] = 0.05
	}
	W2, b2 := sym.DeepRescale(0, 1, c, W, b)
	q := m.Params()
	Wq, bq := m.Layers(q)
	for l := range W2 {
		Wq[l].Copy(W2[l])
		bq[l].CopyVec(b2[l])
	}
	ev, _ := NewEvaluator(m, set)
	for _, noise := range []Noise{Multiplicative, Additive} {
		s := NoiseSettings{Noise: noise, Draws: 8, Seed: 3}
		ep, eq := LocalEnergy(ev, p.Vec(), 0.3, s), LocalEnergy(ev, q.Vec(), 0.3, s)
		same := ep.Rise.Err == eq.Rise.Err && math.Abs(ep.Rise.Loss-eq.Rise.Loss) < 1e-10
		if same != (noise == Multiplicative) {
			t.Errorf("%v: rise %+v at w, %+v at the rescaled w", noise, ep.Rise, eq.Rise)
		}
	}
}

// The binary net's signs: its weights enter only through their signs.
func TestBinarySigns(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	m := BinaryMLP{Sizes: []int{12, 10, 3}}
	set := smallSet(rng, 300, 12, 3)
	p := m.Init(rng, nil)
	ev, _ := NewEvaluator(m, set)
	a := ev.Eval(p.Vec())
	b := ev.Eval(Signs(p.Vec()))
	if a != b {
		t.Errorf("latent %+v, signs %+v", a, b)
	}
	h := NewHamming(p.Vec(), p.Vec(), rng)
	w := make([]float64, p.Len())
	h.At(0.5, w)
	if !slices.Equal(w, Signs(p.Vec())) {
		t.Error("the geodesic from a net to itself moves")
	}
}

// Along's shared first layer (Evaluator.evalSpan for a Line, a Chain and
// a Sphered path) and EvalAll's stacked first layers (more networks than
// one stack holds) give each network's Eval: the same errors, and losses
// equal to rounding (the first layer's sums are regrouped: 1e-12
// relative).
func TestEvalAllAndSpan(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	m, p := testNet(rng, nn.ReLU, 15, 9, 7, 4)
	_, q := testNet(rng, nn.ReLU, 15, 9, 7, 4)
	_, r := testNet(rng, nn.ReLU, 15, 9, 7, 4)
	ev, err := NewEvaluator(m, smallSet(rng, 2100, 15, 4))
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := Canonicalize(m, p)
	cb, _ := Canonicalize(m, q)
	geo, _ := NewSphered(ca, cb, true)
	chord, _ := NewSphered(ca, cb, false)
	paths := map[string]Path{"line": Line{p.Vec(), q.Vec()}, "chain": Chain{p.Vec(), r.Vec(), q.Vec()}, "slerp": geo, "chord": chord}
	for name, path := range paths {
		if _, ok := path.(spanned); !ok {
			t.Fatalf("%s: not spanned", name)
		}
		pr := Along(path, ev, 2*maxStack+3)
		ws := make([][]float64, len(pr.T))
		for k, tt := range pr.T {
			w := make([]float64, p.Len())
			path.At(tt, w)
			ws[k] = w
			one := ev.Eval(w)
			if got := pr.M[k]; got.Err != one.Err || math.Abs(got.Loss-one.Loss) > 1e-12*one.Loss {
				t.Errorf("%s t = %g: along %+v, Eval %+v", name, tt, got, one)
			}
		}
		for k, got := range ev.EvalAll(ws) {
			if one := pr.M[k]; got.Err != one.Err || math.Abs(got.Loss-one.Loss) > 1e-12*one.Loss {
				t.Errorf("%s t = %g: EvalAll %+v, along %+v", name, pr.T[k], got, one)
			}
		}
	}
}

// EnergyCurve's shared first-layer products (Evaluator.evalRays, for
// multiplicative noise on an MLP) give LocalEnergy at every σ: the same
// measure at w bit for bit, the same error rises, and loss rises equal to
// rounding (the first layer's sums are regrouped as W₁Xᵀ + σ(W₁⊙Z)Xᵀ: a
// loss rise is a difference of losses of order 1, so 1e-12 absolute).
func TestEnergyCurveRays(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 3))
	m, p := testNet(rng, nn.ReLU, 15, 9, 7, 4)
	ev, err := NewEvaluator(m, smallSet(rng, 2100, 15, 4))
	if err != nil {
		t.Fatal(err)
	}
	s := NoiseSettings{Draws: 6, Seed: 4}
	sigmas := []float64{0.05, 0.3, 1}
	for k, got := range EnergyCurve(ev, p.Vec(), sigmas, s) {
		want := LocalEnergy(ev, p.Vec(), sigmas[k], s)
		if got.Sigma != want.Sigma || got.Base != want.Base || got.Rise.Err != want.Rise.Err || got.SE.Err != want.SE.Err ||
			math.Abs(got.Rise.Loss-want.Rise.Loss) > 1e-12 || math.Abs(got.SE.Loss-want.SE.Loss) > 1e-12 {
			t.Errorf("σ = %g: curve %+v, LocalEnergy %+v", sigmas[k], got, want)
		}
		if got.Rise.Err == 0 {
			t.Errorf("σ = %g: no rise of the error: the test does not test", sigmas[k])
		}
	}
}

// The flip local energy of a binary net, whose noisy copies' first-layer
// products are w's corrected at the flipped weights (Evaluator.evalFlips),
// is LocalEnergy as EvalAll measures the copies, bit for bit: the net
// reads its first-layer sums only through their signs, and those of sums
// that tie at 0 are taken from the product. EnergyCurve gives LocalEnergy
// at every level; Along a Hamming geodesic, whose points are corrected one
// from the previous, gives EvalAll's measures. Features b/255 with b in
// 0…15, as pixels, make ties frequent (without the ties' repair the
// measures differ).
func TestFlipEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 4))
	m := BinaryMLP{Sizes: []int{300, 9, 7, 4}}
	set := smallSet(rng, 2100, 300, 4)
	raw := set.X.RawMatrix().Data
	for i := range raw {
		raw[i] = float64(rng.IntN(16)) / 255
	}
	ev, err := NewEvaluator(m, set)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Init(rng, nil)
	s := NoiseSettings{Noise: Flip, Draws: 6, Seed: 4}
	sigmas := []float64{0.02, 0.1, 0.3}
	curve := EnergyCurve(ev, p.Vec(), sigmas, s)
	for k, sg := range sigmas {
		ws := [][]float64{p.Vec()}
		for i := range s.Draws {
			ws = append(ws, Perturb(nil, p.Vec(), sg, Flip, rand.New(rand.NewPCG(s.Seed, uint64(i)))))
		}
		all := ev.EvalAll(ws)
		want := energy(sg, all[0], all[1:])
		got := LocalEnergy(ev, p.Vec(), sg, s)
		for name, got := range map[string]Energy{"LocalEnergy": got, "EnergyCurve": curve[k]} {
			if got != want {
				t.Errorf("%s σ = %g: %+v, with EvalAll %+v", name, sg, got, want)
			}
		}
		if want.Rise.Err == 0 {
			t.Errorf("σ = %g: no rise of the error: the test does not test", sg)
		}
	}
	// Along a Hamming geodesic each point is the previous one corrected.
	q := m.Init(rng, nil)
	h := NewHamming(p.Vec(), q.Vec(), rng)
	pr := Along(h, ev, 13)
	ws := make([][]float64, len(pr.T))
	for k, tk := range pr.T {
		ws[k] = make([]float64, p.Len())
		h.At(tk, ws[k])
	}
	if want := ev.EvalAll(ws); !slices.Equal(pr.M, want) {
		t.Errorf("along a Hamming geodesic %v, EvalAll %v", pr.M, want)
	}
}

// On data sets whose chunks make a small first-layer product (h × rows ≤
// 4096: dot products, whose bits depend on the number of rows), the flip
// local energy is still LocalEnergy as EvalAll measures the copies, bit for
// bit: there the corrected products do not apply (their base product would
// have h rows, EvalAll's stacked one K·h, and the two round differently).
func TestFlipEnergySmallChunks(t *testing.T) {
	for _, sh := range []struct {
		n, in, h int
		flips    bool
	}{{1000, 50, 4, false}, {64, 784, 64, false}, {1000, 300, 9, true}} {
		rng := rand.New(rand.NewPCG(8, 4))
		m := BinaryMLP{Sizes: []int{sh.in, sh.h, 7, 4}}
		set := smallSet(rng, sh.n, sh.in, 4)
		raw := set.X.RawMatrix().Data
		for i := range raw {
			raw[i] = float64(rng.IntN(16)) / 255 // pixels: frequent ties
		}
		ev, err := NewEvaluator(m, set)
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.flips(); got != (sh.flips && !ad.HasOpenBLAS) {
			t.Errorf("%v: flips() = %v", sh, got)
		}
		s := NoiseSettings{Noise: Flip, Draws: 6, Seed: 4}
		for trial := range 3 {
			p := m.Init(rand.New(rand.NewPCG(uint64(trial), 1)), nil)
			ws := [][]float64{p.Vec()}
			for i := range s.Draws {
				ws = append(ws, Perturb(nil, p.Vec(), 0.1, Flip, rand.New(rand.NewPCG(s.Seed, uint64(i)))))
			}
			all := ev.EvalAll(ws)
			if got, want := LocalEnergy(ev, p.Vec(), 0.1, s), energy(0.1, all[0], all[1:]); got != want {
				t.Errorf("%v seed %d: %+v, with EvalAll %+v", sh, trial, got, want)
			}
		}
	}
}

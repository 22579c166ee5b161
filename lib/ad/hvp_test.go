package ad

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// hvpLoss is the loss of the Hessian checks, L = ⟨f(x), R⟩ + ¼‖f(x)‖²: its
// gradient with respect to f, R + ½f, depends on x, so the tangent of the
// gradient (ġ ≠ 0) flows through every operation as well as their own second
// derivatives.
func hvpLoss(tp *Tape, out *Node, r *mat.Dense) *Node {
	return tp.Add(tp.Dot(out, tp.Const(r)), tp.Scale(tp.SumSq(out), 0.25))
}

// hvpSetup records f on a fresh tape with the inputs as parameters and
// returns a function evaluating the gradient at the inputs displaced by s·v
// (into the grads) and one computing the exact product H v into hv.
type hvpSetup struct {
	inputs, grads, dirs, hvs []*mat.Dense
	f                        func(tp *Tape, x []*Node) *Node
	r                        *mat.Dense
	tp                       *Tape
}

func newHVPSetup(rng *rand.Rand, inputs []*mat.Dense, f func(tp *Tape, x []*Node) *Node) *hvpSetup {
	s := &hvpSetup{inputs: inputs, f: f, tp: NewTape()}
	for _, in := range inputs {
		r, c := in.Dims()
		s.grads = append(s.grads, mat.NewDense(r, c, nil))
		s.dirs = append(s.dirs, randMat(rng, r, c))
		s.hvs = append(s.hvs, mat.NewDense(r, c, nil))
	}
	tp := NewTape()
	xs := make([]*Node, len(inputs))
	for i, in := range inputs {
		xs[i] = tp.Const(in)
	}
	out := f(tp, xs)
	s.r = randMat(rng, out.Rows(), out.Cols())
	return s
}

// grad evaluates ∇L at x + step·v into s.grads.
func (s *hvpSetup) grad(step float64) {
	tp := s.tp
	tp.Reset()
	xs := make([]*Node, len(s.inputs))
	for i, in := range s.inputs {
		x := mat.DenseCopyOf(in)
		x.Add(x, scaled(step, s.dirs[i]))
		xs[i] = tp.Param(x, s.grads[i])
	}
	tp.Backward(hvpLoss(tp, s.f(tp, xs), s.r))
}

func scaled(a float64, m *mat.Dense) *mat.Dense {
	var d mat.Dense
	d.Scale(a, m)
	return &d
}

// hvp computes H v into s.hvs by HessVec.
func (s *hvpSetup) hvp() {
	tp := s.tp
	tp.Reset()
	xs := make([]*Node, len(s.inputs))
	for i, in := range s.inputs {
		xs[i] = tp.Param(in, s.grads[i])
		tp.SetTangent(xs[i], s.dirs[i], s.hvs[i])
	}
	tp.HessVec(hvpLoss(tp, s.f(tp, xs), s.r))
}

func flat(ms []*mat.Dense) []float64 {
	var v []float64
	for _, m := range ms {
		v = append(v, mat.DenseCopyOf(m).RawMatrix().Data...)
	}
	return v
}

// fdHVP is the fourth-order central difference of the exact gradient along
// v, [−g(2h) + 8g(h) − 8g(−h) + g(−2h)]/(12h) with h = 2.5·10⁻⁴.
func (s *hvpSetup) fdHVP() []float64 {
	const h = 2.5e-4
	var d4 []float64
	for _, c := range [4]struct{ s, w float64 }{{2, -1}, {1, 8}, {-1, -8}, {-2, 1}} {
		s.grad(c.s * h)
		g := flat(s.grads)
		if d4 == nil {
			d4 = make([]float64, len(g))
		}
		floats.AddScaled(d4, c.w/(12*h), g)
	}
	return d4
}

// hvpCheck compares HessVec with finite differences of the gradient, and
// checks the symmetry of the Hessian, for one operation.
//
// Finite differences: with h = 2.5·10⁻⁴ and inputs of order one, the
// stencil's truncation error h⁴|φ⁽⁵⁾|/30 is about 1e-16 and its rounding
// 1.5εG/h about 1.3e-12 relative (measured: 1e-13 to 2e-11, and 2.4e-10 for
// PowAct(1.5), whose σ″ ∝ |x|^{−1/2} has large higher derivatives near an
// input close to 0), so 1e-8 is a wide margin: the exact product is what is
// being checked, and its own error is rounding.
//
// Symmetry: ⟨w, H v⟩ = ⟨v, H w⟩ holds exactly; each computed product carries
// a rounding error of at most a few ε per operation times the size of its
// terms (a dozen operations deep, inner dimensions ≤ 30), so the bound is
// 64ε·(‖v‖‖H w‖ + ‖w‖‖H v‖) ≈ 1.4e-14 (measured: ≤ 5e-17 of it).
func hvpCheck(t *testing.T, name string, inputs []*mat.Dense, f func(tp *Tape, x []*Node) *Node) float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 13))
	s := newHVPSetup(rng, inputs, f)
	s.hvp()
	got := flat(s.hvs)
	want := s.fdHVP()
	den := floats.Norm(want, 2)
	if den == 0 {
		den = 1
	}
	rel := floats.Distance(got, want, 2) / den
	if rel > 1e-8 || math.IsNaN(rel) {
		t.Errorf("%s: HessVec vs finite differences: relative error %.3g > 1e-8\nexact %v\nfd    %v", name, rel, got, want)
	}
	// Symmetry: a second direction w.
	v := flat(s.dirs)
	for _, d := range s.dirs {
		r, c := d.Dims()
		d.Copy(randMat(rng, r, c))
	}
	s.hvp()
	w, hw := flat(s.dirs), flat(s.hvs)
	asym := math.Abs(floats.Dot(w, got) - floats.Dot(v, hw))
	if bound := 64 * 0x1p-52 * (floats.Norm(v, 2)*floats.Norm(hw, 2) + floats.Norm(w, 2)*floats.Norm(got, 2)); asym > bound {
		t.Errorf("%s: ⟨w, Hv⟩ − ⟨v, Hw⟩ = %.3g > %.3g", name, asym, bound)
	}
	t.Logf("%-32s fd %.1e  asym %.1e", name, rel, asym/(floats.Norm(v, 2)*floats.Norm(hw, 2)+floats.Norm(w, 2)*floats.Norm(got, 2)))
	return rel
}

// Every operation of the tape: the exact Hessian-vector product against
// finite differences of the exact gradient, and the Hessian's symmetry.
func TestHessVecOps(t *testing.T) {
	worst := 0.0
	for _, c := range opCases() {
		worst = math.Max(worst, hvpCheck(t, c.name, c.inputs, c.f))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	labels := []int{0, 3, 2, 2, 1}
	z := randMat(rng, 4, 5)
	lab := mat.NewDense(1, 5, []float64{0, 3, 2, 2, 1})
	in := Dims{C: 2, H: 5, W: 4}
	x, w, b := randMat(rng, in.Size(), 3), randMat(rng, 3, 2*9), randMat(rng, 3, 1)
	for _, c := range []opCase{
		{"SoftmaxCrossEntropy", []*mat.Dense{z}, func(tp *Tape, x []*Node) *Node { return tp.SoftmaxCrossEntropy(x[0], labels) }},
		{"SoftmaxCrossEntropyTo labels", []*mat.Dense{z}, func(tp *Tape, x []*Node) *Node {
			return tp.SoftmaxCrossEntropyTo(x[0], tp.Const(lab))
		}},
		{"SoftmaxCrossEntropyTo const dist", []*mat.Dense{z}, func(tp *Tape, x []*Node) *Node {
			return tp.SoftmaxCrossEntropyTo(x[0], tp.Const(posMat(rand.New(rand.NewPCG(1, 1)), 4, 5)))
		}},
		{"Conv2D 3×3", []*mat.Dense{x, w, b}, func(tp *Tape, v []*Node) *Node { return tp.Conv2D(v[0], v[1], v[2], in) }},
		{"Conv2D 5×5 no bias", []*mat.Dense{x, randMat(rng, 2, 2*25)}, func(tp *Tape, v []*Node) *Node { return tp.Conv2D(v[0], v[1], nil, in) }},
		{"MaxPool2", []*mat.Dense{randMat(rng, in.Size(), 3)}, func(tp *Tape, v []*Node) *Node { return tp.MaxPool2(v[0], in) }},
		{"conv net", []*mat.Dense{x, w, b, randMat(rng, 4, 3*2*2)}, func(tp *Tape, v []*Node) *Node {
			h := tp.Tanh(tp.Conv2D(v[0], v[1], v[2], in))
			p := tp.MaxPool2(h, Dims{C: 3, H: 5, W: 4})
			return tp.Sigmoid(tp.MatMul(v[3], p))
		}},
		{"two-layer MLP, cross-entropy", []*mat.Dense{randMat(rng, 6, 4), randMat(rng, 6, 1), randMat(rng, 3, 6), randMat(rng, 4, 7)}, func(tp *Tape, v []*Node) *Node {
			h := tp.Softplus(tp.AddCol(tp.MatMul(v[0], v[3]), v[1]))
			return tp.SoftmaxCrossEntropy(tp.MatMul(v[2], h), []int{0, 1, 2, 0, 1, 2, 0})
		}},
	} {
		worst = math.Max(worst, hvpCheck(t, c.name, c.inputs, c.f))
	}
	t.Logf("worst relative error against finite differences: %.2g", worst)
}

// A Func without D2 gets its second derivative by a central difference of D:
// about 1e-10 relative, so the product is checked against finite differences
// only.
func TestHessVecMapWithoutD2(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	s := newHVPSetup(rng, []*mat.Dense{randMat(rng, 3, 4)}, func(tp *Tape, x []*Node) *Node {
		return tp.Map(x[0], &Func{Name: "sin", F: math.Sin, D: math.Cos})
	})
	s.hvp()
	got, want := flat(s.hvs), s.fdHVP()
	if rel := floats.Distance(got, want, 2) / floats.Norm(want, 2); rel > 1e-8 {
		t.Errorf("relative error %.3g > 1e-8", rel)
	}
}

// The bookkeeping of HessVec: repeated products on one pass with new
// directions, parameters without a direction (v_p = 0, but (H v)_p ≠ 0),
// products kept on the tape, strided directions and destinations, HessVec
// running Backward itself, and no allocation per product or per pass after
// warm-up. The reference is a product with every direction bound, contiguous,
// on a fresh tape; the same operations in the same order give bitwise equal
// results.
func TestHessVecBinding(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	u, v, x := randMat(rng, 3, 5), randMat(rng, 5, 4), randMat(rng, 4, 6)
	du, dv := randMat(rng, 3, 5), randMat(rng, 5, 4)
	y := randMat(rng, 3, 6)
	record := func(tp *Tape, U, V *Node) *Node {
		return tp.SumSq(tp.Sub(tp.MatMul(U, tp.Tanh(tp.MatMul(V, tp.Const(x)))), tp.Const(y)))
	}
	ref := func(du, dv *mat.Dense) (hu, hv *mat.Dense) {
		tp := NewTape()
		hu, hv = mat.NewDense(3, 5, nil), mat.NewDense(5, 4, nil)
		U, V := tp.Param(u, nil), tp.Param(v, nil)
		tp.SetTangent(U, du, hu)
		tp.SetTangent(V, dv, hv)
		tp.HessVec(record(tp, U, V))
		return hu, hv
	}
	wantU, wantV := ref(du, dv)

	tp := NewTape()
	U, V := tp.Param(u, mat.NewDense(3, 5, nil)), tp.Param(v, nil)
	l := record(tp, U, V)
	tp.Backward(l)
	// Strided direction and destination for U, none for V.
	big := mat.NewDense(7, 9, nil)
	sdu := big.Slice(1, 4, 2, 7).(*mat.Dense)
	sdu.Copy(du)
	hbig := mat.NewDense(6, 8, nil)
	shu := hbig.Slice(2, 5, 1, 6).(*mat.Dense)
	tp.SetTangent(U, sdu, shu)
	tp.SetTangent(V, dv, nil)
	tp.HessVec(l)
	if !mat.Equal(shu, wantU) || !mat.Equal(V.GradTangent(), wantV) {
		t.Errorf("strided / kept on tape: products differ from the reference")
	}
	if hbig.At(0, 0) != 0 || hbig.At(2, 0) != 0 || hbig.At(5, 7) != 0 {
		t.Error("HessVec wrote outside the strided destination")
	}
	// A new direction on the same pass: (du, 0).
	wantU0, wantV0 := ref(du, mat.NewDense(5, 4, nil))
	tp.SetTangent(V, nil, nil)
	tp.HessVec(l)
	if !mat.Equal(shu, wantU0) || !mat.Equal(V.GradTangent(), wantV0) {
		t.Errorf("direction without V: products differ from the reference")
	}
	if mat.Norm(V.GradTangent(), 2) == 0 {
		t.Error("(H v)_V vanished with v_V = 0")
	}
	// No allocation per product on a pass, nor per pass after warm-up.
	hu, hv := mat.NewDense(3, 5, nil), mat.NewDense(5, 4, nil)
	pass := func() {
		tp.Reset()
		U, V := tp.Param(u, nil), tp.Param(v, nil)
		tp.SetTangent(U, du, hu)
		tp.SetTangent(V, dv, hv)
		l = record(tp, U, V)
		tp.HessVec(l)
	}
	pass()
	if !mat.Equal(hu, wantU) || !mat.Equal(hv, wantV) {
		t.Error("reused tape: products differ from the reference")
	}
	if a := testing.AllocsPerRun(20, pass); a != 0 {
		t.Errorf("%v allocations per pass, want 0", a)
	}
	if a := testing.AllocsPerRun(20, func() { tp.HessVec(l) }); a != 0 {
		t.Errorf("%v allocations per product, want 0", a)
	}
}

// ForwardTangent alone: the Jacobian-vector product of a model's output
// against central differences of the output (h = 10⁻⁵: truncation
// h²|f‴|/6 ≈ 2e-11, rounding ε|f|/h ≈ 2e-11; 1e-8 relative).
func TestForwardTangent(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	w, x, dw := randMat(rng, 4, 3), randMat(rng, 3, 5), randMat(rng, 4, 3)
	out := func(w *mat.Dense, dir *mat.Dense) (*mat.Dense, []float64) {
		tp := NewTape()
		W := tp.Param(w, nil)
		if dir != nil {
			tp.SetTangent(W, dir, nil)
		}
		o := tp.Sigmoid(tp.MatMul(W, tp.Const(x)))
		tp.ForwardTangent()
		return mat.DenseCopyOf(o.Value()), append([]float64(nil), o.TangentData()...)
	}
	_, jvp := out(w, dw)
	const h = 1e-5
	var wp, wm mat.Dense
	wp.Add(w, scaled(h, dw))
	wm.Sub(w, scaled(h, dw))
	fp, _ := out(&wp, nil)
	fm, _ := out(&wm, nil)
	var fd mat.Dense
	fd.Sub(fp, fm)
	fd.Scale(1/(2*h), &fd)
	want := fd.RawMatrix().Data
	if e := floats.Distance(jvp, want, 2) / floats.Norm(want, 2); e > 1e-8 {
		t.Errorf("JVP relative error %.3g > 1e-8", e)
	}
	if _, none := out(w, nil); none != nil {
		t.Error("tangent of a node without a direction is not nil")
	}
}

func TestHessVecPanics(t *testing.T) {
	tp := NewTape()
	p := tp.Param(mat.NewDense(2, 3, nil), nil)
	c := tp.Const(mat.NewDense(2, 3, nil))
	mustPanic(t, "ad: SetTangent: node is not a parameter", func() { tp.SetTangent(c, nil, nil) })
	mustPanic(t, "ad: SetTangent: shape 3×2 does not match parameter 2×3", func() { tp.SetTangent(p, mat.NewDense(3, 2, nil), nil) })
	mustPanic(t, "ad: HessVec: loss has shape 2×3, want 1×1", func() { tp.HessVec(tp.Add(p, c)) })
}

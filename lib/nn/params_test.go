package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/data"
)

func TestParamsViews(t *testing.T) {
	p := NewParams()
	u := p.Add("U", 2, 3)
	u.Set(1, 2, 7)
	v := p.Add("V", 3, 1) // growth must keep u valid
	w := p.Add("W", 4, 4)
	if p.Len() != 6+3+16 || p.Count() != 3 {
		t.Fatalf("Len %d Count %d, want 25 and 3", p.Len(), p.Count())
	}
	if p.M("U") != u || u.At(1, 2) != 7 {
		t.Fatalf("U lost its value after Add")
	}
	theta := p.Vec()
	if theta[5] != 7 || p.Offset("V") != 6 || p.Offset("W") != 9 {
		t.Errorf("layout: θ[5]=%v, offsets %d %d", theta[5], p.Offset("V"), p.Offset("W"))
	}
	theta[6+2] = 3 // V(2,0)
	theta[9+4*2+1] = -1
	if v.At(2, 0) != 3 || w.At(2, 1) != -1 {
		t.Errorf("writes to Vec are not seen by the matrices")
	}
	q := p.Clone()
	q.M("U").Set(0, 0, 42)
	if u.At(0, 0) == 42 {
		t.Errorf("Clone shares storage")
	}
	if !q.SameLayout(p) || q.M("V").At(2, 0) != 3 {
		t.Errorf("Clone lost layout or values")
	}
	z := p.NewLike()
	if floats.Norm(z.Vec(), 2) != 0 || !z.SameLayout(p) {
		t.Errorf("NewLike is not a zero copy of the layout")
	}
	other := make([]float64, p.Len())
	for i := range other {
		other[i] = float64(i)
	}
	p.Bind(other)
	if u.At(1, 2) != 5 || v.At(0, 0) != 6 || &p.Vec()[0] != &other[0] {
		t.Errorf("Bind did not make the matrices views of the new vector")
	}
	u.Set(0, 0, -3)
	if other[0] != -3 {
		t.Errorf("matrix writes after Bind do not reach the vector")
	}
	if fmt.Sprint(p) != "Params{U 2×3, V 3×1, W 4×4; 25 values}" {
		t.Errorf("String = %q", fmt.Sprint(p))
	}
	if got := strings.Join(p.Names(), ","); got != "U,V,W" {
		t.Errorf("Names = %s", got)
	}
}

func TestParamsPanics(t *testing.T) {
	expect := func(want string, f func()) {
		t.Helper()
		defer func() {
			t.Helper()
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), want) {
				t.Errorf("panic %v, want %q", r, want)
			}
		}()
		f()
	}
	p := NewParams()
	p.Add("U", 1, 1)
	expect(`nn: Params.Add: duplicate name "U"`, func() { p.Add("U", 2, 2) })
	expect(`invalid name "a/b"`, func() { p.Add("a/b", 1, 1) })
	expect(`invalid shape 0×3`, func() { p.Add("Z", 0, 3) })
	expect(`no parameter "V" (have U)`, func() { p.M("V") })
	expect(`vector of length 3 for 1 parameters`, func() { p.Bind(make([]float64, 3)) })
}

func TestObjectiveBatchAndReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	net := MLP{Sizes: []int{5, 8, 3}, Act: Tanh}
	x := randDense(rng, 5, 20, 1)
	labels := make([]int, 20)
	for i := range labels {
		labels[i] = rng.IntN(3)
	}
	obj := NewObjective(net, x, LabelRow(labels), CrossEntropy)
	p := net.Init(rng, XavierUniform)
	theta := p.Vec()
	g := make([]float64, obj.Len())
	full := obj.Func(theta, g)
	all := make([]int, 20)
	for i := range all {
		all[i] = 19 - i // any order
	}
	gb := make([]float64, obj.Len())
	if b := obj.Batch(theta, gb, all); math.Abs(b-full) > 1e-14 || !floats.EqualApprox(g, gb, 1e-14) {
		t.Errorf("Batch over all samples %v differs from Func %v", b, full)
	}
	// The full-batch mean loss is the weighted mean of two minibatch losses.
	g1, g2 := make([]float64, obj.Len()), make([]float64, obj.Len())
	l1 := obj.Batch(theta, g1, all[:15])
	l2 := obj.Batch(theta, g2, all[15:])
	if math.Abs((15*l1+5*l2)/20-full) > 1e-14 {
		t.Errorf("minibatch losses %v, %v do not average to %v", l1, l2, full)
	}
	floats.Scale(15, g1)
	floats.AddScaled(g1, 5, g2)
	floats.Scale(1.0/20, g1)
	if !floats.EqualApprox(g1, g, 1e-14) {
		t.Errorf("minibatch gradients do not average to the full gradient")
	}
	// Predict agrees with the objective's output.
	if !mat.EqualApprox(Predict(net, p, x), func() *mat.Dense { obj.Func(theta, nil); return obj.Output() }(), 1e-15) {
		t.Errorf("Predict differs from Objective.Output")
	}
	idx := []int{3, 1, 4, 1, 5}
	obj.Batch(theta, g, idx)
	if n := testing.AllocsPerRun(10, func() { obj.Func(theta, g) }); n != 0 {
		t.Errorf("Func allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(10, func() { obj.Batch(theta, g, idx) }); n != 0 {
		t.Errorf("Batch allocates %v times per call", n)
	}
}

func TestConvNetAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	net := ConvNet{In: ad.Dims{C: 1, H: 8, W: 8}, Channels: 4, Hidden: 5, Classes: 3}
	obj := NewObjective(net, randDense(rng, 64, 6, 1), LabelRow([]int{0, 1, 2, 0, 1, 2}), CrossEntropy)
	theta, g := net.Init(rng, XavierUniform).Vec(), make([]float64, obj.Len())
	obj.Func(theta, g)
	if n := testing.AllocsPerRun(10, func() { obj.Func(theta, g) }); n != 0 {
		t.Errorf("ConvNet objective allocates %v times per call", n)
	}
}

func TestObjectiveRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	net := MLP{Sizes: []int{5, 4, 3}, Act: Tanh}
	x := randDense(rng, 5, 12, 1)
	y := randDense(rng, 3, 12, 1)
	cols := NewObjective(net, x, y, MSE)
	rows := NewObjectiveRows(net, mat.DenseCopyOf(x.T()), mat.DenseCopyOf(y.T()), MSE)
	if rows.Samples() != 12 || cols.Samples() != 12 {
		t.Fatalf("Samples %d and %d, want 12", rows.Samples(), cols.Samples())
	}
	theta := net.Init(rng, XavierNormal).Vec()
	g1, g2 := make([]float64, cols.Len()), make([]float64, cols.Len())
	if a, b := cols.Func(theta, g1), rows.Func(theta, g2); a != b || !floats.Equal(g1, g2) {
		t.Errorf("row-stored Func %v differs from column-stored %v", b, a)
	}
	idx := []int{7, 2, 2, 11, 0}
	if a, b := cols.Batch(theta, g1, idx), rows.Batch(theta, g2, idx); a != b || !floats.Equal(g1, g2) {
		t.Errorf("row-stored Batch %v differs from column-stored %v", b, a)
	}
	if n := testing.AllocsPerRun(10, func() { rows.Batch(theta, g2, idx) }); n != 0 {
		t.Errorf("row-stored Batch allocates %v times per call", n)
	}
}

func TestAccuracyAndLabels(t *testing.T) {
	s := mat.NewDense(3, 4, []float64{
		1, 0, 0, 5,
		2, 0, 3, 0,
		0, 1, 0, 0,
	})
	if got := Argmax(s); fmt.Sprint(got) != "[1 2 1 0]" {
		t.Errorf("Argmax = %v", got)
	}
	if a := Accuracy(s, []int{1, 2, 0, 0}); a != 0.75 {
		t.Errorf("Accuracy = %v, want 0.75", a)
	}
	oh := data.Columns(data.OneHot(nil, []int{2, 0}, 3))
	if !mat.Equal(oh, mat.NewDense(3, 2, []float64{0, 1, 0, 0, 1, 0})) {
		t.Errorf("OneHot = %v", mat.Formatted(oh))
	}
}

// UV and Layers hand out views: a write through them is a write to θ.
func TestBridgesAreViews(t *testing.T) {
	two := TwoLayer{In: 3, Hidden: 4, Out: 2, Act: ReLU}
	p := two.Params()
	U, V := two.UV(p)
	U.Set(1, 2, 7)
	V.Set(3, 0, -5)
	if p.M("U").At(1, 2) != 7 || p.M("V").At(3, 0) != -5 {
		t.Error("TwoLayer.UV: writes did not reach θ")
	}
	mlp := MLP{Sizes: []int{3, 5, 4, 2}, Act: Tanh}
	q := mlp.Params()
	W, b := mlp.Layers(q)
	if len(W) != 3 || len(b) != 3 {
		t.Fatalf("MLP.Layers: %d weights and %d biases, want 3 and 3", len(W), len(b))
	}
	W[1].Set(3, 4, 2)
	b[2].SetVec(1, 9)
	if q.M("W2").At(3, 4) != 2 || q.M("b3").At(1, 0) != 9 {
		t.Error("MLP.Layers: writes did not reach θ")
	}
	if _, b := (MLP{Sizes: []int{3, 2}, Act: Tanh, NoBias: true}).Layers((MLP{Sizes: []int{3, 2}, NoBias: true}).Params()); b != nil {
		t.Errorf("NoBias: biases %v, want nil", b)
	}
}

// Step is Batch followed by θ += (−rate)·grad: bit for bit here, where every
// product's inner dimension fits one block of terms (see ad.Tape.Descend),
// for samples stored as rows or columns, through several steps, and without
// allocating after the first.
func TestObjectiveStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct {
		net    MLP
		loss   Loss
		labels bool
	}{
		{MLP{Sizes: []int{30, 20, 4}, Act: LeakyReLU(0.01)}, CrossEntropy, true},
		{MLP{Sizes: []int{6, 5, 5, 3}, Act: Tanh, NoBias: true}, MSE, false},
		// Wide enough for the packed kernels, which read row-stored
		// samples in place and take W1's step in their epilogue.
		{MLP{Sizes: []int{301, 130, 10}, Act: LeakyReLU(0.01)}, CrossEntropy, true},
	} {
		const n, batch, rate = 300, 67, 0.1
		d, k := tc.net.Sizes[0], tc.net.Sizes[len(tc.net.Sizes)-1]
		x := randDense(rng, d, n, 1)
		y := randDense(rng, k, n, 1)
		if tc.labels {
			labels := make([]int, n)
			for i := range labels {
				labels[i] = rng.IntN(k)
			}
			y = LabelRow(labels)
		}
		theta0 := tc.net.Init(rng, KaimingUniform).Vec()
		for _, rows := range []bool{false, true} {
			obj := NewObjective(tc.net, x, y, tc.loss)
			if rows {
				obj = NewObjectiveRows(tc.net, mat.DenseCopyOf(x.T()), mat.DenseCopyOf(y.T()), tc.loss)
			}
			want, got := slices.Clone(theta0), slices.Clone(theta0)
			g := make([]float64, obj.Len())
			for step := range 5 {
				idx := rng.Perm(n)[:batch]
				idx[3] = idx[40]
				lw := obj.Batch(want, g, idx)
				floats.AddScaled(want, -rate, g)
				if lg := obj.Step(got, rate, idx); lg != lw || !floats.Equal(got, want) {
					t.Fatalf("%v rows=%v step %d: Step gives loss %v, Batch %v; parameters equal: %v",
						tc.net, rows, step, lg, lw, floats.Equal(got, want))
				}
			}
			idx := []int{3, 1, 4, 1, 5}
			if a := testing.AllocsPerRun(10, func() { obj.Step(got, rate, idx) }); a != 0 {
				t.Errorf("%v rows=%v: Step allocates %v times per call", tc.net, rows, a)
			}
		}
	}
}

// A row-stored Batch, which hands the model its samples as rows of x read
// in place (ad's ConstRows), gives the loss, gradient and output of the
// model on the rows copied out first, to the bit: in a network wide enough
// that both products by the samples go to the packed kernels (which read
// the rows through the index list on AVX-512), with a repeated sample and
// a batch not a multiple of 16.
func TestObjectiveRowsInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	const n, in, batch = 300, 301, 67
	net := MLP{Sizes: []int{in, 130, 10}, Act: LeakyReLU(0.01)}
	x := randDense(rng, n, in, 1)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	y := mat.DenseCopyOf(LabelRow(labels).T())
	obj := NewObjectiveRows(net, x, y, CrossEntropy)
	theta := net.Init(rng, KaimingUniform).Vec()
	idx := rng.Perm(n)[:batch]
	idx[3] = idx[40]
	xb, yb := mat.NewDense(batch, in, nil), mat.NewDense(batch, 1, nil)
	for i, s := range idx {
		xb.SetRow(i, x.RawRowView(s))
		yb.SetRow(i, y.RawRowView(s))
	}
	ref := NewObjectiveRows(net, xb, yb, CrossEntropy)
	g1, g2 := make([]float64, obj.Len()), make([]float64, obj.Len())
	want := ref.eval(theta, g1, xb, nil, yb, true) // the rows copied, as a Const
	got := obj.Batch(theta, g2, idx)
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Errorf("loss %v, on the copied rows %v", got, want)
	}
	for i := range g1 {
		if math.Float64bits(g1[i]) != math.Float64bits(g2[i]) {
			t.Fatalf("gradient[%d] = %v, on the copied rows %v", i, g2[i], g1[i])
		}
	}
	if !mat.Equal(obj.Output(), ref.Output()) {
		t.Error("Output differs from the output on the copied rows")
	}
	if a := testing.AllocsPerRun(5, func() { obj.Batch(theta, g2, idx) }); a != 0 {
		t.Errorf("Batch allocates %v times per call", a)
	}
}

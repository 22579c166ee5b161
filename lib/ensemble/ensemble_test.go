package ensemble_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/ensemble"
	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// Vote and Average on hand-made logits: three members, four samples.
// Sample 0: votes 0, 0, 1 → 0. Sample 1: votes 2, 1, 1 → 1. Sample 2: votes
// 0, 1, 2, a three-way tie → 0, the smallest class (as torch.mode). Sample
// 3: votes 2, 2, 0 → 2, but the averaged softmax prefers class 0, which
// member 2 is very sure of while members 0 and 1 hesitate.
func TestVoteAndAverage(t *testing.T) {
	z := []*mat.Dense{
		mat.NewDense(3, 4, []float64{
			5, 0, 9, 0,
			1, 1, 0, 0,
			0, 2, 1, 0.1,
		}),
		mat.NewDense(3, 4, []float64{
			5, 0, 0, 0,
			1, 3, 9, 0,
			0, 2, 1, 0.1,
		}),
		mat.NewDense(3, 4, []float64{
			1, 0, 0, 20,
			2, 4, 0, 0,
			0, 0, 9, 0,
		}),
	}
	if got, want := ensemble.Vote(z), []int{0, 1, 0, 2}; !slices.Equal(got, want) {
		t.Errorf("Vote = %v, want %v", got, want)
	}
	p := ensemble.Average(z)
	// Column 3 by hand: softmax(0, 0, 0.1) twice and softmax(20, 0, 0) ≈ e₀.
	s := 1 / (2 + math.Exp(0.1))
	e20 := math.Exp(20)
	want3 := []float64{(2*s + e20/(e20+2)) / 3, (2*s + 1/(e20+2)) / 3, (2*s*math.Exp(0.1) + 1/(e20+2)) / 3}
	for i, w := range want3 {
		if math.Abs(p.At(i, 3)-w) > 1e-15 {
			t.Errorf("Average(%d, 3) = %v, want %v", i, p.At(i, 3), w)
		}
	}
	for j := 0; j < 4; j++ {
		if sum := mat.Sum(p.ColView(j)); math.Abs(sum-1) > 1e-15 {
			t.Errorf("column %d of Average sums to %v", j, sum)
		}
	}
	if got := nn.Argmax(p); got[3] != 0 {
		t.Errorf("Average's prediction for sample 3 is %d, want 0", got[3])
	}
}

// models returns an MLP and a conv net with random weights and biases, their
// input size and their head view, each with LeakyReLU(0.1) as σ.
func models(rng *rand.Rand) (nets []*ensemble.Net, dims []int) {
	act := nn.LeakyReLU(0.1)
	for _, m := range []nn.Model{
		nn.MLP{Sizes: []int{12, 6, 4}, Act: act},
		nn.ConvNet{In: ad.Dims{C: 1, H: 6, W: 6}, Channels: 3, Hidden: 6, Classes: 4, Act: act},
	} {
		p := m.Init(rng, nn.XavierNormal)
		for i, name := range p.Names() {
			if r, c := p.Shape(name); c == 1 && r > 0 {
				nn.Normal(0.3)(rng, p.At(i))
			}
		}
		nets = append(nets, ensemble.NewNet(m, p))
		dims = append(dims, map[bool]int{true: 12, false: 36}[len(p.Names()) == 4])
	}
	return nets, dims
}

func randn(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	nn.Normal(1)(rng, m)
	return m
}

// A group member computes exactly the base network's output on the batch
// its π was fitted on: the full network with the transformed parameters
// (Net.Apply, through nn.Predict) against the base, to 1e-9 relative
// (rounding times the condition number of σ(G H_i), below 1e5 at ε ≤ 1 for
// these nets). Off the batch the output changes: little at ε = 1e-4 (under
// 2%; measured 0.4%), by more than ten times that at ε = 1 (measured 60–80%).
func TestGroupMembersExactOnBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	nets, dims := models(rng)
	for n, net := range nets {
		h := net.Width()
		const size = 4
		X := randn(rng, dims[n], size*h)
		fresh := randn(rng, dims[n], 50)
		base := nn.Predict(net.Model, net.Params, X)
		baseFresh := nn.Predict(net.Model, net.Params, fresh)
		var offs []float64
		for _, eps := range []float64{1e-4, 1e-3, 0.01, 0.1, 1} {
			e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: eps, Size: size, Seed: 3, Fit: net.Hidden(X)})
			off := 0.0
			for i, m := range e.Members {
				q := net.Apply(m)
				batch := X.Slice(0, dims[n], i*h, (i+1)*h).(*mat.Dense)
				got := nn.Predict(net.Model, q, mat.DenseCopyOf(batch))
				want := base.Slice(0, net.Classes(), i*h, (i+1)*h)
				if d := sym.RelDiff(got, want); d > 1e-9 {
					t.Errorf("%v, ε = %g, member %d: output on its batch changed by %.2g", net.Model, eps, i, d)
				}
				off += sym.RelDiff(nn.Predict(net.Model, q, fresh), baseFresh) / size
				// Member.Logits on pre-activations is the same network.
				if d := sym.RelDiff(net.MemberLogits(nil, m, net.Hidden(fresh)), nn.Predict(net.Model, q, fresh)); d > 1e-12 {
					t.Errorf("%v: MemberLogits differs from the applied network by %.2g", net.Model, d)
				}
			}
			offs = append(offs, off)
		}
		if offs[0] > 0.02 || offs[len(offs)-1] < 10*offs[0] {
			t.Errorf("%v: mean relative change off the batch %.2g at ε = 1e-4, 1e-3, 0.01, 0.1, 1: want < 0.02 at first and ten times more at last", net.Model, offs)
		}
	}
}

// The baselines are what they claim, for each member i with G_i = e^{εT_i}:
//   - every kind but Interpolated uses the same G_i, exp(ε T_i) with T_i
//     drawn from (Seed, i) (sym.SampleGL);
//   - Inverse is the linear action sym.GL(G_i, U, [V b]);
//   - Random has U′ = U (I + εR) with R in [0, 1);
//   - Shuffled's U⁻¹U′ is the group's π_i with rows and columns permuted;
//   - Interpolated's G is (I + ½ε(I + P))/(1 + ε) for a permutation matrix
//     P, and U′ = U G⁻¹.
//
// Here U is square (4 classes, 4 hidden units), so M = U⁻¹ U′ recovers
// the matrix each kind puts in place of π. Tolerances: rounding times the
// condition number of U (about 10), 1e-12.
func TestBaselines(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	mlp := nn.MLP{Sizes: []int{7, 4, 4}, Act: nn.Tanh}
	p := mlp.Init(rng, nn.XavierNormal)
	nn.Normal(0.3)(rng, p.M("b1"))
	net := ensemble.NewNet(mlp, p)
	const size, eps, seed = 3, 0.7, 9
	Hfit := net.Hidden(randn(rng, 7, size*4))
	mk := func(k ensemble.Kind) *ensemble.Ensemble {
		return ensemble.New(net, ensemble.Settings{Kind: k, Eps: eps, Size: size, Seed: seed, Fit: Hfit})
	}
	group, random, shuffled, inverse, inter := mk(ensemble.Group), mk(ensemble.Random), mk(ensemble.Shuffled), mk(ensemble.Inverse), mk(ensemble.Interpolated)
	var lu mat.LU
	lu.Factorize(net.U)
	inner := func(m ensemble.Member) *mat.Dense { // U⁻¹ U′
		var M mat.Dense
		if err := lu.SolveTo(&M, false, m.U); err != nil {
			t.Fatal(err)
		}
		return &M
	}
	Vb := mat.NewDense(4, 8, nil) // [V b]
	Vb.Slice(0, 4, 0, 7).(*mat.Dense).Copy(net.V)
	Vb.Slice(0, 4, 7, 8).(*mat.Dense).Copy(net.B)
	for i := 0; i < size; i++ {
		g := sym.SampleGL(rand.New(rand.NewPCG(seed, uint64(i))), 4, eps)
		for _, e := range []*ensemble.Ensemble{group, random, shuffled, inverse} {
			if !mat.Equal(e.Members[i].G, g) {
				t.Errorf("%v member %d: G is not e^{εT_i}", e.Kind, i)
			}
		}
		// Inverse: exactly sym.GL on (U, [V b]).
		gU, gVb := sym.GL(g, net.U, Vb)
		q := net.Apply(inverse.Members[i])
		if !mat.Equal(inverse.Members[i].U, gU) || !mat.EqualApprox(q.M("W1"), gVb.Slice(0, 4, 0, 7), 1e-15) || !mat.EqualApprox(q.M("b1"), gVb.Slice(0, 4, 7, 8), 1e-15) {
			t.Errorf("Inverse member %d is not sym.GL(g, U, [V b])", i)
		}
		// Group: π_i fitted on batch i, as sym.NonlinearPi/NonlinearAct give it.
		Hi := Hfit.Slice(0, 4, 4*i, 4*i+4)
		pi := sym.NonlinearPi(net.Act, g, eye(4), Hi)
		piU, _ := sym.NonlinearAct(pi, g, net.U, Vb)
		if !mat.EqualApprox(group.Members[i].U, piU, 1e-15) {
			t.Errorf("Group member %d: U′ is not U π", i)
		}
		// Random: M − I has entries in [0, ε).
		M := inner(random.Members[i])
		for r := 0; r < 4; r++ {
			for c := 0; c < 4; c++ {
				v := M.At(r, c)
				if r == c {
					v--
				}
				if v < -1e-12 || v > eps+1e-12 {
					t.Errorf("Random member %d: (M − I)[%d, %d] = %v outside [0, ε)", i, r, c, v)
				}
			}
		}
		// Shuffled: M's entries are π_i's, rearranged by a row and a column
		// permutation: the sorted rows (as multisets) match some row of π.
		M = inner(shuffled.Members[i])
		if !sameUpToPermutations(M, pi, 1e-12) {
			t.Errorf("Shuffled member %d: U⁻¹U′ is not π_i with rows and columns permuted", i)
		}
		// Interpolated: (1 + ε) G − (1 + ε/2) I = (ε/2) P, and U′ G = U.
		G := inter.Members[i].G
		var P mat.Dense
		P.Scale(1+eps, G)
		P.Sub(&P, scaled(eye(4), 1+eps/2))
		P.Scale(2/eps, &P)
		if !isPermutation(&P, 1e-12) {
			t.Errorf("Interpolated member %d: (2/ε)((1+ε)G − (1+ε/2)I) = %v is not a permutation matrix", i, mat.Formatted(&P))
		}
		var UG mat.Dense
		UG.Mul(inter.Members[i].U, G)
		if !mat.EqualApprox(&UG, net.U, 1e-12) {
			t.Errorf("Interpolated member %d: U′ G ≠ U", i)
		}
	}
}

func eye(h int) *mat.Dense {
	I := mat.NewDense(h, h, nil)
	for i := 0; i < h; i++ {
		I.Set(i, i, 1)
	}
	return I
}

func scaled(m *mat.Dense, s float64) *mat.Dense { m.Scale(s, m); return m }

func isPermutation(P *mat.Dense, tol float64) bool {
	h, _ := P.Dims()
	for i := 0; i < h; i++ {
		ones := 0
		for j := 0; j < h; j++ {
			switch v := P.At(i, j); {
			case math.Abs(v-1) <= tol:
				ones++
			case math.Abs(v) > tol:
				return false
			}
		}
		if ones != 1 {
			return false
		}
	}
	for j := 0; j < h; j++ {
		if math.Abs(mat.Sum(P.ColView(j))-1) > float64(h)*tol {
			return false
		}
	}
	return true
}

// sameUpToPermutations reports whether A = P B Q for permutation matrices P
// and Q, by trying every row permutation's matching column permutation
// (h = 4: 24 row permutations).
func sameUpToPermutations(A, B *mat.Dense, tol float64) bool {
	h, _ := A.Dims()
	perm := make([]int, h)
	for i := range perm {
		perm[i] = i
	}
	var try func(k int) bool
	try = func(k int) bool {
		if k == h {
			// rows perm of B against A: find a column permutation.
			used := make([]bool, h)
			for c := 0; c < h; c++ {
				found := false
				for c2 := 0; c2 < h && !found; c2++ {
					if used[c2] {
						continue
					}
					ok := true
					for r := 0; r < h && ok; r++ {
						ok = math.Abs(A.At(r, c)-B.At(perm[r], c2)) <= tol
					}
					if ok {
						used[c2], found = true, true
					}
				}
				if !found {
					return false
				}
			}
			return true
		}
		for i := k; i < h; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			if try(k + 1) {
				return true
			}
			perm[k], perm[i] = perm[i], perm[k]
		}
		return false
	}
	return try(0)
}

// Accuracy over prefixes is Vote and Average of Logits of the first k
// members, for every k at once, on samples that span several of its
// blocks (the last one partial).
func TestAccuracyPrefixes(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	nets, dims := models(rng)
	net := nets[0]
	x := randn(rng, dims[0], 1201)
	labels := make([]int, 1201)
	for i := range labels {
		labels[i] = rng.IntN(net.Classes())
	}
	H := net.Hidden(x)
	e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Random, Eps: 2, Size: 9, Seed: 1})
	sizes := []int{1, 2, 5, 9}
	vote, mean := e.Accuracy(H, labels, sizes)
	if va := e.VoteAccuracy(H, labels, sizes); !slices.Equal(va, vote) {
		t.Errorf("VoteAccuracy gives %v, Accuracy's vote %v", va, vote)
	}
	for s, k := range sizes {
		z := e.Logits(H, k)
		v := accuracy(ensemble.Vote(z), labels)
		m := nn.Accuracy(ensemble.Average(z), labels)
		if v != vote[s] || m != mean[s] {
			t.Errorf("k = %d: Accuracy gives %v, %v; Vote and Average %v, %v", k, vote[s], mean[s], v, m)
		}
	}
	if vote[0] != mean[0] || vote[0] != nn.Accuracy(net.MemberLogits(nil, e.Members[0], H), labels) {
		t.Error("one member: vote, mean softmax and the member's own accuracy differ")
	}
}

func accuracy(pred, labels []int) float64 {
	n := 0
	for i, p := range pred {
		if p == labels[i] {
			n++
		}
	}
	return float64(n) / float64(len(labels))
}

// The white-box gradients (mean softmax and members' mean loss) are the
// gradients of the losses computed from the members' logits: central
// differences agree to 1e-6 relative, for the MLP and the conv net.
func TestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	nets, dims := models(rng)
	for n, net := range nets {
		d := dims[n]
		const N = 3
		x := randn(rng, d, N)
		labels := []int{0, 3, 1}
		e := ensemble.New(net, ensemble.Settings{Kind: ensemble.Group, Eps: 0.5, Size: 3, Seed: 2, Fit: net.Hidden(randn(rng, d, 3*net.Width()))})
		losses := map[string]func(x *mat.Dense) float64{
			"mean softmax": func(x *mat.Dense) float64 {
				p := ensemble.Average(e.Logits(net.Hidden(x), 3))
				l := 0.0
				for j, y := range labels {
					l -= math.Log(p.At(y, j)) / N
				}
				return l
			},
			"member mean": func(x *mat.Dense) float64 {
				l := 0.0
				for _, z := range e.Logits(net.Hidden(x), 3) {
					for j, y := range labels {
						lse := 0.0
						for i := 0; i < net.Classes(); i++ {
							lse += math.Exp(z.At(i, j))
						}
						l += (math.Log(lse) - z.At(y, j)) / (3 * N)
					}
				}
				return l
			},
		}
		grads := map[string]func(grad, x *mat.Dense, labels []int) float64{
			"mean softmax": e.Gradient(3),
			"member mean":  e.MemberGradient(3),
		}
		for name, f := range grads {
			g := mat.NewDense(d, N, nil)
			l := f(g, x, labels)
			if want := losses[name](x); math.Abs(l-want) > 1e-12*math.Abs(want) {
				t.Errorf("%v, %s: loss %v, from the logits %v", net.Model, name, l, want)
			}
			const h = 1e-5
			worst := 0.0
			for i := 0; i < d; i++ {
				for j := 0; j < N; j++ {
					xp := mat.DenseCopyOf(x)
					xp.Set(i, j, x.At(i, j)+h)
					lp := losses[name](xp)
					xp.Set(i, j, x.At(i, j)-h)
					lm := losses[name](xp)
					worst = math.Max(worst, math.Abs((lp-lm)/(2*h)-g.At(i, j)))
				}
			}
			if scale := mat.Norm(g, math.Inf(1)); worst > 1e-6*scale {
				t.Errorf("%v, %s: gradient differs from central differences by %.2g (largest entry %.2g)", net.Model, name, worst, scale)
			}
		}
	}
}

package sym_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
	"github.com/noetherlab/noether/lib/sym"
)

// Unit tests of the nonlinear, data-dependent action (U π(g, V, X), g V),
// π = σ(VX) σ(gVX)⁺, of Zhao et al. Sec. 4, and of its exact single-sample
// form through spherical frames. The notebook's experiments and their claims
// are in lib/repro/zhao2023 (nonlinear.go).

// nlActs are smooth, piecewise linear and polynomial-like activations: tanh,
// LeakyReLU(0.1), the official code's relu², and sigmoid.
var nlActs = []nn.Activation{nn.Tanh, nn.LeakyReLU(0.1), nn.ReLU2, nn.Sigmoid}

func gauss(rnd *rand.Rand, r, c int, std float64) *mat.Dense {
	a := mat.NewDense(r, c, nil)
	raw := a.RawMatrix().Data
	for i := range raw {
		raw[i] = std * rnd.NormFloat64()
	}
	return a
}

// forward returns U σ(V X), written out here rather than taken from nn.
func forward(act nn.Activation, U, V, X mat.Matrix) *mat.Dense {
	var H, F mat.Dense
	H.Mul(V, X)
	H.Apply(func(_, _ int, v float64) float64 { return act.F(v) }, &H)
	F.Mul(U, &H)
	return &F
}

func mul(a, b mat.Matrix) *mat.Dense {
	var c mat.Dense
	c.Mul(a, b)
	return &c
}

func eye(h int) *mat.Dense {
	I := mat.NewDense(h, h, nil)
	for i := range h {
		I.Set(i, i, 1)
	}
	return I
}

// The output on the fitted batch is unchanged, for every batch size k ≤ h,
// near and far from the identity. Tolerance 1e-10: the error of A B⁺ is
// rounding (1e-16) times the condition number of B = σ(gVX), which for these
// 16×16 random matrices stays below about 1e5 (measured: worst 1e-13).
func TestNonlinearPiExactOnBatch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 1))
	const m, h, n = 10, 16, 10
	worst := 0.0
	for _, act := range nlActs {
		for _, k := range []int{1, 5, 16} {
			for _, eps := range []float64{1e-3, 0.1, 1} {
				U, V := gauss(rnd, m, h, 0.25), gauss(rnd, h, n, 1/math.Sqrt(n))
				X := gauss(rnd, n, k, 1)
				g := sym.SampleGL(rnd, h, eps)
				pi := sym.NonlinearPi(act, g, V, X)
				pU, gV := sym.NonlinearAct(pi, g, U, V)
				d := sym.RelDiff(forward(act, U, V, X), forward(act, pU, gV, X))
				worst = max(worst, d)
				if d > 1e-10 {
					t.Errorf("%s k=%d ε=%g: output on the batch changed by %.2g, want ≤ 1e-10", act, k, eps, d)
				}
				// Minimum norm: the rows of π lie in the column space of
				// B = σ(gVX), π = π B B⁺ (B B⁺ the projection onto it), and
				// equal A (BᵀB)⁻¹Bᵀ, the normal-equation form of A B⁺.
				B := act.Eval(nil, mul(g, mul(V, X)))
				A := act.Eval(nil, mul(V, X))
				var BtB, inv mat.Dense
				BtB.Mul(B.T(), B)
				if err := inv.Inverse(&BtB); err != nil {
					t.Fatal(err)
				}
				want := mul(mul(A, &inv), B.T())
				// Looser: the normal equations square the condition number.
				if d := sym.RelDiff(want, pi); d > 1e-6 {
					t.Errorf("%s k=%d ε=%g: π differs from A (BᵀB)⁻¹Bᵀ by %.2g", act, k, eps, d)
				}
			}
		}
	}
	t.Logf("worst relative output change on the batch: %.2g", worst)
}

// For k = h, π(e) = I; for k < h, π(e) = σ(VX)σ(VX)⁺ is the orthogonal
// projection onto the column space of σ(VX) (rank k), not I: then the map is
// not a group action, and new inputs see their σ(Vx) projected even at ε = 0.
func TestNonlinearPiIdentity(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 2))
	const h, n = 16, 10
	for _, act := range nlActs {
		V := gauss(rnd, h, n, 1/math.Sqrt(n))
		pi := sym.NonlinearPi(act, eye(h), V, gauss(rnd, n, h, 1))
		if d := sym.RelDiff(eye(h), pi); d > 1e-10 {
			t.Errorf("%s k=h: ‖π(e) − I‖/‖I‖ = %.2g, want ≤ 1e-10", act, d)
		}
		const k = 5
		P := sym.NonlinearPi(act, eye(h), V, gauss(rnd, n, k, 1))
		if d := sym.RelDiff(P, P.T()); d > 1e-12 {
			t.Errorf("%s k=%d: π(e) not symmetric (%.2g)", act, k, d)
		}
		if d := sym.RelDiff(P, mul(P, P)); d > 1e-12 {
			t.Errorf("%s k=%d: π(e)² ≠ π(e) (%.2g)", act, k, d)
		}
		if tr := mat.Trace(P); math.Abs(tr-k) > 1e-10 {
			t.Errorf("%s k=%d: Tr π(e) = %v, want the rank %d", act, k, tr, k)
		}
	}
}

// The cocycle. Acting with g₁ and then g₂,
//
//	g₂·(g₁·(U, V)) = g₂·(U π(g₁, V), g₁V) = (U π(g₁, V) π(g₂, g₁V), g₂g₁V),
//
// which is (g₂g₁)·(U, V) = (U π(g₂g₁, V), g₂g₁V) exactly when
//
//	π(g₂g₁, V) = π(g₁, V) π(g₂, g₁V):
//
// σ(VX)σ(g₁VX)⁻¹ · σ(g₁VX)σ(g₂g₁VX)⁻¹ = σ(VX)σ(g₂g₁VX)⁻¹. The same product
// in the other order, π(g₂, g₁V) π(g₁, V), is not π(g₂g₁, V) (control). For
// k = h (with π(e) = I) this makes the map a left action of GL(h). The
// identity needs only B⁺B = I_k, so it holds for k < h too.
//
// Tolerance 1e-10: each π carries rounding times the condition number of its
// σ(gVX) (below 1e5 here; measured worst about 1e-13).
func TestNonlinearPiCocycle(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 3))
	const m, h, n = 10, 16, 10
	worst, wrong := 0.0, math.Inf(1)
	defer func() { t.Logf("worst cocycle error %.2g; the wrong order differs by at least %.2g", worst, wrong) }()
	for _, act := range nlActs {
		for _, k := range []int{h, 6} {
			for _, eps := range []float64{0.01, 0.5} {
				U, V := gauss(rnd, m, h, 0.25), gauss(rnd, h, n, 1/math.Sqrt(n))
				X := gauss(rnd, n, k, 1)
				g1, g2 := sym.SampleGL(rnd, h, eps), sym.SampleGL(rnd, h, eps)
				g21 := mul(g2, g1)
				lhs := sym.NonlinearPi(act, g21, V, X)
				p1 := sym.NonlinearPi(act, g1, V, X)
				p2 := sym.NonlinearPi(act, g2, mul(g1, V), X)
				d := sym.RelDiff(lhs, mul(p1, p2))
				worst = max(worst, d)
				if d > 1e-10 {
					t.Errorf("%s k=%d ε=%g: π(g₂g₁,V) vs π(g₁,V)π(g₂,g₁V): %.2g, want ≤ 1e-10", act, k, eps, d)
				}
				// The wrong order differs at second order in ε (a commutator):
				// far above the tolerance, 1e-10, for ε ≥ 0.01.
				dw := sym.RelDiff(lhs, mul(p2, p1))
				wrong = min(wrong, dw)
				if d := dw; d < 1e-6 {
					t.Errorf("%s k=%d ε=%g: the wrong order π(g₂,g₁V)π(g₁,V) also matches (%.2g): the control does not discriminate", act, k, eps, d)
				}
				// The same law read on the parameters: two actions in a row
				// are one action by g₂g₁.
				aU, aV := sym.NonlinearAct(p1, g1, U, V)
				bU, bV := sym.NonlinearAct(p2, g2, aU, aV)
				cU, cV := sym.NonlinearAct(lhs, g21, U, V)
				if d := max(sym.RelDiff(cU, bU), sym.RelDiff(cV, bV)); d > 1e-10 {
					t.Errorf("%s k=%d ε=%g: g₂·(g₁·θ) vs (g₂g₁)·θ: %.2g", act, k, eps, d)
				}
			}
		}
	}
}

// R(z) for z of every sign pattern, zeros included: first column z,
// R Rᵀ = Rᵀ R = ‖z‖² I, lower Hessenberg (zero above the superdiagonal). Tolerance 1e-12 relative to ‖z‖²:
// each entry is a product of at most h sines and cosines of angles computed
// to rounding, an error of order h·1e-16.
func TestSphericalFrame(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 4))
	var zs [][]float64
	for _, h := range []int{1, 2, 3, 5, 16, 50} {
		for range 20 {
			z := make([]float64, h)
			for i := range z {
				z[i] = rnd.NormFloat64()
			}
			zs = append(zs, z)
		}
		neg := make([]float64, h) // all negative
		for i := range neg {
			neg[i] = -1 - float64(i)
		}
		last := make([]float64, h) // −e_h: the arccos angles give +e_h
		last[h-1] = -1
		first := make([]float64, h) // e_1: the tail is zero, angles 0
		first[0] = 3
		zs = append(zs, neg, last, first)
	}
	zs = append(zs, []float64{0, 0, 0, -2, 0}, []float64{1e-200, -1e-200, 1e-200}, []float64{1e200, -1e200})
	for _, z := range zs {
		h := len(z)
		R := sym.SphericalFrame(z)
		scale := 0.0 // ‖z‖ without under- or overflow
		for _, v := range z {
			scale = math.Hypot(scale, v)
		}
		// Compare R/‖z‖, orthogonal: ‖z‖² can overflow or underflow.
		var Rs, RRt, RtR mat.Dense
		if scale > 0 {
			Rs.Scale(1/scale, R)
		} else {
			Rs.CloneFrom(R)
		}
		RRt.Mul(&Rs, Rs.T())
		RtR.Mul(Rs.T(), &Rs)
		for i := range h {
			if d := math.Abs(R.At(i, 0) - z[i]); d > 1e-12*scale {
				t.Errorf("z = %v: R[%d,0] = %v, want z_%d = %v", z, i, R.At(i, 0), i, z[i])
			}
			for j := range h {
				want := 0.0
				if i == j {
					want = 1
				}
				if d := math.Abs(RRt.At(i, j) - want); d > 1e-12 {
					t.Errorf("h=%d: (R Rᵀ/‖z‖²)[%d,%d] off by %.2g", h, i, j, d)
				}
				if d := math.Abs(RtR.At(i, j) - want); d > 1e-12 {
					t.Errorf("h=%d: (Rᵀ R/‖z‖²)[%d,%d] off by %.2g", h, i, j, d)
				}
				if j > i+1 && R.At(i, j) != 0 {
					t.Errorf("h=%d: R[%d,%d] = %v above the superdiagonal, want 0", h, i, j, R.At(i, j))
				}
			}
		}
	}
	if R := sym.SphericalFrame(make([]float64, 4)); mat.Norm(R, 1) != 0 {
		t.Errorf("R(0) = %v, want 0", mat.Formatted(R))
	}
}

// frameFromAngles builds the spherical frame from r and the angles
// α₁, …, α_{h−1} (alpha[0] unused): column 1 is r u₀, column j+1 is
// r (0, …, 0, −sin α_j, cos α_j u_j), with u_{h−1} = (1) and
// u_{j−1} = (cos α_j, sin α_j u_j). Written here independently of the
// package, to compare angle conventions.
func frameFromAngles(r float64, alpha []float64) *mat.Dense {
	h := len(alpha)
	R := mat.NewDense(h, h, nil)
	unit := func(j int) []float64 { // u_j, of length h−j
		u := []float64{1}
		for l := h - 1; l > j; l-- {
			u = append([]float64{math.Cos(alpha[l])}, u...)
			for i := 1; i < len(u); i++ {
				u[i] *= math.Sin(alpha[l])
			}
		}
		return u
	}
	for i, v := range unit(0) {
		R.Set(i, 0, r*v)
	}
	for j := 1; j < h; j++ {
		R.Set(j-1, j, -r*math.Sin(alpha[j]))
		for i, v := range unit(j) {
			R.Set(j+i, j, r*math.Cos(alpha[j])*v)
		}
	}
	return R
}

// arccosAngles are the official code's spherical angles: every one from
// arccos, α_i = arccos(z_i / (r sin α₁ ⋯ sin α_{i−1})) ∈ [0, π]. The last
// angle then has sin α_{h−1} ≥ 0: the sign of z_h is lost.
func arccosAngles(z []float64) (r float64, alpha []float64) {
	for _, v := range z {
		r += v * v
	}
	r = math.Sqrt(r)
	alpha = make([]float64, len(z))
	p := r
	for i := 1; i < len(z); i++ {
		c := 1.0
		if p > 0 {
			c = math.Max(-1, math.Min(1, z[i-1]/p))
		}
		alpha[i] = math.Acos(c)
		p *= math.Sin(alpha[i])
	}
	return r, alpha
}

// atan2Angles are the same angles from atan2: α_i = atan2(‖z_{i+1:h}‖, z_i)
// ∈ [0, π] (equal to the arccos form, but accurate near 0 and π, where
// arccos loses half the digits) and the last one signed,
// α_{h−1} = atan2(z_h, z_{h−1}) ∈ (−π, π].
func atan2Angles(z []float64) (r float64, alpha []float64) {
	h := len(z)
	alpha = make([]float64, h)
	tail := 0.0
	for i := h - 1; i >= 1; i-- {
		tail = math.Hypot(tail, z[i]) // ‖z_{i+1:h}‖ in 1-based terms
		alpha[i] = math.Atan2(tail, z[i-1])
	}
	if h >= 2 {
		alpha[h-1] = math.Atan2(z[h-1], z[h-2])
	}
	return math.Hypot(tail, z[0]), alpha
}

// exactCases returns samples x for a net with h = n = 16: random x (z =
// σ(Vx) of mixed signs) and x with V x < 0 in every position (z entirely
// negative for tanh, LeakyReLU and linear), so that every position, the last
// one included, is negative in z and, for g near e, in z' in some case.
func exactCases(rnd *rand.Rand) (V *mat.Dense, xs [][]float64) {
	const h = 16
	V = gauss(rnd, h, h, 1/math.Sqrt(h))
	for c := range 40 {
		x := make([]float64, h)
		if c%2 == 0 {
			for i := range x {
				x[i] = rnd.NormFloat64()
			}
		} else {
			// V x = −(0.5 + |N(0,1)|) in every entry.
			b := mat.NewVecDense(h, nil)
			for i := range h {
				b.SetVec(i, -0.5-math.Abs(rnd.NormFloat64()))
			}
			var sol mat.VecDense
			if err := sol.SolveVec(V, b); err != nil {
				panic(err)
			}
			copy(x, sol.RawVector().Data)
		}
		xs = append(xs, x)
	}
	return V, xs
}

func sigmaVec(act nn.Activation, A mat.Matrix, x []float64) []float64 {
	var h mat.VecDense
	h.MulVec(A, mat.NewVecDense(len(x), x))
	z := make([]float64, h.Len())
	for i := range z {
		z[i] = act.F(h.AtVec(i))
	}
	return z
}

func vecRelDiff(a, b []float64) float64 {
	return sym.RelDiff(mat.NewVecDense(len(a), a), mat.NewVecDense(len(b), b))
}

// ExactPi: π(e) = I, π z' = z, π πᵀ = (‖z‖/‖z'‖)² I and the cocycle, for z and
// z' with negative entries in every position, all-negative ones included,
// for g near e (ε = 0.05) and far from it (ε = 0.5). Tolerance 1e-12:
// products of h = 16 sines and cosines, each to rounding. The control builds
// π from the official arccos angles on the same vectors and misses
// π z' = z by more than 1e-3 wherever z_h < −0.05‖z‖ or z'_h < −0.05‖z'‖
// (a miss of order |z_h|/‖z‖): this test would fail with arccos-only angles.
func TestExactPi(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 5))
	for _, c := range []struct {
		act nn.Activation
		eps float64
	}{{nn.Tanh, 0.05}, {nn.LeakyReLU(0.1), 0.05}, {nn.Linear, 0.05}, {nn.ReLU2, 0.05}, {nn.Tanh, 0.5}, {nn.LeakyReLU(0.1), 0.5}} {
		act := c.act
		V, xs := exactCases(rnd)
		h, _ := V.Dims()
		g := sym.SampleGL(rnd, h, c.eps)
		negZ, negZp := make([]bool, h), make([]bool, h)
		allNeg, controlFails, controlCases := 0, 0, 0
		worst := 0.0
		for _, x := range xs {
			z, zp := sigmaVec(act, V, x), sigmaVec(act, mul(g, V), x)
			neg := true
			for i := range h {
				negZ[i] = negZ[i] || z[i] < 0
				negZp[i] = negZp[i] || zp[i] < 0
				neg = neg && z[i] < 0 && zp[i] < 0
			}
			if neg {
				allNeg++
			}
			if d := sym.RelDiff(eye(h), sym.ExactPi(act, eye(h), V, x)); d > 1e-12 {
				t.Errorf("%s: ‖π(e) − I‖/‖I‖ = %.2g, want ≤ 1e-12", act, d)
			}
			pi := sym.ExactPi(act, g, V, x)
			var piz mat.VecDense
			piz.MulVec(pi, mat.NewVecDense(h, zp))
			d := vecRelDiff(z, piz.RawVector().Data)
			worst = max(worst, d)
			if d > 1e-12 {
				t.Errorf("%s: ‖π z' − z‖/‖z‖ = %.2g, want ≤ 1e-12 (z_h = %.2g, z'_h = %.2g)", act, d, z[h-1], zp[h-1])
			}
			nz, nzp := mat.Norm(mat.NewVecDense(h, z), 2), mat.Norm(mat.NewVecDense(h, zp), 2)
			ppt := mul(pi, pi.T())
			ppt.Scale(nzp*nzp/(nz*nz), ppt)
			if d := sym.RelDiff(eye(h), ppt); d > 1e-12 {
				t.Errorf("%s: π πᵀ ≠ (‖z‖/‖z'‖)² I (%.2g)", act, d)
			}
			g2 := sym.SampleGL(rnd, h, 0.05)
			c := mul(sym.ExactPi(act, g, V, x), sym.ExactPi(act, g2, mul(g, V), x))
			if d := sym.RelDiff(sym.ExactPi(act, mul(g2, g), V, x), c); d > 1e-12 {
				t.Errorf("%s: cocycle π(g₂g₁,V) = π(g₁,V)π(g₂,g₁V) off by %.2g", act, d)
			}
			// The atan2 angles rebuild the library's frame; the arccos ones fail.
			r, a := atan2Angles(zp)
			if d := sym.RelDiff(sym.SphericalFrame(zp), frameFromAngles(r, a)); d > 1e-12 {
				t.Errorf("%s: SphericalFrame differs from the frame of the atan2 angles by %.2g", act, d)
			}
			if z[h-1] < -0.05*nz || zp[h-1] < -0.05*nzp {
				controlCases++
				rz, az := arccosAngles(z)
				rp, ap := arccosAngles(zp)
				piAcos := mul(frameFromAngles(rz, az), frameFromAngles(rp, ap).T())
				piAcos.Scale(1/(rp*rp), piAcos)
				var q mat.VecDense
				q.MulVec(piAcos, mat.NewVecDense(h, zp))
				if vecRelDiff(z, q.RawVector().Data) > 1e-3 {
					controlFails++
				}
			}
		}
		if act.Name != "relu2" && c.eps < 0.1 { // relu² > 0 beyond x > 0 and dips only to −0.0025
			for i := range h {
				if !negZ[i] || !negZp[i] {
					t.Errorf("%s: position %d is never negative in z and z': the cases do not cover it", act, i)
				}
			}
			if allNeg == 0 {
				t.Errorf("%s: no case with z and z' negative everywhere", act)
			}
		}
		if act.Name != "relu2" && (controlCases == 0 || controlFails != controlCases) {
			t.Errorf("%s ε=%g: the arccos control failed π z' = z in %d of %d cases with a negative last entry, want all", act, c.eps, controlFails, controlCases)
		}
		t.Logf("ε=%g %s: worst ‖π z' − z‖/‖z‖ = %.2g over %d samples (%d all negative); arccos angles fail %d of %d with z_h < −0.05‖z‖ or z'_h < −0.05‖z'‖",
			c.eps, act, worst, len(xs), allNeg, controlFails, controlCases)
	}
}

func wantPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, ok := r.(string); !ok || !strings.Contains(s, want) {
			t.Errorf("panic %v, want one containing %q", r, want)
		}
	}()
	f()
}

func TestNonlinearPanics(t *testing.T) {
	s := nn.Tanh
	V, X := mat.NewDense(4, 3, nil), mat.NewDense(3, 2, nil)
	wantPanic(t, "sym: NonlinearPi: g is 3×3, want 4×4", func() { sym.NonlinearPi(s, eye(3), V, X) })
	wantPanic(t, "sym: NonlinearPi: V is 4×3 and X is 2×2", func() { sym.NonlinearPi(s, eye(4), V, mat.NewDense(2, 2, nil)) })
	wantPanic(t, "k = 5 > h = 4", func() { sym.NonlinearPi(s, eye(4), V, mat.NewDense(3, 5, nil)) })
	wantPanic(t, "sym: NonlinearAct: U is 2×3 and V is 4×3", func() { sym.NonlinearAct(eye(4), eye(4), mat.NewDense(2, 3, nil), V) })
	wantPanic(t, "sym: NonlinearAct: π is 3×3, want 4×4", func() { sym.NonlinearAct(eye(3), eye(4), mat.NewDense(2, 4, nil), V) })
	wantPanic(t, "sym: ExactPi: V is 4×3 and len(x) = 2", func() { sym.ExactPi(s, eye(4), V, []float64{1, 2}) })
	wantPanic(t, "sym: ExactPi: σ(gVx) is the zero vector", func() { sym.ExactPi(s, eye(4), V, []float64{1, 2, 3}) })
	wantPanic(t, "sym: SphericalFrame: z is empty", func() { sym.SphericalFrame(nil) })
}

package sym

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/nn"
)

// The nonlinear, data-dependent group action of Zhao et al. (ICLR 2023,
// Sec. 4). For a generic elementwise σ (tanh, sigmoid, …) no linear π makes
// σ(g z) = π σ(z) hold for every z (FitPi measures this), so (U π⁻¹, g V) is
// not a symmetry. But for one batch of inputs X it is enough to ask the
// equality on the columns of V X, and then π may depend on g, V and X.

// NonlinearPi returns π(g, V, X) = σ(VX) σ(gVX)⁺ (pseudo-inverse; the
// inverse when k = h), fitted on the batch X (n×k, samples as columns,
// k ≤ h): U π σ(gVX) = U σ(VX) exactly on the batch (least squares:
// minimum-norm solution when σ(gVX) has full column rank). V is h×n, g is
// h×h.
//
// With A = σ(VX) and B = σ(gVX), both h×k, π solves π B = A. When B has
// full column rank k, B⁺B = I_k, so π B = A holds exactly, and among all
// solutions π = A B⁺ has the least Frobenius norm (its rows lie in the
// column space of B). When k = h, B⁺ = B⁻¹. The action
//
//	g·(U, V) = (U π(g, V, X), g V)        (NonlinearAct)
//
// then leaves the network's output on the batch unchanged,
// U π σ(g V X) = U σ(V X), while new inputs x see U π σ(g V x) ≠ U σ(V x):
// exact on the batch, approximate elsewhere, close to exact for g near the
// identity.
//
// Group law. For k = h, π(e, V, X) = I and, for any g₁, g₂,
//
//	π(g₂g₁, V, X) = π(g₁, V, X) π(g₂, g₁V, X),
//
// since σ(VX)σ(g₁VX)⁻¹ · σ(g₁VX)σ(g₂g₁VX)⁻¹ = σ(VX)σ(g₂g₁VX)⁻¹. Applying g₁
// then g₂ gives (U π(g₁,V) π(g₂,g₁V), g₂g₁V) = (g₂g₁)·(U, V): a left action
// of GL(h). (For k < h the same identity holds, since B⁺B = I_k, but
// π(e) = A A⁺ is a projection, not I: then it is not a group action.)
//
// B⁺ is computed from the singular value decomposition of B, with singular
// values below max(h, k)·ε_mach·s_max treated as zero. NonlinearPi panics if
// the shapes disagree or k > h.
func NonlinearPi(sigma nn.Activation, g, V, X mat.Matrix) *mat.Dense {
	h, n := V.Dims()
	checkSquare("NonlinearPi", "g", g, h)
	nx, k := X.Dims()
	if nx != n {
		panic(fmt.Sprintf("sym: NonlinearPi: V is %d×%d and X is %d×%d, want X %d×k", h, n, nx, k, n))
	}
	if k > h {
		panic(fmt.Sprintf("sym: NonlinearPi: X is %d×%d: the batch has k = %d > h = %d samples, want k ≤ h", nx, k, k, h))
	}
	var H, gH mat.Dense
	H.Mul(V, X)
	gH.Mul(g, &H)
	A := sigma.Eval(nil, &H)
	B := sigma.Eval(nil, &gH)
	return mulPinv("NonlinearPi", A, B)
}

// mulPinv returns A B⁺ for A and B of the same shape h×k, k ≤ h, through
// B = W S Zᵀ (thin SVD): A B⁺ = (A Z S⁺) Wᵀ.
func mulPinv(fn string, A, B *mat.Dense) *mat.Dense {
	h, k := B.Dims()
	var svd mat.SVD
	if !svd.Factorize(B, mat.SVDThin) {
		panic(fmt.Sprintf("sym: %s: SVD of σ(gVX) (%d×%d) did not converge", fn, h, k))
	}
	s := svd.Values(nil)
	var W, Z mat.Dense
	svd.UTo(&W)
	svd.VTo(&Z)
	tol := 0.0
	if len(s) > 0 {
		tol = float64(max(h, k)) * 0x1p-52 * s[0]
	}
	var AZ mat.Dense
	AZ.Mul(A, &Z)
	for j, sj := range s {
		inv := 0.0
		if sj > tol {
			inv = 1 / sj
		}
		scaleCol(&AZ, j, inv)
	}
	var pi mat.Dense
	pi.Mul(&AZ, W.T())
	return &pi
}

// NonlinearAct applies the action with a fitted π: (U π, g V). New inputs
// then see U π σ(g V x).
//
// With π = NonlinearPi(σ, g, V, X) or ExactPi(σ, g, V, x), the output on the
// fitted batch (or sample) is unchanged. NonlinearAct panics if U is not m×h,
// V not h×n, or π or g not h×h.
func NonlinearAct(pi, g, U, V mat.Matrix) (piU, gV *mat.Dense) {
	_, h, _ := pairDims("NonlinearAct", U, V)
	checkSquare("NonlinearAct", "π", pi, h)
	checkSquare("NonlinearAct", "g", g, h)
	piU, gV = new(mat.Dense), new(mat.Dense)
	piU.Mul(U, pi)
	gV.Mul(g, V)
	return piU, gV
}

// ExactPi is the paper's exact single-sample action (Sec. 4, "spherical
// coordinates"): for one sample x, z = σ(Vx) and z' = σ(gVx); R(z) is the
// h×h matrix with first column z and R Rᵀ = ‖z‖² I built from z's spherical
// coordinates; π = R(z) R(z')⁻¹, invertible, π(e) = I, and π z' = z. Correct
// for vectors with negative entries (the official code takes every angle
// from arccos and loses the sign of the last component: use atan2 for the
// last angle).
//
// Since R(z') e₁ = z', R(z')⁻¹ z' = e₁ and π z' = R(z) e₁ = z. The inverse
// is R(z')⁻¹ = R(z')ᵀ/‖z'‖², so π = R(z) R(z')ᵀ/‖z'‖² is (‖z‖/‖z'‖) times
// an orthogonal matrix, invertible whenever z ≠ 0 (for z = 0 it is the zero
// matrix, and still π z' = z). The cocycle π(g₂g₁, V) = π(g₁, V) π(g₂, g₁V)
// holds exactly as for NonlinearPi, since the frames R(σ(g₁Vx)) cancel.
//
// ExactPi panics if V is not h×n with len(x) = n, if g is not h×h, or if
// z' = σ(gVx) = 0 (it has no spherical coordinates to invert).
func ExactPi(sigma nn.Activation, g, V mat.Matrix, x []float64) *mat.Dense {
	h, n := V.Dims()
	checkSquare("ExactPi", "g", g, h)
	if len(x) != n {
		panic(fmt.Sprintf("sym: ExactPi: V is %d×%d and len(x) = %d, want %d", h, n, len(x), n))
	}
	var H, gH mat.Dense
	H.Mul(V, mat.NewDense(n, 1, x))
	gH.Mul(g, &H)
	z := sigma.Eval(nil, &H).RawMatrix().Data // h×1: contiguous
	zp := sigma.Eval(nil, &gH).RawMatrix().Data
	r2 := 0.0
	for _, v := range zp {
		r2 += v * v
	}
	if r2 == 0 {
		panic(fmt.Sprintf("sym: ExactPi: σ(gVx) is the zero vector of length %d: R(z') is not invertible", h))
	}
	var pi mat.Dense
	pi.Mul(SphericalFrame(z), SphericalFrame(zp).T())
	pi.Scale(1/r2, &pi)
	return &pi
}

// SphericalFrame returns R(z) (exported for tests and the notebook).
//
// Write z ∈ R^h (h ≥ 2) in spherical coordinates (r, α₁, …, α_{h−1}):
//
//	z_1 = r cos α₁,  z_i = r sin α₁ ⋯ sin α_{i−1} cos α_i,  z_h = r sin α₁ ⋯ sin α_{h−1},
//
// with r = ‖z‖, α_i = atan2(‖z_{i+1:h}‖, z_i) ∈ [0, π] for i < h−1 and the
// last angle α_{h−1} = atan2(z_h, z_{h−1}) ∈ (−π, π], whose sign carries
// the sign of z_h. (arccos(z_{h−1}/‖z_{h−1:h}‖) would give |α_{h−1}| and so
// |z_h|: the flaw of the official code.) With unit vectors u_{h−1} = (1) and
// u_{j−1} = (cos α_j, sin α_j u_j) ∈ R^{h−j+1}, so that u₀ = z/r, the columns
// of R are
//
//	R e₁ = r u₀ = z,   R e_{j+1} = r (0, …, 0, −sin α_j, cos α_j u_j)   (j = 1, …, h−1),
//
// the −sin α_j in row j. Each column is r times a unit vector orthogonal to
// the ones before it (the orthonormal frame of the spherical coordinates:
// the radial direction and the directions of increasing α_j), so
// R Rᵀ = Rᵀ R = r² I for any angles; R is lower Hessenberg (zero above
// the superdiagonal). For h = 1,
// R = (z₁). For z = 0, R = 0.
func SphericalFrame(z []float64) *mat.Dense {
	h := len(z)
	if h == 0 {
		panic("sym: SphericalFrame: z is empty")
	}
	R := mat.NewDense(h, h, nil)
	if h == 1 {
		R.Set(0, 0, z[0])
		return R
	}
	// tail[i] = ‖z_{i:h}‖ (0-based), accumulated from the end without
	// overflow.
	tail := make([]float64, h+1)
	for i := h - 1; i >= 0; i-- {
		tail[i] = math.Hypot(tail[i+1], z[i])
	}
	r := tail[0]
	// alpha[j], j = 1..h−1, the spherical angles (alpha[0] unused).
	alpha := make([]float64, h)
	for j := 1; j < h-1; j++ {
		alpha[j] = math.Atan2(tail[j], z[j-1])
	}
	alpha[h-1] = math.Atan2(z[h-1], z[h-2])
	// u holds u_j in u[j:h]; it starts as u_{h−1} = (1) and grows upwards.
	u := make([]float64, h)
	u[h-1] = 1
	for j := h - 1; j >= 1; j-- {
		s, c := math.Sincos(alpha[j])
		// Column j (0-based) is r (0, …, 0, −sin α_j, cos α_j u_j), −sin α_j in row j−1.
		R.Set(j-1, j, -r*s)
		for i := j; i < h; i++ {
			R.Set(i, j, r*c*u[i])
		}
		// u_{j−1} = (cos α_j, sin α_j u_j).
		for i := j; i < h; i++ {
			u[i] *= s
		}
		u[j-1] = c
	}
	for i := 0; i < h; i++ {
		R.Set(i, 0, r*u[i])
	}
	return R
}

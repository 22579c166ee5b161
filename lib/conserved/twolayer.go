package conserved

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// pairDims returns the shapes of a two-layer network (U m×h, V h×n) and
// panics, naming fn, if the inner dimensions disagree.
func pairDims(fn string, U, V mat.Matrix) (m, h, n int) {
	m, h = U.Dims()
	hv, n := V.Dims()
	if hv != h {
		panic(fmt.Sprintf("conserved: %s: U is %d×%d and V is %d×%d, want U m×h and V h×n", fn, m, h, hv, n))
	}
	return m, h, n
}

func sumSq(a mat.Matrix) float64 {
	r, c := a.Dims()
	var s float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := a.At(i, j)
			s += v * v
		}
	}
	return s
}

// useSym returns dst, or a new h×h matrix if dst is nil; an empty dst (the
// zero value) is sized to h×h, as gonum's receivers are. It panics if a
// non-empty dst has the wrong size.
func useSym(fn string, dst *mat.SymDense, h int) *mat.SymDense {
	if dst == nil {
		return mat.NewSymDense(h, nil)
	}
	if dst.IsEmpty() {
		dst.ReuseAsSym(h)
		return dst
	}
	if d := dst.SymmetricDim(); d != h {
		panic(fmt.Sprintf("conserved: %s: dst is %d×%d, want %d×%d", fn, d, d, h, h))
	}
	return dst
}

func useVec(fn string, dst []float64, h int) []float64 {
	if dst == nil {
		return make([]float64, h)
	}
	if len(dst) != h {
		panic(fmt.Sprintf("conserved: %s: len(dst) = %d, want %d", fn, len(dst), h))
	}
	return dst
}

// Matrix returns the conserved matrix of a linear two-layer network,
//
//	Q = UᵀU − VVᵀ   (h×h, symmetric),
//
// whose h(h+1)/2 entries are all conserved by gradient flow for any data X:
// the symmetric generators of GL(h) give one each, the antisymmetric ones none.
// Tr Q = Official(Linear, U, V). If dst is non-nil it must be h×h and receives
// the result.
func Matrix(dst *mat.SymDense, U, V mat.Matrix) *mat.SymDense {
	_, h, _ := pairDims("Matrix", U, V)
	dst = useSym("Matrix", dst, h)
	dst.SymOuterK(1, U.T())
	dst.SymRankK(dst, -1, V)
	return dst
}

// MatrixStep returns the exact one-step change of Matrix under gradient descent
// U' = U − ηG_U, V' = V − ηG_V on a linear two-layer net with any loss of U V,
//
//	Q' − Q = η² (G_UᵀG_U − G_V G_Vᵀ).
//
// The first-order terms cancel: for a loss ℓ(W) of W = U V, G_U = ∇ℓ Vᵀ and
// G_V = Uᵀ∇ℓ, so G_UᵀU = V ∇ℓᵀ U = V G_Vᵀ. The law holds for every step size
// and for minibatch gradients. If dst is non-nil it must be h×h.
func MatrixStep(dst *mat.SymDense, GU, GV mat.Matrix, eta float64) *mat.SymDense {
	_, h, _ := pairDims("MatrixStep", GU, GV)
	dst = useSym("MatrixStep", dst, h)
	dst.SymOuterK(eta*eta, GU.T())
	dst.SymRankK(dst, -eta*eta, GV)
	return dst
}

// OrbitDerivative returns the derivative of Matrix along the GL(h) orbit in the
// direction T ∈ gl(h), that is of Q(U e^{−εT}, e^{εT} V) at ε = 0:
//
//	dQ = −(TᵀUᵀU + UᵀU T) − (T VVᵀ + VVᵀTᵀ).
//
// For symmetric T = A this is −(AP + PA) with P = UᵀU + VVᵀ ≻ 0 (at a full-rank
// point), a bijection of Sym(h): Q is a coordinate on the orbit, so gradient
// flow, which keeps Q fixed, picks one point of the minimum. For antisymmetric
// T it is [T, Q]: O(h) only rotates Q. If dst is non-nil it must be h×h.
func OrbitDerivative(dst *mat.SymDense, T, U, V mat.Matrix) *mat.SymDense {
	_, h, _ := pairDims("OrbitDerivative", U, V)
	if r, c := T.Dims(); r != h || c != h {
		panic(fmt.Sprintf("conserved: OrbitDerivative: T is %d×%d, want %d×%d", r, c, h, h))
	}
	dst = useSym("OrbitDerivative", dst, h)
	var utu, vvt, a, b mat.Dense
	utu.Mul(U.T(), U)
	vvt.Mul(V, V.T())
	a.Mul(T.T(), &utu) // TᵀUᵀU; its transpose is UᵀU T
	b.Mul(T, &vvt)     // T VVᵀ; its transpose is VVᵀTᵀ
	for i := 0; i < h; i++ {
		for j := i; j < h; j++ {
			dst.SetSym(i, j, -(a.At(i, j) + a.At(j, i) + b.At(i, j) + b.At(j, i)))
		}
	}
	return dst
}

// Neurons returns the per-unit conserved quantities of a two-layer network with
// an α-homogeneous activation (σ(cx) = c^α σ(x), c > 0; ReLU and LeakyReLU have
// α = 1) and optional hidden biases b (nil for none), for any data X:
//
//	Q_j = α‖U_{:,j}‖² − ‖V_{j,:}‖² − b_j².
//
// The rescaling (U_{:,j} c_j^{−α}, c_j V_{j,:}, c_j b_j) has tangent
// (−αU_{:,j}, V_{j,:}, b_j), which is −½∇Q_j. If dst is non-nil it must have
// length h.
func Neurons(dst []float64, alpha float64, U, V mat.Matrix, b mat.Vector) []float64 {
	u2, v2 := unitNorms("Neurons", U, V, b)
	dst = useVec("Neurons", dst, len(u2))
	for j := range dst {
		dst[j] = alpha*u2[j] - v2[j]
	}
	return dst
}

// unitNorms returns ‖U_{:,j}‖² and ‖V_{j,:}‖² + b_j² for every hidden unit j.
func unitNorms(fn string, U, V mat.Matrix, b mat.Vector) (u2, v2 []float64) {
	m, h, n := pairDims(fn, U, V)
	if b != nil && b.Len() != h {
		panic(fmt.Sprintf("conserved: %s: b has length %d, want %d", fn, b.Len(), h))
	}
	u2, v2 = make([]float64, h), make([]float64, h)
	if Ud, ok := U.(*mat.Dense); ok {
		if Vd, ok := V.(*mat.Dense); ok {
			if bd, ok := b.(*mat.VecDense); ok || b == nil {
				denseUnitNorms(u2, v2, Ud.RawMatrix(), Vd.RawMatrix(), bd)
				return u2, v2
			}
		}
	}
	for j := 0; j < h; j++ {
		for i := 0; i < m; i++ {
			u := U.At(i, j)
			u2[j] += u * u
		}
		for a := 0; a < n; a++ {
			v := V.At(j, a)
			v2[j] += v * v
		}
		if b != nil {
			v2[j] += b.AtVec(j) * b.AtVec(j)
		}
	}
	return u2, v2
}

// denseUnitNorms is unitNorms on dense storage, read in place rather than
// entry by entry through At: the same sums in the same order.
func denseUnitNorms(u2, v2 []float64, U, V blas64.General, b *mat.VecDense) {
	for j := range u2 {
		var su float64
		for i := 0; i < U.Rows; i++ {
			u := U.Data[i*U.Stride+j]
			su += u * u
		}
		u2[j] = su
		var sv float64
		for _, v := range V.Data[j*V.Stride : j*V.Stride+V.Cols] {
			sv += v * v
		}
		if b != nil {
			sv += b.AtVec(j) * b.AtVec(j)
		}
		v2[j] = sv
	}
}

// ScaleForQ returns the scale c > 0 at which hidden unit j of a ReLU net,
// rescaled to (U_{:,j}/c, c V_{j,:}) by sym.Rescale, has conserved quantity q,
// given u2 = ‖U_{:,j}‖² > 0 and v2 = ‖V_{j,:}‖² > 0:
//
//	Q_j(c) = c⁻² u2 − c² v2 = q.
//
// Q_j(c) falls strictly from +∞ to −∞ on (0, ∞), so it is a bijection onto R
// and Q is a global coordinate on the orbit; with x = c², v2 x² + q x − u2 = 0
// has the one positive root x = 2u2/(q + √(q² + 4u2v2)), written so that it
// does not cancel for either sign of q.
func ScaleForQ(q, u2, v2 float64) float64 {
	if !(u2 > 0) || !(v2 > 0) {
		panic(fmt.Sprintf("conserved: ScaleForQ: u2 = %v, v2 = %v, want both positive", u2, v2))
	}
	s := math.Sqrt(q*q + 4*u2*v2)
	var x float64
	if q >= 0 {
		x = 2 * u2 / (q + s)
	} else {
		x = (s - q) / (2 * v2)
	}
	return math.Sqrt(x)
}

// Elementwise returns the paper's conserved quantity for a two-layer network
// with an elementwise activation σ and whitened input X = I,
//
//	Q = ½Tr[UᵀU] − Σ_{a,j} F(V_{aj}),   F′ = σ/σ′,
//
// for F from RatioIntegral (closed forms) or RatioQuad (any σ). It is
// conserved because, with residual R, d/dt ½‖U‖² = −⟨U, R σ(V)ᵀ⟩ and
// d/dt Σ F(V) = Σ (σ/σ′)(V) ⊙ V̇ = −⟨σ(V), UᵀR⟩, the same number.
func Elementwise(F func(float64) float64, U, V mat.Matrix) float64 {
	pairDims("Elementwise", U, V)
	q := sumSq(U) / 2
	r, c := V.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			q -= F(V.At(i, j))
		}
	}
	return q
}

// Gauss–Legendre rule of RatioQuad: 20 nodes per panel of width ≤ ½. The rule
// is exact for polynomials of degree 39, so for an integrand analytic on a
// neighbourhood of the panel the error is far below rounding.
const (
	quadNodes = 20
	quadPanel = 0.5
)

// RatioQuad returns F(x) = ∫_{x0}^x σ(t)/σ′(t) dt by composite Gauss–Legendre
// quadrature (panels of width ≤ ½, 20 nodes each), for an activation σ whose
// ratio σ/σ′ has no closed-form integral. σ′ must not vanish between x0 and x;
// for smooth σ the result agrees with the closed form to rounding (tested on
// tanh and sigmoid). The returned function is safe for concurrent use.
func RatioQuad(sigma, dsigma func(float64) float64, x0 float64) func(float64) float64 {
	nodes := make([]float64, quadNodes)
	weights := make([]float64, quadNodes)
	quad.Legendre{}.FixedLocations(nodes, weights, -1, 1)
	ratio := func(t float64) float64 { return sigma(t) / dsigma(t) }
	return func(x float64) float64 {
		a, b, sign := x0, x, 1.0
		if b < a {
			a, b, sign = b, a, -1
		}
		panels := int(math.Ceil((b - a) / quadPanel))
		var sum float64
		for p := 0; p < panels; p++ {
			lo := a + (b-a)*float64(p)/float64(panels)
			hi := a + (b-a)*float64(p+1)/float64(panels)
			mid, half := (lo+hi)/2, (hi-lo)/2
			var s float64
			for i, t := range nodes {
				s += weights[i] * ratio(mid+half*t)
			}
			sum += half * s
		}
		return sign * sum
	}
}

// Radial returns the conserved quantity of the joint scale (c U, c V) of a
// two-layer network with σ(z) = z/‖z‖²,
//
//	Q = ‖U‖² + ‖V‖².
//
// The loss is invariant under (cU, cV), whose tangent (U, V) is ½∇Q. This holds
// both for the per-sample radial model and for the official row-normalised one.
func Radial(U, V mat.Matrix) float64 {
	pairDims("Radial", U, V)
	return sumSq(U) + sumSq(V)
}

// RadialNeurons returns the per-unit conserved quantities of the official
// code's "radial" model U N(V), N dividing each row of V by its squared norm,
// which is invariant under the per-unit scaling (U_{:,j} c, c V_{j,:}):
//
//	Q_j = ‖U_{:,j}‖² + ‖V_{j,:}‖²,   Σ_j Q_j = Radial(U, V).
//
// If dst is non-nil it must have length h.
func RadialNeurons(dst []float64, U, V mat.Matrix) []float64 {
	u2, v2 := unitNorms("RadialNeurons", U, V, nil)
	dst = useVec("RadialNeurons", dst, len(u2))
	for j := range dst {
		dst[j] = u2[j] + v2[j]
	}
	return dst
}

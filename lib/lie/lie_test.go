package lie

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// linearField is V(θ) = Aθ, with DV(θ)u = Au.
type linearField struct{ a *mat.Dense }

func (f linearField) At(v, theta []float64) {
	mat.NewVecDense(len(v), v).MulVec(f.a, mat.NewVecDense(len(theta), theta))
}
func (f linearField) Deriv(dv, _, u []float64) {
	mat.NewVecDense(len(dv), dv).MulVec(f.a, mat.NewVecDense(len(u), u))
}

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, rng.NormFloat64())
		}
	}
	return m
}

// TestBracketLinear checks [V, W](θ) = (BA − AB)θ for linear fields
// V = Aθ, W = Bθ, to rounding (entries of size ~10, products of 6 terms:
// 1e-12 is a hundred times the rounding).
func TestBracketLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const d = 6
	A, B := randDense(rng, d, d), randDense(rng, d, d)
	theta := randDense(rng, d, 1).RawMatrix().Data
	V, W := linearField{A}, linearField{B}
	v, w := make([]float64, d), make([]float64, d)
	V.At(v, theta)
	W.At(w, theta)
	got := make([]float64, d)
	Bracket(got, V, W, theta, v, w, make([]float64, d))
	var C, BA, AB mat.Dense
	BA.Mul(B, A)
	AB.Mul(A, B)
	C.Sub(&BA, &AB)
	want := make([]float64, d)
	linearField{&C}.At(want, theta)
	if !floats.EqualApprox(got, want, 1e-12) {
		t.Errorf("[V, W] = %v, want %v", got, want)
	}
}

// TestGenerateRotations checks Generate on the rotation fields of R³,
// V_k(θ) = e_k × θ: their span at θ ≠ 0 is the plane ⊥ θ (dimension 2),
// brackets stay in it ([V_i, V_j] = ±V_k), and |θ|² is the one conserved
// function, found complete by Compare.
func TestGenerateRotations(t *testing.T) {
	var fields []Field
	for k := 0; k < 3; k++ {
		fields = append(fields, rot(k))
	}
	theta := []float64{0.3, -1.2, 0.7}
	s, err := Generate(fields, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.FieldRank.Rank != 2 || s.Rank.Rank != 2 || s.Upper() != 1 {
		t.Errorf("ranks %d, %d, upper bound %d; want 2, 2, 1", s.FieldRank.Rank, s.Rank.Rank, s.Upper())
	}
	norm2 := func(th []float64) []float64 { return []float64{floats.Dot(th, th)} }
	c, err := Compare(s, QuadraticJacobian(norm2, theta), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Complete(s, 1e-14) {
		t.Errorf("|θ|² not found complete: %+v", c)
	}
	// A function that is not conserved is caught by its angle.
	first := func(th []float64) []float64 { return []float64{th[0] * th[1]} }
	c, err = Compare(s, QuadraticJacobian(first, theta), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxCos < 0.1 || c.Complete(s, 1e-10) {
		t.Errorf("θ₀θ₁ passed as conserved: max |cos| %.2g", c.MaxCos)
	}
}

// rot returns the rotation field V(θ) = e_k × θ on R³.
func rot(k int) linearField {
	a := mat.NewDense(3, 3, nil)
	i, j := (k+1)%3, (k+2)%3
	a.Set(j, i, 1) // (e_k × θ)_j = θ_i, (e_k × θ)_i = −θ_j
	a.Set(i, j, -1)
	return linearField{a}
}

// TestQuadraticJacobian checks the gradient of q(θ) = θᵀMθ + bᵀθ + c,
// (M + Mᵀ)θ + b, to rounding.
func TestQuadraticJacobian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const d = 7
	M := randDense(rng, d, d)
	b := randDense(rng, d, 1).RawMatrix().Data
	q := func(th []float64) []float64 {
		x := mat.NewVecDense(d, th)
		return []float64{mat.Inner(x, M, x) + floats.Dot(b, th) + 3}
	}
	theta := randDense(rng, d, 1).RawMatrix().Data
	keep := append([]float64(nil), theta...)
	got := QuadraticJacobian(q, theta)[0]
	var S mat.Dense
	S.Add(M, M.T())
	want := mat.NewVecDense(d, nil)
	want.MulVec(&S, mat.NewVecDense(d, theta))
	floats.Add(want.RawVector().Data, b)
	if !floats.EqualApprox(got, want.RawVector().Data, 1e-12) || !floats.Equal(theta, keep) {
		t.Errorf("∇q = %v, want %v (θ restored: %v)", got, want.RawVector().Data, floats.Equal(theta, keep))
	}
}

// TestRank checks the cut on vectors of known rank, the reported singular
// values, and the refusal of a spectrum without a gap.
func TestRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := randDense(rng, 3, 8)
	var vecs [][]float64
	for i := 0; i < 3; i++ {
		vecs = append(vecs, mat.Row(nil, i, a))
	}
	sum := make([]float64, 8)
	floats.AddScaled(sum, 2, vecs[0])
	floats.AddScaled(sum, -0.5, vecs[2])
	vecs = append(vecs, sum, make([]float64, 8)) // a combination and a zero vector
	r, err := Rank(vecs, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rank != 3 || r.LargestZero > 1e-14 || r.SmallestNonZero < 1e-2 || len(r.Singular) != 4 {
		t.Errorf("rank %d, σ %v", r.Rank, r.Singular)
	}
	full, err := Rank(vecs[:3], 0)
	if err != nil || full.Rank != 3 || !math.IsInf(full.Gap, 1) {
		t.Errorf("independent vectors: rank %d, gap %g, err %v", full.Rank, full.Gap, err)
	}
	// Graded singular values 1, 1e-2, 1e-4, …: no ratio reaches 1e6.
	var graded [][]float64
	for i := 0; i < 6; i++ {
		v := make([]float64, 6)
		v[0] = 1
		v[i] += math.Pow(1e-2, float64(i))
		graded = append(graded, v)
	}
	if _, err := Rank(graded, 1e6); !errors.Is(err, ErrNoGap) {
		t.Errorf("graded spectrum: err %v, want ErrNoGap", err)
	}
}

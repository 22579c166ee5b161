package lie

import (
	"math/rand/v2"
	"testing"
)

// engel1 is ∂x on R⁴ (coordinates x, y, z, w); engel2 is
// ∂y + x ∂z + (x²/2) ∂w. Their brackets: [V1, V2] = ∂z + x ∂w and
// [V1, [V1, V2]] = ∂w, so at θ = 0 the spans W_0 ⊂ W_1 ⊂ W_2 have dimensions
// 2, 3 and 4: the second bracket is needed.
type engel1 struct{}

func (engel1) At(v, _ []float64)            { clear(v); v[0] = 1 }
func (engel1) Deriv(dv, _, _ []float64)     { clear(dv) }
func (engel1) Deriv2(d2, _, _, _ []float64) { clear(d2) }

type engel2 struct{}

func (engel2) At(v, th []float64) { v[0], v[1], v[2], v[3] = 0, 1, th[0], th[0]*th[0]/2 }
func (engel2) Deriv(dv, th, u []float64) {
	dv[0], dv[1], dv[2], dv[3] = 0, 0, u[0], th[0]*u[0]
}
func (engel2) Deriv2(d2, _, a, u []float64) { d2[0], d2[1], d2[2], d2[3] = 0, 0, 0, a[0]*u[0] }

func TestDeeperEngel(t *testing.T) {
	theta := []float64{0, 0.4, -0.3, 1.1}
	fields := []Field2{engel1{}, engel2{}}
	s, err := Generate([]Field{fields[0], fields[1]}, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.FieldRank.Rank != 2 || s.Rank.Rank != 3 {
		t.Fatalf("dim W0 = %d, dim W1 = %d; want 2, 3", s.FieldRank.Rank, s.Rank.Rank)
	}
	r, _, err := Deeper(s, fields, theta, 4, rand.New(rand.NewPCG(1, 1)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rank != 4 {
		t.Errorf("dim W2 = %d, want 4", r.Rank)
	}
}

// TestDeeperRotations checks that second brackets of the rotations of R³
// stay in their plane: no growth beyond W_1.
func TestDeeperRotations(t *testing.T) {
	theta := []float64{0.3, -1.2, 0.7}
	var fs []Field
	var f2 []Field2
	for k := 0; k < 3; k++ {
		f := linear2{rot(k)}
		fs, f2 = append(fs, f), append(f2, f)
	}
	s, err := Generate(fs, theta, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := Deeper(s, f2, theta, 5, rand.New(rand.NewPCG(2, 2)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rank != 2 {
		t.Errorf("dim W2 = %d, want 2", r.Rank)
	}
}

// linear2 is a linear field with its (zero) second derivative.
type linear2 struct{ linearField }

func (linear2) Deriv2(d2, _, _, _ []float64) { clear(d2) }

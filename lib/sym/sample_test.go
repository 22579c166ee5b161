package sym

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSampleOrthogonal(t *testing.T) {
	// Orthogonality: Householder QR gives ‖QᵀQ − I‖ ≈ h·1e-16; 1e-12 is safe up
	// to h = 50.
	rnd := rand.New(rand.NewPCG(15, 16))
	for _, h := range []int{1, 2, 5, 20, 50} {
		Q := SampleOrthogonal(rnd, h)
		if e := orthoErrorByHand(Q); e > 1e-12 {
			t.Errorf("h=%d: ‖QᵀQ − I‖_max = %.3g, want ≤ 1e-12", h, e)
		}
		if d := math.Abs(mat.Det(Q)); math.Abs(d-1) > 1e-12 {
			t.Errorf("h=%d: |det Q| = %v", h, d)
		}
	}
	// Haar moments: for Q uniform on O(h), h ≥ 4, Tr Q has the first four
	// moments of N(0,1): E[Tr Q] = 0, E[(Tr Q)²] = 1, Var[(Tr Q)²] = 2. Over
	// N = 2000 draws the standard errors are 1/√N = 0.022 and √(2/N) = 0.032;
	// we accept 4 standard errors (a fixed seed makes the test deterministic).
	const N, h = 2000, 4
	var s1, s2 float64
	for i := 0; i < N; i++ {
		tr := mat.Trace(SampleOrthogonal(rnd, h))
		s1 += tr
		s2 += tr * tr
	}
	m1, m2 := s1/N, s2/N
	if math.Abs(m1) > 4/math.Sqrt(N) {
		t.Errorf("mean of Tr Q = %.3f, want 0 ± %.3f", m1, 4/math.Sqrt(N))
	}
	if math.Abs(m2-1) > 4*math.Sqrt(2.0/N) {
		t.Errorf("mean of (Tr Q)² = %.3f, want 1 ± %.3f", m2, 4*math.Sqrt(2.0/N))
	}
	t.Logf("Haar check h=%d: E[Tr Q] = %.4f, E[(Tr Q)²] = %.4f over %d draws", h, m1, m2, N)
}

func orthoErrorByHand(Q mat.Matrix) float64 {
	r, _ := Q.Dims()
	var e float64
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			var d float64
			for k := 0; k < r; k++ {
				d += Q.At(k, i) * Q.At(k, j)
			}
			if i == j {
				d--
			}
			e = math.Max(e, math.Abs(d))
		}
	}
	return e
}

func TestSampleGL(t *testing.T) {
	rnd := rand.New(rand.NewPCG(17, 18))
	const h = 8
	for _, eps := range []float64{1e-3, 0.1, 1} {
		g := SampleGL(rnd, h, eps)
		if d := mat.Det(g); !(d > 0) {
			t.Errorf("ε=%g: det g = %v, want > 0", eps, d)
		}
		// ‖g − I‖_F ≈ ε‖T‖_F ≈ ε√h for small ε.
		var D mat.Dense
		D.Sub(g, mat.NewDiagDense(h, ones(h)))
		dist := mat.Norm(&D, 2)
		if eps <= 0.1 && (dist < 0.5*eps*math.Sqrt(h) || dist > 2*eps*math.Sqrt(h)) {
			t.Errorf("ε=%g: ‖g − I‖_F = %.3g, want ≈ ε√h = %.3g", eps, dist, eps*math.Sqrt(h))
		}
	}
	c := SamplePositive(rnd, 4000, 0.5)
	var s1, s2 float64
	for _, v := range c {
		if !(v > 0) {
			t.Fatalf("SamplePositive gave %v", v)
		}
		l := math.Log(v)
		s1 += l
		s2 += l * l
	}
	mean := s1 / 4000
	sd := math.Sqrt(s2/4000 - mean*mean)
	if math.Abs(mean) > 4*0.5/math.Sqrt(4000) || math.Abs(sd-0.5) > 0.05 {
		t.Errorf("log of SamplePositive: mean %.3f sd %.3f, want 0 and 0.5", mean, sd)
	}
	perm := SamplePerm(rnd, 10)
	PermMatrix(perm) // panics unless a permutation
	for _, s := range SampleSigns(rnd, 10) {
		if s != 1 && s != -1 {
			t.Errorf("SampleSigns gave %v", s)
		}
	}
}

func TestIdentityActsTrivially(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	U, V := randn(rnd, 3, 4, 1), randn(rnd, 4, 5, 1)
	gU, gV := GL(Identity(4), U, V)
	if !mat.Equal(gU, U) || !mat.Equal(gV, V) {
		t.Error("GL(Identity) moved (U, V)")
	}
}

package data

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestNormal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	v := Normal(rng, 200, 100, 0.5).RawMatrix().Data
	mean, std := stat.MeanStdDev(v, nil)
	// 20000 draws: the mean is within 4 standard errors of 0.
	if math.Abs(mean) > 4*0.5/math.Sqrt(20000) || math.Abs(std-0.5) > 0.01 {
		t.Errorf("mean %v, std %v; want 0, 0.5", mean, std)
	}
}

func TestTeacherStudent(t *testing.T) {
	x, y, w := TeacherStudent(rand.New(rand.NewPCG(2, 2)), 500, 20, 3, 0)
	var want mat.Dense
	want.Mul(x, w.T())
	if !mat.Equal(y, &want) {
		t.Errorf("noise 0: Y ≠ X W*ᵀ")
	}
	// The same seed with noise draws the same W* and X; Y − X W*ᵀ is the noise.
	x2, y2, w2 := TeacherStudent(rand.New(rand.NewPCG(2, 2)), 500, 20, 3, 0.1)
	if !mat.Equal(x, x2) || !mat.Equal(w, w2) {
		t.Fatal("noise changes the draws of W* or X")
	}
	var e mat.Dense
	e.Sub(y2, &want)
	if _, std := stat.MeanStdDev(e.RawMatrix().Data, nil); math.Abs(std-0.1) > 0.01 {
		t.Errorf("noise std %v, want 0.1", std)
	}
	// Targets are of order one: Var y ≈ ‖W* row‖² ≈ 1.
	if _, std := stat.MeanStdDev(y.RawMatrix().Data, nil); std < 0.7 || std > 1.3 {
		t.Errorf("target std %v, want about 1", std)
	}
}

func TestWhitened(t *testing.T) {
	x, y := Whitened(rand.New(rand.NewPCG(3, 3)), 10, 5)
	var xtx mat.Dense
	xtx.Mul(x.T(), x)
	ones := make([]float64, 10)
	floats.AddConst(1, ones)
	id := mat.NewDiagDense(10, ones)
	if !mat.Equal(&xtx, id) || !mat.Equal(x, id) {
		t.Errorf("X is not I₁₀")
	}
	if r, c := y.Dims(); r != 10 || c != 5 {
		t.Errorf("Y is %d×%d, want 10×5", r, c)
	}
}

func TestNoisyIdentity(t *testing.T) {
	x, y := NoisyIdentity(rand.New(rand.NewPCG(4, 4)), 400, 5, 0)
	if !mat.Equal(x, y) {
		t.Errorf("noise 0: y ≠ x")
	}
	x, y = NoisyIdentity(rand.New(rand.NewPCG(4, 4)), 400, 5, 0.3)
	var e mat.Dense
	e.Sub(y, x)
	if _, std := stat.MeanStdDev(e.RawMatrix().Data, nil); math.Abs(std-0.3) > 0.02 {
		t.Errorf("noise std %v, want 0.3", std)
	}
}

// nearestMean returns the accuracy of classifying s by the nearest mixture
// mean, the Bayes classifier of a mixture with equal weights and covariances.
func nearestMean(m *Mixture, s *Set) float64 {
	k, _ := m.Means.Dims()
	right := 0
	for i, l := range s.Labels {
		best, bestD := -1, math.Inf(1)
		for c := 0; c < k; c++ {
			if d := floats.Distance(s.X.RawRowView(i), m.Means.RawRowView(c), 2); d < bestD {
				best, bestD = c, d
			}
		}
		if best == l {
			right++
		}
	}
	return float64(right) / float64(s.Len())
}

func TestMixture(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct {
		sep    float64
		lo, hi float64
	}{{0, 0, 0.2}, {5, 0.95, 1}} {
		m := NewMixture(rng, 10, 50, c.sep)
		s := m.Sample(rng, 2005)
		counts := ClassCounts(s.Labels, 10)
		for k, n := range counts {
			if n != 200 && n != 201 {
				t.Errorf("class %d has %d samples of 2005", k, n)
			}
		}
		if acc := nearestMean(m, s); acc < c.lo || acc > c.hi {
			t.Errorf("sep %v: nearest-mean accuracy %v, want in [%v, %v]", c.sep, acc, c.lo, c.hi)
		}
		// Within each class the noise has unit variance around μ_c.
		var e []float64
		for i, l := range s.Labels {
			for j, v := range s.X.RawRowView(i) {
				e = append(e, v-m.Means.At(l, j))
			}
		}
		if mean, std := stat.MeanStdDev(e, nil); math.Abs(mean) > 0.01 || math.Abs(std-1) > 0.01 {
			t.Errorf("sep %v: x − μ has mean %v and std %v", c.sep, mean, std)
		}
	}
}

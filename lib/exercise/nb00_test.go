package exercise

import (
	"math"
	"testing"

	"github.com/noetherlab/noether/lib/repro/zhao2023"
)

func TestBranchFlip(t *testing.T) {
	expect(t, BranchFlip(nil), Unanswered, "not answered")
	// Right: the sign flip, and the flip composed with a rescaling.
	expect(t, BranchFlip(func(u, v float64) (float64, float64) { return -u, -v }), Right, "")
	expect(t, BranchFlip(func(u, v float64) (float64, float64) { return -u / 3, -3 * v }), Right, "")
	// Wrong: a point of the continuous orbit, and a flip of u alone.
	expect(t, BranchFlip(func(u, v float64) (float64, float64) { return u / 2, 2 * v }), Wrong, "same branch")
	expect(t, BranchFlip(func(u, v float64) (float64, float64) { return -u, v }), Wrong, "function changes")
	expect(t, BranchFlip(func(u, v float64) (float64, float64) { panic("no idea") }), Wrong, "panicked")
}

func TestWelcomeDrift(t *testing.T) {
	expect(t, WelcomeDrift(math.NaN()), Unanswered, "not answered")
	tour, err := zhao2023.Welcome(zhao2023.WelcomeSettings{})
	if err != nil {
		t.Fatal(err)
	}
	_, d1 := tour.Final(1)  // η = 0.1
	_, d01 := tour.Final(2) // η = 0.01
	// Right: the drift is proportional to η, scaled from either rate.
	expect(t, WelcomeDrift(d1*0.05/0.1), Right, "")
	expect(t, WelcomeDrift(d01*0.05/0.01), Right, "")
	// Wrong: scaled as η², or not scaled.
	expect(t, WelcomeDrift(d1*math.Pow(0.05/0.1, 2)), Wrong, "too small")
	expect(t, WelcomeDrift(d1), Wrong, "too large")
}

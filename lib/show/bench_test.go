package show

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func BenchmarkLinesPNG(b *testing.B) {
	y := make([]float64, 1000)
	for i := range y {
		y[i] = math.Sin(float64(i) / 50)
	}
	for b.Loop() {
		p, err := Lines(Axes{Title: "sin"}, Series{Name: "a", Y: y}, Series{Name: "b", Y: y[10:]}, Series{Name: "c", Y: y[20:]})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PNG(p, Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHeatMapPNG(b *testing.B) {
	m := mat.NewDense(100, 100, nil)
	for i := range 100 {
		for j := range 100 {
			m.Set(i, j, math.Sin(float64(i*j)/300))
		}
	}
	for b.Loop() {
		p, err := HeatMap(Axes{}, m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PNG(p, Settings{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProgressAdd(b *testing.B) {
	old := inNotebook
	inNotebook = func() bool { return false }
	defer func() { inNotebook = old }()
	bar := NewProgress("bench", 1<<40)
	for b.Loop() {
		bar.Add(1)
	}
}

package show

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

func TestSymLogScale(t *testing.T) {
	s := SymLog{C: 10}
	const min, max = -1e6, 1e4
	if v := s.Normalize(min, max, min); v != 0 {
		t.Errorf("Normalize(min) = %g, want 0", v)
	}
	if v := s.Normalize(min, max, max); math.Abs(v-1) > 1e-15 {
		t.Errorf("Normalize(max) = %g, want 1", v)
	}
	// Increasing, odd about 0 on a symmetric range, nearly linear within ±C
	// (asinh u = u − u³/6 + …: the ratio of positions of u = 0.1 and 0.05 is
	// 2(1 − (0.1² − 0.05²)/6) ≈ 2 − 0.0025),
	// logarithmic far out (a decade is the same length everywhere beyond 100C:
	// asinh differences tend to ln 10 with error O(C²/x²)).
	prev := math.Inf(-1)
	for x := -1e6; x <= 1e4; x += 997 {
		v := s.Normalize(min, max, x)
		if !(v > prev) {
			t.Fatalf("Normalize not increasing at %g", x)
		}
		prev = v
	}
	if a, b := s.Normalize(-1e3, 1e3, 250), s.Normalize(-1e3, 1e3, -250); math.Abs(a+b-1) > 1e-15 {
		t.Errorf("not odd: %g + %g ≠ 1", a, b)
	}
	lin := (s.Normalize(min, max, 1) - s.Normalize(min, max, 0)) / (s.Normalize(min, max, 0.5) - s.Normalize(min, max, 0))
	if math.Abs(lin-2) > 5e-3 {
		t.Errorf("within ±C/10 the scale is not linear: ratio %g, want 2", lin)
	}
	d1 := s.Normalize(min, max, -1e4) - s.Normalize(min, max, -1e5)
	d2 := s.Normalize(min, max, -1e5) - s.Normalize(min, max, -1e6)
	if math.Abs(d1/d2-1) > 1e-4 {
		t.Errorf("decades far from 0 differ in length: %g vs %g", d1, d2)
	}
	if v := s.Normalize(5, 5, 5); v != 0.5 {
		t.Errorf("Normalize on an empty range = %g, want 0.5", v)
	}
}

func TestSymLogTicks(t *testing.T) {
	got := func(ticks []plot.Tick) string {
		var b strings.Builder
		for _, tk := range ticks {
			if tk.Label != "" {
				b.WriteString(tk.Label + " ")
			}
		}
		return strings.TrimSpace(b.String())
	}
	if s := got(SymLogTicks{C: 10}.Ticks(-1500, 200)); s != "0 10 −10 100 −100 −1000" {
		t.Errorf("labels %q", s)
	}
	// Twenty decades of each sign: every third labelled.
	ticks := SymLogTicks{C: 1}.Ticks(-1e19, 1e19)
	if n := len(ticks); n != 1+2*20 {
		t.Errorf("%d ticks, want 41", n)
	}
	if s := got(ticks); !strings.HasPrefix(s, "0 1 −1 1000 −1000 1e+06 −1e+06") {
		t.Errorf("labels %q", s)
	}
	// A range inside the linear part falls back to evenly spaced ticks.
	if s := got(SymLogTicks{C: 100}.Ticks(-5, 5)); !strings.Contains(s, "0") || strings.Contains(s, "100") {
		t.Errorf("labels %q for a range within ±C", s)
	}
}

func TestSymLogDraws(t *testing.T) {
	p, err := Lines(Axes{Title: "symlog"}, Series{X: []float64{0, 1, 2, 3, 4}, Y: []float64{-1e5, -10, 0, 3, 1e3}})
	if err != nil {
		t.Fatal(err)
	}
	SetSymLog(&p.Y, 10)
	b, err := PNG(p, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "symlog.png", b)
}

func TestSymLogPanics(t *testing.T) {
	for _, f := range []func(){
		func() { SymLog{}.Normalize(0, 1, 0.5) },
		func() { SymLogTicks{C: -1}.Ticks(0, 1) },
		func() { SetSymLog(&plot.New().X, math.Inf(1)) },
	} {
		func() {
			defer func() {
				if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "show: ") || !strings.Contains(r, "want a finite C > 0") {
					t.Errorf("panic %v, want a message naming show and C", r)
				}
			}()
			f()
		}()
	}
}

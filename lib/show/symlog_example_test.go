package show_test

import (
	"fmt"
	"math"

	"github.com/noetherlab/noether/lib/show"
)

// A quantity that ranges over all of R, drawn on a SymLog axis: linear within
// ±10, one decade per tick beyond.
func ExampleSetSymLog() {
	var c, q []float64
	for i := -40; i <= 40; i++ {
		x := math.Pow(10, float64(i)/20) // c from 0.01 to 100
		c = append(c, x)
		q = append(q, 100/(x*x)-100*x*x) // falls from +1e6 to −1e6 through 0
	}
	p, err := show.Lines(show.Axes{Title: "Q(c) = 100/c² − 100c²", X: "c", Y: "Q", LogX: true}, show.Series{X: c, Y: q})
	if err != nil {
		panic(err)
	}
	show.SetSymLog(&p.Y, 10)
	for _, t := range p.Y.Tick.Marker.Ticks(-2000, 50) {
		if t.Label != "" {
			fmt.Print(t.Label, " ")
		}
	}
	fmt.Println()
	if err := show.Plot(p); err != nil { // inline in a notebook; a no-op here
		panic(err)
	}
	// Output:
	// 0 10 −10 −100 −1000
}

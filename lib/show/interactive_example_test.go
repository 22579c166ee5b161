package show_test

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"

	"github.com/noetherlab/noether/lib/show"
)

// In Jupyter, Explore shows a slider for s and redraws the figure as it
// moves. Outside a live notebook (here, and in headless runs of a notebook)
// it draws nothing and says so in one line.
func ExampleExplore() {
	err := show.Explore(show.Slider{Label: "s", Min: 0.01, Max: 1, Value: 0.1, Log: true}, func(s float64) (*plot.Plot, error) {
		xs := make([]float64, 50)
		ys := make([]float64, 50)
		for i := range xs {
			xs[i] = float64(i)
			ys[i] = math.Exp(-s * xs[i])
		}
		return show.Lines(show.Axes{Title: fmt.Sprintf("exp(−%.3g t)", s), X: "t", LogY: true}, show.Series{X: xs, Y: ys})
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// show.Explore: a slider for s in [0.01, 1] redraws this figure in Jupyter; not shown outside the notebook kernel.
}

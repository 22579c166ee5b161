package show_test

import (
	"fmt"

	"github.com/noetherlab/noether/lib/show"
)

// Outside the kernel a table prints as aligned text; inside it is an HTML
// table.
func ExampleTable() {
	t := show.Table{Header: []string{"width h", "‖Q(t)−Q(0)‖", "steps"}}
	t.AddRow(10, 3.2e-14, 1000)
	t.AddRow(100, 1.1e-13, 1000)
	t.Show()
	// Output:
	// width h  ‖Q(t)−Q(0)‖  steps
	// -------  -----------  -----
	//      10      3.2e-14   1000
	//     100      1.1e-13   1000
}

func ExampleTable_Markdown() {
	t := show.Table{Header: []string{"quantity", "value"}}
	t.AddRow("λ_max", 4.0)
	fmt.Print(t.Markdown())
	// Output:
	// | quantity | value |
	// | --- | --: |
	// | λ_max | 4 |
}

// Figures are built in one call, adjusted, then shown. Outside the kernel,
// with NOETHER_SHOW_DIR unset, Plot does nothing.
func ExamplePlot() {
	gd := []float64{1, 0.5, 0.25, 0.125}
	sgd := []float64{1, 0.6, 0.4, 0.35}
	p, err := show.Lines(show.Axes{Title: "training loss", X: "step", LogY: true},
		show.Series{Name: "GD", Y: gd},
		show.Series{Name: "SGD", Y: sgd})
	if err != nil {
		fmt.Println(err)
		return
	}
	p.Y.Label.Text = "L(θ)"
	if err := show.Plot(p); err != nil {
		fmt.Println(err)
	}
	// Output:
}

// Input that cannot be drawn is an error naming the function, the series
// and the value.
func ExampleLines_error() {
	losses := []float64{1, 0.5, 0.25, 0}
	_, err := show.Lines(show.Axes{LogY: true}, show.Series{Name: "GD", Y: losses})
	fmt.Println(err)
	// Output:
	// show.Lines: log y axis needs y > 0, series "GD" has y[3] = 0
}

// A progress bar for a long loop: in the notebook one block updated in
// place, outside it a few lines.
func ExampleProgress() {
	const steps = 100000
	bar := show.NewProgress("gradient flow", steps)
	for range steps {
		// ... one step ...
		bar.Add(1)
	}
	bar.Done()
}

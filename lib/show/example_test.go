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

package record_test

import "github.com/noetherlab/noether/lib/record"

func ExampleValue() {
	// Outside a notebook, Value prints what the notebook would show.
	record.Value("loss", 0.125)
	record.Value("model", "mlp")
	// Output:
	// loss = 0.125
	// model = "mlp"
}

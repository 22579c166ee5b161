//go:build !unix

package nn

import "time"

// cpuTime is not measured on this system: benchmarks report zero.
func cpuTime() time.Duration { return 0 }

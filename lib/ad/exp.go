package ad

import (
	"fmt"
	"math"
)

// ExpTo sets dst[i] = math.Exp(x[i]) for every i, bit for bit, eight
// entries at a time where the CPU has AVX-512: the same operations as
// math.Exp's own assembly, in vector registers, for the arguments in
// [−708, 709] (math.Exp itself for the others, NaN and infinities among
// them). dst may be x. It panics if dst is shorter than x.
func ExpTo(dst, x []float64) {
	if len(dst) < len(x) {
		panic(fmt.Sprintf("ad: ExpTo: dst has %d entries, x %d", len(dst), len(x)))
	}
	for i := 0; i < len(x); {
		i += expVec(dst[i:], x[i:])
		for end := min(i+8, len(x)); i < end; i++ {
			dst[i] = math.Exp(x[i])
		}
	}
}

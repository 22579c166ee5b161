package lie_test

import (
	"fmt"

	"github.com/noetherlab/noether/lib/lie"
)

// rotation is the field V(θ) = e_k × θ on R³, the infinitesimal rotation
// about axis k; it is linear, so DV(θ)u = V(u).
type rotation int

func (k rotation) At(v, theta []float64) {
	i, j := (int(k)+1)%3, (int(k)+2)%3
	clear(v)
	v[j], v[i] = theta[i], -theta[j]
}

func (k rotation) Deriv(dv, _, u []float64) { k.At(dv, u) }

// The rotations of R³ span the plane orthogonal to θ, their brackets are
// rotations again, and |θ|² is the one function all of them conserve.
func ExampleGenerate() {
	theta := []float64{0.3, -1.2, 0.7}
	span, err := lie.Generate([]lie.Field{rotation(0), rotation(1), rotation(2)}, theta, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("dim of the span of fields and brackets:", span.Rank.Rank)
	fmt.Println("conserved functions at most:", span.Upper())
	norm2 := func(th []float64) []float64 { return []float64{th[0]*th[0] + th[1]*th[1] + th[2]*th[2]} }
	c, err := lie.Compare(span, lie.QuadraticJacobian(norm2, theta), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("|θ|² is all of them:", c.Complete(span, 1e-14))
	// Output:
	// dim of the span of fields and brackets: 2
	// conserved functions at most: 1
	// |θ|² is all of them: true
}

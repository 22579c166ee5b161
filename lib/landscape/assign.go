package landscape

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Assign solves the linear assignment problem for the n×n cost matrix C:
// it returns the permutation π minimising
//
//	Σ_i C[i, π(i)]
//
// and that minimum. It is the Hungarian method in its shortest augmenting
// path form (Kuhn, Munkres; the O(n³) version of Jonker and Volgenant's
// dual updates): rows are added one at a time, and each is matched by a
// Dijkstra search over reduced costs C[i,j] − u_i − v_j ≥ 0, after which the
// dual potentials u, v are updated so that the reduced costs stay
// non-negative and vanish on the matching. The result is an exact optimum
// (complementary slackness), not a heuristic; for n = 64 it takes tens of
// microseconds.
//
// No maintained Go module for the problem was at hand (gonum has none), so
// this one is the package's own, tested against enumeration of all n! and
// on planted permutations. C must be square with finite entries; anything
// else is a programmer error and panics.
func Assign(C mat.Matrix) (perm []int, cost float64) {
	n, c := C.Dims()
	if n != c {
		panic(fmt.Sprintf("landscape: Assign: cost matrix %d×%d is not square", n, c))
	}
	if n == 0 {
		return nil, 0
	}
	a := mat.DenseCopyOf(C).RawMatrix()
	at := func(i, j int) float64 { return a.Data[i*a.Stride+j] }
	for _, v := range a.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("landscape: Assign: cost matrix %d×%d has a non-finite entry %v", n, n, v))
		}
	}
	// 1-based arrays as in the classical formulation; column 0 is the
	// virtual start of each augmenting path.
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	match := make([]int, n+1) // match[j]: the row matched to column j (0: none)
	way := make([]int, n+1)
	minv := make([]float64, n+1)
	used := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		match[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0 := match[j0]
			delta := math.Inf(1)
			j1 := 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				cur := at(i0-1, j-1) - u[i0] - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[match[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if match[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			match[j0] = match[j1]
			j0 = j1
		}
	}
	perm = make([]int, n)
	for j := 1; j <= n; j++ {
		perm[match[j]-1] = j - 1
	}
	for i, j := range perm {
		cost += at(i, j)
	}
	return perm, cost
}

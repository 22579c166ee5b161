// Package lie computes the Lie algebra that a family of vector fields
// generates at a point, and from it the number of independent conserved
// functions of their flows.
//
// A function h is conserved by the flows of vector fields V_1, …, V_N on
// R^D when ⟨∇h(θ), V_i(θ)⟩ = 0 for every i and θ. It is then orthogonal to
// every Lie bracket as well,
//
//	[V, W](θ) = DW(θ) V(θ) − DV(θ) W(θ),
//
// so to the whole Lie algebra Lie(V) the fields generate, and (Frobenius'
// theorem, as used by Marcotte, Gribonval and Peyré, NeurIPS 2023) the number
// of independent conserved functions near a point where the dimension of
// Lie(V)(θ) is locally constant is
//
//	D − dim Lie(V)(θ).
//
// For gradient descent on a data set the fields are the per-sample loss
// gradients V_i = ∇ℓ_i, and DV_i(θ) u = ∇²ℓ_i(θ) u is an exact
// Hessian-vector product (forward-over-reverse differentiation, package ad),
// so the first brackets cost two products each and involve no finite
// differences.
//
// # Counting with two bounds
//
// Every span W_k(θ) of the fields and of their brackets up to some depth is a
// subspace of Lie(V)(θ), so D − dim W_k(θ) is an upper bound on the number of
// conserved functions. Any set of known conserved functions whose gradients
// at θ are independent is a lower bound. When the two meet the count is
// established and the known functions are complete (their gradients span the
// orthogonal complement of Lie(V)(θ)); the brackets need not be iterated
// further, as the span can grow no more. Generate computes the span W_1 of
// the fields and of their first brackets, from first derivatives; Deeper
// adds second brackets [A, [B, C]] of random combinations, from second
// derivatives of the fields (Field2), to see whether W_2 = W_1 + [W_0, W_1]
// grows. For the two-layer and three-layer linear and ReLU networks of
// notebook 18 it does not, and the bounds meet at W_1.
//
// # Rank from a singular-value gap
//
// The dimension of a span is the number of non-zero singular values of the
// matrix whose rows are its vectors, each normalised to unit length. In
// floating point the zero ones are of the order of the rounding (1e-15 and
// below) and the non-zero ones of the order of the geometry (1e-4 and up for
// the networks here): Rank takes the largest ratio between consecutive
// singular values as the cut, and refuses a cut whose ratio is below a
// minimum (1e6 by default), so that a count is never read off a spectrum
// without a gap. The largest "zero" and the smallest "non-zero" singular
// values are reported with every rank.
package lie

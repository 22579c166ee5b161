// Package ad is reverse-mode automatic differentiation on float64 matrices.
//
// A model is a plain Go function that records operations on a Tape:
//
//	t := ad.NewTape()
//	U := t.Param(u, gradU)           // parameter: value and gradient destination
//	V := t.Param(v, gradV)
//	X := t.Const(x)                  // data
//	F := t.MatMul(U, t.Tanh(t.MatMul(V, X)))
//	L := t.Mean(t.Square(t.Sub(F, t.Const(y))))
//	t.Backward(L)                    // gradU = ∂L/∂U, gradV = ∂L/∂V
//
// Every operation computes its value at once (define-by-run) and remembers
// its operands; Backward walks the tape in reverse and applies, for each
// node y = op(x₁, x₂, …), the vector-Jacobian product
//
//	∂L/∂xᵢ += (∂y/∂xᵢ)ᵀ ∂L/∂y,
//
// whose formula is written in the doc comment of each operation. Nodes that
// do not depend on a parameter (data, targets and anything computed only
// from them) get no gradient and cost nothing in Backward.
//
// A parameter recorded by Descend instead of Param is not given a gradient:
// Backward moves its value one step of gradient descent, value ←
// value − rate·∂L/∂value, inside the product that computes the gradient
// when the parameter's only use is as a factor of one product (MatMul,
// MatMulT), and after the rest of Backward otherwise.
//
// # Second derivatives
//
// The tape also differentiates forward over reverse (Pearlmutter's
// R-operator): SetTangent gives parameters a direction v, ForwardTangent
// carries the tangent ẏ = Σ_p (∂y/∂p) v_p of every node through the
// forward pass (Jacobian-vector products), and HessVec carries the tangent
// of the gradient through the reverse pass as well, giving the exact
// Hessian-vector product ∇²L v:
//
//	t.SetTangent(U, dU, hU)          // direction and destination of H v
//	t.SetTangent(V, dV, hV)
//	t.HessVec(L)                     // (hU, hV) = ∇²L (dU, dV)
//
// A product costs about two gradients and reuses the pass's values and
// gradients, so further directions at the same point cost only the two
// tangent sweeps. Each operation's tangent rules are in tangent.go.
//
// # Layout
//
// Matrices are stored row-major. Where an operation needs to know what a
// sample is, samples are columns, as in the notation of the paper on which
// this project is built (f(X) = U σ(V X) with X ∈ R^{n×k} holding k samples):
// AddCol adds a bias column to every sample, RadialCols normalises each
// sample, SoftmaxCrossEntropy takes one column of logits per sample, and a
// batch of images is a (C·H·W)×N matrix whose column s is image s flattened
// in channel, row, column order (see Dims). Row variants exist where they are
// cheap (AddRow, RadialRows, RowNorms).
//
// # Reuse and speed
//
// Reset rewinds a Tape; the next pass that records the same operations with
// the same (or smaller) shapes reuses all value, gradient and scratch
// storage, so a training step allocates nothing after the first. Matrix
// products, including those with transposed operands (MatMulT) and those
// inside Conv2D, go through one GEMM with AVX2/FMA microkernels on amd64
// (portable Go elsewhere), and an AVX-512 one for large products where the
// CPU has it. Products of up to about 32k multiply-adds, weight gradients
// summed over many samples, and products whose operands stay in cache read
// their operands in place; larger ones are packed and blocked; those above
// about 4M multiply-adds (some 200 µs of one core) are shared with worker
// goroutines, which claim parts as they wake, so that a busy machine makes
// them no slower than on one core. Built with the openblas tag, products
// above 64k multiply-adds go to OpenBLAS where it measured the faster on
// one core: those read in place except the weight gradients, and packed
// ones unless the AVX-512 kernel runs them (below about 134M multiply-adds).
// ReLU, leaky ReLU, tanh and sigmoid, and their derivatives, are computed
// four entries at a time.
//
// # Errors
//
// Shape mismatches are programmer errors and panic with a message naming the
// package, the operation and the shapes, for example
// "ad: MatMul: shapes 3×4 and 5×2 do not match".
package ad

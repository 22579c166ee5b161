package hessian_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/noetherlab/noether/lib/hessian"
	"github.com/noetherlab/noether/lib/nn"
	"gonum.org/v1/gonum/mat"
)

// At a minimum of L(u, v) = (y − uv)² the Hessian's eigenvalues are
// {0, 2√(Q² + 4y²)} with Q = u² − v² conserved by gradient flow: minima
// with larger |Q| are sharper.
func Example() {
	const y = 1.0
	f := func(theta, grad []float64) float64 {
		u, v := theta[0], theta[1]
		r := y - u*v
		grad[0], grad[1] = -2*r*v, -2*r*u
		return r * r
	}
	for _, u := range []float64{1, 2, 4} {
		v := y / u
		Q := u*u - v*v
		vals, err := hessian.Eigenvalues(hessian.NewHVP(f, []float64{u, v}))
		if err != nil {
			panic(err)
		}
		fmt.Printf("Q = %6.3f  eigenvalues %.6f %.6f  2√(Q²+4y²) = %.6f\n",
			Q, math.Abs(vals[0]), vals[1], 2*math.Sqrt(Q*Q+4*y*y))
	}
	// Output:
	// Q =  0.000  eigenvalues 0.000000 4.000000  2√(Q²+4y²) = 4.000000
	// Q =  3.750  eigenvalues 0.000000 8.500000  2√(Q²+4y²) = 8.500000
	// Q = 15.938  eigenvalues 0.000000 32.125000  2√(Q²+4y²) = 32.125000
}

// Lanczos finds the extreme eigenvalues from a few dozen products. Here a
// spectrum shaped like a trained network's Hessian: a bulk in [0, 1] and
// two outliers.
func ExampleLanczos() {
	n := 500
	d := make([]float64, n)
	for i := range d {
		d[i] = float64(i) / float64(n)
	}
	d[0], d[1] = 12, 7
	op := hessian.Matrix(mat.NewDiagDense(n, d))
	e := hessian.Lanczos(op, 2, hessian.LanczosSettings{})
	fmt.Printf("%.10f %.10f converged %v in ≤ 30 products: %v\n", e.Values[0], e.Values[1], e.Converged, e.Steps <= 30)
	// Output:
	// 12.0000000000 7.0000000000 converged true in ≤ 30 products: true
}

// Hutchinson's estimate of the trace, with its standard error.
func ExampleTrace() {
	a := mat.NewSymDense(3, []float64{
		2, 1, 0,
		1, 3, 1,
		0, 1, 4,
	})
	est := hessian.Trace(hessian.Matrix(a), 1000, nil)
	fmt.Printf("Tr = 9; estimate within 4 standard errors: %v\n", math.Abs(est.Mean-9) < 4*est.StdErr)
	// Output:
	// Tr = 9; estimate within 4 standard errors: true
}

// The spectral density, broadened by a Gaussian, integrates to 1.
func ExampleSpectralDensity() {
	a := mat.NewDiagDense(4, []float64{1, 1, 2, 5})
	d := hessian.SpectralDensity(hessian.Matrix(a), hessian.DensitySettings{})
	x := make([]float64, 1001)
	for i := range x {
		x[i] = -2 + 10*float64(i)/1000
	}
	rho := d.Eval(nil, x, 0.2)
	sum := 0.0
	for _, r := range rho {
		sum += r * 0.01
	}
	fmt.Printf("∫ρ = %.4f, mean %.4f (Tr/n = 2.25)\n", sum, d.Mean())
	// Output:
	// ∫ρ = 1.0000, mean 2.2500 (Tr/n = 2.25)
}

// The Hessian of a network's loss from the library, with exact products:
// hessian.New sees that *nn.Objective computes them (forward over reverse) and
// uses them instead of finite differences. At a zero-loss minimum of
// ‖Y − U V‖²_F (X = I) the largest eigenvalue is 2(‖U‖₂² + ‖V‖₂²).
func ExampleNew() {
	rng := rand.New(rand.NewPCG(1, 2))
	net := nn.TwoLayer{In: 5, Hidden: 20, Out: 4, Act: nn.Linear}
	p := net.Init(rng, nn.Normal(0.5))
	U, V := net.UV(p)
	var Y mat.Dense
	Y.Mul(U, V) // targets the network fits exactly
	X := mat.NewDiagDense(5, []float64{1, 1, 1, 1, 1})
	obj := nn.NewObjective(net, mat.DenseCopyOf(X), &Y, nn.SquaredError)

	op := hessian.New(obj, p.Vec())
	e := hessian.Lanczos(op, 1, hessian.LanczosSettings{Tol: 1e-10})
	closed := 2 * (math.Pow(spectralNorm(U), 2) + math.Pow(spectralNorm(V), 2))
	fmt.Printf("%T: λ_max %.10f, closed form %.10f, ≤ 25 products: %v\n",
		op, e.Values[0], closed, e.Steps <= 25)
	// Output:
	// *hessian.Exact: λ_max 34.9413360523, closed form 34.9413360523, ≤ 25 products: true
}

// spectralNorm returns the largest singular value ‖A‖₂.
func spectralNorm(a mat.Matrix) float64 {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		panic("SVD failed")
	}
	return svd.Values(nil)[0]
}

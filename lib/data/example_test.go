package data_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"os/signal"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/data"
)

// Load Fashion-MNIST, or fall back to a synthetic mixture of ten classes in
// 784 dimensions when the package is not installed.
func ExampleFashionMNIST() {
	train, err := data.FashionMNIST(data.Train, &data.Settings{Limit: 6000})
	if errors.Is(err, fs.ErrNotExist) {
		log.Print(err) // says: sudo apt-get install dataset-fashion-mnist
		rng := rand.New(rand.NewPCG(1, 2))
		train = data.NewMixture(rng, 10, 784, 3).Sample(rng, 6000)
	} else if err != nil {
		log.Fatal(err)
	}
	n, d := train.X.Dims()
	fmt.Println(n, "samples of", d, "inputs in", len(train.Classes), "classes")
}

// One epoch of minibatches: every sample once, in a random order, with the
// rows of each batch gathered into one reused matrix.
func ExampleBatcher() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(5, 2, []float64{0, 0, 1, 10, 2, 20, 3, 30, 4, 40})
	b := data.NewBatcher(5, 2, data.KeepLast, rng)
	var xb *mat.Dense
	for idx := range b.Epoch() {
		xb = data.GatherRows(xb, x, idx)
		fmt.Println(idx, xb.RawMatrix().Data)
	}
	// Output:
	// [1 4] [1 10 4 40]
	// [2 0] [2 20 0 0]
	// [3] [3 30]
}

func ExampleOneHot() {
	fmt.Println(mat.Formatted(data.OneHot(nil, []int{2, 0, 1}, 3)))
	// Output:
	// ⎡0  0  1⎤
	// ⎢1  0  0⎥
	// ⎣0  1  0⎦
}

// Write a 2×3 int16 array in the IDX format and read it back.
func ExampleReadIDX() {
	var buf bytes.Buffer
	a := data.NewIDX(data.Int16, []int{2, 3}, []float64{-1, 0, 1, 2, 300, -300})
	if err := data.WriteIDX(&buf, a); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("% x\n", buf.Bytes()[:12])
	b, err := data.ReadIDX(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Type, b.Dims, b.Float64s(nil))

	// Cut inside the data: the error gives the offset.
	a.Data = a.Data[:5]
	buf.Reset()
	buf.Write([]byte{0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 3})
	buf.Write(a.Data)
	_, err = data.ReadIDX(&buf)
	fmt.Println(err)
	// Output:
	// 00 00 0b 02 00 00 00 02 00 00 00 03
	// int16 [2 3] [-1 0 1 2 300 -300]
	// data: offset 17: data ends after 5 of 12 bytes
}

// The regression set of the paper's Fig. 3: ten whitened samples, five
// Gaussian targets each.
func ExampleWhitened() {
	x, y := data.Whitened(rand.New(rand.NewPCG(1, 2)), 10, 5)
	xr, xc := x.Dims()
	yr, yc := y.Dims()
	fmt.Printf("X %d×%d, trace %v; Y %d×%d\n", xr, xc, mat.Trace(x), yr, yc)
	// Output:
	// X 10×10, trace 10; Y 10×5
}

// A Gaussian mixture: train and test sets share the class means.
func ExampleMixture() {
	rng := rand.New(rand.NewPCG(1, 2))
	mix := data.NewMixture(rng, 3, 20, 3)
	train, test := mix.Sample(rng, 300), mix.Sample(rng, 30)
	fmt.Println(data.ClassCounts(train.Labels, 3), data.ClassCounts(test.Labels, 3))
	// Output:
	// [100 100 100] [10 10 10]
}

// Fetch Fashion-MNIST ahead of time, downloading it if it is not installed;
// Ctrl-C cancels the download and leaves nothing of it behind.
func ExampleFetchFashionMNIST() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	dir, err := data.FetchFashionMNIST(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Fashion-MNIST is in", dir)
}

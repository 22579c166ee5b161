package zhao2023

import (
	"sync"
	"testing"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/ensemble"
)

// The repeated Figs. 10 and 11 of notebooks 08 and 09. Without -short the
// tests run the notebooks' settings through cache.Call, as the notebooks do,
// so that they assert on the same networks and draws (and load them when a
// notebook has run with the same cache and sources). Under -short they run
// the MLP trained on 10000 images, with fewer images and draws, and assert
// only the claims that hold there too.
//
// Every bound below is an interval statement: a mean over the five
// independently trained networks (each the mean of its draws) with its 95%
// Student t interval (stats.MeanCI, 4 degrees of freedom), or the same for
// differences paired by network (stats.PairedCI). A claim is asserted when
// the interval lies on one side of the bound; the measured intervals are
// quoted.
var (
	runs10 = sync.OnceValues(func() (*Fig10RunsResult, error) {
		if testing.Short() {
			return Fig10Runs(Fig10RunsSettings{Net: ConvNetSettings{MLP: true, Train: 10000}, Draws: 2, Sizes: []int{10}, Test: 500})
		}
		return cache.Call(Fig10Runs, Fig10RunsSettings{})
	})
	runs10ReLU2 = sync.OnceValues(func() (*Fig10RunsResult, error) {
		return cache.Call(Fig10Runs, Fig10RunsSettings{Net: ConvNetSettings{ReLU2: true}})
	})
	runs11 = sync.OnceValues(func() (*Fig11RunsResult, error) {
		if testing.Short() {
			return Fig11Runs(Fig11RunsSettings{Net: ConvNetSettings{MLP: true, Train: 10000}, Draws: 2, Members: 20,
				FGSM: []float64{0, 0.1}, Test: 300, SPSATest: 20})
		}
		return cache.Call(Fig11Runs, Fig11RunsSettings{})
	})
)

func runsResult[R any](t *testing.T, f func() (R, error), synthetic func(R) bool) R {
	t.Helper()
	r, err := f()
	if err != nil {
		t.Fatal(err)
	}
	if synthetic(r) {
		t.Skip("Fashion-MNIST is not installed: the claims are about it")
	}
	return r
}

func gapOf(t *testing.T, r *Fig10RunsResult, k ensemble.Kind, eps float64, size int) Fig10Gap {
	t.Helper()
	g, ok := r.Gap(k, eps, size)
	if !ok {
		t.Fatalf("no cell %v, ε = %g, %d members", k, eps, size)
	}
	return g
}

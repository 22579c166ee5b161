// Package par runs independent pieces of work at once, as many at a time as
// GOMAXPROCS allows: the seeds of a sweep, the activations of a figure, the
// members of an ensemble.
//
// Each call f(i) must write only to what belongs to i (its own slice element,
// its own model); the results come back in index order whatever order the
// calls finish in, so a parallel run prints and plots exactly what a serial
// one would.
package par

import (
	"errors"
	"runtime"
	"sync"
)

// For calls f(0), …, f(n−1), at most GOMAXPROCS at a time, and returns when
// all have returned. A panic in f is re-raised in the caller after the other
// calls have finished.
func For(n int, f func(i int)) {
	_ = ForErr(n, func(i int) error { f(i); return nil })
}

// ForErr is For for work that can fail: it calls f(0), …, f(n−1), at most
// GOMAXPROCS at a time, and returns the errors joined in index order (nil if
// none failed). Every call runs: a failure does not cancel the others.
func ForErr(n int, f func(i int) error) error {
	errs := make([]error, n)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		panicked any
	)
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				if r := recover(); r != nil {
					once.Do(func() { panicked = r })
				}
				<-sem
				wg.Done()
			}()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return errors.Join(errs...)
}

// Map returns f(0), …, f(n−1), computed as in For.
func Map[T any](n int, f func(i int) T) []T {
	out := make([]T, n)
	For(n, func(i int) { out[i] = f(i) })
	return out
}

// MapErr returns f(0), …, f(n−1), computed as in ForErr, and the errors
// joined in index order.
func MapErr[T any](n int, f func(i int) (T, error)) ([]T, error) {
	out := make([]T, n)
	err := ForErr(n, func(i int) (err error) { out[i], err = f(i); return err })
	return out, err
}

package cache_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/cache"
)

type settings struct {
	Seed  uint64
	Steps int
	LRs   []float64
}

type result struct {
	Loss []float64
	W    *mat.Dense
}

func compute(calls *int, s settings) func() (result, error) {
	return func() (result, error) {
		*calls++
		return result{Loss: []float64{float64(s.Seed), float64(s.Steps)}, W: mat.NewDense(2, 2, []float64{1, 2, 3, s.LRs[0]})}, nil
	}
}

func TestDoStoresAndReloads(t *testing.T) {
	t.Setenv(cache.Env, t.TempDir())
	s := settings{Seed: 1, Steps: 10, LRs: []float64{0.5}}
	calls := 0
	r1, cached, err := cache.Do("test.f/v1", s, compute(&calls, s))
	if err != nil || cached || calls != 1 {
		t.Fatalf("first call: err %v, cached %v, %d computations; want nil, false, 1", err, cached, calls)
	}
	r2, cached, err := cache.Do("test.f/v1", s, compute(&calls, s))
	if err != nil || !cached || calls != 1 {
		t.Fatalf("second call: err %v, cached %v, %d computations; want nil, true, 1", err, cached, calls)
	}
	if !reflect.DeepEqual(r1.Loss, r2.Loss) || !mat.Equal(r1.W, r2.W) {
		t.Errorf("reloaded %v, stored %v", r2, r1)
	}
	// Another key, another name: computed again.
	s2 := s
	s2.LRs = []float64{0.25}
	if _, cached, _ := cache.Do("test.f/v1", s2, compute(&calls, s2)); cached || calls != 2 {
		t.Errorf("changed key: cached %v, %d computations", cached, calls)
	}
	if _, cached, _ := cache.Do("test.f/v2", s, compute(&calls, s)); cached || calls != 3 {
		t.Errorf("changed name: cached %v, %d computations", cached, calls)
	}
}

func TestDoRecomputesUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(cache.Env, dir)
	s := settings{Seed: 2, LRs: []float64{1}}
	calls := 0
	cache.Do("test.g/v1", s, compute(&calls, s))
	files, _ := filepath.Glob(filepath.Join(dir, "*.gob"))
	if len(files) != 1 {
		t.Fatalf("%d files stored, want 1", len(files))
	}
	if err := os.WriteFile(files[0], []byte("not gob"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, cached, err := cache.Do("test.g/v1", s, compute(&calls, s))
	if err != nil || cached || calls != 2 || r.Loss[0] != 2 {
		t.Errorf("corrupt file: %v, cached %v, %d computations, err %v", r, cached, calls, err)
	}
	if _, cached, _ := cache.Do("test.g/v1", s, compute(&calls, s)); !cached {
		t.Error("the recomputed result was not stored again")
	}
}

func TestDoErrorsAndOff(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(cache.Env, dir)
	boom := errors.New("boom")
	calls := 0
	f := func() (int, error) { calls++; return 0, boom }
	if _, _, err := cache.Do("test.h/v1", 1, f); !errors.Is(err, boom) {
		t.Errorf("error %v, want the computation's", err)
	}
	if _, _, err := cache.Do("test.h/v1", 1, f); !errors.Is(err, boom) || calls != 2 {
		t.Errorf("a failed computation was cached (%d calls, %v)", calls, err)
	}
	t.Setenv(cache.Env, "off")
	n := 0
	for range 2 {
		if _, cached, _ := cache.Do("test.i/v1", 1, func() (int, error) { n++; return n, nil }); cached {
			t.Error("cached with NOETHER_CACHE=off")
		}
	}
	if n != 2 {
		t.Errorf("%d computations with caching off, want 2", n)
	}
}

func TestDoUnstorableResultIsStillReturned(t *testing.T) {
	t.Setenv(cache.Env, t.TempDir())
	type withFunc struct{ F func() }
	v, cached, err := cache.Do("test.j/v1", 1, func() (withFunc, error) { return withFunc{F: func() {}}, nil })
	if err != nil || cached || v.F == nil {
		t.Errorf("unstorable result: %v, cached %v, err %v; want the value back", v, cached, err)
	}
}

func TestKeySeesResultFields(t *testing.T) {
	type a struct{ X []float64 }
	type b struct {
		X []float64
		Y int
	}
	if cache.Key("n", 1, reflect.TypeFor[a]()) == cache.Key("n", 1, reflect.TypeFor[b]()) {
		t.Error("a result type that gained a field kept its key")
	}
	defer func() {
		if recover() == nil {
			t.Error("a key JSON cannot encode did not panic")
		}
	}()
	cache.Key("n", func() {}, reflect.TypeFor[a]())
}

func double(s settings) (result, error) {
	return result{Loss: []float64{2 * float64(s.Steps)}}, nil
}

var doubleCalls int

func countedDouble(s settings) (result, error) {
	doubleCalls++
	return double(s)
}

// Call keys on the function, its settings and the library's source: this
// package's test binary is built from source on this machine, so the source
// hash is found.
func TestCall(t *testing.T) {
	t.Setenv(cache.Env, t.TempDir())
	doubleCalls = 0
	s := settings{Steps: 21}
	for range 3 {
		r, err := cache.Call(countedDouble, s)
		if err != nil || r.Loss[0] != 42 {
			t.Fatalf("Call = %v, %v", r, err)
		}
	}
	if doubleCalls != 1 {
		t.Errorf("%d computations for three calls, want 1", doubleCalls)
	}
	s.Steps = 5
	if r, _ := cache.Call(countedDouble, s); r.Loss[0] != 10 || doubleCalls != 2 {
		t.Errorf("new settings: %v after %d computations", r, doubleCalls)
	}
	// Another function with the same settings and result type: its own entry.
	if r, _ := cache.Call(double, s); r.Loss[0] != 10 {
		t.Errorf("double: %v", r)
	}
	if n, _ := filepath.Glob(filepath.Join(os.Getenv(cache.Env), "*.gob")); len(n) != 3 {
		t.Errorf("%d results stored, want 3 (two settings of one function, one of another)", len(n))
	}
}

// Runs that need the same result at the same time compute it once: the
// first computes and stores it, the others wait on its lock and read it.
// Without the lock each of the eight would compute it (f takes 50 ms, so
// they all miss the cache at the start).
func TestConcurrentRunsComputeOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock on Windows: concurrent runs may compute a result twice")
	}
	t.Setenv(cache.Env, t.TempDir())
	var calls atomic.Int32
	var wg sync.WaitGroup
	got := make([]int, 8)
	fromCache := make([]bool, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, cached, err := cache.Do("slow", settings{Seed: 7}, func() (int, error) {
				calls.Add(1)
				time.Sleep(50 * time.Millisecond)
				return 42, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i], fromCache[i] = v, cached
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
	computed := 0
	for i, v := range got {
		if v != 42 {
			t.Errorf("run %d got %d, want 42", i, v)
		}
		if !fromCache[i] {
			computed++
		}
	}
	if computed != 1 {
		t.Errorf("%d runs say they computed the result, want 1", computed)
	}
	// A failed computation stores nothing and releases the lock: the next
	// run computes (a lock left held would hang it, and go test's timeout
	// would report where).
	_, _, err := cache.Do("fails", 1, func() (int, error) { return 0, errors.New("boom") })
	if err == nil {
		t.Fatal("the error was lost")
	}
	if v, cached, err := cache.Do("fails", 1, func() (int, error) { return 5, nil }); v != 5 || cached || err != nil {
		t.Errorf("after a failure: %v, %v, %v; want 5 computed", v, cached, err)
	}
}

// Clear removes the stored results and the lock files, and a result is
// computed again afterwards.
func TestClear(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(cache.Env, dir)
	s := settings{Seed: 3, Steps: 1, LRs: []float64{0.1}}
	calls := 0
	for range 2 {
		if _, err := cache.Value("clear", s, compute(&calls, s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := cache.Clear(); err != nil {
		t.Fatal(err)
	}
	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
		t.Errorf("after Clear the directory holds %v (%v), want nothing", ents, err)
	}
	if _, err := cache.Value("clear", s, compute(&calls, s)); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("computed %d times, want 2 (once before Clear, once after)", calls)
	}
}

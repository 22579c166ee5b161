package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// checkFixtureSet checks a set loaded from the fixtures: n images of d
// pixels numbered from first, scaled by sc.
func checkFixtureSet(t *testing.T, s *Set, n, d, first int, sc Scaling) {
	t.Helper()
	if r, c := s.X.Dims(); r != n || c != d || len(s.Labels) != n {
		t.Fatalf("X is %d×%d with %d labels, want %d×%d", r, c, len(s.Labels), n, d)
	}
	lo, hi := sc.Range()
	for i := 0; i < n; i++ {
		if s.Labels[i] != fixtureLabel(first+i) {
			t.Errorf("label %d = %d, want %d", i, s.Labels[i], fixtureLabel(first+i))
		}
		for j := 0; j < d; j++ {
			want := lo + (hi-lo)*float64(fixturePixel(first+i, j))/255
			if got := s.X.At(i, j); got != want {
				t.Fatalf("pixel %d of image %d = %v, want %v", j, i, got, want)
			}
		}
	}
}

func TestFashionMNISTFixture(t *testing.T) {
	dir := fixture("fashion")
	train, err := FashionMNIST(Train, &Settings{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, train, fashionTrainN, 784, 0, Unit)
	if train.Shape != (Shape{1, 28, 28}) || !slices.Equal(train.Classes, FashionMNISTClasses[:]) {
		t.Errorf("shape %v, classes %v", train.Shape, train.Classes)
	}

	// The test split is stored raw (one file under a .gz name); the
	// environment variable names the directory.
	t.Setenv(FashionMNISTEnv, dir)
	for _, sc := range []Scaling{Unit, Centered, Symmetric} {
		test, err := FashionMNIST(Test, &Settings{Scale: sc})
		if err != nil {
			t.Fatal(err)
		}
		checkFixtureSet(t, test, fashionTestN, 784, 0, sc)
	}

	// Settings.Dir wins over the environment variable.
	t.Setenv(FashionMNISTEnv, t.TempDir())
	for _, limit := range []int{1, 3, fashionTrainN, 100} {
		s, err := FashionMNIST(Train, &Settings{Dir: dir, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		checkFixtureSet(t, s, min(limit, fashionTrainN), 784, 0, Unit)
	}
}

func TestFashionMNISTMissing(t *testing.T) {
	dir := t.TempDir() + "/nowhere"
	_, err := FashionMNIST(Train, &Settings{Dir: dir})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing directory: %v", err)
	}
	for _, want := range []string{"sudo apt-get install dataset-fashion-mnist", FashionMNISTEnv, dir} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	t.Setenv(FashionMNISTEnv, dir)
	if _, err := FashionMNIST(Test, nil); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Errorf("missing directory from the environment: %v", err)
	}
}

func TestLoadIDX(t *testing.T) {
	s, err := LoadIDX(fixture("fashion/train-images-idx3-ubyte.gz"), fixture("fashion/train-labels-idx1-ubyte.gz"), &Settings{Limit: 2, Scale: Centered})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, s, 2, 784, 0, Centered)
	if s.Classes != nil {
		t.Errorf("classes %v", s.Classes)
	}
	// Any image shape: six 2×3 images.
	s, err = LoadIDX(fixture("idx/images-6x2x3.idx"), fixture("fashion/train-labels-idx1-ubyte.gz"), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, s, 6, 6, 0, Unit)
	if s.Shape != (Shape{1, 2, 3}) {
		t.Errorf("shape %v", s.Shape)
	}
}

func TestCIFAR10Fixture(t *testing.T) {
	dir := fixture("cifar")
	train, err := CIFAR10(Train, &Settings{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, train, 5*cifarPerBatch, 3072, 0, Unit)
	if train.Shape != (Shape{3, 32, 32}) || !slices.Equal(train.Classes, CIFAR10Classes[:]) {
		t.Errorf("shape %v, classes %v", train.Shape, train.Classes)
	}
	t.Setenv(CIFAR10Env, dir)
	test, err := CIFAR10(Test, &Settings{Scale: Symmetric})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, test, cifarTestN, 3072, 100, Symmetric)
	// The limit stops in the middle of the batch files.
	s, err := CIFAR10(Train, &Settings{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, s, 3, 3072, 0, Unit)
}

func TestCIFAR10Missing(t *testing.T) {
	t.Setenv(CIFAR10Env, "")
	_, err := CIFAR10(Train, nil)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), CIFAR10Env) {
		t.Errorf("no directory: %v", err)
	}
	dir := t.TempDir()
	_, err = CIFAR10(Test, &Settings{Dir: dir})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "test_batch.bin") {
		t.Errorf("missing files: %v", err)
	}
}

// fashionMNISTInstalled reports whether the real data set is present; in CI
// (CI=true), which installs the package, its absence fails the test.
func fashionMNISTInstalled(tb testing.TB) bool {
	if _, err := os.Stat(FashionMNISTDir + "/train-images-idx3-ubyte.gz"); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("Fashion-MNIST missing in CI: %v (the CI installs dataset-fashion-mnist)", err)
		}
		tb.Skipf("Fashion-MNIST not installed (sudo apt-get install dataset-fashion-mnist): %v", err)
		return false
	}
	return true
}

func TestFashionMNISTReal(t *testing.T) {
	if !fashionMNISTInstalled(t) {
		return
	}
	t.Setenv(FashionMNISTEnv, "")
	for _, c := range []struct {
		split Split
		n     int
	}{{Train, 60000}, {Test, 10000}} {
		s, err := FashionMNIST(c.split, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r, d := s.X.Dims(); r != c.n || d != 784 || s.Len() != c.n {
			t.Fatalf("%v: X is %d×%d with %d labels, want %d×784", c.split, r, d, s.Len(), c.n)
		}
		counts := ClassCounts(s.Labels, 10)
		for k, cnt := range counts {
			if cnt != c.n/10 {
				t.Errorf("%v: class %d (%s) has %d samples, want %d", c.split, k, s.Classes[k], cnt, c.n/10)
			}
		}
		lo, hi := 1.0, 0.0
		for _, v := range s.X.RawMatrix().Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%v: pixels in [%v, %v], want [0, 1]", c.split, lo, hi)
		}
	}
	// The first images of a limited load are those of the full load.
	s, err := FashionMNIST(Test, &Settings{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := FashionMNIST(Test, nil)
	if s.Len() != 100 || !slices.Equal(s.Labels, full.Labels[:100]) ||
		!slices.Equal(s.X.RawMatrix().Data, full.X.RawMatrix().Data[:100*784]) {
		t.Errorf("Limit 100 does not give the first 100 samples")
	}
}

func BenchmarkFashionMNISTTrain(b *testing.B) {
	if !fashionMNISTInstalled(b) {
		return
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FashionMNIST(Train, &Settings{Dir: FashionMNISTDir}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFashionMNISTLimit1000(b *testing.B) {
	if !fashionMNISTInstalled(b) {
		return
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FashionMNIST(Train, &Settings{Dir: FashionMNISTDir, Limit: 1000}); err != nil {
			b.Fatal(err)
		}
	}
}

// A gzip bomb: 64 KB of compressed zeros that expand to 21000 valid records,
// each of which would become 3072 float64s. The read must stop at CIFAR-10's
// 10000 records per file with an error naming the file, and allocate no
// more than one full batch file's floats (10000 · 3072 · 8 B = 246 MB) plus
// the same again for slice growth; without the bound it took over 500 MB.
func TestCIFAR10GzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, cifarRecord)
	for range 21000 {
		zw.Write(zeros)
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "data_batch_1.bin.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadCIFAR10(nil, path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "more than 10000 records") {
		t.Errorf("a %d-byte file of 21000 records: error %v, want one naming the file and the record limit", buf.Len(), err)
	}
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(2*CIFAR10FileRecords*(cifarRecord-1)*8); alloc > limit {
		t.Errorf("reading the bomb allocated %d MB, want at most %d MB", alloc>>20, limit>>20)
	}
}

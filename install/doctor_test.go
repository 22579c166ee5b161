package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noetherlab/noether/lib/data"
)

// fashionFixtures copies the small Fashion-MNIST files of testdata/data
// (6 training and 4 test images; some gzipped, some not, as lib/data
// accepts) into a fresh directory.
func fashionFixtures(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "testdata", "data", "fashion")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The doctor finds Fashion-MNIST where the notebooks do: through
// $NOETHER_FASHION_MNIST when it is set.
func TestFashionMNISTFollowsTheEnvironment(t *testing.T) {
	dir := fashionFixtures(t)
	t.Setenv(data.FashionMNISTEnv, dir)
	c := fashionMNIST()
	if !c.ok || !strings.Contains(c.detail, dir) || !strings.Contains(c.detail, data.FashionMNISTEnv) {
		t.Fatalf("%v\nwant ok, naming %s and %s", c, dir, data.FashionMNISTEnv)
	}
}

func TestFashionMNISTMissing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(data.FashionMNISTEnv, dir)
	c := fashionMNIST()
	if c.ok || !c.optional {
		t.Fatalf("%v\nwant a missing optional requirement", c)
	}
	if !strings.Contains(c.detail, dir) || !strings.Contains(c.fix, data.FashionMNISTEnv) {
		t.Fatalf("%v\nwant the directory searched and a fix naming %s", c, data.FashionMNISTEnv)
	}
}

// Files that are there but do not load would stop the real-data notebooks:
// a failure, not an optional absence.
func TestFashionMNISTMalformed(t *testing.T) {
	dir := fashionFixtures(t)
	bad := filepath.Join(dir, "t10k-images-idx3-ubyte")
	if err := os.WriteFile(bad, []byte("not an IDX file"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(data.FashionMNISTEnv, dir)
	c := fashionMNIST()
	if c.ok || c.optional || !strings.Contains(c.detail, bad) {
		t.Fatalf("%v\nwant a failure naming %s", c, bad)
	}
}

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
	c := fashionMNIST(t.Context())
	if !c.ok || !strings.Contains(c.detail, dir) || !strings.Contains(c.detail, data.FashionMNISTEnv) {
		t.Fatalf("%v\nwant ok, naming %s and %s", c, dir, data.FashionMNISTEnv)
	}
}

func TestFashionMNISTMissing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(data.FashionMNISTEnv, dir)
	c := fashionMNIST(t.Context())
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
	c := fashionMNIST(t.Context())
	if c.ok || c.optional || !strings.Contains(c.detail, bad) {
		t.Fatalf("%v\nwant a failure naming %s", c, bad)
	}
}

// The doctor says whether the loaders may download, where to and from
// where, and how to change it; it contacts no server.
func TestDownloadsCheck(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "not", "yet")
	t.Setenv(data.CacheEnv, cache)
	t.Setenv(data.OfflineEnv, "")
	t.Setenv(data.MirrorEnv, "")
	if c := downloads(); !c.ok || !strings.Contains(c.detail, cache) || !strings.Contains(c.detail, data.OfflineEnv) {
		t.Errorf("%v\nwant allowed, naming %s and how to forbid downloads", c, cache)
	}
	if _, err := os.Stat(filepath.Dir(cache)); err == nil {
		t.Errorf("the check created %s", filepath.Dir(cache))
	}

	t.Setenv(data.MirrorEnv, "http://127.0.0.1:9/data")
	if c := downloads(); !c.ok || !strings.Contains(c.detail, "http://127.0.0.1:9/data/") {
		t.Errorf("%v\nwant allowed from the mirror", c)
	}
	t.Setenv(data.MirrorEnv, "ftp://example.org/")
	if c := downloads(); c.ok || !strings.Contains(c.fix, data.MirrorEnv) {
		t.Errorf("%v\nwant a bad mirror reported, with a fix naming %s", c, data.MirrorEnv)
	}
	t.Setenv(data.MirrorEnv, "")

	t.Setenv(data.OfflineEnv, "1")
	if c := downloads(); c.ok || !c.optional || !strings.Contains(c.detail, cache) || !strings.Contains(c.fix, "unset "+data.OfflineEnv) {
		t.Errorf("%v\nwant downloads off, naming the cache and how to allow them", c)
	}
	t.Setenv(data.OfflineEnv, "")

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(data.CacheEnv, filepath.Join(file, "datasets"))
	if c := downloads(); c.ok || !strings.Contains(c.detail, "not a directory") || !strings.Contains(c.fix, data.CacheEnv) {
		t.Errorf("%v\nwant an unwritable cache reported, with a fix naming %s", c, data.CacheEnv)
	}
}

package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain keeps every test of the package on this machine: downloads go
// through a client in this process that dials only loopback addresses (the
// httptest servers), into a fresh cache directory, with the download
// switches of the environment cleared. The tests of goRunGet, the child
// process that downloads outside tests, give it only httptest URLs.
func TestMain(m *testing.M) {
	get = localGet
	cache, err := os.MkdirTemp("", "noether-data-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(CacheEnv, cache)
	os.Unsetenv(MirrorEnv)
	os.Unsetenv(OfflineEnv)
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// localClient is the HTTP client of localGet.
var localClient = &http.Client{Transport: &http.Transport{DialContext: localOnly}}

// localGet is get by localClient, as goRunGet's program does it.
func localGet(ctx context.Context, url string) (io.ReadCloser, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := localClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, 0, fmt.Errorf("HTTP %s", resp.Status)
	}
	return resp.Body, resp.ContentLength, nil
}

// localOnly dials addr if it is a loopback IP address, and refuses
// anything else (host names included, before any DNS lookup).
func localOnly(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("a test tried to reach %s: tests must not leave the machine", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// fashionFiles are the four files of a miniature Fashion-MNIST, gzipped
// as the real ones are, in the order of fashionRemote.
func fashionFiles() map[string][]byte {
	return map[string][]byte{
		"train-images-idx3-ubyte.gz": gz(imagesIDX(fashionTrainN, 28, 28)),
		"train-labels-idx1-ubyte.gz": gz(labelsIDX(fixtureLabels(fashionTrainN)...)),
		"t10k-images-idx3-ubyte.gz":  gz(imagesIDX(fashionTestN, 28, 28)),
		"t10k-labels-idx1-ubyte.gz":  gz(labelsIDX(fixtureLabels(fashionTestN)...)),
	}
}

// cifarTar returns a cifar-10-binary.tar.gz in miniature holding the
// members of files (names relative to cifar-10-batches-bin), in order,
// after a readme as the real archive has.
func cifarTar(files ...[2]any) []byte { return gz(plainTar(files)) }

// gzFast compresses b at gzip's fastest level.
func gzFast(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// plainTar is the uncompressed tar of cifarTar.
func plainTar(files [][2]any) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(name string, body []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
	}
	tw.WriteHeader(&tar.Header{Name: cifarDir + "/", Mode: 0o755, Typeflag: tar.TypeDir})
	add(cifarDir+"/readme.html", []byte("<meta HTTP-EQUIV=\"REFRESH\" content=\"0; url=http://www.cs.toronto.edu/~kriz/cifar.html\">\n"))
	for _, f := range files {
		add(cifarDir+"/"+f[0].(string), f[1].([]byte))
	}
	tw.Close()
	return b.Bytes()
}

// cifarFiles are the members of a valid miniature archive: the batch files
// of the committed fixtures.
func cifarFiles() [][2]any {
	var f [][2]any
	for k := range 5 {
		f = append(f, [2]any{cifarBatches[k], cifarRecords(k*cifarPerBatch, cifarPerBatch)})
	}
	return append(f, [2]any{"test_batch.bin", cifarRecords(100, cifarTestN)})
}

// pin replaces the files of r, for the test, with the given ones, their
// checksums computed here (the unexported hook that lets a test server
// serve fixtures instead of the published files).
func pin(t *testing.T, r *remote, names []string, files map[string][]byte) {
	t.Helper()
	old := r.files
	t.Cleanup(func() { r.files = old })
	r.files = nil
	for _, n := range names {
		b := files[n]
		s, m := sha256.Sum256(b), md5.Sum(b)
		r.files = append(r.files, remoteFile{
			Name: n, URL: "http://192.0.2.1/" + n, Size: int64(len(b)),
			SHA256: hex.EncodeToString(s[:]), MD5: hex.EncodeToString(m[:]),
		})
	}
}

// mirror is a test server of data files that counts the requests for each.
type mirror struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	files map[string][]byte
	// serve, if not nil, answers instead of the default handler, which
	// serves files by name.
	serve func(w http.ResponseWriter, r *http.Request, body []byte)
}

// newMirror starts a mirror of files and points $NOETHER_DATA_MIRROR at it.
func newMirror(t *testing.T, files map[string][]byte) *mirror {
	t.Helper()
	m := &mirror{hits: map[string]int{}, files: files}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/data/")
		m.mu.Lock()
		m.hits[name]++
		serve := m.serve
		m.mu.Unlock()
		body, ok := m.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if serve != nil {
			serve(w, r, body)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
	t.Cleanup(m.Close)
	t.Setenv(MirrorEnv, m.URL+"/data/")
	return m
}

func (m *mirror) requests() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.hits)
}

// freshCache points $NOETHER_DATA_CACHE at a new directory and hides
// Debian's Fashion-MNIST and the loaders' environment variables, so that the
// loaders download.
func freshCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(CacheEnv, dir)
	t.Setenv(FashionMNISTEnv, "")
	t.Setenv(CIFAR10Env, "")
	old := fashionDirs
	fashionDirs = []string{filepath.Join(dir, "not-installed")}
	t.Cleanup(func() { fashionDirs = old })
	return dir
}

// entries lists the names in dir (none if it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// recordBars sets ProgressBar, for the test, to one that records what each
// bar was told.
func recordBars(t *testing.T) *bars {
	b := &bars{}
	old := ProgressBar
	t.Cleanup(func() { ProgressBar = old })
	ProgressBar = func(label string, total int) Progress {
		b.mu.Lock()
		defer b.mu.Unlock()
		r := &recBar{label: label, total: total}
		b.all = append(b.all, r)
		return r
	}
	return b
}

type bars struct {
	mu  sync.Mutex
	all []*recBar
}

type recBar struct {
	label        string
	total, last  int
	sets, dones  int
	nonIncreased bool
}

func (r *recBar) Set(done int) {
	if done < r.last {
		r.nonIncreased = true
	}
	r.last = done
	r.sets++
}
func (r *recBar) Done() { r.dones++ }

// Without Fashion-MNIST installed, the loader downloads its four files into
// the cache once, shows a bar for each, and reads them from there after.
func TestFashionMNISTDownload(t *testing.T) {
	cache := freshCache(t)
	files := fashionFiles()
	names := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	pin(t, fashionRemote, names, files)
	m := newMirror(t, files)
	b := recordBars(t)

	train, err := FashionMNIST(Train, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, train, fashionTrainN, 784, 0, Unit)
	test, err := FashionMNIST(Test, &Settings{Scale: Centered})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, test, fashionTestN, 784, 0, Centered)

	dir := filepath.Join(cache, "fashion-mnist")
	got := entries(t, dir)
	slices.Sort(got)
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("cache holds %v, want %v", got, want)
	}
	for _, n := range names {
		if h := m.requests()[n]; h != 1 {
			t.Errorf("%s requested %d times, want once", n, h)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, n)); !bytes.Equal(b, files[n]) {
			t.Errorf("%s in the cache differs from the served file", n)
		}
		if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s in the cache: %v, %v; want mode 0644 (a cache may be shared)", n, fi.Mode(), err)
		}
	}
	if len(b.all) != 4 {
		t.Fatalf("%d progress bars, want one per file", len(b.all))
	}
	for i, r := range b.all {
		n := names[i]
		if !strings.Contains(r.label, n) || r.total != len(files[n]) || r.last != r.total || r.dones != 1 || r.nonIncreased {
			t.Errorf("bar %d: %+v, want label naming %s counting up to %d, done once", i, *r, n, len(files[n]))
		}
	}
	// Offline, the cache is still read.
	t.Setenv(OfflineEnv, "1")
	if d, err := FetchFashionMNIST(context.Background(), nil); err != nil || d != dir {
		t.Errorf("offline with the files in the cache: %q, %v; want %s", d, err, dir)
	}
	if h := m.requests(); len(h) != 4 || h[names[0]] != 1 {
		t.Errorf("requests after the first load: %v, want each file once", h)
	}
}

// Failed downloads: each error names the URL and the file, and nothing of
// the failed file stays in the cache. The failing file is the first one, so
// the cache directory must be empty afterwards.
func TestFashionMNISTDownloadErrors(t *testing.T) {
	first := "train-images-idx3-ubyte.gz"
	for _, c := range []struct {
		name  string
		serve func(w http.ResponseWriter, r *http.Request, body []byte)
		want  string
	}{
		{"404", func(w http.ResponseWriter, r *http.Request, _ []byte) { http.NotFound(w, r) }, "HTTP 404 Not Found"},
		{"500", func(w http.ResponseWriter, r *http.Request, _ []byte) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, "HTTP 500 Internal Server Error"},
		{"corrupt", func(w http.ResponseWriter, r *http.Request, body []byte) {
			bad := slices.Clone(body)
			bad[len(bad)/2] ^= 1
			w.Write(bad)
		}, "the file is corrupt or not the published one"},
		{"another file", func(w http.ResponseWriter, r *http.Request, body []byte) {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)-7))
			w.Write(body[:len(body)-7])
		}, fmt.Sprintf("the server announces %d bytes, want %d", len(fashionFiles()[first])-7, len(fashionFiles()[first]))},
		{"truncated", func(w http.ResponseWriter, r *http.Request, body []byte) {
			// No Content-Length (chunked), and a clean end after half the file.
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
		}, fmt.Sprintf("the download ended after %d of %d bytes", len(fashionFiles()[first])/2, len(fashionFiles()[first]))},
		{"too long", func(w http.ResponseWriter, r *http.Request, body []byte) {
			w.(http.Flusher).Flush()
			w.Write(append(slices.Clone(body), 0))
		}, "more than the"},
		{"connection closed", func(w http.ResponseWriter, r *http.Request, body []byte) {
			// The server announces the whole file, sends half, and hangs up.
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
			buf.Write(body[:len(body)/2])
			buf.Flush()
			conn.Close()
		}, fmt.Sprintf("the download ended after %d of %d bytes", len(fashionFiles()[first])/2, len(fashionFiles()[first]))},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := freshCache(t)
			files := fashionFiles()
			pin(t, fashionRemote, []string{first, "train-labels-idx1-ubyte.gz"}, files)
			m := newMirror(t, files)
			m.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
				if strings.HasSuffix(r.URL.Path, first) {
					c.serve(w, r, body)
					return
				}
				w.Write(body)
			}
			_, err := FashionMNIST(Train, nil)
			var de *DownloadError
			if !errors.As(err, &de) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error %v (%T): want a *DownloadError that is also fs.ErrNotExist", err, err)
			}
			dir := filepath.Join(cache, "fashion-mnist")
			url, file := m.URL+"/data/"+first, filepath.Join(dir, first)
			if de.URL != url || de.File != file {
				t.Errorf("DownloadError for %s → %s, want %s → %s", de.URL, de.File, url, file)
			}
			for _, s := range []string{url, file, c.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if left := entries(t, dir); len(left) > 0 {
				t.Errorf("the failed download left %v in %s", left, dir)
			}
		})
	}
}

// A cancelled download stops at once and removes its partial file; a
// partial file that a killed process left is removed by the next download.
func TestFashionMNISTDownloadCancelled(t *testing.T) {
	cache := freshCache(t)
	files := fashionFiles()
	names := []string{"train-images-idx3-ubyte.gz"}
	pin(t, fashionRemote, names, files)
	m := newMirror(t, files)
	m.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	// The first bytes written to the partial file start the bar.
	started := make(chan struct{})
	old := ProgressBar
	t.Cleanup(func() { ProgressBar = old })
	ProgressBar = func(string, int) Progress { return &startBar{started: started} }
	dir := filepath.Join(cache, "fashion-mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, names[0]+".123456"+partialSuffix)
	if err := os.WriteFile(stale, []byte("left by a killed download"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := FetchFashionMNIST(ctx, nil)
		errc <- err
	}()
	<-started
	// The download is under way: its partial file exists, the stale one is gone.
	var partial []string
	for _, n := range entries(t, dir) {
		if strings.HasSuffix(n, partialSuffix) {
			partial = append(partial, n)
		}
	}
	if len(partial) != 1 || filepath.Join(dir, partial[0]) == stale {
		t.Errorf("during the download the cache holds %v, want one new partial file", partial)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted after") {
			t.Errorf("cancelled download: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the download did not stop within 10 s of its cancellation")
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the cancelled download left %v", left)
	}
}

// Loaders started together download each file once and all succeed: the
// first holds the cache directory's lock, the others wait and then find the
// files.
func TestFashionMNISTDownloadConcurrent(t *testing.T) {
	freshCache(t)
	files := fashionFiles()
	names := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	pin(t, fashionRemote, names, files)
	m := newMirror(t, files)
	m.serve = func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(20 * time.Millisecond) // so that the loaders overlap
		w.Write(body)
	}
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			split := Train
			if i%2 == 1 {
				split = Test
			}
			_, errs[i] = FashionMNIST(split, nil)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("loader %d: %v", i, err)
		}
	}
	for _, name := range names {
		if h := m.requests()[name]; h != 1 {
			t.Errorf("%s requested %d times by %d concurrent loaders, want once", name, h, n)
		}
	}
}

// Where downloads are off, the error says where the loader looked and every
// way to get the data, and nothing is requested.
func TestFashionMNISTOffline(t *testing.T) {
	for _, c := range []struct {
		name string
		env  string // of NOETHER_OFFLINE
		s    *Settings
		want string
	}{
		{"environment", "1", nil, "unset " + OfflineEnv},
		{"settings", "", &Settings{Offline: true}, "clear Settings.Offline"},
		{"test without a mirror", "", nil, "set " + MirrorEnv},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := freshCache(t)
			files := fashionFiles()
			pin(t, fashionRemote, []string{"train-images-idx3-ubyte.gz"}, files)
			m := newMirror(t, files)
			t.Setenv(OfflineEnv, c.env)
			if c.name == "test without a mirror" {
				os.Unsetenv(MirrorEnv) // t.Setenv in newMirror restores it
			}
			_, err := FashionMNIST(Test, c.s)
			if !errors.Is(err, ErrOffline) || !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error %v: want ErrOffline and fs.ErrNotExist", err)
			}
			for _, s := range []string{fashionDirs[0], filepath.Join(cache, "fashion-mnist"), "sudo apt-get install dataset-fashion-mnist", FashionMNISTEnv, c.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if h := m.requests(); len(h) > 0 {
				t.Errorf("requests while offline: %v", h)
			}
			if left := entries(t, filepath.Join(cache, "fashion-mnist")); len(left) > 0 {
				t.Errorf("offline load left %v", left)
			}
		})
	}
}

// Tests never reach the internet: the canonical locations are refused by
// the test client before any DNS lookup, and with no mirror set a test
// binary does not download at all.
func TestDownloadsStayLocal(t *testing.T) {
	freshCache(t)
	t.Setenv(MirrorEnv, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")
	_, err := FetchFashionMNIST(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "tests must not leave the machine") {
		t.Errorf("download from the canonical host in a test: %v, want refused by the test client", err)
	}
	t.Setenv(MirrorEnv, "ftp://example.org/data")
	if _, err := FetchFashionMNIST(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "not an http or https URL") {
		t.Errorf("ftp mirror: %v, want a clear error", err)
	}
}

// The pinned checksums are those of the published files: hex of the right
// length, and the sizes that Debian's recompressed copies confirm (each of
// its files lacks the original name in the gzip header, the name's length
// plus a NUL byte).
func TestPinnedFiles(t *testing.T) {
	for _, r := range []*remote{fashionRemote, cifarRemote} {
		for _, f := range r.files {
			if len(f.SHA256) != 64 || len(f.MD5) != 32 || !strings.HasSuffix(f.URL, "/"+f.Name) || f.Size <= 0 {
				t.Errorf("%s: %+v", r.title, f)
			}
		}
	}
	for _, f := range fashionRemote.files {
		fi, err := os.Stat(filepath.Join(FashionMNISTDir, f.Name))
		if err != nil {
			t.Skipf("Debian's Fashion-MNIST not installed: %v", err)
		}
		stem := strings.TrimSuffix(f.Name, ".gz")
		if want := fi.Size() + int64(len(stem)) + 1; f.Size != want {
			t.Errorf("%s: pinned size %d, want Debian's %d + %d = %d", f.Name, f.Size, fi.Size(), len(stem)+1, want)
		}
	}
}

// Without $NOETHER_CIFAR10, CIFAR-10's archive is downloaded, checked,
// extracted to cifar-10-batches-bin and removed.
func TestCIFAR10Download(t *testing.T) {
	cache := freshCache(t)
	files := map[string][]byte{cifarArchive: cifarTar(cifarFiles()...)}
	pin(t, cifarRemote, []string{cifarArchive}, files)
	m := newMirror(t, files)
	train, err := CIFAR10(Train, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, train, 5*cifarPerBatch, 3072, 0, Unit)
	test, err := CIFAR10(Test, &Settings{Scale: Symmetric})
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, test, cifarTestN, 3072, 100, Symmetric)
	dir := filepath.Join(cache, "cifar-10")
	if got := entries(t, dir); !slices.Equal(got, []string{cifarDir}) {
		t.Errorf("cache holds %v, want only %s", got, cifarDir)
	}
	if got := entries(t, filepath.Join(dir, cifarDir)); !slices.Equal(got, cifarBatches) {
		t.Errorf("%s holds %v, want %v", cifarDir, got, cifarBatches)
	}
	if fi, err := os.Stat(filepath.Join(dir, cifarDir)); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("%s: %v, %v; want mode 0755 (a cache may be shared)", cifarDir, fi.Mode(), err)
	}
	if h := m.requests()[cifarArchive]; h != 1 {
		t.Errorf("archive requested %d times, want once", h)
	}
}

// An archive that passes its checksums but does not hold the six batch
// files as they must be gives an error naming it, and leaves nothing.
func TestCIFAR10BadArchive(t *testing.T) {
	good := cifarFiles()
	cases := []struct {
		name    string
		archive []byte
		want    string
	}{
		{"missing member", cifarTar(good[:5]...), "the archive ends without [cifar-10-batches-bin/test_batch.bin]"},
		{"partial record", cifarTar(append(slices.Clone(good[:5]), [2]any{"test_batch.bin", make([]byte, cifarRecord+5)})...),
			"test_batch.bin has 3078 bytes, want a positive multiple of 3073"},
		{"not gzip", []byte("<html>moved</html>"), "bad gzip header"},
		{"truncated tar", func() []byte {
			t := plainTar(good)
			return gz(t[:len(t)/2])
		}(), "cifar-10-binary.tar.gz: offset"},
	}
	if !testing.Short() {
		// A member the loader skips, of more zeros than the real archive
		// holds in all: decompression stops at the bound.
		cases = append(cases, struct {
			name    string
			archive []byte
			want    string
		}{"bomb", gzFast(plainTar(append([][2]any{{"zeros.bin", make([]byte, cifarTarMax)}}, good...))),
			"not the CIFAR-10 archive"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cache := freshCache(t)
			files := map[string][]byte{cifarArchive: c.archive}
			pin(t, cifarRemote, []string{cifarArchive}, files)
			newMirror(t, files)
			_, err := CIFAR10(Test, nil)
			if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), cifarArchive) {
				t.Errorf("error %v: want fs.ErrNotExist naming %s and saying %q", err, cifarArchive, c.want)
			}
			if left := entries(t, filepath.Join(cache, "cifar-10")); len(left) > 0 {
				t.Errorf("the bad archive left %v", left)
			}
		})
	}
}

// The terminal bar redraws in place at most every termEvery and ends its
// line when done.
func TestTermBar(t *testing.T) {
	clock := time.Unix(0, 0)
	old := termNow
	termNow = func() time.Time { return clock }
	t.Cleanup(func() { termNow = old })
	var w bytes.Buffer
	b := newTermBar(&w, "Fashion-MNIST t10k-labels-idx1-ubyte.gz", 4_000_000)
	b.Set(1_000_000) // first: drawn
	clock = clock.Add(50 * time.Millisecond)
	b.Set(1_500_000) // too soon: not drawn
	clock = clock.Add(time.Second - 50*time.Millisecond)
	b.Set(1_800_000)
	clock = clock.Add(time.Second)
	b.Set(4_000_000)
	b.Done()
	lines := strings.Split(w.String(), "\r")[1:]
	if len(lines) != 4 {
		t.Fatalf("%d redraws, want 4: %q", len(lines), w.String())
	}
	for i, want := range []string{
		"[######..................]  25%  1.0/4.0 MB",
		"[##########..............]  45%  1.8/4.0 MB  1.8 MB/s",
		"[########################] 100%  4.0/4.0 MB  2.0 MB/s",
		"[########################] 100%  4.0/4.0 MB  2.0 MB/s",
	} {
		if !strings.HasPrefix(lines[i], "Fashion-MNIST t10k-labels-idx1-ubyte.gz "+want) {
			t.Errorf("redraw %d: %q, want %q", i, lines[i], want)
		}
	}
	if !strings.HasSuffix(w.String(), "\n") || strings.Count(w.String(), "\n") != 1 {
		t.Errorf("the bar does not end with exactly one newline: %q", w.String())
	}
}

// startBar closes started when the first bytes arrive.
type startBar struct {
	started chan struct{}
	once    sync.Once
}

func (b *startBar) Set(int) { b.once.Do(func() { close(b.started) }) }
func (b *startBar) Done()   {}

// A file of the wrong size in the cache (damaged after its download) is
// downloaded again and replaced; the others are kept.
func TestFashionMNISTDownloadRepairs(t *testing.T) {
	cache := freshCache(t)
	files := fashionFiles()
	names := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}
	pin(t, fashionRemote, names, files)
	m := newMirror(t, files)
	dir := filepath.Join(cache, "fashion-mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, b := range map[string][]byte{names[0]: files[names[0]][:100], names[1]: files[names[1]]} {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := FashionMNIST(Train, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkFixtureSet(t, s, fashionTrainN, 784, 0, Unit)
	if h := m.requests(); h[names[0]] != 1 || h[names[1]] != 0 {
		t.Errorf("requests %v, want only the damaged %s, once", h, names[0])
	}
}

// A loader waiting for another one's download gives up when its context
// ends, saying so.
func TestFashionMNISTDownloadLockWait(t *testing.T) {
	if !canLock {
		t.Skip("no directory locks on this system")
	}
	cache := freshCache(t)
	files := fashionFiles()
	pin(t, fashionRemote, []string{"train-labels-idx1-ubyte.gz"}, files)
	newMirror(t, files)
	dir := filepath.Join(cache, "fashion-mnist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = FetchFashionMNIST(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for another download into "+dir) {
		t.Errorf("error %v: want the deadline, while waiting for the lock on %s", err, dir)
	}
}

// Downloading and checking a 16 MB file from a local server: the cost of
// hashing (SHA-256 and MD5), writing and syncing, without the network.
func BenchmarkDownload(b *testing.B) {
	const size = 16 << 20
	body := make([]byte, size)
	for i := range body {
		body[i] = byte(i * 7)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.Write(body)
	}))
	defer srv.Close()
	s, m := sha256.Sum256(body), md5.Sum(body)
	r := &remote{title: "bench", files: []remoteFile{{Name: "big.bin", Size: size, SHA256: hex.EncodeToString(s[:]), MD5: hex.EncodeToString(m[:])}}}
	b.SetBytes(size)
	for b.Loop() {
		dir := b.TempDir()
		if err := fetchFile(context.Background(), r, r.files[0], srv.URL+"/", dir); err != nil {
			b.Fatal(err)
		}
	}
}

// Without a cache directory a data set that is not installed is still
// reported missing (fs.ErrNotExist, so that callers fall back), saying why.
func TestNoCacheDir(t *testing.T) {
	freshCache(t)
	t.Setenv(CacheEnv, "")
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	if _, err := os.UserCacheDir(); err == nil {
		t.Skip("this system has a cache directory without $HOME")
	}
	for name, f := range map[string]func(Split, *Settings) (*Set, error){"Fashion-MNIST": FashionMNIST, "CIFAR-10": CIFAR10} {
		_, err := f(Test, nil)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "set "+CacheEnv) {
			t.Errorf("%s without a cache directory: %v, want fs.ErrNotExist saying to set %s", name, err, CacheEnv)
		}
	}
}

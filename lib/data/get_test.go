package data

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"net/http"
	"net/http/httptest"
)

// useGoRun makes the test download through goRunGet, the child process of
// downloads outside tests, instead of the in-process client of TestMain.
// It needs the go command, as goRunGet does. The tests that use it give it
// only URLs of httptest servers, so they stay on this machine.
func useGoRun(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	old := get
	t.Cleanup(func() { get = old })
	get = goRunGet
}

// smallRemote is a remote of one file with contents body, checksums pinned.
func smallRemote(body []byte) *remote {
	s, m := sha256.Sum256(body), md5.Sum(body)
	return &remote{title: "small", dir: "small", files: []remoteFile{{
		Name: "small.bin", Size: int64(len(body)),
		SHA256: hex.EncodeToString(s[:]), MD5: hex.EncodeToString(m[:]),
	}}}
}

// The child process fetches a file with the right bytes, sending the
// project's User-Agent; a 404 is a DownloadError naming the URL and the
// status; nothing but the file is left in the cache.
func TestGoRunGet(t *testing.T) {
	useGoRun(t)
	body := bytes.Repeat([]byte("noether\x00\xff"), 10000) // 90 kB, several pipe buffers
	var agent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/small.bin" {
			http.NotFound(w, r)
			return
		}
		agent = r.Header.Get("User-Agent")
		w.Write(body)
	}))
	defer srv.Close()
	r := smallRemote(body)
	dir := t.TempDir()
	if err := fetchFile(context.Background(), r, r.files[0], srv.URL+"/", dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "small.bin"))
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("fetched %d bytes (%v), want the %d served", len(got), err, len(body))
	}
	if want := "noether (github.com/noetherlab/noether)"; agent != want {
		t.Errorf("User-Agent %q, want %q", agent, want)
	}
	if left := entries(t, dir); len(left) != 1 {
		t.Errorf("the cache holds %v, want the file alone", left)
	}

	dir = t.TempDir()
	err = fetchFile(context.Background(), r, r.files[0], srv.URL+"/missing/", dir)
	var de *DownloadError
	url := srv.URL + "/missing/small.bin"
	if !errors.As(err, &de) || de.URL != url || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "HTTP 404 Not Found") {
		t.Errorf("error %v, want a *DownloadError naming %s and HTTP 404 Not Found", err, url)
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the failed download left %v", left)
	}
}

// A download broken off by the server after the bytes it announced is an
// error that says so (io.ErrUnexpectedEOF, as from an HTTP client in
// process), not a short file.
func TestGoRunGetBrokenOff(t *testing.T) {
	useGoRun(t)
	body := bytes.Repeat([]byte{7}, 100000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
	}))
	defer srv.Close()
	r := smallRemote(body)
	dir := t.TempDir()
	err := fetchFile(context.Background(), r, r.files[0], srv.URL+"/", dir)
	want := "the download ended after 50000 of 100000 bytes"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the failed download left %v", left)
	}
}

// Cancelling a download through the child process stops it at once: the
// error says how far it got, the partial file is removed, and the child has
// let go of the connection (the server's handler sees it close).
func TestGoRunGetCancelled(t *testing.T) {
	useGoRun(t)
	body := bytes.Repeat([]byte{1, 2, 3}, 100000)
	closed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		close(closed)
	}))
	defer srv.Close()
	started := make(chan struct{})
	old := ProgressBar
	t.Cleanup(func() { ProgressBar = old })
	ProgressBar = func(string, int) Progress { return &startBar{started: started} }
	r := smallRemote(body)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- fetchFile(ctx, r, r.files[0], srv.URL+"/", dir) }()
	select {
	case <-started:
	case err := <-errc:
		t.Fatalf("the download ended before its cancellation: %v", err)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted after") {
			t.Errorf("cancelled download: %v, want context.Canceled, interrupted after some bytes", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the download did not stop within 10 s of its cancellation")
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the cancelled download left %v", left)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the child process still holds the connection 10 s after the cancellation")
	}
}

// A workspace in the environment (GOWORK) that does not hold this module,
// as a program of another module run in its own workspace has, does not
// stop a download: go run builds httpget in this module alone.
func TestGoRunGetForeignWorkspace(t *testing.T) {
	useGoRun(t)
	if moduleRoot() == "" {
		t.Skip("not compiled from the module's source")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.work":      "go 1.22\n\nuse ./other\n",
		"other/go.mod": "module example.com/other\n\ngo 1.22\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("GOWORK", filepath.Join(dir, "go.work"))
	body := []byte("noether in a foreign workspace\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	r := smallRemote(body)
	cache := t.TempDir()
	if err := fetchFile(context.Background(), r, r.files[0], srv.URL+"/", cache); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(cache, "small.bin")); err != nil || !bytes.Equal(got, body) {
		t.Errorf("fetched %q (%v), want %q", got, err, body)
	}
}

// Without a go command, or with one that fails before the download begins,
// the error says so and how to get the data otherwise.
func TestGoRunGetNoGo(t *testing.T) {
	useGoRun(t)
	const url = "http://127.0.0.1:9/never"
	for _, c := range []struct {
		name, env, val, want string
	}{
		{"no go command", "PATH", t.TempDir(), "there is no go command on PATH"},
		{"go run fails", "GOFLAGS", "-nosuchflag", "failed before the download began (go: parsing $GOFLAGS: unknown flag -nosuchflag)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(c.env, c.val)
			_, _, err := goRunGet(context.Background(), url)
			for _, s := range []string{c.want, "go run ./install -data", "go run " + httpget} {
				if err == nil || !strings.Contains(err.Error(), s) {
					t.Errorf("error %v does not say %q", err, s)
				}
			}
		})
	}
}

// Outside a test binary, programs of this module link no HTTP client: every
// notebook cell is a program built and linked anew, and net/http with
// crypto/tls take about a fifth of the time to build a cell (1.3 s → 1.05 s).
// Downloads run in the program httpget (see goRunGet), the only package of
// lib that may import them.
func TestNoHTTPClientLinked(t *testing.T) {
	if testing.Short() {
		t.Skip("go list of the whole library")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	lib := "github.com/noetherlab/noether/lib/"
	out, err := exec.Command(goCmd, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, lib+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	n := 0
	for l := range strings.Lines(string(out)) {
		f := strings.Fields(l)
		if len(f) == 0 || f[0] == httpget {
			continue
		}
		n++
		for _, d := range f[1:] {
			if d == "net/http" || d == "crypto/tls" {
				t.Errorf("%s imports %s", f[0], d)
			}
		}
	}
	if n < 10 {
		t.Errorf("go list gave %d packages of %s...:\n%s", n, lib, out)
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// The output is one header line, then the body: the length the server
// announced (−1 for a chunked body), or the error instead of a body.
func TestGet(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789\n"), 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != userAgent {
			http.Error(w, "no User-Agent", http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/file":
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
		case "/chunked":
			w.Write(body[:100])
			w.(http.Flusher).Flush()
			w.Write(body[100:])
		case "/broken":
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
			buf.Write(body[:500])
			buf.Flush()
			conn.Close()
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, c := range []struct {
		path, out, err string
	}{
		{"/file", "noether-httpget ok 11000\n" + string(body), ""},
		{"/chunked", "noether-httpget ok -1\n" + string(body), ""},
		{"/broken", "noether-httpget ok 11000\n" + string(body[:500]), "unexpected EOF"},
		{"/missing", "noether-httpget error HTTP 404 Not Found\n", "HTTP 404 Not Found"},
	} {
		var out bytes.Buffer
		err := get(context.Background(), client(), srv.URL+c.path, &out)
		if out.String() != c.out {
			got := out.String()
			t.Errorf("%s: output %q (%d bytes), want %.60q… (%d bytes)", c.path, got[:min(len(got), 60)], len(got), c.out, len(c.out))
		}
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.path, err, c.err)
		}
	}
}

// An error message of several lines still takes one header line.
func TestGetErrorOneLine(t *testing.T) {
	var out bytes.Buffer
	err := get(context.Background(), client(), "http://127.0.0.1:1/\n", &out)
	if err == nil || !strings.HasPrefix(out.String(), "noether-httpget error ") || strings.Count(out.String(), "\n") != 1 || !strings.HasSuffix(out.String(), "\n") {
		t.Errorf("output %q, error %v: want one error line", out.String(), err)
	}
}

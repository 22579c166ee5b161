// Command httpget fetches one URL for package data, which runs it as
//
//	go run github.com/noetherlab/noether/lib/data/internal/httpget [-stdin] URL
//
// so that programs importing package data (every notebook cell) do not link
// an HTTP client; they link noticeably faster without one.
//
// It writes one header line to standard output, then the body:
//
//	noether-httpget ok LENGTH\n   the server answered 200 OK; LENGTH is its
//	                              Content-Length in bytes, or -1 if unknown,
//	                              and the body follows
//	noether-httpget error MSG\n   nothing was fetched: MSG says why (for
//	                              instance "HTTP 404 Not Found")
//
// and exits with status 0 once the whole body is written. An error is also
// reported on standard error, with exit status 1; after the header line
// (the connection breaks, say) it ends the output where it is. Nothing but this
// program writes to standard output under go run, so output that does not
// start with a header line means that the program did not run.
//
// With -stdin it exits as soon as its standard input ends, which is how the
// process that reads its output tells it to stop: that process closes the
// pipe, or exits, and the download stops with it, even though go run does
// not pass signals on.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// userAgent names the project to the servers of the data sets.
const userAgent = "noether (github.com/noetherlab/noether)"

// header starts the first line of the output.
const header = "noether-httpget "

func main() {
	watch := flag.Bool("stdin", false, "exit as soon as standard input ends")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: httpget [-stdin] URL")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if *watch {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			os.Exit(1) // the reader of the output is gone
		}()
	}
	err := get(ctx, client(), flag.Arg(0), os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpget:", err)
		os.Exit(1)
	}
}

// client returns the HTTP client of the downloads: the default transport
// (which honours $HTTPS_PROXY and the like) with a one-minute limit on the
// wait for a response's header.
func client() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	return &http.Client{Transport: t}
}

// get fetches url with c and writes the header line and the body to out.
// It returns an error if the download failed, after an error line if it
// failed before the body began.
func get(ctx context.Context, c *http.Client, url string, out io.Writer) error {
	fail := func(err error) error {
		// One line, whatever the error says.
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		if _, werr := io.WriteString(out, header+"error "+msg+"\n"); werr != nil {
			return werr
		}
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fail(err)
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(errors.New("HTTP " + resp.Status))
	}
	if _, err := io.WriteString(out, header+"ok "+strconv.FormatInt(resp.ContentLength, 10)+"\n"); err != nil {
		return err
	}
	_, err = io.Copy(out, resp.Body)
	return err
}

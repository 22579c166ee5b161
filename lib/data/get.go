package data

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// get fetches url: it returns the body, its length in bytes (−1 if the
// server does not say) and an error if the request failed or the status was
// not 200 OK ("HTTP 404 Not Found"). Closing the body stops the transfer.
// The body's Read returns an error, not io.EOF, if the transfer broke off,
// and io.ErrUnexpectedEOF among its causes if it ended before the length.
//
// It is goRunGet, so that the package links no HTTP client: the programs
// that import it, notebook cells first, link faster without one. Tests
// replace it with a client that reaches only the machine's own servers.
var get = goRunGet

// httpget is the import path of the program that performs the downloads.
const httpget = "github.com/noetherlab/noether/lib/data/internal/httpget"

// otherwise says how else to get a data set when the go command cannot
// download it.
const otherwise = "or download the data where the go command works " +
	"(`go run ./install -data` in the noether repository fetches Fashion-MNIST into the cache)"

// goRunGet is get by a child process: go run of the program httpget, in
// this module's root directory if the package's source is there (as it is
// in notebooks and tests; with GOWORK=off), else in the current directory
// (that of a program in a module that requires this one). It reads the
// program's first output line, the status of the request, then passes the
// body on. Cancelling ctx kills go run and closes the program's standard
// input, on which the program exits.
func goRunGet(ctx context.Context, url string) (io.ReadCloser, int64, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, 0, fmt.Errorf("downloads run `go run %s`, and there is no go command on PATH: put it there, %s", httpget, otherwise)
	}
	args, where := []string{"run"}, "in the current directory"
	root := moduleRoot()
	if root != "" {
		args, where = append(args, "-C", root), "in "+root
	}
	args = append(args, httpget, "-stdin", url)
	cmd := exec.CommandContext(ctx, goCmd, args...)
	if root != "" {
		// This module alone: a workspace named by $GOWORK, the program's
		// own, need not hold it, and httpget needs nothing else.
		cmd.Env = append(os.Environ(), "GOWORK=off")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	stderr := new(tailBuffer)
	cmd.Stderr = stderr
	cmd.Cancel = func() error {
		stdin.Close()
		return cmd.Process.Kill()
	}
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("downloads run `go run %s`, and %s does not start (%v): mend it, %s", httpget, goCmd, err, otherwise)
	}
	b := &childBody{cmd: cmd, stdin: stdin, stderr: stderr, r: bufio.NewReaderSize(stdout, 64<<10), ctx: ctx}
	line, err := b.r.ReadString('\n')
	status, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "noether-httpget ")
	if err != nil || !ok {
		b.Close()
		if ctx.Err() != nil {
			return nil, 0, context.Cause(ctx)
		}
		return nil, 0, fmt.Errorf("downloads run `go run %s` %s, which failed before the download began (%s): mend that, %s",
			httpget, where, stderr.message(cmd.ProcessState), otherwise)
	}
	if msg, ok := strings.CutPrefix(status, "error "); ok {
		b.Close()
		return nil, 0, errors.New(msg)
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(status, "ok "), 10, 64)
	if !strings.HasPrefix(status, "ok ") || err != nil || n < -1 {
		b.Close()
		return nil, 0, fmt.Errorf("`go run %s` %s answered %q, not a status line", httpget, where, line)
	}
	b.length = n
	return b, n, nil
}

// A childBody is the body of a download that the child process cmd writes
// to its standard output.
type childBody struct {
	cmd    *exec.Cmd
	stdin  io.Closer
	stderr *tailBuffer
	r      *bufio.Reader
	ctx    context.Context
	length int64 // announced, or −1
	n      int64 // bytes read
	err    error // once the output has ended
	waited bool
}

func (b *childBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	k, err := b.r.Read(p)
	b.n += int64(k)
	if err == io.EOF {
		err = b.wait()
	}
	if err != nil {
		b.err = err
	}
	return k, err
}

// wait waits for the child at the end of its output and returns io.EOF if
// it succeeded, else an error saying what it reported.
func (b *childBody) wait() error {
	err := b.cmd.Wait()
	b.waited = true
	switch {
	case err == nil:
		return io.EOF
	case b.ctx.Err() != nil:
		return context.Cause(b.ctx)
	case b.length >= 0 && b.n < b.length:
		return fmt.Errorf("%s: %w", b.stderr.message(b.cmd.ProcessState), io.ErrUnexpectedEOF)
	}
	return errors.New(b.stderr.message(b.cmd.ProcessState))
}

// Close stops the child if it is still running and waits for it.
func (b *childBody) Close() error {
	b.stdin.Close()
	if !b.waited {
		b.cmd.Process.Kill()
		b.cmd.Wait()
		b.waited = true
	}
	return nil
}

// moduleRoot returns the root directory of this module's source if this
// package was compiled from it in place (go test, go run, a notebook cell;
// not go build -trimpath), else "".
var moduleRoot = sync.OnceValue(func() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if fi, err := os.Stat(filepath.Join(root, "go.mod")); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return root
})

// A tailBuffer keeps the last bytes written to it: the end of a child's
// standard error.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

const tailMax = 4 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > tailMax {
		t.b = append(t.b[:0], t.b[len(t.b)-tailMax:]...)
	}
	return len(p), nil
}

// message returns what the child wrote to standard error, on one line:
// the error line of httpget if there is one, else every line (those of go
// run), else the exit status.
func (t *tailBuffer) message(state *os.ProcessState) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var lines []string
	for l := range strings.Lines(string(t.b)) {
		l = strings.TrimSpace(l)
		if msg, ok := strings.CutPrefix(l, "httpget: "); ok {
			return msg
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 && state != nil {
		return state.String()
	}
	if len(lines) == 0 {
		return "no message"
	}
	return strings.Join(lines, "; ")
}

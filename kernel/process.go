package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kernel is a kernel process started by this program, with a connected Client.
// Close it on every path: it shuts the kernel down, kills what is left of its
// process group and removes its temporary directory (which holds the
// connection file and, through TMPDIR, everything the kernel itself writes).
type Kernel struct {
	*Client
	Info *KernelInfo

	cmd     *exec.Cmd
	dir     string // private temporary directory
	log     *tailBuffer
	dead    chan struct{}
	waitErr error

	closeOnce sync.Once
	closeErr  error
}

// StartSettings configures Start. The zero value of each field is usable.
type StartSettings struct {
	// Env is the kernel's environment; nil means this process's environment.
	// TMPDIR is always replaced by the kernel's private temporary directory.
	Env []string
	// Dir is the kernel's working directory (GoNB runs cells there); "" means
	// the current directory.
	Dir string
	// ReadyTimeout bounds the wait for the kernel's first answer (default 60 s).
	ReadyTimeout time.Duration
	// LogLines is how many lines of the kernel's own output to keep for error
	// reports (default 200).
	LogLines int
}

// Start launches the kernel whose argv is given (as in a kernelspec, with the
// literal "{connection_file}" replaced by a fresh connection file), connects a
// Client to it and waits until it answers.
func Start(ctx context.Context, argv []string, s StartSettings) (*Kernel, error) {
	if len(argv) == 0 {
		return nil, errors.New("kernel: Start: empty argv")
	}
	if s.ReadyTimeout == 0 {
		s.ReadyTimeout = 60 * time.Second
	}
	if s.LogLines == 0 {
		s.LogLines = 200
	}
	if err := supported(); err != nil {
		return nil, err
	}
	sweepStale()
	dir, err := os.MkdirTemp("", kernelDirPrefix)
	if err != nil {
		return nil, fmt.Errorf("kernel: creating temporary directory: %w", err)
	}
	k := &Kernel{dir: dir, log: newTailBuffer(s.LogLines), dead: make(chan struct{})}
	conn, err := NewConnectionInfo()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	connFile := filepath.Join(dir, "connection.json")
	if err := conn.WriteFile(connFile); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	args := make([]string, len(argv))
	for i, a := range argv {
		args[i] = strings.ReplaceAll(a, "{connection_file}", connFile)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("kernel: %w", err)
	}
	env := s.Env
	if env == nil {
		env = os.Environ()
	}
	env = setEnv(env, "TMPDIR", tmp)
	// Marks the kernel and every cell program as this run's, for sweepStale.
	env = setEnv(env, kernelDirEnv, dir)

	k.cmd = exec.Command(args[0], args[1:]...)
	k.cmd.Env = env
	k.cmd.Dir = s.Dir
	k.cmd.Stdout = k.log
	k.cmd.Stderr = k.log
	k.cmd.SysProcAttr = processAttr()
	// A cell program orphaned by a dead kernel may hold the kernel's output
	// pipe open: bound Wait's wait for it, or the death would go unseen.
	k.cmd.WaitDelay = 2 * time.Second
	if err := k.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("kernel: starting %s: %w", args[0], err)
	}
	// The process group, recorded for sweepStale should this process be
	// killed before Close can run.
	os.WriteFile(filepath.Join(dir, pidFile), []byte(strconv.Itoa(k.cmd.Process.Pid)), 0o600)
	go func() {
		k.waitErr = k.cmd.Wait()
		close(k.dead)
	}()

	k.Client, err = Dial(conn, ClientSettings{Dead: k.dead, DeadErr: k.deathError, ConnectTimeout: s.ReadyTimeout})
	if err != nil {
		if !errors.Is(err, ErrKernelDied) { // a death error carries the log already
			err = fmt.Errorf("%w%s", err, k.logSuffix())
		}
		k.Close()
		return nil, fmt.Errorf("kernel: starting %s: %w", filepath.Base(args[0]), err)
	}
	readyCtx, cancel := context.WithTimeout(ctx, s.ReadyTimeout)
	defer cancel()
	k.Info, err = k.WaitReady(readyCtx)
	if err != nil {
		suffix := k.logSuffix()
		if errors.Is(err, ErrKernelDied) {
			suffix = ""
		} else if n := k.BadSignatures(); n > 0 {
			suffix = fmt.Sprintf(" (%d messages with a bad signature were dropped: does the kernel use the connection file's key?)%s", n, suffix)
		}
		err = fmt.Errorf("kernel: %s did not become ready: %w%s", filepath.Base(args[0]), err, suffix)
		k.Close()
		return nil, err
	}
	return k, nil
}

func setEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// Dead returns a channel closed when the kernel process has exited.
func (k *Kernel) Dead() <-chan struct{} { return k.dead }

// Pid returns the kernel's process id (also its process group id).
func (k *Kernel) Pid() int { return k.cmd.Process.Pid }

// Log returns the last lines the kernel process wrote to stdout and stderr.
func (k *Kernel) Log() string { return k.log.String() }

func (k *Kernel) deathError() error {
	<-k.dead
	status := "exited"
	if k.waitErr != nil {
		status = k.waitErr.Error()
	}
	why := ""
	if strings.Contains(k.log.String(), gonbBadSignature) {
		why = ": GoNB stops at the first message whose signature does not verify, and one reached it: " +
			"another process on this machine wrote to the kernel's ports, which every local user can reach " +
			"(what it sent did not run; see Security in README.md)"
	}
	return fmt.Errorf("%w (%s)%s%s", ErrKernelDied, status, why, k.logSuffix())
}

// gonbBadSignature is what GoNB v0.11.4 logs when it stops on a message
// whose HMAC does not verify.
const gonbBadSignature = "message had an invalid signature"

func (k *Kernel) logSuffix() string {
	tail := strings.TrimSpace(k.log.String())
	if tail == "" {
		return ""
	}
	return "\nlast lines of the kernel's log:\n" + tail
}

// Close shuts the kernel down: a shutdown_request (if it is still alive), then
// SIGTERM and finally SIGKILL to its whole process group (the cell programs
// GoNB runs are in it), then removes the private temporary directory. It is
// safe to call more than once and from a signal handler's goroutine.
func (k *Kernel) Close() error {
	k.closeOnce.Do(func() {
		if k.Client != nil {
			select {
			case <-k.dead:
			default:
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				k.Client.Shutdown(ctx, 3*time.Second)
				cancel()
			}
		}
		k.stopGroup()
		if k.Client != nil {
			k.Client.Close()
		}
		k.closeErr = os.RemoveAll(k.dir)
	})
	return k.closeErr
}

const (
	kernelDirPrefix = "noether-kernel-"
	pidFile         = "kernel.pid"
	// kernelDirEnv holds the kernel's private directory in the environment
	// of the kernel and its cell programs: what proves to sweepStale that a
	// process is one of ours.
	kernelDirEnv = "NOETHER_KERNEL_DIR"
)

// tailBuffer keeps the last n lines written to it.
type tailBuffer struct {
	mu    sync.Mutex
	n     int
	lines []string
	part  string
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.part + string(p)
	parts := strings.Split(s, "\n")
	t.part = parts[len(parts)-1]
	t.lines = append(t.lines, parts[:len(parts)-1]...)
	if over := len(t.lines) - t.n; over > 0 {
		t.lines = append(t.lines[:0], t.lines[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.Join(t.lines, "\n")
	if t.part != "" {
		if s != "" {
			s += "\n"
		}
		s += t.part
	}
	return s
}

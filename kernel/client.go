package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Client speaks the Jupyter messaging protocol to one kernel. Requests are
// serialised: one Execute at a time, as a notebook runs its cells in order.
type Client struct {
	conn    *ConnectionInfo
	signer  *Signer
	session string

	ctx    context.Context
	cancel context.CancelFunc

	shell, control, stdin, iopub, hb zmq4.Socket
	shellBox, controlBox, iopubBox   *mailbox

	reqMu   sync.Mutex // one request/reply exchange at a time on shell
	sendMu  sync.Mutex // zmq4 sockets are not safe for concurrent Send
	dead    <-chan struct{}
	deadErr func() error

	badSignatures atomic.Int64
	closeOnce     sync.Once
}

// ClientSettings configures Dial. The zero value is usable.
type ClientSettings struct {
	// Dead, if non-nil, is closed when the kernel is known to have died (for a
	// kernel this process launched, when the process exits). Every wait ends
	// at once when it is closed, with the error DeadErr returns.
	Dead    <-chan struct{}
	DeadErr func() error

	// ConnectTimeout bounds the wait for the kernel's sockets to accept
	// connections (default 30 s; a kernel binds them a moment after it
	// starts). A closed Dead channel ends the wait at once.
	ConnectTimeout time.Duration

	// Heartbeat, if positive, pings the kernel's heartbeat socket at this
	// interval and treats a kernel that misses three pongs in a row as dead.
	// Use it for kernels this process did not launch; zero disables it.
	Heartbeat time.Duration
}

// ErrKernelDied is wrapped by the errors returned when the kernel dies.
var ErrKernelDied = errors.New("kernel died")

// Dial connects to the kernel described by conn: DEALER sockets for shell,
// control and stdin (sharing one identity, as the protocol requires for
// stdin), SUB for iopub (subscribed to everything), REQ for heartbeat.
// It does not wait for the kernel to answer: see WaitReady.
func Dial(conn *ConnectionInfo, s ClientSettings) (*Client, error) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		conn:       conn,
		signer:     NewSigner(conn.Key),
		session:    newID(),
		ctx:        ctx,
		cancel:     cancel,
		shellBox:   newMailbox(),
		controlBox: newMailbox(),
		iopubBox:   newMailbox(),
		dead:       s.Dead,
		deadErr:    s.DeadErr,
	}
	// One identity for shell, control and stdin, as jupyter_client does:
	// GoNB sends every reply, control replies included, through its shell
	// socket to the requester's identity, and a ROUTER drops messages for
	// identities it does not know.
	id := zmq4.WithID(zmq4.SocketIdentity(c.session))
	retry := zmq4.WithDialerRetry(50 * time.Millisecond)
	c.shell = zmq4.NewDealer(ctx, id, retry)
	c.control = zmq4.NewDealer(ctx, id, retry)
	c.stdin = zmq4.NewDealer(ctx, id, retry)
	c.iopub = zmq4.NewSub(ctx, retry)
	c.hb = zmq4.NewReq(ctx, retry)
	dials := []struct {
		s    zmq4.Socket
		port int
		name string
	}{
		{c.shell, conn.ShellPort, "shell"},
		{c.control, conn.ControlPort, "control"},
		{c.stdin, conn.StdinPort, "stdin"},
		{c.iopub, conn.IOPubPort, "iopub"},
		{c.hb, conn.HBPort, "heartbeat"},
	}
	if s.ConnectTimeout == 0 {
		s.ConnectTimeout = 30 * time.Second
	}
	deadline := time.Now().Add(s.ConnectTimeout)
	for _, d := range dials {
		if err := c.dialUntil(d.s, conn.Endpoint(d.port), deadline); err != nil {
			c.Close()
			return nil, fmt.Errorf("kernel: connecting %s socket: %w", d.name, err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, fmt.Errorf("kernel: subscribing to iopub: %w", err)
	}
	go c.read(c.shell, c.shellBox)
	go c.read(c.control, c.controlBox)
	go c.read(c.iopub, c.iopubBox)
	go c.serveStdin()
	if s.Heartbeat > 0 {
		hbDead := make(chan struct{})
		c.dead = mergeDone(c.ctx, c.dead, hbDead)
		prev := c.deadErr
		var missed atomic.Bool
		c.deadErr = func() error {
			if missed.Load() {
				return fmt.Errorf("%w: no heartbeat for %v", ErrKernelDied, 3*s.Heartbeat)
			}
			if prev != nil {
				return prev()
			}
			return ErrKernelDied
		}
		go c.heartbeat(s.Heartbeat, func() { missed.Store(true); close(hbDead) })
	}
	return c, nil
}

// dialUntil dials ep until it connects, the deadline passes or the kernel
// dies. (One zmq4 Dial retries for only about half a second.)
func (c *Client) dialUntil(s zmq4.Socket, ep string, deadline time.Time) error {
	for {
		err := s.Dial(ep)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-c.dead:
			return c.died()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// mergeDone returns a channel closed when a or b is; its goroutine ends with
// ctx (the client's lifetime) if neither ever is.
func mergeDone(ctx context.Context, a, b <-chan struct{}) <-chan struct{} {
	if a == nil {
		return b
	}
	out := make(chan struct{})
	go func() {
		select {
		case <-a:
		case <-b:
		case <-ctx.Done():
			return
		}
		close(out)
	}()
	return out
}

// read decodes every message arriving on s into box; messages whose signature
// does not verify are counted and dropped.
func (c *Client) read(s zmq4.Socket, box *mailbox) {
	for {
		raw, err := s.Recv()
		if err != nil {
			box.fail(err)
			return
		}
		m, err := c.signer.Decode(raw.Frames)
		if err != nil {
			c.badSignatures.Add(1)
			continue
		}
		box.put(m)
	}
}

// serveStdin answers input requests. Notebooks run headless cannot be typed
// into, so every request gets an empty line (execute requests are sent with
// allow_stdin false, so a well-behaved kernel never asks).
func (c *Client) serveStdin() {
	for {
		raw, err := c.stdin.Recv()
		if err != nil {
			return
		}
		m, err := c.signer.Decode(raw.Frames)
		if err != nil {
			c.badSignatures.Add(1)
			continue
		}
		if m.Header.MsgType == "input_request" {
			c.send(c.stdin, c.newMessage("input_reply", map[string]any{"value": ""}, m))
		}
	}
}

func (c *Client) heartbeat(every time.Duration, died func()) {
	missed := 0
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(every):
		}
		pong := make(chan error, 1)
		go func() {
			if err := c.hb.Send(zmq4.NewMsg([]byte("ping"))); err != nil {
				pong <- err
				return
			}
			_, err := c.hb.Recv()
			pong <- err
		}()
		select {
		case err := <-pong:
			if err == nil {
				missed = 0
				continue
			}
			missed = 3
		case <-time.After(every):
			missed++
		case <-c.ctx.Done():
			return
		}
		if missed >= 3 {
			died()
			return
		}
		if missed > 0 {
			// A REQ socket waiting for a pong cannot send again; stop pinging
			// until that pong arrives or the kernel is declared dead.
			select {
			case err := <-pong:
				if err == nil {
					missed = 0
				}
			case <-time.After(2 * every):
				died()
				return
			case <-c.ctx.Done():
				return
			}
		}
	}
}

// BadSignatures returns how many received messages were dropped because their
// signature did not verify.
func (c *Client) BadSignatures() int64 { return c.badSignatures.Load() }

// Close closes the sockets. It does not stop the kernel: see Shutdown.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
			if s != nil {
				s.Close()
			}
		}
	})
	return nil
}

func (c *Client) newMessage(msgType string, content any, parent *Message) *Message {
	b, err := json.Marshal(content)
	if err != nil {
		panic(fmt.Sprintf("kernel: encoding %s content: %v", msgType, err))
	}
	m := &Message{Header: newHeader(msgType, c.session), Content: b}
	if parent != nil {
		m.ParentHeader, _ = json.Marshal(parent.Header)
		m.Identities = parent.Identities
	}
	return m
}

func (c *Client) send(s zmq4.Socket, m *Message) error {
	frames, err := c.signer.Encode(m)
	if err != nil {
		return err
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("kernel: sending %s: %w", m.Header.MsgType, err)
	}
	return nil
}

func (c *Client) died() error {
	if c.deadErr != nil {
		return c.deadErr()
	}
	return ErrKernelDied
}

// next waits for the next message in any of the boxes (iopub first), until
// ctx ends or the kernel dies. Messages that arrived before a death are
// delivered before the death is reported.
func (c *Client) next(ctx context.Context, boxes ...*mailbox) (*Message, error) {
	var notify [2]chan struct{}
	for i, b := range boxes {
		notify[i] = b.notify
	}
	for {
		for _, b := range boxes {
			m, err := b.take()
			if m != nil {
				return m, nil
			}
			if err != nil {
				// The kernel's sockets close when its process dies, often a
				// moment before the process watcher reports the exit: give
				// it that moment, so a death is reported as one.
				if c.dead != nil {
					select {
					case <-c.dead:
						return nil, c.died()
					case <-time.After(2 * time.Second):
					}
				}
				return nil, fmt.Errorf("kernel: socket closed: %w", err)
			}
		}
		select {
		case <-notify[0]:
		case <-notify[1]:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.dead:
			for _, b := range boxes {
				if m, _ := b.take(); m != nil {
					return m, nil
				}
			}
			return nil, c.died()
		}
	}
}

// KernelInfo is the content of a kernel_info_reply (the fields noether uses).
type KernelInfo struct {
	Status                string `json:"status"`
	ProtocolVersion       string `json:"protocol_version"`
	Implementation        string `json:"implementation"`
	ImplementationVersion string `json:"implementation_version"`
	LanguageInfo          struct {
		Name          string `json:"name"`
		Version       string `json:"version"`
		FileExtension string `json:"file_extension"`
		MimeType      string `json:"mimetype"`
	} `json:"language_info"`
	Banner string `json:"banner"`

	// Raw is the whole reply content, for fields not listed above (a
	// notebook's metadata.language_info is copied from it, as nbclient does).
	Raw map[string]any `json:"-"`
}

// WaitReady sends kernel_info_request until the kernel answers on shell and
// its status for that request has also arrived on iopub: a SUB socket only
// receives what is published after it has joined, so the first answers can be
// lost ("slow joiner"), and executing before iopub is live loses outputs.
func (c *Client) WaitReady(ctx context.Context) (*KernelInfo, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	var info *KernelInfo
	for attempt := 0; ; attempt++ {
		req := c.newMessage("kernel_info_request", map[string]any{}, nil)
		if err := c.send(c.shell, req); err != nil {
			return nil, err
		}
		wait, cancel := context.WithTimeout(ctx, time.Duration(min(250*(attempt+1), 2000))*time.Millisecond)
		gotIOPub := false
		for !(gotIOPub && info != nil) {
			m, err := c.next(wait, c.iopubBox, c.shellBox)
			if err != nil {
				cancel()
				if ctx.Err() != nil {
					return nil, fmt.Errorf("kernel: no answer to kernel_info_request: %w", ctx.Err())
				}
				if errors.Is(err, ErrKernelDied) {
					return nil, err
				}
				break // this attempt timed out: ask again
			}
			switch {
			case m.Header.MsgType == "kernel_info_reply":
				var ki KernelInfo
				if err := m.DecodeContent(&ki); err != nil {
					cancel()
					return nil, err
				}
				if err := decodeJSON(m.Content, &ki.Raw); err != nil {
					cancel()
					return nil, fmt.Errorf("kernel: kernel_info_reply content: %w", err)
				}
				info = &ki
			case m.ParentID() == req.Header.MsgID:
				gotIOPub = true
			}
		}
		cancel()
		if gotIOPub && info != nil {
			c.drainStatus()
			return info, nil
		}
	}
}

// drainStatus waits briefly for the idle status messages of earlier
// kernel_info attempts and discards everything already queued on iopub and
// shell, so that the next request starts with clean queues.
func (c *Client) drainStatus() {
	time.Sleep(20 * time.Millisecond)
	for _, b := range []*mailbox{c.iopubBox, c.shellBox} {
		for {
			m, _ := b.take()
			if m == nil {
				break
			}
		}
	}
}

// ExecuteReply is the content of an execute_reply.
type ExecuteReply struct {
	Status         string   `json:"status"` // "ok", "error" or "aborted"
	ExecutionCount int      `json:"execution_count"`
	EName          string   `json:"ename"`
	EValue         string   `json:"evalue"`
	Traceback      []string `json:"traceback"`
}

// TimeoutError reports a cell that ran past its time limit.
type TimeoutError struct {
	After       time.Duration
	Interrupted bool // the kernel acknowledged the interrupt and finished the request
}

func (e *TimeoutError) Error() string {
	if e.Interrupted {
		return fmt.Sprintf("cell timed out after %v and was interrupted", e.After)
	}
	return fmt.Sprintf("cell timed out after %v and the kernel did not respond to the interrupt", e.After)
}

// ExecuteSettings configures one Execute. The zero value waits forever.
type ExecuteSettings struct {
	// Timeout bounds the cell's run; zero means no limit.
	Timeout time.Duration
	// InterruptGrace is how long to wait for the kernel to finish the request
	// after an interrupt_request before giving up on it (default 10 s).
	InterruptGrace time.Duration
}

// Execute runs code in the kernel and calls onIOPub for every iopub message
// that answers it (stream, display_data, execute_result, error, ...), in
// order, from the calling goroutine. It returns when both the execute_reply
// and the kernel's idle status for the request have arrived.
//
// When the timeout passes, Execute sends an interrupt_request on the control
// socket and waits InterruptGrace for the request to end; it then returns a
// *TimeoutError (with the reply, if one came). If the kernel dies, the error
// wraps ErrKernelDied.
func (c *Client) Execute(ctx context.Context, code string, s ExecuteSettings, onIOPub func(*Message)) (*ExecuteReply, error) {
	c.reqMu.Lock()
	defer c.reqMu.Unlock()
	if s.InterruptGrace == 0 {
		s.InterruptGrace = 10 * time.Second
	}
	req := c.newMessage("execute_request", map[string]any{
		"code":             code,
		"silent":           false,
		"store_history":    true,
		"user_expressions": map[string]any{},
		"allow_stdin":      false,
		"stop_on_error":    true,
	}, nil)
	if err := c.send(c.shell, req); err != nil {
		return nil, err
	}
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if s.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, s.Timeout)
	}
	defer cancel()

	var reply *ExecuteReply
	idle := false
	var timeout *TimeoutError
	waitCtx := runCtx
	for reply == nil || !idle {
		m, err := c.next(waitCtx, c.iopubBox, c.shellBox)
		if err != nil {
			if errors.Is(err, ErrKernelDied) || ctx.Err() != nil {
				return reply, err
			}
			if timeout != nil { // the grace period ran out too
				return reply, timeout
			}
			if errors.Is(err, context.DeadlineExceeded) && runCtx.Err() != nil {
				timeout = &TimeoutError{After: s.Timeout}
				if err := c.Interrupt(); err != nil {
					return reply, err
				}
				var graceCancel context.CancelFunc
				waitCtx, graceCancel = context.WithTimeout(ctx, s.InterruptGrace)
				defer graceCancel()
				continue
			}
			return reply, err
		}
		if m.ParentID() != req.Header.MsgID {
			continue // a stale message from an earlier request
		}
		switch m.Header.MsgType {
		case "execute_reply":
			var r ExecuteReply
			if err := m.DecodeContent(&r); err != nil {
				return nil, err
			}
			reply = &r
		case "status":
			var st struct {
				State string `json:"execution_state"`
			}
			if m.DecodeContent(&st) == nil && st.State == "idle" {
				idle = true
			}
		default:
			if onIOPub != nil {
				onIOPub(m)
			}
		}
	}
	if timeout != nil {
		timeout.Interrupted = true
		return reply, timeout
	}
	return reply, nil
}

// Interrupt sends an interrupt_request on the control socket. It does not
// wait for the interrupt_reply (neither does Jupyter's server): the effect
// that matters, the end of the running request, arrives as that request's
// own reply.
func (c *Client) Interrupt() error {
	return c.send(c.control, c.newMessage("interrupt_request", map[string]any{}, nil))
}

// Shutdown asks the kernel to shut down and waits up to the given time for
// its shutdown_reply, on the control socket or, as GoNB sends it, on shell.
// Messages of other requests that arrive meanwhile are discarded: call it
// only when no other request is under way.
func (c *Client) Shutdown(ctx context.Context, wait time.Duration) error {
	req := c.newMessage("shutdown_request", map[string]any{"restart": false}, nil)
	if err := c.send(c.control, req); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		m, err := c.next(ctx, c.controlBox, c.shellBox)
		if err != nil {
			return fmt.Errorf("kernel: waiting for shutdown_reply: %w", err)
		}
		if m.ParentID() == req.Header.MsgID && m.Header.MsgType == "shutdown_reply" {
			return nil
		}
	}
}

// decodeJSON decodes b into v keeping numbers as json.Number, so that what
// the kernel sends and a notebook keeps (language_info, copied into the
// notebook's metadata as nbclient does) is written back as it was sent.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// fakeKernel is an in-process kernel speaking the wire protocol, for the
// client behaviours a real kernel cannot be made to show on demand (forged
// messages, ignored interrupts, a silent heartbeat).
type fakeKernel struct {
	t      *testing.T
	conn   *ConnectionInfo
	signer *Signer
	ctx    context.Context
	cancel context.CancelFunc

	shell, control, iopub, hb zmq4.Socket
	pubMu                     sync.Mutex

	onExecute   func(fk *fakeKernel, req *Message)
	onInterrupt func(fk *fakeKernel, req *Message)
	hbSilent    chan struct{} // closed: stop answering pings
}

func newFakeKernel(t *testing.T) *fakeKernel {
	t.Helper()
	conn, err := NewConnectionInfo()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fk := &fakeKernel{t: t, conn: conn, signer: NewSigner(conn.Key), ctx: ctx, cancel: cancel, hbSilent: make(chan struct{})}
	fk.shell = zmq4.NewRouter(ctx)
	fk.control = zmq4.NewRouter(ctx)
	fk.iopub = zmq4.NewPub(ctx)
	fk.hb = zmq4.NewRep(ctx)
	stdin := zmq4.NewRouter(ctx)
	for _, l := range []struct {
		s    zmq4.Socket
		port int
	}{{fk.shell, conn.ShellPort}, {fk.control, conn.ControlPort}, {fk.iopub, conn.IOPubPort}, {fk.hb, conn.HBPort}, {stdin, conn.StdinPort}} {
		if err := l.s.Listen(conn.Endpoint(l.port)); err != nil {
			t.Fatal(err)
		}
	}
	go fk.serve(fk.shell)
	go fk.serve(fk.control)
	go func() {
		for {
			msg, err := fk.hb.Recv()
			if err != nil {
				return
			}
			select {
			case <-fk.hbSilent:
				<-ctx.Done()
				return
			default:
			}
			fk.hb.Send(msg)
		}
	}()
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{fk.shell, fk.control, fk.iopub, fk.hb, stdin} {
			s.Close()
		}
	})
	return fk
}

func (fk *fakeKernel) reply(sock zmq4.Socket, req *Message, msgType string, content any) {
	m := fk.msg(msgType, content, req)
	m.Identities = req.Identities
	frames, _ := fk.signer.Encode(m)
	sock.Send(zmq4.NewMsgFrom(frames...))
}

func (fk *fakeKernel) msg(msgType string, content any, parent *Message) *Message {
	b, _ := json.Marshal(content)
	m := &Message{Header: newHeader(msgType, "fake"), Content: b}
	m.ParentHeader, _ = json.Marshal(parent.Header)
	return m
}

func (fk *fakeKernel) publish(parent *Message, msgType string, content any, signer *Signer) {
	frames, _ := signer.Encode(fk.msg(msgType, content, parent))
	fk.pubMu.Lock()
	defer fk.pubMu.Unlock()
	fk.iopub.Send(zmq4.NewMsgFrom(frames...))
}

func (fk *fakeKernel) status(parent *Message, state string) {
	fk.publish(parent, "status", map[string]string{"execution_state": state}, fk.signer)
}

func (fk *fakeKernel) serve(sock zmq4.Socket) {
	for {
		raw, err := sock.Recv()
		if err != nil {
			return
		}
		req, err := fk.signer.Decode(raw.Frames)
		if err != nil {
			fk.t.Errorf("fake kernel: client sent a message that does not verify: %v", err)
			continue
		}
		switch req.Header.MsgType {
		case "kernel_info_request":
			fk.status(req, "busy")
			fk.reply(sock, req, "kernel_info_reply", map[string]any{"status": "ok", "protocol_version": "5.3", "implementation": "fake"})
			fk.status(req, "idle")
		case "execute_request":
			var c map[string]any
			req.DecodeContent(&c)
			for _, f := range []string{"silent", "store_history", "allow_stdin", "code"} {
				if _, ok := c[f]; !ok {
					fk.t.Errorf("execute_request without %q (GoNB type-asserts it)", f)
				}
			}
			if fk.onExecute != nil {
				go fk.onExecute(fk, req)
			}
		case "interrupt_request":
			// GoNB answers control requests through its shell socket.
			fk.reply(fk.shell, req, "interrupt_reply", map[string]string{"status": "ok"})
			if fk.onInterrupt != nil {
				fk.onInterrupt(fk, req)
			}
		case "shutdown_request":
			fk.reply(fk.shell, req, "shutdown_reply", map[string]any{"status": "ok", "restart": false})
		}
	}
}

func (fk *fakeKernel) finish(req *Message, status string) {
	fk.reply(fk.shell, req, "execute_reply", map[string]any{"status": status, "execution_count": 1})
	fk.status(req, "idle")
}

func dialFake(t *testing.T, fk *fakeKernel, s ClientSettings) *Client {
	t.Helper()
	c, err := Dial(fk.conn, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestForgedIOPubMessagesAreDropped(t *testing.T) {
	fk := newFakeKernel(t)
	fk.onExecute = func(fk *fakeKernel, req *Message) {
		fk.status(req, "busy")
		fk.publish(req, "stream", map[string]string{"name": "stdout", "text": "forged\n"}, NewSigner("wrong key"))
		fk.publish(req, "stream", map[string]string{"name": "stdout", "text": "genuine\n"}, fk.signer)
		fk.finish(req, "ok")
	}
	c := dialFake(t, fk, ClientSettings{})
	var texts []string
	reply, err := c.Execute(context.Background(), "x", ExecuteSettings{Timeout: 10 * time.Second}, func(m *Message) {
		var s struct{ Text string }
		m.DecodeContent(&s)
		texts = append(texts, s.Text)
	})
	if err != nil || reply.Status != "ok" {
		t.Fatalf("Execute: %+v, %v", reply, err)
	}
	if len(texts) != 1 || texts[0] != "genuine\n" {
		t.Fatalf("delivered %q, want only the genuine stream", texts)
	}
	if n := c.BadSignatures(); n != 1 {
		t.Fatalf("BadSignatures = %d, want 1", n)
	}
}

func TestTimeoutInterruptsTheCell(t *testing.T) {
	fk := newFakeKernel(t)
	var running *Message
	var mu sync.Mutex
	fk.onExecute = func(fk *fakeKernel, req *Message) {
		mu.Lock()
		running = req
		mu.Unlock()
		fk.status(req, "busy") // and then run "forever"
	}
	fk.onInterrupt = func(fk *fakeKernel, _ *Message) {
		mu.Lock()
		req := running
		mu.Unlock()
		fk.publish(req, "error", map[string]any{"ename": "Interrupted", "evalue": "", "traceback": []string{}}, fk.signer)
		fk.finish(req, "error")
	}
	c := dialFake(t, fk, ClientSettings{})
	t0 := time.Now()
	reply, err := c.Execute(context.Background(), "for {}", ExecuteSettings{Timeout: 300 * time.Millisecond}, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || !te.Interrupted {
		t.Fatalf("err = %v, want an interrupted *TimeoutError", err)
	}
	if reply == nil || reply.Status != "error" {
		t.Fatalf("reply = %+v, want the kernel's error reply after the interrupt", reply)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestUnresponsiveKernelIsGivenUpOn(t *testing.T) {
	fk := newFakeKernel(t)
	fk.onExecute = func(fk *fakeKernel, req *Message) { fk.status(req, "busy") }
	c := dialFake(t, fk, ClientSettings{})
	t0 := time.Now()
	_, err := c.Execute(context.Background(), "for {}", ExecuteSettings{Timeout: 200 * time.Millisecond, InterruptGrace: 300 * time.Millisecond}, nil)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Interrupted {
		t.Fatalf("err = %v, want a *TimeoutError without interruption", err)
	}
	// Timeout + grace, with room for a loaded machine; never a hang.
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("gave up after %v, want about 0.5 s", d)
	}
}

func TestDeathEndsTheWait(t *testing.T) {
	fk := newFakeKernel(t)
	fk.onExecute = func(fk *fakeKernel, req *Message) {
		fk.status(req, "busy")
		fk.publish(req, "stream", map[string]string{"name": "stdout", "text": "last words\n"}, fk.signer)
	}
	dead := make(chan struct{})
	c := dialFake(t, fk, ClientSettings{Dead: dead, DeadErr: func() error { return ErrKernelDied }})
	time.AfterFunc(300*time.Millisecond, func() { close(dead) })
	var got []string
	t0 := time.Now()
	_, err := c.Execute(context.Background(), "x", ExecuteSettings{}, func(m *Message) { got = append(got, m.Header.MsgType) })
	if !errors.Is(err, ErrKernelDied) {
		t.Fatalf("err = %v, want ErrKernelDied", err)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("death noticed after %v", d)
	}
	if len(got) != 1 {
		t.Fatalf("outputs before the death: %v, want the one stream", got)
	}
}

func TestSilentHeartbeatMeansDead(t *testing.T) {
	fk := newFakeKernel(t)
	fk.onExecute = func(fk *fakeKernel, req *Message) { fk.status(req, "busy") }
	c := dialFake(t, fk, ClientSettings{Heartbeat: 100 * time.Millisecond})
	close(fk.hbSilent)
	t0 := time.Now()
	_, err := c.Execute(context.Background(), "x", ExecuteSettings{}, nil)
	if !errors.Is(err, ErrKernelDied) {
		t.Fatalf("err = %v, want ErrKernelDied from the heartbeat", err)
	}
	if d := time.Since(t0); d > 3*time.Second {
		t.Fatalf("noticed after %v, want about 0.3-0.5 s", d)
	}
}

// Shutdown finds the reply where GoNB sends it: on the shell socket.
func TestShutdownReplyOnShell(t *testing.T) {
	fk := newFakeKernel(t)
	c := dialFake(t, fk, ClientSettings{})
	t0 := time.Now()
	if err := c.Shutdown(context.Background(), 3*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("shutdown_reply took %v", d)
	}
}

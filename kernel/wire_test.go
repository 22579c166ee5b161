package kernel

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func testMessage() *Message {
	m := &Message{
		Identities: [][]byte{[]byte("client-1")},
		Header:     newHeader("execute_request", "session-1"),
		Content:    json.RawMessage(`{"code":"fmt.Println(1)","silent":false}`),
		Metadata:   json.RawMessage(`{"k":"v"}`),
		Buffers:    [][]byte{{0, 1, 2}},
	}
	m.ParentHeader, _ = json.Marshal(Header{MsgID: "parent-1"})
	return m
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := NewSigner("a-secret-key")
	m := testMessage()
	frames, err := s.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(frames[1], delimiter) {
		t.Fatalf("frame 1 = %q, want the delimiter", frames[1])
	}
	if len(frames[2]) != 64 {
		t.Fatalf("signature %q is not 64 hex digits of HMAC-SHA256", frames[2])
	}
	got, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header != m.Header || got.ParentID() != "parent-1" ||
		!bytes.Equal(got.Content, m.Content) || !bytes.Equal(got.Metadata, m.Metadata) ||
		len(got.Identities) != 1 || string(got.Identities[0]) != "client-1" ||
		len(got.Buffers) != 1 || !bytes.Equal(got.Buffers[0], []byte{0, 1, 2}) {
		t.Fatalf("round trip changed the message:\n got %+v\nwant %+v", got, m)
	}
}

func TestTamperedMessageIsRejected(t *testing.T) {
	s := NewSigner("a-secret-key")
	frames, err := s.Encode(testMessage())
	if err != nil {
		t.Fatal(err)
	}
	// Change any one signed part, or the signature itself: each must fail.
	for i := 2; i <= 6; i++ {
		bad := make([][]byte, len(frames))
		copy(bad, frames)
		bad[i] = append([]byte(nil), frames[i]...)
		bad[i][len(bad[i])/2] ^= 1
		if _, err := s.Decode(bad); !errors.Is(err, ErrBadSignature) {
			t.Errorf("flipping a bit of frame %d: err = %v, want ErrBadSignature", i, err)
		}
	}
	// A message signed with another key.
	other, _ := NewSigner("another-key").Encode(testMessage())
	if _, err := s.Decode(other); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other key: err = %v, want ErrBadSignature", err)
	}
	// An empty key signs nothing and checks nothing, as the protocol says.
	unsigned, _ := NewSigner("").Encode(testMessage())
	if len(unsigned[2]) != 0 {
		t.Errorf("empty key produced signature %q", unsigned[2])
	}
	if _, err := NewSigner("").Decode(unsigned); err != nil {
		t.Errorf("empty key: %v", err)
	}
}

func TestDecodeMalformedFrames(t *testing.T) {
	s := NewSigner("k")
	if _, err := s.Decode([][]byte{[]byte("id"), []byte("{}")}); err == nil {
		t.Error("no delimiter: no error")
	}
	if _, err := s.Decode([][]byte{delimiter, []byte("sig"), []byte("{}")}); err == nil {
		t.Error("too few frames: no error")
	}
	frames := [][]byte{delimiter, nil, []byte("not json"), []byte("{}"), []byte("{}"), []byte("{}")}
	frames[1] = s.Sign(frames[2:]...)
	if _, err := s.Decode(frames); err == nil {
		t.Error("header not JSON: no error")
	}
}

func TestConnectionFile(t *testing.T) {
	c, err := NewConnectionInfo()
	if err != nil {
		t.Fatal(err)
	}
	if c.IP != "127.0.0.1" || c.Transport != "tcp" || c.SignatureScheme != "hmac-sha256" || len(c.Key) != 32 {
		t.Fatalf("connection info %+v: want loopback tcp, hmac-sha256, 128-bit hex key", c)
	}
	ports := map[int]bool{c.ShellPort: true, c.IOPubPort: true, c.StdinPort: true, c.ControlPort: true, c.HBPort: true}
	if len(ports) != 5 {
		t.Fatalf("ports not distinct: %+v", c)
	}
	if d, _ := NewConnectionInfo(); d.Key == c.Key {
		t.Fatal("two connections got the same key")
	}
	path := t.TempDir() + "/conn.json"
	if err := c.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	fi, err := osStat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("connection file mode %v, want 0600", fi.Mode().Perm())
	}
	back, err := ReadConnectionFile(path)
	if err != nil || *back != *c {
		t.Fatalf("read back %+v, %v; want %+v", back, err, c)
	}
}

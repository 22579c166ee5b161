package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ProtocolVersion is the version of the Jupyter messaging protocol the client speaks.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities of a message from its signed parts.
var delimiter = []byte("<IDS|MSG>")

// Header is the header of a Jupyter message.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. Header, ParentHeader, Metadata and Content
// are kept as raw JSON: they are exactly the bytes that were signed.
type Message struct {
	Identities   [][]byte
	Header       Header
	ParentHeader json.RawMessage
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
}

// ParentID returns the msg_id of the message this one answers, or "" if it
// answers none.
func (m *Message) ParentID() string {
	var h struct {
		MsgID string `json:"msg_id"`
	}
	if len(m.ParentHeader) == 0 || json.Unmarshal(m.ParentHeader, &h) != nil {
		return ""
	}
	return h.MsgID
}

// DecodeContent unmarshals the content of m into v.
func (m *Message) DecodeContent(v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("kernel: %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// Signer signs and verifies messages with HMAC-SHA256. A Signer with an empty
// key signs nothing and accepts any signature, as the protocol specifies for
// an empty key.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer for key (the "key" of a connection file).
func NewSigner(key string) *Signer { return &Signer{key: []byte(key)} }

// Sign returns the hex HMAC-SHA256 of the four signed parts.
func (s *Signer) Sign(parts ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify reports whether sig is the signature of parts, in constant time.
func (s *Signer) Verify(sig []byte, parts ...[]byte) bool {
	if len(s.key) == 0 {
		return true
	}
	return hmac.Equal(sig, s.Sign(parts...))
}

// ErrBadSignature is returned by Decode for a message whose HMAC does not verify.
var ErrBadSignature = errors.New("kernel: message signature does not verify")

// Encode returns the wire frames of m: identities, delimiter, signature,
// header, parent header, metadata, content, buffers. Empty ParentHeader,
// Metadata and Content are sent as {}.
func (s *Signer) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("kernel: encoding header: %w", err)
	}
	parts := [][]byte{header, orEmpty(m.ParentHeader), orEmpty(m.Metadata), orEmpty(m.Content)}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(parts...))
	frames = append(frames, parts...)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func orEmpty(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// Decode parses wire frames into a Message, verifying the signature.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, errors.New("kernel: message has no <IDS|MSG> delimiter")
	}
	if len(frames)-i < 6 {
		return nil, fmt.Errorf("kernel: message has %d frames after the delimiter, want at least 6", len(frames)-i)
	}
	sig, header, parent, meta, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if !s.Verify(sig, header, parent, meta, content) {
		return nil, ErrBadSignature
	}
	m := &Message{
		Identities:   frames[:i],
		ParentHeader: json.RawMessage(parent),
		Metadata:     json.RawMessage(meta),
		Content:      json.RawMessage(content),
		Buffers:      frames[i+6:],
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("kernel: decoding header: %w", err)
	}
	return m, nil
}

// newID returns a random 128-bit identifier in hex, for message and session ids.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("kernel: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// newHeader returns a header for a new message of type msgType in session.
func newHeader(msgType, session string) Header {
	return Header{
		MsgID:    newID(),
		Session:  session,
		Username: "noether",
		Date:     time.Now().UTC().Format(time.RFC3339Nano),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

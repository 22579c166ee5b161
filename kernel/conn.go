package kernel

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
)

// ConnectionInfo is the content of a Jupyter connection file: where the
// kernel's five sockets listen and the key that signs every message.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// NewConnectionInfo returns a connection on the loopback interface with five
// free TCP ports and a fresh random 128-bit key, signed with hmac-sha256.
//
// The ports are found by binding port 0 and releasing it, so another process
// could in principle take one before the kernel binds it; the kernel then fails
// to start and the error says so.
func NewConnectionInfo() (*ConnectionInfo, error) {
	ports, err := freePorts(5)
	if err != nil {
		return nil, err
	}
	return &ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		ShellPort:       ports[0],
		IOPubPort:       ports[1],
		StdinPort:       ports[2],
		ControlPort:     ports[3],
		HBPort:          ports[4],
		SignatureScheme: "hmac-sha256",
		Key:             newID(),
	}, nil
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("kernel: finding a free loopback port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Endpoint returns the ZeroMQ endpoint of the given port, e.g. "tcp://127.0.0.1:5555".
func (c *ConnectionInfo) Endpoint(port int) string {
	return fmt.Sprintf("%s://%s:%d", c.Transport, c.IP, port)
}

// WriteFile writes c as a connection file readable only by its owner (0600):
// the key in it lets anyone who reads it run code in the kernel.
func (c *ConnectionInfo) WriteFile(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("kernel: writing connection file: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("kernel: writing connection file %s: %w", path, err)
	}
	return f.Close()
}

// ReadConnectionFile reads a connection file, e.g. one written by Jupyter.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c ConnectionInfo
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: not a connection file: %w", path, err)
	}
	if c.SignatureScheme != "" && c.SignatureScheme != "hmac-sha256" {
		return nil, fmt.Errorf("%s: signature scheme %q is not supported (want hmac-sha256)", path, c.SignatureScheme)
	}
	return &c, nil
}

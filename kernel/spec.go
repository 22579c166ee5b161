package kernel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KernelSpec is a Jupyter kernelspec (kernel.json).
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode,omitempty"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// SpecName and SpecDisplayName name noether's kernel in Jupyter.
const (
	SpecName        = "noether"
	SpecDisplayName = "Go (noether)"
)

// JupyterDataDir returns the user's Jupyter data directory: $JUPYTER_DATA_DIR
// if set, else $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter on Linux and
// ~/Library/Jupyter on macOS, as jupyter_core computes it.
func JupyterDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("kernel: no home directory for the Jupyter data dir (set JUPYTER_DATA_DIR): %w", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// ReadKernelSpec reads a kernel.json.
func ReadKernelSpec(path string) (*KernelSpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s KernelSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: not a kernelspec: %w", path, err)
	}
	if len(s.Argv) == 0 {
		return nil, fmt.Errorf("%s: kernelspec has no argv", path)
	}
	return &s, nil
}

// Marshal encodes s as Jupyter writes kernel.json files.
func (s *KernelSpec) Marshal() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(s); err != nil {
		panic("kernel: encoding kernelspec: " + err.Error())
	}
	return buf.Bytes()
}

// EnvList returns the process environment a kernel started from s sees:
// base with s.Env's variables set, each value with $NAME and ${NAME}
// expanded from base, as jupyter_client does (string.Template).
func (s *KernelSpec) EnvList(base []string) []string {
	lookup := map[string]string{}
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok {
			lookup[k] = v
		}
	}
	env := base
	for k, v := range s.Env {
		env = setEnv(env, k, os.Expand(v, func(name string) string { return lookup[name] }))
	}
	return env
}

//go:build unix

package kernel

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// In a checkout where nothing is built, Ready says so tool by tool, naming
// the path it looked at; a binary of another version is named with both
// versions.
func TestReadyNamesWhatIsMissing(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	l := &Layout{Root: root, StateDir: t.TempDir(), DataDir: t.TempDir()}
	l.BinDir = filepath.Join(l.StateDir, "bin")
	err = l.Ready(context.Background())
	if err == nil {
		t.Fatal("Ready with no tools built: no error")
	}
	for _, tool := range []Tool{Gonb, Goimports} {
		if want := l.ToolPath(tool) + ": not built"; !strings.Contains(err.Error(), want) {
			t.Errorf("Ready: %v\nwant it to say %q", err, want)
		}
	}
	// A Go binary built from another module (this test binary itself) in
	// gonb's place.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(l.BinDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.ToolPath(Gonb), b, 0o755); err != nil {
		t.Fatal(err)
	}
	pin, err := pinned(filepath.Join(root, "go.mod"), "github.com/janpfeifer/gonb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.CheckTool(context.Background(), Gonb); err == nil || !strings.Contains(err.Error(), "pinned "+pin) {
		t.Errorf("CheckTool on another binary: %v, want the versions named", err)
	}
}

// GoVersion runs the go command of the environment it is given, not this
// process's: the kernelspec puts its GOROOT's bin first on PATH, and that
// is the Go the kernel builds cells with.
func TestGoVersionUsesTheGivenPath(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\necho go1.25.3\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	v, err := GoVersion(context.Background(), env)
	if v != "go1.25.3" || err == nil || !strings.Contains(err.Error(), "older than "+MinGoVersion) {
		t.Fatalf("GoVersion = %q, %v; want go1.25.3 and an error saying it is older than %s", v, err, MinGoVersion)
	}
	if v, err := GoVersion(context.Background(), nil); err != nil || !strings.HasPrefix(v, "go1.") {
		t.Fatalf("this process's Go: %q, %v", v, err)
	}
}

func TestGoVersionAtLeast(t *testing.T) {
	for v, want := range map[string]bool{
		"go1.26": true, "go1.26.8": true, "go1.27rc1": true, "go2.0": true,
		"go1.25.9": false, "go1.9": false, "devel +abc": false, "": false,
	} {
		if got := goVersionAtLeast(v, "go1.26"); got != want {
			t.Errorf("goVersionAtLeast(%q, go1.26) = %v, want %v", v, got, want)
		}
	}
}

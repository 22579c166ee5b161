package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteLeavesNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ipynb")
	if err := Write(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	fi, _ := os.Stat(path)
	if string(b) != "two" || len(entries) != 1 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("content %q, %d entries, mode %v", b, len(entries), fi.Mode().Perm())
	}
	// A directory that cannot be written: an error, and the old file stays.
	if os.Getuid() != 0 { // root writes anywhere
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
		if err := Write(path, []byte("three"), 0o644); err == nil {
			t.Fatal("no error writing into a read-only directory")
		}
		if b, _ := os.ReadFile(path); string(b) != "two" {
			t.Fatalf("old content lost: %q", b)
		}
	}
}

// WriteIf's check runs once the new content is written, and its refusal
// leaves the old file and no temporary file.
func TestWriteIfRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ipynb")
	os.WriteFile(path, []byte("old"), 0o644)
	refused := errors.New("changed")
	var tmpSeen int
	err := WriteIf(path, []byte("new"), 0o644, func() error {
		entries, _ := os.ReadDir(dir)
		tmpSeen = len(entries) - 1
		return refused
	})
	if err != refused {
		t.Fatalf("err = %v, want the check's own error", err)
	}
	if tmpSeen != 1 {
		t.Errorf("the check ran with %d temporary files beside the target, want 1 (the new content, written)", tmpSeen)
	}
	b, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(b) != "old" || len(entries) != 1 {
		t.Fatalf("content %q, %d entries", b, len(entries))
	}
}

package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
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

// What a writer killed mid-write left beside the file (its temporary file,
// named with its pid) is removed by the next write; a live writer's is not,
// nor another file's; an earlier version's, named without a pid, once an
// hour old.
func TestWriteSweepsWhatKilledWritersLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.ipynb")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, age time.Duration) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("partial"), 0o600)
		os.Chtimes(p, time.Now().Add(-age), time.Now().Add(-age))
		return p
	}
	orphan := mk(fmt.Sprintf(".a.ipynb.tmp-%d-123", dead.Process.Pid), 0)
	live := mk(fmt.Sprintf(".a.ipynb.tmp-%d-456", os.Getpid()), 2*time.Hour)
	other := mk(fmt.Sprintf(".b.ipynb.tmp-%d-789", dead.Process.Pid), 0)
	oldStyle := mk(".a.ipynb.tmp-987654", 2*time.Hour)
	newOldStyle := mk(".a.ipynb.tmp-987655", time.Minute)
	if err := Write(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{orphan: false, live: true, other: true, oldStyle: false, newOldStyle: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: present %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

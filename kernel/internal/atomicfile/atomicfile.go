// Package atomicfile writes files so that a reader (Jupyter, a user's
// editor, a second run) sees either the old content or the whole new one,
// never a part: a notebook or a kernelspec cut short by a crash or a full
// disk would be unreadable, and the old one lost with it.
//
// It is internal: the kernel package (executed notebooks, the kernelspec)
// and kernel/nbformat (WriteFile) share it, but it is no part of their API.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// BeforeRename, if not nil, is called with the destination just before the
// temporary file replaces it: tests of this module use it to land a
// concurrent save in the window between a write and its rename.
var BeforeRename func(path string)

// Write writes b to path through a temporary file in the same directory and
// a rename, so that path holds either its old content or the whole new
// content. The file gets permissions perm. Errors name path; the temporary
// file is removed on every failure.
func Write(path string, b []byte, perm os.FileMode) error {
	return WriteIf(path, b, perm, nil)
}

// WriteIf is Write, except that ok, if not nil, is called once the new
// content is on disk, just before it replaces path: if ok returns an error,
// path is left as it is, the temporary file is removed, and that error is
// returned as it is (not wrapped). A caller that must not overwrite a
// concurrent change checks for it there, where the window left is the
// rename itself, not the whole write.
func WriteIf(path string, b []byte, perm os.FileMode, ok func() error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	sweep(dir, base)
	f, err := os.CreateTemp(dir, fmt.Sprintf(".%s.tmp-%d-*", base, os.Getpid()))
	if err != nil {
		// The error would name the hidden temporary file: name the directory.
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("writing %s: cannot create a file in %s: %w", path, dir, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, perm)
	}
	if err == nil && BeforeRename != nil {
		BeforeRename(path)
	}
	if err == nil && ok != nil {
		if err := ok(); err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// sweep removes the temporary files that writers of dir/base killed
// mid-write (SIGKILL, a crash, a power cut) left beside it: those named
// with the pid of a process that no longer exists, and those of earlier
// versions, named without a pid, once an hour old. Only this user's
// regular files are touched; a live writer's file, its pid running, is
// never removed.
func sweep(dir, base string) {
	prefix := "." + base + ".tmp-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || !ownedByMe(fi) {
			continue
		}
		rest := name[len(prefix):]
		if pidStr, _, ok := strings.Cut(rest, "-"); ok {
			if pid, err := strconv.Atoi(pidStr); err == nil && pid > 0 {
				if processGone(pid) {
					os.Remove(filepath.Join(dir, name))
				}
				continue
			}
		}
		if _, err := strconv.Atoi(rest); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(filepath.Join(dir, name)) // an earlier version's
		}
	}
}

// Package atomicfile writes files so that a reader (Jupyter, a user's
// editor, a second run) sees either the old content or the whole new one,
// never a part: a notebook or a kernelspec cut short by a crash or a full
// disk would be unreadable, and the old one lost with it.
//
// It is internal: the kernel package (executed notebooks, the kernelspec)
// and kernel/nbformat (WriteFile) share it, but it is no part of their API.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
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
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
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

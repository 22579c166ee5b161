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

// Write writes b to path through a temporary file in the same directory and
// a rename, so that path holds either its old content or the whole new
// content. The file gets permissions perm. Errors name path; the temporary
// file is removed on every failure.
func Write(path string, b []byte, perm os.FileMode) error {
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
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

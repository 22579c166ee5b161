//go:build !unix

package atomicfile

import "os"

// processGone cannot tell here: no temporary file is swept.
func processGone(pid int) bool { return false }

func ownedByMe(fi os.FileInfo) bool { return false }

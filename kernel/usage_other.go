//go:build !unix

package kernel

import "os"

// maxRSS is not reported here.
func maxRSS(*os.ProcessState) int64 { return 0 }

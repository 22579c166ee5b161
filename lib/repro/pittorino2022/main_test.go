package pittorino2022

import (
	"fmt"
	"os"
	"testing"

	"github.com/noetherlab/noether/lib/cache"
)

// TestMain points the cache at a fresh directory: the tests compute from
// scratch, and the experiments that share nets (Flatness and Barriers both
// use Minima's fast preset) train them once per run.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pittorino2022-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(cache.Env, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

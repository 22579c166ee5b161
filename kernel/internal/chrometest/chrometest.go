// Package chrometest starts Debian's Chromium, headless, for the tests that
// check what a real browser shows (the kernel's show.Explore in Jupyter,
// kernel/htmlexport's pages), and drives it through chromedp.
//
// It is internal and for tests only: no program of the module imports it.
package chrometest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// New returns a chromedp context driving a new headless Chromium, started
// on the context's first use with a fresh profile under t.TempDir, and the
// function that ends the browser.
//
// missing names the Debian packages besides chromium that the caller needs
// and found absent; need says what the test needs them for. When chromium
// (or chromium-browser) is not on PATH, or missing is not empty, New skips
// t saying what to install and why; with CI=true it fails t instead, since
// there (where .ci/run installs them) a skipped check would hide a missing
// install step.
func New(t testing.TB, need string, missing ...string) (context.Context, context.CancelFunc) {
	t.Helper()
	var chromium string
	for _, c := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(c); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		missing = append([]string{"chromium"}, missing...)
	}
	if len(missing) > 0 {
		why := fmt.Sprintf("%s not installed (sudo apt-get install %s): %s",
			strings.Join(missing, " and "), strings.Join(missing, " "), need)
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	return ctx, func() {
		cancel()
		cancelAlloc()
	}
}

package htmlexport

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/noetherlab/noether/kernel/internal/chrometest"
)

// pageReport is what the browser finds on a page once MathJax is done.
type pageReport struct {
	Images, Broken int      // <img> elements, and those that did not decode
	Math           int      // typeset formulas in Markdown cells
	MathErrors     []string // TeX that MathJax could not typeset
	RawDollars     []string // Markdown text still holding a $
	Cells, Code    int      // cells, and highlighted tokens in code cells
}

// reportJS collects a pageReport. Text nodes inside code, pre, script and
// MathJax's own output do not count as text with a dollar: a dollar there
// is code or typeset math.
const reportJS = `JSON.stringify((() => {
  const md = Array.from(document.querySelectorAll('section.markdown'));
  const raw = [];
  for (const s of md) {
    const w = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (n.parentElement.closest('code, pre, script, .MathJax_CHTML, .MJX_Assistive_MathML, .MathJax_Preview')) continue;
      if (n.textContent.includes('$')) raw.push(n.textContent.trim().slice(0, 120));
    }
  }
  const imgs = Array.from(document.images);
  return {
    Images: imgs.length,
    Broken: imgs.filter(i => !i.complete || i.naturalWidth === 0).length,
    Math: md.reduce((k, s) => k + s.querySelectorAll('.MathJax_CHTML').length, 0),
    MathErrors: Array.from(document.querySelectorAll('.mjx-merror, .MathJax_Error')).map(e => e.textContent.slice(0, 120)),
    RawDollars: raw,
    Cells: document.querySelectorAll('section.cell').length,
    Code: document.querySelectorAll('pre.source span.k').length,
  };
})())`

// Two real executed notebooks, exported and opened in headless Chromium
// from a web server as a published course would be: every figure decodes,
// the math of the Markdown cells is typeset with no TeX error and no $
// left over, code is highlighted, and every file a page asks for is in
// the site. The index lists both, in order, and opens from the disk
// (file://) too. About 4 s; skipped with -short.
func TestPagesInARealBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not starting a browser")
	}
	var absent []string
	mathJax, err := FindMathJax(Settings{})
	if err != nil {
		absent = append(absent, "libjs-mathjax")
	}
	ctx, closeBrowser := chrometest.New(t, "the browser test of the HTML export needs a real browser and MathJax", absent...)
	defer closeBrowser()
	notebooks := []string{"../../notebooks/02-conserved-quantities.ipynb", "../../notebooks/06-sharpness.ipynb"}
	site := t.TempDir()
	t0 := time.Now()
	if _, err := Export(site, notebooks, Settings{MathJax: mathJax}); err != nil {
		t.Fatal(err)
	}
	t.Logf("exported %d notebooks in %.2f s", len(notebooks), time.Since(t0).Seconds())

	var mu sync.Mutex
	var missing []string
	files := http.FileServer(http.Dir(site))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(r.URL.Path))); err != nil && r.URL.Path != "/favicon.ico" {
			mu.Lock()
			missing = append(missing, r.URL.Path)
			mu.Unlock()
		}
		files.ServeHTTP(w, r)
	}))
	defer srv.Close()

	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	open := func(url string) pageReport {
		t.Helper()
		t0 := time.Now()
		if _, err := chromedp.Run(ctx, chromedp.Navigate(url)); err != nil {
			t.Fatalf("opening %s: %v", url, err)
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.documentElement.getAttribute('data-mathjax') === 'done'`,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(time.Minute)))
		if err != nil {
			t.Fatalf("%s: MathJax did not finish: %v", url, err)
		}
		js, err := chromedp.Run(ctx, chromedp.Evaluate[string](reportJS))
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		var r pageReport
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d cells, %d figures, %d formulas in Markdown, typeset in %.1f s", url, r.Cells, r.Images, r.Math, time.Since(t0).Seconds())
		return r
	}
	for _, nb := range notebooks {
		name := strings.TrimSuffix(filepath.Base(nb), ".ipynb")
		r := open(srv.URL + "/" + name + ".html")
		if r.Images == 0 || r.Broken > 0 {
			t.Errorf("%s: %d of %d figures did not decode", name, r.Broken, r.Images)
		}
		if r.Math < 10 {
			t.Errorf("%s: %d typeset formulas in the Markdown cells, want many", name, r.Math)
		}
		if len(r.MathErrors) > 0 {
			t.Errorf("%s: MathJax could not typeset %q", name, r.MathErrors)
		}
		if len(r.RawDollars) > 0 {
			t.Errorf("%s: Markdown text still holds a $ (math not typeset): %q", name, r.RawDollars)
		}
		if r.Code == 0 {
			t.Errorf("%s: no highlighted keyword in the code cells", name)
		}
	}
	mu.Lock()
	if len(missing) > 0 {
		t.Errorf("pages asked for files the site does not hold: %q", missing)
	}
	mu.Unlock()

	// The index, from the disk: no server needed to read the site.
	r := open("file://" + filepath.Join(site, "index.html"))
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('ol.contents > li > a')).map(a => a.getAttribute('href'))`))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"02-conserved-quantities.html", "06-sharpness.html"}; strings.Join(links, " ") != strings.Join(want, " ") {
		t.Errorf("the index links %q, want %q", links, want)
	}
	if len(r.MathErrors) > 0 {
		t.Errorf("index: MathJax could not typeset %q", r.MathErrors)
	}
}

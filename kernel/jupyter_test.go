//go:build unix

package kernel

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noetherlab/noether/kernel/nbformat"
)

// jupyterPython returns a python3 that can import nbconvert and nbformat, or
// skips the test saying why (in CI, where .ci/run installs Jupyter, it fails
// instead: a skipped check there would hide a missing install step).
func jupyterPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil {
			if exec.Command(p, "-c", "import nbconvert, nbformat, jupyter_client").Run() == nil {
				return p
			}
		}
	}
	const why = "Jupyter is not installed (sudo apt-get install jupyter-nbconvert python3-nbformat, or pip install nbconvert): the real-Jupyter check needs it"
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

// 00-welcome runs in real Jupyter (nbconvert --execute) on the "Go (noether)"
// kernel, as a user's Jupyter would start it from the kernelspec.
func TestWelcomeRunsInRealJupyter(t *testing.T) {
	py := jupyterPython(t)
	l, _ := installed(t)
	env := append(os.Environ(), "JUPYTER_DATA_DIR="+l.DataDir)

	list := exec.Command(py, "-c", "from jupyter_client.kernelspec import KernelSpecManager as M; s = M().get_kernel_spec('noether'); print(s.display_name, s.language)")
	list.Env = env
	out, err := list.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "Go (noether) go" {
		t.Fatalf("jupyter_client does not find the noether kernelspec (%v):\n%s", err, out)
	}

	dir := t.TempDir()
	cmd := exec.Command(py, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name=noether", "--ExecutePreprocessor.timeout=600",
		"--output-dir", dir, filepath.Join(l.Root, "notebooks", "00-welcome.ipynb"))
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert --execute failed: %v\n%s", err, out)
	}
	nb, err := nbformat.ReadFile(filepath.Join(dir, "00-welcome.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	// Jupyter recorded what the headless runs record (the notebooks'
	// own checks are notebooks/notebooks_test.go's): no cell shows an
	// error, and the figures arrived as PNG images.
	figures := 0
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.Type == "error" {
				t.Errorf("cell %d shows an error: %s: %s", i, o.EName, o.EValue)
			}
			if s, ok := o.Data["image/png"].(string); ok {
				figures++
				b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
				if err == nil {
					_, err = png.Decode(bytes.NewReader(b))
				}
				if err != nil {
					t.Errorf("cell %d: image/png does not decode: %v", i, err)
				}
			}
		}
	}
	if figures == 0 {
		t.Error("no figure in the notebook Jupyter executed")
	}
}

// What our writer produces passes the reference validator too.
func TestOurNotebooksPassNbformatValidate(t *testing.T) {
	py := jupyterPython(t)
	paths, _ := filepath.Glob("../notebooks/*.ipynb")
	paths = append(paths, rewritten(t, "../testdata/notebooks/legacy-valid.ipynb"))
	for _, p := range paths {
		// Valid, and already in the form Jupyter writes: reading and writing
		// it with nbformat changes no byte.
		cmd := exec.Command(py, "-c", `import sys, nbformat
src = open(sys.argv[1], encoding="utf-8").read()
nb = nbformat.reads(src, as_version=4)
nbformat.validate(nb)
assert nb.nbformat_minor >= 5, "nbformat_minor %d" % nb.nbformat_minor
out = nbformat.writes(nb) + "\n"
if out != src:
    a, b = out.splitlines(), src.splitlines()
    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    sys.exit("differs from nbformat.writes at line %d: nbformat %r, file %r" % (i + 1, a[i] if i < len(a) else None, b[i] if i < len(b) else None))`, p)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: nbformat.validate: %v\n%s", p, err, out)
		}
	}
}

func rewritten(t *testing.T, path string) string {
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

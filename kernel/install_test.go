//go:build unix

package kernel

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The kernelspec does not freeze the installer's PATH: installing from a
// shell with another PATH changes nothing, and ${PATH} is expanded from the
// environment the kernel starts in, as jupyter_client does.
func TestSpecDoesNotDependOnTheInstallersPath(t *testing.T) {
	l, _ := installed(t)
	t.Setenv("PATH", "/an/unusual/dir"+string(os.PathListSeparator)+os.Getenv("PATH"))
	steps, err := l.Install(context.Background(), InstallSettings{Log: io.Discard, NoWarm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if s.Changed {
			t.Errorf("install under another PATH changed %s", s.What)
		}
	}
	spec := l.Spec("/opt/go")
	env := spec.EnvList([]string{"PATH=/usr/bin:/bin", "HOME=/h"})
	want := "PATH=" + l.BinDir + ":/opt/go/bin:/usr/bin:/bin"
	found := false
	for _, kv := range env {
		found = found || kv == want
		if strings.HasPrefix(kv, "PATH=") && kv != want {
			t.Errorf("%s, want %s", kv, want)
		}
	}
	if !found {
		t.Errorf("no PATH in %q", env)
	}
}

// A GOFLAGS=-mod=mod set with `go env -w` would break workspace mode; the
// kernel's -mod=readonly overrides it.
func TestCellsWorkWithGoEnvModMod(t *testing.T) {
	l, spec := installed(t)
	goenv := filepath.Join(t.TempDir(), "goenv")
	if err := os.WriteFile(goenv, []byte("GOFLAGS=-mod=mod\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := Start(context.Background(), spec.Argv, StartSettings{Env: spec.EnvList(append(os.Environ(), "GOENV="+goenv)), Dir: l.Root})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	reply, c, err := cellRun(t, k, "import \"github.com/noetherlab/noether/lib/show\"\n\n%%\nshow.Markdown(\"ok\")", ExecuteSettings{})
	if err != nil || reply.Status != "ok" {
		t.Fatalf("%+v %v %+v", reply, err, c.Outputs)
	}
}

// Two checkouts share Jupyter's one kernel name: the last install wins and
// says which checkout it replaced. Uninstall removes only its own spec.
func TestSecondCheckoutAndUninstall(t *testing.T) {
	data := t.TempDir()
	a := &Layout{Root: t.TempDir(), DataDir: data}
	a.StateDir = filepath.Join(a.Root, ".noether")
	a.BinDir = filepath.Join(a.StateDir, "bin")
	b := &Layout{Root: t.TempDir(), DataDir: data}
	b.StateDir = filepath.Join(b.Root, ".noether")
	b.BinDir = filepath.Join(b.StateDir, "bin")
	if _, err := a.writeSpec(a.Spec("/go")); err != nil {
		t.Fatal(err)
	}
	st, err := b.writeSpec(b.Spec("/go"))
	if err != nil || !st.Changed || !strings.Contains(st.Detail, a.Root) {
		t.Fatalf("step %+v, %v: want a change that names the replaced checkout %s", st, err, a.Root)
	}
	// a's uninstall must not remove b's spec; b's own state dir is left too.
	os.MkdirAll(b.BinDir, 0o755)
	os.MkdirAll(a.BinDir, 0o755)
	other := filepath.Join(data, "kernels", "python3")
	os.MkdirAll(other, 0o755)
	if _, err := a.Uninstall(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.InstalledSpec(); err != nil {
		t.Fatalf("a's uninstall removed b's kernelspec: %v", err)
	}
	if _, err := os.Stat(a.StateDir); !os.IsNotExist(err) {
		t.Errorf("a's .noether left behind")
	}
	if _, err := b.Uninstall(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{b.SpecDir(), b.StateDir} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("%s left behind by uninstall", gone)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("uninstall removed another kernel's spec: %v", err)
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/noetherlab/noether/kernel"
	"github.com/noetherlab/noether/kernel/htmlexport"
	"github.com/noetherlab/noether/lib/data"
)

// The doctor (go run ./install -check) lives here, not in package kernel:
// its report is this command's output, its fixes are this command's flags,
// and two of its checks (Jupyter, Fashion-MNIST) are about the notebooks'
// environment, not the kernel. It asks the kernel package one typed question
// per requirement (GoVersion, CheckTool, CheckModules, InstalledSpec); nbexec
// asks the same ones through Layout.Ready.

// check is one requirement in the doctor's report.
type check struct {
	what     string
	ok       bool
	optional bool   // only some uses need it
	detail   string // what was found
	fix      string // the exact command that fixes it
}

func (c check) String() string {
	mark := "ok  "
	switch {
	case !c.ok && c.optional:
		mark = "--  "
	case !c.ok:
		mark = "FAIL"
	}
	s := fmt.Sprintf("[%s] %-22s %s", mark, c.what, c.detail)
	if !c.ok && c.fix != "" {
		s += "\n       fix: " + c.fix
	}
	return s
}

// doctor checks each requirement of the environment and says how to fix
// what is missing. It changes nothing.
func doctor(ctx context.Context, l *kernel.Layout) []check {
	var checks []check
	add := func(c check) { checks = append(checks, c) }

	// Go.
	if v, err := kernel.GoVersion(ctx, nil); err != nil {
		add(check{what: "Go", detail: err.Error(), fix: "install Go 1.26 or newer and put its bin directory first on PATH"})
	} else {
		add(check{what: "Go", ok: true, detail: v})
	}
	if out, err := exec.CommandContext(ctx, "go", "env", "GOFLAGS").Output(); err == nil && strings.Contains(string(out), "-mod=mod") {
		add(check{what: "GOFLAGS", ok: true, detail: "contains -mod=mod: the kernel overrides it with -mod=readonly, but go commands typed in a cell with ! see yours and fail in workspace mode"})
	}

	// Tools.
	for _, t := range []kernel.Tool{kernel.Gonb, kernel.Goimports} {
		if v, err := l.CheckTool(ctx, t); err != nil {
			add(check{what: t.String(), detail: err.Error(), fix: "go run ./install"})
		} else {
			add(check{what: t.String(), ok: true, detail: v + " at " + l.ToolPath(t)})
		}
	}
	if v, err := l.CheckTool(ctx, kernel.Gopls); err != nil {
		add(check{what: "gopls", optional: true, detail: err.Error() + ": no code completion in Jupyter (optional)", fix: "go run ./install -gopls"})
	} else {
		add(check{what: "gopls", ok: true, optional: true, detail: v + " at " + l.ToolPath(kernel.Gopls)})
	}

	// Kernelspec.
	if spec, err := l.InstalledSpec(); err != nil {
		add(check{what: "kernelspec", detail: err.Error(), fix: "go run ./install"})
	} else if want, err := l.HeadlessSpec(ctx); err != nil || !bytes.Equal(spec.Marshal(), want.Marshal()) {
		add(check{what: "kernelspec", detail: "differs from what this checkout would register (another Go, or an older install)", fix: "go run ./install"})
	} else {
		add(check{what: "kernelspec", ok: true, detail: fmt.Sprintf("%q at %s", spec.DisplayName, l.SpecDir())})
		// The Go the kernel will run, which may not be the one on this PATH.
		if _, err := kernel.GoVersion(ctx, spec.EnvList(os.Environ())); err != nil {
			add(check{what: "kernel's Go", detail: "the kernelspec's PATH: " + err.Error(), fix: "go run ./install"})
		}
	}

	// Modules available offline.
	if err := l.CheckModules(ctx); err != nil {
		add(check{what: "module cache", detail: err.Error(), fix: "go run ./install"})
	} else {
		add(check{what: "module cache", ok: true, detail: "every pinned module is available offline"})
	}

	// Jupyter (only for interactive use).
	if p, err := findJupyter(); err != nil {
		add(check{what: "Jupyter", optional: true, detail: "not found: needed only to open notebooks interactively (headless runs need none)",
			fix: "sudo apt-get install jupyter-notebook jupyter-nbconvert   (or: pip install notebook nbconvert)"})
	} else {
		add(check{what: "Jupyter", ok: true, optional: true, detail: p})
	}

	add(downloads())
	add(fashionMNIST(ctx))

	// MathJax (only for the HTML export of the notebooks).
	if dir, err := htmlexport.FindMathJax(htmlexport.Settings{}); err != nil {
		add(check{what: "MathJax", optional: true, detail: "not found: needed only to publish the notebooks as HTML (nbhtml)",
			fix: "sudo apt-get install libjs-mathjax   (or: go run ./kernel/cmd/nbhtml -mathjax DIR, a MathJax 2.7 directory)"})
	} else {
		add(check{what: "MathJax", ok: true, optional: true, detail: dir + " (for nbhtml)"})
	}
	return checks
}

// fashionMNIST checks the data of the real-data notebooks by loading one
// image of each split through lib/data, exactly as the notebooks find it:
// the directory in $NOETHER_FASHION_MNIST if set, else Debian's
// dataset-fashion-mnist, gzipped or not, else the download cache. It never
// downloads: when the data set is nowhere, it says whether the notebooks
// will download it. Files that are there but do not load are a failure,
// not a fallback: the notebooks would stop on them.
func fashionMNIST(ctx context.Context) check {
	c := check{what: "Fashion-MNIST", optional: true}
	envDir, fromEnv := os.LookupEnv(data.FashionMNISTEnv)
	fromEnv = fromEnv && envDir != ""
	dir, err := data.FetchFashionMNIST(ctx, &data.Settings{Offline: true})
	if err != nil {
		c.detail = "not installed"
		if data.Offline(nil) {
			c.detail += " and downloads are off: the real-data notebooks fall back to synthetic data"
		} else {
			c.detail += ": the real-data notebooks download it into the cache the first time"
		}
		c.fix = fmt.Sprintf("sudo apt-get install dataset-fashion-mnist   (or download it now: go run ./install -data; or set %s to a directory holding the four files)", data.FashionMNISTEnv)
		return c
	}
	for _, split := range []data.Split{data.Train, data.Test} {
		_, err := data.FashionMNIST(split, &data.Settings{Dir: dir, Limit: 1})
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// Only a directory named by the environment is returned unchecked.
			c.detail = fmt.Sprintf("not found in %s (from $%s; real-data notebooks fall back to synthetic data)", dir, data.FashionMNISTEnv)
			c.fix = fmt.Sprintf("put {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz in %s, or unset %s to use %s or a download", dir, data.FashionMNISTEnv, data.FashionMNISTDir)
			return c
		case err != nil:
			c.optional = false // present but unreadable: the notebooks would fail on it
			c.detail = err.Error()
			c.fix = fmt.Sprintf("replace the files in %s (sudo apt-get install --reinstall dataset-fashion-mnist)", dir)
			if cache, err := data.CacheDir(); err == nil && strings.HasPrefix(dir, cache) {
				c.fix = fmt.Sprintf("remove %s to download it again", dir)
			}
			return c
		}
	}
	c.ok, c.detail = true, dir
	if fromEnv {
		c.detail += " (from $" + data.FashionMNISTEnv + ")"
	} else if cache, err := data.CacheDir(); err == nil && strings.HasPrefix(dir, cache) {
		c.detail += " (downloaded)"
	}
	return c
}

// downloads says whether the loaders of lib/data may download a data set
// that is not installed, where to and from where. It checks that the cache
// directory can be written (creating and removing a temporary file in it,
// or in its nearest existing parent) and contacts no server.
func downloads() check {
	c := check{what: "data downloads", optional: true}
	cache, err := data.CacheDir()
	if err != nil {
		c.detail = err.Error()
		c.fix = "set " + data.CacheEnv + " to a writable directory"
		return c
	}
	src, err := data.DownloadSource()
	if err != nil {
		c.detail = err.Error()
		c.fix = "set " + data.MirrorEnv + " to the http(s) URL of a directory of the data files, or unset it"
		return c
	}
	from := "the data sets' own sites"
	if src != "" {
		from = src + " ($" + data.MirrorEnv + ")"
	}
	if data.Offline(nil) {
		c.detail = fmt.Sprintf("off ($%s=%s); already downloaded data in %s is still read", data.OfflineEnv, os.Getenv(data.OfflineEnv), cache)
		c.fix = "unset " + data.OfflineEnv + " to let the loaders download what is not installed"
		return c
	}
	if err := writable(cache); err != nil {
		c.detail = fmt.Sprintf("cache %s cannot be written: %v", cache, err)
		c.fix = "set " + data.CacheEnv + " to a writable directory"
		return c
	}
	c.ok = true
	c.detail = fmt.Sprintf("allowed, from %s into %s (%s=1 forbids them)", from, cache, data.OfflineEnv)
	return c
}

// writable checks that a file can be created in dir, or in its nearest
// existing parent if dir does not exist yet, and leaves nothing behind.
func writable(dir string) error {
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", dir)
			}
			f, err := os.CreateTemp(dir, ".noether-doctor-*")
			if err != nil {
				return err
			}
			f.Close()
			return os.Remove(f.Name())
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) || parent == dir {
			return err
		}
		dir = parent
	}
}

// findJupyter looks for the jupyter command, also at Debian's /usr/bin when a
// different python3 comes first on PATH.
func findJupyter() (string, error) {
	if p, err := exec.LookPath("jupyter"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/jupyter"); err == nil {
		return "/usr/bin/jupyter", nil
	}
	return "", errors.New("jupyter not found")
}

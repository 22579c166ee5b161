package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command exports the repository's notebooks and says where; bad
// input is an error naming the file, with exit code 1; contradictory flags
// are a usage error.
func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-o", out, "-mathjax-url", "https://cdn.example/MathJax.js", "../../../notebooks"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "wrote " + filepath.Join(out, "index.html") + ", "; !strings.HasPrefix(stdout.String(), want) || !strings.Contains(stdout.String(), " pages in reading order and ") {
		t.Errorf("printed %q, want it to start with %q", stdout.String(), want)
	}
	if _, err := os.Stat(filepath.Join(out, "00-welcome.html")); err != nil {
		t.Error(err)
	}

	bad := filepath.Join(t.TempDir(), "bad.ipynb")
	os.WriteFile(bad, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [`), 0o644)
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"-o", out, "-mathjax-url", "x", bad}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "nbhtml: "+bad+": not valid JSON") {
		t.Errorf("a truncated notebook: exit %d, %q", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"-mathjax", "a", "-mathjax-url", "b"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "exclude each other") {
		t.Errorf("both MathJax flags: exit %d, %q", code, stderr.String())
	}
}

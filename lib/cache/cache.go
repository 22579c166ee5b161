// Package cache keeps expensive results on disk, keyed by what determines
// them, so that re-running a notebook cell, or a later cell that needs the
// same result, takes a file read instead of a training run.
//
// Call is what notebooks use: Call(zhao2023.Fig3, s) returns Fig3(s), from
// the cache when the same function was called with the same settings by the
// same code before. The result is identified by the function's name, the
// settings' JSON encoding, the Go type of the result (with its fields), and
// the source code of the library the function belongs to (every non-test Go
// file under the lib directory of its module, found from the function's
// source file), so that editing the library invalidates what it computed.
// These are hashed with SHA-256; the hash names the file the result is
// stored in, with encoding/gob (gonum matrices are gob-encodable).
//
// Do is the general form, for a computation that is not a function of one
// settings value: the caller names it and gives the key, and changes the
// name when the computation changes.
//
// The cache is an optimisation and never fails a computation: a result that
// cannot be stored is returned all the same (the failure is reported on
// standard error), and a stored file that cannot be read is recomputed and
// replaced. Files appear whole (written to a temporary name, then renamed),
// so concurrent runs computing the same result do not corrupt it; and where
// the system has flock (Linux, macOS, the BSDs) a run that needs a result
// another run is computing waits for it and reads it, instead of computing
// it a second time.
//
// Where: $NOETHER_CACHE if set, else "noether" in os.UserCacheDir.
// NOETHER_CACHE=off turns caching off. Tests that must compute from scratch
// point $NOETHER_CACHE at a fresh temporary directory.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
)

// Env is the environment variable naming the cache directory ("off": none).
const Env = "NOETHER_CACHE"

// Dir returns the cache directory, or "" when caching is off or no directory
// can be found.
func Dir() string {
	switch d := os.Getenv(Env); d {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(base, "noether")
	default:
		return d
	}
}

// Do returns the result stored under name and key, or computes it with f,
// stores it and returns it. cached reports whether it came from the cache. An
// error from f is returned as it is, and nothing is stored.
//
// key must be encodable by encoding/json (a struct of numbers, strings,
// slices and nested structs); Do panics if it is not, as that is a
// programmer error.
func Do[T any](name string, key any, f func() (T, error)) (v T, cached bool, err error) {
	dir := Dir()
	if dir == "" {
		v, err = f()
		return v, false, err
	}
	k := Key(name, key, reflect.TypeFor[T]())
	file := filepath.Join(dir, k+".gob")
	if v, ok := load[T](file); ok {
		return v, true, nil
	}
	// Another run (a notebook executing beside this one, or a goroutine of
	// this program) may be computing the same result: wait for it and read
	// what it stored rather than compute it a second time.
	if os.MkdirAll(filepath.Join(dir, locksDir), 0o755) == nil {
		if unlock := lock(filepath.Join(dir, locksDir, k)); unlock != nil {
			defer unlock()
			if v, ok := load[T](file); ok {
				return v, true, nil
			}
		}
	}
	v, err = f()
	if err != nil {
		return v, false, err
	}
	if err := store(file, v); err != nil {
		fmt.Fprintf(os.Stderr, "cache: %s not stored (it will be computed again next time): %v\n", name, err)
	}
	return v, false, nil
}

// Call returns f(s), from the cache when f was called with the same s by the
// same library code before (see the package documentation). s must be
// encodable by encoding/json.
func Call[S, R any](f func(S) (R, error), s S) (R, error) {
	v, _, err := Do(funcName(f)+"@"+sourceHash(f), s, func() (R, error) { return f(s) })
	return v, err
}

// Value is Do without the cached flag, for cells and functions that only
// want the result.
func Value[T any](name string, key any, f func() (T, error)) (T, error) {
	v, _, err := Do(name, key, f)
	return v, err
}

// Key returns the hex SHA-256 that identifies a result: over name, the JSON
// encoding of key and the description of type t (TypeSig). It panics if key
// cannot be encoded as JSON.
func Key(name string, key any, t reflect.Type) string {
	k, err := json.Marshal(key)
	if err != nil {
		panic(fmt.Sprintf("cache: key of %s (%T) cannot be encoded: %v", name, key, err))
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", name, k)
	h.Write([]byte(TypeSig(t)))
	return hex.EncodeToString(h.Sum(nil)[:20])
}

// TypeSig describes t with the names and types of its fields, recursively, so
// that a result type that gains, loses or changes a field gets a new key.
func TypeSig(t reflect.Type) string {
	var b strings.Builder
	typeSig(&b, t, map[reflect.Type]bool{})
	return b.String()
}

func typeSig(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	if t == nil {
		b.WriteString("nil")
		return
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		b.WriteString(t.Kind().String())
		if t.Kind() == reflect.Array {
			fmt.Fprintf(b, "%d", t.Len())
		}
		if t.Kind() == reflect.Map {
			b.WriteByte('[')
			typeSig(b, t.Key(), seen)
			b.WriteByte(']')
		}
		b.WriteByte('(')
		typeSig(b, t.Elem(), seen)
		b.WriteByte(')')
	case reflect.Struct:
		b.WriteString(t.PkgPath() + "." + t.Name())
		if seen[t] {
			return
		}
		seen[t] = true
		b.WriteByte('{')
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue // gob stores exported fields only
			}
			b.WriteString(f.Name + " ")
			typeSig(b, f.Type, seen)
			b.WriteByte(';')
		}
		b.WriteByte('}')
	default:
		b.WriteString(t.PkgPath() + "." + t.String())
	}
}

// locksDir holds one empty lock file per key ever computed here. Do never
// removes them: removing one while a run waits on it would let a third run
// lock a new file of the same name and compute beside the first. Clear does.
const locksDir = ".locks"

// load reads the result stored in file, if there is one and it decodes.
func load[T any](file string) (v T, ok bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return v, false
	}
	return v, gob.NewDecoder(bytes.NewReader(b)).Decode(&v) == nil
}

// store writes v to file through a temporary file and a rename.
func store[T any](file string, v T) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	dir := filepath.Dir(file)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := firstErr(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// Clear removes every stored result, and the lock files of Do. A run
// computing a result while Clear runs may then compute beside a run that
// starts after it, as where there is no flock.
func Clear() error {
	dir := Dir()
	if dir == "" {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".gob") || strings.HasPrefix(e.Name(), ".tmp-")) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.RemoveAll(filepath.Join(dir, locksDir))
}

// funcName returns the full name of f ("github.com/…/zhao2023.Fig3").
func funcName(f any) string {
	fn := runtime.FuncForPC(reflect.ValueOf(f).Pointer())
	if fn == nil {
		panic(fmt.Sprintf("cache: %T is not a function", f))
	}
	return fn.Name()
}

var (
	sourceMu     sync.Mutex
	sourceHashes = map[string]string{}
)

// sourceHash returns a hash of the library source f is built from: every
// non-test .go file under the "lib" directory of the module whose go.mod is
// the nearest above f's source file (the module root itself if it has no
// lib directory). It returns "" when the source is not on this machine (a
// binary built elsewhere, or with -trimpath): then only the name and key
// identify results.
func sourceHash(f any) string {
	file, _ := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).FileLine(reflect.ValueOf(f).Pointer())
	if !filepath.IsAbs(file) {
		return ""
	}
	root := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return ""
		}
		root = parent
	}
	if st, err := os.Stat(filepath.Join(root, "lib")); err == nil && st.IsDir() {
		root = filepath.Join(root, "lib")
	}
	sourceMu.Lock()
	defer sourceMu.Unlock()
	if h, ok := sourceHashes[root]; ok {
		return h
	}
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "%s\x00%d\x00", rel, len(b))
		h.Write(b)
		return nil
	})
	sum := ""
	if err == nil {
		sum = hex.EncodeToString(h.Sum(nil)[:12])
	}
	sourceHashes[root] = sum
	return sum
}

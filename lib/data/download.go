package data

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Environment variables that govern downloads.
const (
	// OfflineEnv, set to anything but "", "0" or "false", forbids
	// downloads, as Settings.Offline does.
	OfflineEnv = "NOETHER_OFFLINE"
	// MirrorEnv, if set, is a base URL that replaces the canonical
	// locations: file F of any data set is fetched from $NOETHER_DATA_MIRROR/F
	// (a directory of the original files served over HTTP).
	MirrorEnv = "NOETHER_DATA_MIRROR"
	// CacheEnv, if set, replaces the download cache directory (see
	// CacheDir).
	CacheEnv = "NOETHER_DATA_CACHE"
)

// ErrOffline is wrapped by the error of a loader that would have downloaded
// its data set but was not allowed to.
var ErrOffline = errors.New("downloads are off")

// A DownloadError reports a file of a data set that could not be
// downloaded: the URL, the file in the cache it was to become, and why.
// Nothing of it is left in the cache: a partial download is removed.
type DownloadError struct {
	URL  string // where it was fetched from
	File string // the path it was to have in the cache
	Err  error  // what went wrong
}

func (e *DownloadError) Error() string {
	return "data: downloading " + e.URL + " to " + e.File + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DownloadError) Unwrap() error { return e.Err }

// remoteFile is one file of a data set that can be downloaded, with the size
// and checksums it must have.
type remoteFile struct {
	Name   string // file name, the last element of URL and the name in the cache
	URL    string // canonical location
	Size   int64  // in bytes
	SHA256 string // hex; checked if not empty
	MD5    string // hex; checked if not empty
}

// remote is a data set that can be downloaded into the cache.
type remote struct {
	title string // for messages: "Fashion-MNIST"
	dir   string // its subdirectory of the cache
	files []remoteFile
}

// total returns the number of bytes of all the files of r.
func (r *remote) total() int64 {
	var n int64
	for _, f := range r.files {
		n += f.Size
	}
	return n
}

// fashionRemote is Fashion-MNIST at the location its README gives (an S3
// website, which serves plain HTTP only; the checksums guard the content).
// The README publishes MD5 sums; sizes and SHA-256 sums are those of the
// same files as other projects pin them. Debian's dataset-fashion-mnist
// holds the same data recompressed without the original file name in the
// gzip header (each file 23 or 24 bytes shorter), so its files have other
// checksums: files already installed are never checksummed, only read.
var fashionRemote = &remote{
	title: "Fashion-MNIST",
	dir:   "fashion-mnist",
	files: []remoteFile{
		{
			Name:   "train-images-idx3-ubyte.gz",
			URL:    fashionBase + "train-images-idx3-ubyte.gz",
			Size:   26421880,
			SHA256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
			MD5:    "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
		},
		{
			Name:   "train-labels-idx1-ubyte.gz",
			URL:    fashionBase + "train-labels-idx1-ubyte.gz",
			Size:   29515,
			SHA256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
			MD5:    "25c81989df183df01b3e8a0aad5dffbe",
		},
		{
			Name:   "t10k-images-idx3-ubyte.gz",
			URL:    fashionBase + "t10k-images-idx3-ubyte.gz",
			Size:   4422102,
			SHA256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
			MD5:    "bef4ecab320f06d8554ea6380940ec79",
		},
		{
			Name:   "t10k-labels-idx1-ubyte.gz",
			URL:    fashionBase + "t10k-labels-idx1-ubyte.gz",
			Size:   5148,
			SHA256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
			MD5:    "bb300cfdad3c16e7a12a480ee83cd310",
		},
	},
}

const fashionBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

// cifarRemote is the binary version of CIFAR-10 at its authors' page, which
// publishes the MD5 sum; the size and the SHA-256 sum are those other
// projects pin for the same file.
var cifarRemote = &remote{
	title: "CIFAR-10",
	dir:   "cifar-10",
	files: []remoteFile{{
		Name:   cifarArchive,
		URL:    "https://www.cs.toronto.edu/~kriz/" + cifarArchive,
		Size:   170052171,
		SHA256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
		MD5:    "c32a1d4ab5d03f1284b67883e8d87530",
	}},
}

const cifarArchive = "cifar-10-binary.tar.gz"

// CacheDir returns the directory under which data sets are downloaded, one
// subdirectory each: $NOETHER_DATA_CACHE if set, else noether/datasets in
// the user's cache directory (os.UserCacheDir: ~/.cache on Linux,
// ~/Library/Caches on macOS).
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("data: no cache directory for downloads (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "noether", "datasets"), nil
}

// Offline reports whether downloads are forbidden, by s.Offline or by
// $NOETHER_OFFLINE.
func Offline(s *Settings) bool {
	if s != nil && s.Offline {
		return true
	}
	switch strings.ToLower(os.Getenv(OfflineEnv)) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

// DownloadSource returns the base URL files would be downloaded from, or
// "" for their canonical locations, and an error if $NOETHER_DATA_MIRROR is
// not an http or https URL.
func DownloadSource() (string, error) {
	m := os.Getenv(MirrorEnv)
	if m == "" {
		return "", nil
	}
	u, err := url.Parse(m)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("data: $%s=%q is not an http or https URL", MirrorEnv, m)
	}
	return strings.TrimRight(m, "/") + "/", nil
}

// allowed returns nil if downloads are allowed, else an *offlineError
// saying why not. In a test binary (go test) downloads happen only from
// $NOETHER_DATA_MIRROR, so that no test reaches the internet by accident.
func allowed(s *Settings) error {
	switch {
	case s != nil && s.Offline:
		return &offlineError{"Settings.Offline is set", "or clear Settings.Offline to download it"}
	case Offline(nil):
		return &offlineError{fmt.Sprintf("$%s=%s", OfflineEnv, os.Getenv(OfflineEnv)), "or unset " + OfflineEnv + " to download it"}
	case testing.Testing() && os.Getenv(MirrorEnv) == "":
		return &offlineError{"tests download only from $" + MirrorEnv, "or set " + MirrorEnv + " to a local server of its files"}
	}
	return nil
}

// An offlineError is a download that was not allowed: why, and how to
// allow it.
type offlineError struct{ why, fix string }

func (e *offlineError) Error() string { return ErrOffline.Error() + " (" + e.why + ")" }
func (e *offlineError) Unwrap() error { return ErrOffline }

// fetch downloads the files of r into the cache directory dir, unless have
// reports that the data set is already there, then calls done, if not nil,
// to finish it (CIFAR-10 extracts its archive). Concurrent fetches of the
// same data set, in this process or others, wait for each other (a lock on
// dir), so each file is downloaded once; the first thing a fetch does with
// the lock is to remove what an interrupted one left behind. See fetchFile
// for how each file is written.
func fetch(ctx context.Context, r *remote, dir string, have func() bool, done func() error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: creating the download cache: %w", err)
	}
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		return fmt.Errorf("data: waiting for another download into %s: %w", dir, err)
	}
	defer unlock()
	if have() {
		return nil // fetched while this one waited for the lock
	}
	removePartial(dir)
	base, err := DownloadSource()
	if err != nil {
		return err
	}
	for _, f := range r.files {
		if err := fetchFile(ctx, r, f, base, dir); err != nil {
			return err
		}
	}
	if done != nil {
		return done()
	}
	return nil
}

// partialSuffix ends the names of files (and directories) being written in
// the cache; no loader reads them.
const partialSuffix = ".partial"

// removePartial removes what an interrupted download left in dir. The
// caller holds dir's lock, so nothing else is writing there.
func removePartial(dir string) {
	if !canLock {
		return // another process may be writing them
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), partialSuffix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// fetchFile downloads f into dir unless a file of its name and size is
// already there. It writes a temporary file in dir, checks it against f's
// size and checksums, syncs it and only then renames it to f.Name; on any
// failure or cancellation the temporary file is removed.
func fetchFile(ctx context.Context, r *remote, f remoteFile, base, dir string) (err error) {
	dst := filepath.Join(dir, f.Name)
	if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() && fi.Size() == f.Size {
		return nil
	}
	u := f.URL
	if base != "" {
		u = base + f.Name
	}
	defer func() {
		if err != nil && !errors.As(err, new(*DownloadError)) {
			err = &DownloadError{URL: u, File: dst, Err: err}
		}
	}()
	body, length, err := get(ctx, u)
	if err != nil {
		return err
	}
	defer body.Close()
	if length >= 0 && length != f.Size {
		return fmt.Errorf("the server announces %d bytes, want %d: not the published file", length, f.Size)
	}

	tmp, err := os.CreateTemp(dir, f.Name+".*"+partialSuffix)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bar := newBar(r.title+" "+f.Name, f.Size)
	defer bar.Done()
	sha, sum5 := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, sha, sum5, bar), io.LimitReader(body, f.Size+1))
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted after %d of %d bytes: %w", n, f.Size, context.Cause(ctx))
	case errors.Is(err, io.ErrUnexpectedEOF) || (err == nil && n < f.Size):
		return fmt.Errorf("the download ended after %d of %d bytes", n, f.Size)
	case err != nil:
		return fmt.Errorf("after %d of %d bytes: %w", n, f.Size, err)
	case n > f.Size:
		return fmt.Errorf("more than the %d bytes of the published file", f.Size)
	}
	if err := checkSum("SHA-256", sha, f.SHA256); err != nil {
		return err
	}
	if err := checkSum("MD5", sum5, f.MD5); err != nil {
		return err
	}
	// Readable by all, as the cache may be shared (CreateTemp makes 0600).
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// checkSum compares the sum of h with want (hex), if want is not empty.
func checkSum(name string, h hash.Hash, want string) error {
	if want == "" {
		return nil
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s %s, want %s: the file is corrupt or not the published one", name, got, want)
	}
	return nil
}

// syncDir makes a rename in dir durable, where the system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// cached reports whether dir holds every file of r with its size.
func (r *remote) cached(dir string) bool {
	for _, f := range r.files {
		fi, err := os.Stat(filepath.Join(dir, f.Name))
		if err != nil || !fi.Mode().IsRegular() || fi.Size() != f.Size {
			return false
		}
	}
	return true
}

// complete reports whether dir holds every one of names as a regular
// file, each possibly without its .gz suffix.
func complete(dir string, names ...string) bool {
	for _, n := range names {
		fi, err := os.Stat(findFile(dir, n))
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// notFound returns the error of a data set found in none of the
// directories looked in and not downloaded because of why: an error
// wrapping ErrOffline, or the *DownloadError of a failed download. how says
// how to get the data.
func notFound(r *remote, looked []string, why error, how string) error {
	msg := "data: " + r.title + " not found"
	if len(looked) > 0 {
		msg += " in " + strings.Join(looked, " or ")
	}
	var off *offlineError
	if errors.As(why, &off) {
		msg += ", and not downloaded: " + off.Error() + "; " + how + ", " + off.fix + " (" + megabytes(r.total()) + ")"
	} else if !errors.As(why, new(*DownloadError)) && !errors.As(why, new(*FormatError)) {
		msg += ", and cannot be downloaded: " + strings.TrimPrefix(why.Error(), "data: ") + "; " + how
	} else {
		msg += ", and the download failed: " + strings.TrimPrefix(why.Error(), "data: ") + "; " + how
	}
	return &missingError{msg: msg, err: why}
}

// A missingError is a data set that is nowhere to be read: errors.Is(err,
// fs.ErrNotExist) holds, so that a caller can fall back to other data, and
// the cause (ErrOffline, a *DownloadError) is wrapped too.
type missingError struct {
	msg string
	err error
}

func (e *missingError) Error() string   { return e.msg }
func (e *missingError) Unwrap() []error { return []error{e.err, fs.ErrNotExist} }

// megabytes formats n bytes in MB.
func megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', 0, 64) + " MB"
}

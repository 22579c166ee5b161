package data

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// FashionMNISTDir is where the Debian package dataset-fashion-mnist installs
// Fashion-MNIST.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTEnv names the environment variable that, when set, overrides
// FashionMNISTDir.
const FashionMNISTEnv = "NOETHER_FASHION_MNIST"

// FashionMNISTClasses are the names of the ten Fashion-MNIST classes,
// indexed by label.
var FashionMNISTClasses = [10]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// FashionMNIST loads the training (60000 images) or test (10000 images) part
// of Fashion-MNIST: 28×28 grey-scale images of clothing in ten classes.
//
// The files {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (or the same
// names without .gz) are read from the directory FetchFashionMNIST returns:
// s.Dir, else the directory in $NOETHER_FASHION_MNIST, else FashionMNISTDir
// (Debian's package), else the download cache, where they are downloaded
// the first time unless downloads are off (s.Offline, $NOETHER_OFFLINE).
// The result has one image per row of X (N×784, pixels in row-major
// order) scaled as s.Scale says, by default to [0, 1]; s.Limit, if
// positive, loads only the first Limit images, which is much faster for a
// quick notebook.
//
// If the files are missing and cannot be downloaded the error says where
// it looked and how to get them, and errors.Is(err, fs.ErrNotExist) holds,
// so that a caller can fall back to a synthetic set (see Mixture).
// Malformed files give a *FormatError naming the file and the byte offset.
func FashionMNIST(split Split, s *Settings) (*Set, error) {
	s = s.orDefault()
	var prefix string
	switch split {
	case Train:
		prefix = "train"
	case Test:
		prefix = "t10k"
	default:
		panic(fmt.Sprintf("data: FashionMNIST: unknown split %v", split))
	}
	dir, err := FetchFashionMNIST(context.Background(), s)
	if err != nil {
		return nil, err
	}
	images := findFile(dir, prefix+"-images-idx3-ubyte.gz")
	labels := findFile(dir, prefix+"-labels-idx1-ubyte.gz")
	set, err := loadIDX(images, labels, len(FashionMNISTClasses), Shape{1, 28, 28}, s)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data: Fashion-MNIST %v set not found: %w; install it with "+
			"`sudo apt-get install dataset-fashion-mnist`, or set %s to a directory holding %s and %s "+
			"(unset, the installed package or a download is used)",
			split, err, FashionMNISTEnv, filepath.Base(images), filepath.Base(labels))
	}
	if err != nil {
		return nil, err
	}
	set.Classes = slices.Clone(FashionMNISTClasses[:])
	return set, nil
}

// fashionDirs are the directories where Fashion-MNIST may be installed;
// tests replace them.
var fashionDirs = []string{FashionMNISTDir}

// FetchFashionMNIST returns the directory holding the four files of
// Fashion-MNIST, downloading them if they are not installed. It returns
// s.Dir or else $NOETHER_FASHION_MNIST when set, without looking inside;
// else FashionMNISTDir if it holds the four files (gzipped or not); else
// the fashion-mnist subdirectory of CacheDir, after downloading the files
// that are missing there or not of their published size (31 MB in all,
// from the data set's canonical location or $NOETHER_DATA_MIRROR; see the
// package documentation), unless s.Offline or $NOETHER_OFFLINE forbids it.
//
// Each file is checked against its published size and checksums before it
// appears in the cache under its name; a failed, corrupt or interrupted
// download (ctx cancelled) leaves nothing behind. A data set found nowhere
// gives an error for which errors.Is(err, fs.ErrNotExist) holds, and also
// errors.Is(err, ErrOffline) if downloads were off, or errors.As(err,
// **DownloadError) if the download failed; its message says where the
// loader looked and how to get the data.
func FetchFashionMNIST(ctx context.Context, s *Settings) (string, error) {
	s = s.orDefault()
	if s.Dir != "" {
		return s.Dir, nil
	}
	if d := os.Getenv(FashionMNISTEnv); d != "" {
		return d, nil
	}
	names := make([]string, len(fashionRemote.files))
	for i, f := range fashionRemote.files {
		names[i] = f.Name
	}
	for _, d := range fashionDirs {
		if complete(d, names...) {
			return d, nil
		}
	}
	how := fmt.Sprintf("install it with `sudo apt-get install dataset-fashion-mnist`, or set %s to a directory holding %s",
		FashionMNISTEnv, strings.Join(names, ", "))
	root, err := CacheDir()
	if err != nil {
		return "", notFound(fashionRemote, fashionDirs, err, how)
	}
	dir := filepath.Join(root, fashionRemote.dir)
	have := func() bool { return fashionRemote.cached(dir) }
	if have() {
		return dir, nil
	}
	looked := append(slices.Clone(fashionDirs), dir)
	if err := allowed(s); err != nil {
		return "", notFound(fashionRemote, looked, err, how)
	}
	if err := fetch(ctx, fashionRemote, dir, have, nil); err != nil {
		return "", notFound(fashionRemote, looked, err, how)
	}
	return dir, nil
}

// findFile returns dir/name, or dir/name without its .gz suffix if only that
// exists.
func findFile(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		raw := p[:len(p)-len(".gz")]
		if _, err := os.Stat(raw); err == nil {
			return raw
		}
	}
	return p
}

// LoadIDX loads a labelled image set stored as a pair of IDX files in the
// MNIST layout: images of type uint8 with dimensions N×H×W (or N×C×H×W, or
// N×d), and labels of type uint8 with dimension N. Either file may be
// gzip-compressed. Images become the rows of X, scaled as s.Scale says;
// s.Dir is ignored and s.Limit applies. Classes is left nil.
func LoadIDX(images, labels string, s *Settings) (*Set, error) {
	return loadIDX(images, labels, 0, Shape{}, s.orDefault())
}

// loadIDX is LoadIDX checking labels against [0, classes) if classes > 0,
// and the image shape against want if it is non-zero.
func loadIDX(images, labels string, classes int, want Shape, s *Settings) (*Set, error) {
	first := -1
	if s.Limit > 0 {
		first = s.Limit
	}
	lab, nlab, err := readLabels(labels, classes, first)
	if err != nil {
		return nil, err
	}

	src, err := openSource(images)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	h, err := src.readIDXHeader(first)
	if err != nil {
		return nil, err
	}
	if h.typ != Uint8 {
		return nil, formatErr(images, 2, nil, "element type %v, want uint8 images", h.typ)
	}
	var shape Shape
	switch len(h.dims) {
	case 2:
		shape = Shape{1, 1, h.dims[1]}
	case 3:
		shape = Shape{1, h.dims[1], h.dims[2]}
	case 4:
		shape = Shape{h.dims[1], h.dims[2], h.dims[3]}
	default:
		return nil, formatErr(images, 3, nil, "%d dimensions (%s), want images N×H×W, N×C×H×W or N×d", len(h.dims), h.shape())
	}
	if want != (Shape{}) && shape != want {
		return nil, formatErr(images, 8, nil, "images of shape %v, want %v", shape, want)
	}
	n, d := h.dims[0], shape.Size()
	if h.count != nlab {
		return nil, formatErr(images, 4, nil, "%d images but %s holds %d labels", h.count, labels, nlab)
	}
	if n == 0 || d == 0 {
		return nil, formatErr(images, 4, nil, "no images (dimensions %s)", h.shape())
	}
	x := mat.NewDense(n, d, nil)
	if err := readPixels(src, x.RawMatrix().Data, h.off, h.full, s.Scale.table()); err != nil {
		return nil, err
	}
	if h.bytes == h.full {
		if err := expectEOF(src.r, images, h.off+h.full); err != nil {
			return nil, err
		}
	}
	return &Set{X: x, Labels: lab, Shape: shape}, nil
}

// readLabels reads a uint8 IDX label vector, or its first entries if
// first ≥ 0, checking each label against [0, classes) if classes > 0. It
// also returns the number of labels the header declares.
func readLabels(name string, classes, first int) ([]int, int, error) {
	src, err := openSource(name)
	if err != nil {
		return nil, 0, err
	}
	defer src.Close()
	h, err := src.readIDXHeader(first)
	if err != nil {
		return nil, 0, err
	}
	if h.typ != Uint8 {
		return nil, 0, formatErr(name, 2, nil, "element type %v, want uint8 labels", h.typ)
	}
	if len(h.dims) != 1 {
		return nil, 0, formatErr(name, 3, nil, "%d dimensions (%s), want one for labels", len(h.dims), h.shape())
	}
	buf := make([]byte, h.bytes)
	if err := readFull(src.r, buf, name, h.off, 0, h.full); err != nil {
		return nil, 0, err
	}
	if h.bytes == h.full {
		if err := expectEOF(src.r, name, h.off+h.full); err != nil {
			return nil, 0, err
		}
	}
	lab := make([]int, len(buf))
	for i, b := range buf {
		if classes > 0 && int(b) >= classes {
			return nil, 0, formatErr(name, h.off+int64(i), nil, "label %d out of range [0, %d)", b, classes)
		}
		lab[i] = int(b)
	}
	return lab, h.count, nil
}

// readPixels fills dst with the next len(dst) bytes of src mapped through t;
// the bytes start at offset off of a data section of total bytes.
func readPixels(src *source, dst []float64, off, total int64, t *[256]float64) error {
	buf := make([]byte, min(len(dst), 1<<18))
	for done := 0; done < len(dst); {
		chunk := buf[:min(len(buf), len(dst)-done)]
		if err := readFull(src.r, chunk, src.name, off, int64(done), total); err != nil {
			return err
		}
		out := dst[done : done+len(chunk)]
		for i, b := range chunk {
			out[i] = t[b]
		}
		done += len(chunk)
	}
	return nil
}

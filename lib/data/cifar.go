package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// CIFAR10Env names the environment variable holding the CIFAR-10 directory
// when Settings.Dir is empty. CIFAR-10 has no default location.
const CIFAR10Env = "NOETHER_CIFAR10"

// CIFAR10Classes are the names of the ten CIFAR-10 classes, indexed by
// label.
var CIFAR10Classes = [10]string{
	"airplane", "automobile", "bird", "cat", "deer",
	"dog", "frog", "horse", "ship", "truck",
}

// cifarRecord is the size of one CIFAR-10 record: a label byte and a 3×32×32
// image.
const cifarRecord = 1 + 3*32*32

// CIFAR10FileRecords is the number of records in each file of CIFAR-10's
// binary version, and CIFAR10Records the number in all six. ReadCIFAR10
// rejects a file with more records, or more records in all: each record
// becomes 3072 float64s (24 KiB), so a small compressed file that expands to
// millions of records (a gzip bomb) would otherwise take gigabytes; these
// bounds keep a read within what the real data set needs (1.4 GiB for all
// 60000 images).
const (
	CIFAR10FileRecords = 10000
	CIFAR10Records     = 60000
)

// CIFAR10 loads the training (data_batch_1.bin … data_batch_5.bin, 50000
// images) or test (test_batch.bin, 10000 images) part of CIFAR-10 in its
// binary version (cifar-10-batches-bin), from the directory FetchCIFAR10
// returns: s.Dir, else the directory in $NOETHER_CIFAR10, else the download
// cache, where the data set is downloaded the first time unless downloads
// are off (s.Offline, $NOETHER_OFFLINE). Each row of X is one 32×32 colour
// image in CHW order (1024 red, 1024 green, 1024 blue values, each plane
// row-major), scaled as s.Scale says, by default to [0, 1]; s.Limit, if
// positive, loads only the first Limit images.
//
// If the files are missing and cannot be downloaded, errors.Is(err,
// fs.ErrNotExist) holds and the error says where the loader looked and how
// to get them. Malformed files give a *FormatError naming the file and the
// byte offset.
func CIFAR10(split Split, s *Settings) (*Set, error) {
	s = s.orDefault()
	var names []string
	switch split {
	case Train:
		names = cifarBatches[:5]
	case Test:
		names = cifarBatches[5:]
	default:
		panic(fmt.Sprintf("data: CIFAR10: unknown split %v", split))
	}
	dir, err := FetchCIFAR10(context.Background(), s)
	if err != nil {
		return nil, err
	}
	files := make([]string, len(names))
	for i, n := range names {
		files[i] = filepath.Join(dir, n)
	}
	set, err := ReadCIFAR10(s, files...)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data: CIFAR-10 %v set not found: %w; set %s to the cifar-10-batches-bin directory "+
			"(unset, a download is used)", split, err, CIFAR10Env)
	}
	return set, err
}

// cifarBatches are the files of CIFAR-10's binary version that CIFAR10
// reads: the five training batches, then the test batch.
var cifarBatches = []string{
	"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
	"test_batch.bin",
}

// cifarDir is the directory of the batch files, in the archive and in the
// cache.
const cifarDir = "cifar-10-batches-bin"

// FetchCIFAR10 returns the directory holding the six batch files of
// CIFAR-10's binary version, downloading them if needed. It returns s.Dir
// or else $NOETHER_CIFAR10 when set, without looking inside; else the
// cifar-10-batches-bin directory in the cifar-10 subdirectory of CacheDir,
// after downloading cifar-10-binary.tar.gz there (170 MB, from the
// authors' page or $NOETHER_DATA_MIRROR) and extracting its six batch
// files, unless s.Offline or $NOETHER_OFFLINE forbids it. The archive is
// removed once extracted.
//
// The archive is checked against its published size and checksums before
// it is extracted, and the batch directory appears under its name only
// once complete; a failed, corrupt or interrupted download (ctx cancelled)
// leaves nothing behind. Errors are as for FetchFashionMNIST.
func FetchCIFAR10(ctx context.Context, s *Settings) (string, error) {
	s = s.orDefault()
	if s.Dir != "" {
		return s.Dir, nil
	}
	if d := os.Getenv(CIFAR10Env); d != "" {
		return d, nil
	}
	how := fmt.Sprintf("set %s to the %s directory of CIFAR-10's binary version", CIFAR10Env, cifarDir)
	root, err := CacheDir()
	if err != nil {
		return "", notFound(cifarRemote, nil, err, how)
	}
	cache := filepath.Join(root, cifarRemote.dir)
	dir := filepath.Join(cache, cifarDir)
	have := func() bool { return complete(dir, cifarBatches...) }
	if have() {
		return dir, nil
	}
	if err := allowed(s); err != nil {
		return "", notFound(cifarRemote, []string{dir}, err, how)
	}
	archive := filepath.Join(cache, cifarArchive)
	extract := func() error {
		if err := extractCIFAR10(archive, dir); err != nil {
			os.Remove(archive)
			return err
		}
		os.Remove(archive)
		return nil
	}
	if err := fetch(ctx, cifarRemote, cache, have, extract); err != nil {
		return "", notFound(cifarRemote, []string{dir}, err, how)
	}
	return dir, nil
}

// ReadCIFAR10 reads the records of the named CIFAR-10 binary files, in
// order, into one Set (see CIFAR10 for the layout). Each file may be
// gzip-compressed. Only s.Limit and s.Scale are used.
func ReadCIFAR10(s *Settings, files ...string) (*Set, error) {
	s = s.orDefault()
	limit := s.Limit
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	t := s.Scale.table()
	var (
		x   []float64
		lab []int
	)
	for _, name := range files {
		if len(lab) >= limit {
			break
		}
		err := func() error {
			src, err := openSource(name)
			if err != nil {
				return err
			}
			defer src.Close()
			// Reserve room for the records the file holds, within the limit
			// (a guess for a compressed file: memory grows only as records
			// are actually read).
			bound, exact := src.bound(0)
			n := min(int(bound/cifarRecord), limit-len(lab))
			if !exact {
				n = min(n, 10000)
			}
			x = slices.Grow(x, n*(cifarRecord-1))
			var rec [cifarRecord]byte
			for i := 0; len(lab) < limit; i++ {
				off := int64(i) * cifarRecord
				m, err := io.ReadFull(src.r, rec[:])
				switch {
				case m == 0 && errors.Is(err, io.EOF):
					if i == 0 {
						return formatErr(name, 0, nil, "no records")
					}
					return nil
				case errors.Is(err, io.ErrUnexpectedEOF):
					return formatErr(name, off+int64(m), nil, "record %d ends after %d of %d bytes", i, m, cifarRecord)
				case err != nil:
					return formatErr(name, off+int64(m), err, "reading record %d", i)
				}
				if i >= CIFAR10FileRecords {
					return formatErr(name, off, nil, "more than %d records: not a CIFAR-10 batch file", CIFAR10FileRecords)
				}
				if len(lab) >= CIFAR10Records {
					return formatErr(name, off, nil, "more than %d records in all: more than CIFAR-10 holds", CIFAR10Records)
				}
				if rec[0] >= byte(len(CIFAR10Classes)) {
					return formatErr(name, off, nil, "label %d of record %d out of range [0, %d)", rec[0], i, len(CIFAR10Classes))
				}
				lab = append(lab, int(rec[0]))
				l := len(x)
				x = slices.Grow(x, cifarRecord-1)[:l+cifarRecord-1]
				out := x[l:]
				for j, b := range rec[1:] {
					out[j] = t[b]
				}
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	if len(lab) == 0 {
		return nil, fmt.Errorf("data: ReadCIFAR10: no files given")
	}
	return &Set{
		X:       mat.NewDense(len(lab), cifarRecord-1, x),
		Labels:  lab,
		Classes: slices.Clone(CIFAR10Classes[:]),
		Shape:   Shape{3, 32, 32},
	}, nil
}

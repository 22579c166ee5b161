package data

import (
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
// binary version (cifar-10-batches-bin), from s.Dir or else the directory
// in $NOETHER_CIFAR10. Each row of X is one 32×32 colour image in CHW
// order (1024 red, 1024 green, 1024 blue values, each plane row-major),
// scaled as s.Scale says, by default to [0, 1]; s.Limit, if positive, loads
// only the first Limit images.
//
// If no directory is given, or the files are missing, errors.Is(err,
// fs.ErrNotExist) holds. Malformed files give a *FormatError naming the file
// and the byte offset.
func CIFAR10(split Split, s *Settings) (*Set, error) {
	s = s.orDefault()
	dir := s.Dir
	if dir == "" {
		dir = os.Getenv(CIFAR10Env)
	}
	if dir == "" {
		return nil, fmt.Errorf("data: CIFAR-10 directory not given: set Settings.Dir or %s to the "+
			"cifar-10-batches-bin directory of the binary version of CIFAR-10: %w", CIFAR10Env, fs.ErrNotExist)
	}
	var files []string
	switch split {
	case Train:
		for i := 1; i <= 5; i++ {
			files = append(files, filepath.Join(dir, fmt.Sprintf("data_batch_%d.bin", i)))
		}
	case Test:
		files = []string{filepath.Join(dir, "test_batch.bin")}
	default:
		panic(fmt.Sprintf("data: CIFAR10: unknown split %v", split))
	}
	set, err := ReadCIFAR10(s, files...)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data: CIFAR-10 %v set not found: %w; set %s to the cifar-10-batches-bin directory",
			split, err, CIFAR10Env)
	}
	return set, err
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

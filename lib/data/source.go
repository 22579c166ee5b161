package data

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
)

// MaxBytes is the largest data section, in bytes of the file's own encoding,
// that the readers accept from one file: 1 GiB, six times all of CIFAR-10.
// A header declaring more is reported as a FormatError before anything is
// allocated.
const MaxBytes = 1 << 30

// maxInflate bounds the ratio of decompressed to compressed size of a gzip
// stream: deflate cannot exceed 1032:1, and a little more is allowed for
// headers of concatenated members.
const maxInflate = 1100

// A source is an open data file, decompressed on the fly when it starts with
// the gzip magic bytes 1f 8b (whatever its name).
type source struct {
	name string
	f    *os.File
	r    io.Reader
	gz   bool
	size int64 // size of the file on disk, -1 if unknown
}

// openSource opens the named file. A missing file gives the *fs.PathError of
// os.Open, so that errors.Is(err, fs.ErrNotExist) holds.
func openSource(name string) (*source, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	s := &source{name: name, f: f, size: -1}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		s.size = fi.Size()
	}
	r, gz, err := detect(f, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.r, s.gz = r, gz
	return s, nil
}

// detect wraps r in a buffered reader and, if the stream starts with the gzip
// magic bytes, in a gzip reader.
func detect(r io.Reader, name string) (io.Reader, bool, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, formatErr(name, 0, err, "reading")
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, formatErr(name, 0, err, "bad gzip header")
		}
		return zr, true, nil
	}
	return br, false, nil
}

// bound returns the most data bytes the file can hold after the first
// consumed bytes of its (decompressed) stream, and whether that bound is
// exact (an uncompressed regular file).
func (s *source) bound(consumed int64) (n int64, exact bool) {
	switch {
	case s.size < 0:
		return MaxBytes, false
	case s.gz:
		return min(MaxBytes, maxInflate*s.size), false
	default:
		return max(s.size-consumed, 0), true
	}
}

func (s *source) Close() error { return s.f.Close() }

// readFull reads len(buf) bytes of the data section that starts at byte off
// of the stream; done bytes of a section of total bytes have been read
// before. A short read becomes a FormatError at the offset where the data
// ends.
func readFull(r io.Reader, buf []byte, name string, off, done, total int64) error {
	n, err := io.ReadFull(r, buf)
	if err == nil {
		return nil
	}
	got := done + int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		// A truncated gzip stream also ends in io.ErrUnexpectedEOF.
		return formatErr(name, off+got, nil, "data ends after %d of %d bytes", got, total)
	}
	return formatErr(name, off+got, err, "reading data (%d of %d bytes read)", got, total)
}

// expectEOF checks that the stream ends at offset off, which also makes a
// gzip reader verify its checksum.
func expectEOF(r io.Reader, name string, off int64) error {
	var b [1]byte
	n, err := io.ReadFull(r, b[:])
	if n > 0 {
		return formatErr(name, off, nil, "unexpected data after the end declared by the header")
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return formatErr(name, off, err, "after the data")
}

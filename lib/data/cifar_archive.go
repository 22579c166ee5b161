package data

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// cifarTarMax bounds the decompressed bytes read from a CIFAR-10 archive:
// its six batch files and 1 MiB for the tar headers and the two small files
// that come with them. A stream that goes on is not the published archive,
// whatever its checksums.
const cifarTarMax = 6*CIFAR10FileRecords*cifarRecord + 1<<20

// extractCIFAR10 extracts the six batch files of the archive
// cifar-10-binary.tar.gz (members cifar-10-batches-bin/*.bin) into the new
// directory dst. It writes them into a temporary directory beside dst,
// renamed to dst only when all six are there and synced, and removed on
// failure. Only the six batch files are extracted, whatever else the
// archive holds; each must be a regular file of whole records, at most
// CIFAR10FileRecords of them, and no more than cifarTarMax bytes are
// decompressed. A malformed archive gives a *FormatError naming it, with
// the offset in the decompressed (tar) stream.
func extractCIFAR10(archive, dst string) (err error) {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return formatErr(archive, 0, err, "bad gzip header")
	}
	cr := &countReader{r: io.LimitReader(zr, cifarTarMax+1)}
	tr := tar.NewReader(cr)

	tmp, err := os.MkdirTemp(filepath.Dir(dst), filepath.Base(dst)+".*"+partialSuffix)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	var got []string
	for len(got) < len(cifarBatches) {
		off := cr.n
		h, err := tr.Next()
		switch {
		case cr.n > cifarTarMax:
			return formatErr(archive, cifarTarMax, nil, "more than %d bytes decompressed: not the CIFAR-10 archive", cifarTarMax)
		case errors.Is(err, io.EOF):
			return formatErr(archive, off, nil, "the archive ends without %s", missing(got))
		case err != nil:
			return formatErr(archive, off, err, "reading the archive")
		}
		dir, name := path.Split(path.Clean(h.Name))
		if dir != cifarDir+"/" || !slices.Contains(cifarBatches, name) {
			continue
		}
		if slices.Contains(got, name) {
			return formatErr(archive, off, nil, "%s appears twice", h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			return formatErr(archive, off, nil, "%s is not a regular file", h.Name)
		}
		if h.Size <= 0 || h.Size%cifarRecord != 0 || h.Size > CIFAR10FileRecords*cifarRecord {
			return formatErr(archive, off, nil, "%s has %d bytes, want a positive multiple of %d up to %d records",
				h.Name, h.Size, cifarRecord, CIFAR10FileRecords)
		}
		if err := writeMember(filepath.Join(tmp, name), tr, h.Size); err != nil {
			if cr.n > cifarTarMax {
				return formatErr(archive, cifarTarMax, nil, "more than %d bytes decompressed: not the CIFAR-10 archive", cifarTarMax)
			}
			return formatErr(archive, off, err, "extracting %s", h.Name)
		}
		got = append(got, name)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes 0700
		return err
	}
	syncDir(tmp)
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	syncDir(filepath.Dir(dst))
	return nil
}

// writeMember writes the n bytes of the current member of tr to the new
// file name, synced.
func writeMember(name string, tr *tar.Reader, n int64) error {
	out, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(out, tr, n); err != nil {
		out.Close()
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// missing lists the batch files not in got.
func missing(got []string) string {
	var m []string
	for _, b := range cifarBatches {
		if !slices.Contains(got, b) {
			m = append(m, cifarDir+"/"+b)
		}
	}
	return fmt.Sprint(m)
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

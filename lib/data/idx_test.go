package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	for typ, v := range typedValues {
		a := NewIDX(typ, []int{2, 3}, v)
		var raw, zipped bytes.Buffer
		if err := WriteIDX(&raw, a); err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(&zipped)
		if err := WriteIDX(zw, a); err != nil {
			t.Fatal(err)
		}
		zw.Close()
		for name, buf := range map[string][]byte{"raw": raw.Bytes(), "gzip": zipped.Bytes()} {
			b, err := ReadIDX(bytes.NewReader(buf))
			if err != nil {
				t.Fatalf("%v %s: %v", typ, name, err)
			}
			if b.Type != typ || !slices.Equal(b.Dims, []int{2, 3}) {
				t.Errorf("%v %s: read %v %v", typ, name, b.Type, b.Dims)
			}
			got := b.Float64s(nil)
			for i := range v {
				want := v[i]
				if typ == Float32 {
					want = float64(float32(want))
				}
				if got[i] != want {
					t.Errorf("%v %s: element %d = %v, want %v", typ, name, i, got[i], want)
				}
			}
		}
	}
}

// The committed per-type fixtures decode to the values they were written
// from; the gzipped one equals the raw one.
func TestIDXFixtures(t *testing.T) {
	for typ, v := range typedValues {
		a, err := ReadIDXFile(fixture("idx/" + typ.String() + ".idx"))
		if err != nil {
			t.Fatal(err)
		}
		got := a.Float64s(nil)
		for i := range v {
			want := v[i]
			if typ == Float32 {
				want = float64(float32(want))
			}
			if got[i] != want {
				t.Errorf("%v: element %d = %v, want %v", typ, i, got[i], want)
			}
		}
	}
	raw, err := ReadIDXFile(fixture("idx/uint8.idx"))
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := ReadIDXFile(fixture("idx/uint8.idx.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw.Data, zipped.Data) || !slices.Equal(raw.Dims, zipped.Dims) {
		t.Errorf("gzip fixture decodes to %v %v, raw to %v %v", zipped.Dims, zipped.Data, raw.Dims, raw.Data)
	}
}

// malformed lists every malformed fixture with the loader that reads it,
// the file the error must name, the offset it must report (−1: any offset
// past the header) and a phrase it must contain.
var malformed = []struct {
	load   func() error
	file   string
	offset int64
	phrase string
}{
	{idxFile("idx/empty.idx"), "idx/empty.idx", 0, "empty file"},
	{idxFile("idx/bad-magic.idx"), "idx/bad-magic.idx", 0, "bad magic number 01 00 08 03"},
	{idxFile("idx/bad-type.idx"), "idx/bad-type.idx", 2, "unknown element type 0x07"},
	{idxFile("idx/no-dims.idx"), "idx/no-dims.idx", 3, "no dimensions"},
	{idxFile("idx/short-header.idx"), "idx/short-header.idx", 10, "header ends after 6 of 12 dimension bytes"},
	{idxFile("idx/short-data.idx"), "idx/short-data.idx", 36, "data ends after 20 of 24 bytes"},
	{idxFile("idx/long-data.idx"), "idx/long-data.idx", 40, "3 bytes after the 24 bytes declared"},
	{idxFile("idx/short-data.idx.gz"), "idx/short-data.idx.gz", 36, "data ends after 20 of 24 bytes"},
	{idxFile("idx/too-big.idx"), "idx/too-big.idx", 4, "more than the limit"},
	{idxFile("idx/huge.idx.gz"), "idx/huge.idx.gz", 4, "compressed file can hold"},
	{idxFile("idx/truncated.idx.gz"), "idx/truncated.idx.gz", -1, "data ends after"},

	{pair("fashion/train-images-idx3-ubyte.gz", "idx/labels-5.idx"), "fashion/train-images-idx3-ubyte.gz", 4, "6 images but"},
	{pair("fashion/train-images-idx3-ubyte.gz", "idx/labels-bad.idx"), "idx/labels-bad.idx", 11, "label 12 out of range [0, 10)"},
	{pair("fashion/train-images-idx3-ubyte.gz", "idx/labels-2d.idx"), "idx/labels-2d.idx", 3, "want one for labels"},
	{pair("idx/images-int16.idx", "fashion/train-labels-idx1-ubyte.gz"), "idx/images-int16.idx", 2, "element type int16, want uint8"},
	{pair("idx/images-6x2x3.idx", "fashion/train-labels-idx1-ubyte.gz"), "idx/images-6x2x3.idx", 8, "images of shape 1×2×3, want 1×28×28"},
	{pair("idx/images-1d.idx", "fashion/train-labels-idx1-ubyte.gz"), "idx/images-1d.idx", 3, "1 dimensions"},
	{pair("idx/short-data.idx", "fashion/train-labels-idx1-ubyte.gz"), "idx/short-data.idx", 36, "data ends after 20 of 24 bytes"},

	{cifar("cifar-bad/empty.bin"), "cifar-bad/empty.bin", 0, "no records"},
	{cifar("cifar-bad/truncated.bin"), "cifar-bad/truncated.bin", 4073, "record 1 ends after 1000 of 3073 bytes"},
	{cifar("cifar-bad/bad-label.bin"), "cifar-bad/bad-label.bin", 3073, "label 10 of record 1 out of range [0, 10)"},
	{cifar("cifar-bad/truncated.bin.gz"), "cifar-bad/truncated.bin.gz", -1, "ends after"},
}

func idxFile(name string) func() error {
	return func() error { _, err := ReadIDXFile(fixture(name)); return err }
}

func pair(images, labels string) func() error {
	return func() error {
		_, err := loadIDX(fixture(images), fixture(labels), 10, Shape{1, 28, 28}, &Settings{})
		return err
	}
}

func cifar(name string) func() error {
	return func() error { _, err := ReadCIFAR10(nil, fixture(name)); return err }
}

func TestMalformed(t *testing.T) {
	for _, c := range malformed {
		err := c.load()
		if err == nil {
			t.Errorf("%s: no error", c.file)
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %q (%T) is not a *FormatError", c.file, err, err)
			continue
		}
		msg := err.Error()
		if fe.File != fixture(c.file) || !strings.HasPrefix(msg, fixture(c.file)+": offset ") {
			t.Errorf("%s: error %q names file %q", c.file, msg, fe.File)
		}
		if c.offset >= 0 && fe.Offset != c.offset || c.offset < 0 && fe.Offset <= 16 {
			t.Errorf("%s: error %q at offset %d, want %d", c.file, msg, fe.Offset, c.offset)
		}
		if !strings.Contains(msg, c.phrase) {
			t.Errorf("%s: error %q does not say %q", c.file, msg, c.phrase)
		}
		t.Log(msg)
	}
}

// Every prefix of a valid file is an error at an offset within the prefix,
// never a panic, from the readers of both formats, raw and gzipped.
func TestTruncations(t *testing.T) {
	files := map[string][]byte{
		"images": imagesIDX(2, 28, 28),
		"labels": labelsIDX(1, 2),
		"cifar":  cifarRecords(0, 2),
	}
	for name, full := range files {
		for _, z := range []bool{false, true} {
			for n := 0; n < len(full); n++ {
				if n > 40 && n%97 != 0 {
					continue
				}
				b := full[:n]
				if z {
					b = gz(b)
				}
				var err error
				if name == "cifar" {
					if n%cifarRecord == 0 && n > 0 {
						continue // whole records: valid
					}
					_, err = readCIFAR(t, b)
				} else {
					_, err = ReadIDX(bytes.NewReader(b))
				}
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Fatalf("%s cut at %d (gzip %v): error %v", name, n, z, err)
				}
				if fe.Offset > int64(n) {
					t.Errorf("%s cut at %d (gzip %v): offset %d past the end: %v", name, n, z, fe.Offset, err)
				}
			}
		}
	}
}

// readCIFAR reads b as a CIFAR-10 batch file.
func readCIFAR(t *testing.T, b []byte) (*Set, error) {
	p := t.TempDir() + "/batch.bin"
	if err := writeFile(p, b); err != nil {
		t.Fatal(err)
	}
	return ReadCIFAR10(nil, p)
}

func TestIDXMissing(t *testing.T) {
	_, err := ReadIDXFile(fixture("idx/no-such-file.idx"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no-such-file.idx") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNewIDXPanics(t *testing.T) {
	for _, c := range []struct {
		typ IDXType
		v   float64
	}{{Uint8, 256}, {Uint8, -1}, {Int8, 0.5}, {Int16, 40000}, {Int32, math.Inf(1)}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "data: NewIDX") {
					t.Errorf("NewIDX(%v, %v): recovered %v", c.typ, c.v, r)
				}
			}()
			NewIDX(c.typ, []int{1}, []float64{c.v})
		}()
	}
}

// FuzzReadIDX checks that no input makes ReadIDX panic, that errors are
// FormatErrors at offsets within the input, and that what it accepts
// writes back to the same bytes.
func FuzzReadIDX(f *testing.F) {
	for name, b := range fixtures() {
		if strings.HasPrefix(name, "idx/") {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
				if fe.Offset > int64(len(b)) {
					t.Fatalf("offset %d past the end of %d bytes: %v", fe.Offset, len(b), err)
				}
			}
			return
		}
		if len(a.Data) != a.Len()*a.Type.Size() {
			t.Fatalf("%d data bytes for %v %v", len(a.Data), a.Type, a.Dims)
		}
		var out bytes.Buffer
		if err := WriteIDX(&out, a); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), plain(t, b)) {
			t.Fatalf("read then written: %x, want %x", out.Bytes(), plain(t, b))
		}
	})
}

package data

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// IDXType is the element type code of an IDX file (its third byte).
type IDXType byte

// The IDX element types.
const (
	Uint8   IDXType = 0x08
	Int8    IDXType = 0x09
	Int16   IDXType = 0x0B
	Int32   IDXType = 0x0C
	Float32 IDXType = 0x0D
	Float64 IDXType = 0x0E
)

// Size returns the size of one element in bytes, or 0 for an unknown type.
func (t IDXType) Size() int {
	switch t {
	case Uint8, Int8:
		return 1
	case Int16:
		return 2
	case Int32, Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

func (t IDXType) String() string {
	switch t {
	case Uint8:
		return "uint8"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("IDXType(0x%02X)", byte(t))
}

// IDX is an array read from or written to an IDX file: its element type,
// its dimensions (outermost first) and its elements in row-major order, kept
// in the file's big-endian encoding.
type IDX struct {
	Type IDXType
	Dims []int
	Data []byte // len(Data) = Type.Size() · ∏ Dims
}

// Len returns the number of elements, ∏ Dims.
func (a *IDX) Len() int {
	n := 1
	for _, d := range a.Dims {
		n *= d
	}
	return n
}

// At returns element i (in row-major order) as a float64.
func (a *IDX) At(i int) float64 {
	s := a.Type.Size()
	b := a.Data[i*s : i*s+s]
	switch a.Type {
	case Uint8:
		return float64(b[0])
	case Int8:
		return float64(int8(b[0]))
	case Int16:
		return float64(int16(binary.BigEndian.Uint16(b)))
	case Int32:
		return float64(int32(binary.BigEndian.Uint32(b)))
	case Float32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	case Float64:
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	}
	panic(fmt.Sprintf("data: IDX.At: unknown element type %v", a.Type))
}

// Float64s returns the elements as float64 values, in dst if it has room.
func (a *IDX) Float64s(dst []float64) []float64 {
	n := a.Len()
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = a.At(i)
	}
	return dst
}

// NewIDX encodes the values v as an IDX array of type t and the given
// dimensions. It panics if len(v) ≠ ∏ dims, if t is unknown, or if a value
// is not exactly representable in t (an integer type given a fraction or a
// value out of range); float32 values are rounded.
func NewIDX(t IDXType, dims []int, v []float64) *IDX {
	a := &IDX{Type: t, Dims: append([]int(nil), dims...)}
	if t.Size() == 0 {
		panic(fmt.Sprintf("data: NewIDX: unknown element type %v", t))
	}
	for _, d := range dims {
		if d < 0 || d > math.MaxUint32 {
			panic(fmt.Sprintf("data: NewIDX: dimension %d out of range in %v", d, dims))
		}
	}
	if a.Len() != len(v) {
		panic(fmt.Sprintf("data: NewIDX: %d values for dimensions %v", len(v), dims))
	}
	s := t.Size()
	a.Data = make([]byte, s*len(v))
	for i, x := range v {
		b := a.Data[i*s : i*s+s]
		check := func(lo, hi float64) {
			if x != math.Trunc(x) || x < lo || x > hi {
				panic(fmt.Sprintf("data: NewIDX: value %v at %d is not a %v", x, i, t))
			}
		}
		switch t {
		case Uint8:
			check(0, math.MaxUint8)
			b[0] = byte(x)
		case Int8:
			check(math.MinInt8, math.MaxInt8)
			b[0] = byte(int8(x))
		case Int16:
			check(math.MinInt16, math.MaxInt16)
			binary.BigEndian.PutUint16(b, uint16(int16(x)))
		case Int32:
			check(math.MinInt32, math.MaxInt32)
			binary.BigEndian.PutUint32(b, uint32(int32(x)))
		case Float32:
			binary.BigEndian.PutUint32(b, math.Float32bits(float32(x)))
		case Float64:
			binary.BigEndian.PutUint64(b, math.Float64bits(x))
		}
	}
	return a
}

// WriteIDX writes a in the IDX format, uncompressed (wrap w in a
// gzip.Writer for a .gz file). It panics if len(a.Data) does not match the
// type and dimensions, and returns the error of w.
func WriteIDX(w io.Writer, a *IDX) error {
	if a.Type.Size() == 0 || len(a.Dims) == 0 || len(a.Dims) > 255 {
		panic(fmt.Sprintf("data: WriteIDX: type %v with %d dimensions", a.Type, len(a.Dims)))
	}
	if len(a.Data) != a.Type.Size()*a.Len() {
		panic(fmt.Sprintf("data: WriteIDX: %d data bytes for %v %v", len(a.Data), a.Type, a.Dims))
	}
	hdr := make([]byte, 4+4*len(a.Dims))
	hdr[2], hdr[3] = byte(a.Type), byte(len(a.Dims))
	for i, d := range a.Dims {
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(a.Data)
	return err
}

// ReadIDX reads an IDX array from r, raw or gzip-compressed (recognised by
// its first two bytes, 1f 8b). Malformed or truncated input gives a
// *FormatError with the byte offset of the problem; a header declaring more
// than MaxBytes of data is rejected before anything is allocated.
func ReadIDX(r io.Reader) (*IDX, error) {
	zr, gz, err := detect(r, "")
	if err != nil {
		return nil, err
	}
	s := &source{r: zr, gz: gz, size: -1}
	return s.readIDX()
}

// ReadIDXFile reads the named IDX file, raw or gzip-compressed (recognised
// by its first two bytes, not by its name). Errors name the file; a missing
// file gives an error for which errors.Is(err, fs.ErrNotExist) holds.
func ReadIDXFile(name string) (*IDX, error) {
	s, err := openSource(name)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.readIDX()
}

func (s *source) readIDX() (*IDX, error) {
	h, err := s.readIDXHeader(-1)
	if err != nil {
		return nil, err
	}
	a := &IDX{Type: h.typ, Dims: h.dims, Data: make([]byte, h.bytes)}
	if err := readFull(s.r, a.Data, s.name, h.off, 0, h.bytes); err != nil {
		return nil, err
	}
	if err := expectEOF(s.r, s.name, h.off+h.bytes); err != nil {
		return nil, err
	}
	return a, nil
}

// An idxHeader is a parsed IDX header.
type idxHeader struct {
	typ   IDXType
	dims  []int
	off   int64 // offset of the first data byte
	bytes int64 // data bytes to read
	full  int64 // data bytes declared by the header
	count int   // the outermost dimension declared by the header
}

func (h *idxHeader) shape() string {
	s := make([]string, len(h.dims))
	for i, d := range h.dims {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

// readIDXHeader reads and checks the header. If first ≥ 0, only the first
// items (along the outermost dimension) are to be read: dims[0] and bytes
// are reduced accordingly, and the data bound checks apply to them only.
func (s *source) readIDXHeader(first int) (*idxHeader, error) {
	var magic [4]byte
	if n, err := io.ReadFull(s.r, magic[:]); err != nil {
		if n == 0 && err == io.EOF {
			return nil, formatErr(s.name, 0, nil, "empty file")
		}
		return nil, formatErr(s.name, int64(n), nil, "header ends after %d of 4 bytes", n)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, formatErr(s.name, 0, nil, "bad magic number %02x %02x %02x %02x: an IDX file starts with 00 00",
			magic[0], magic[1], magic[2], magic[3])
	}
	h := &idxHeader{typ: IDXType(magic[2])}
	size := int64(h.typ.Size())
	if size == 0 {
		return nil, formatErr(s.name, 2, nil, "unknown element type 0x%02x (want 08, 09, 0b, 0c, 0d or 0e)", magic[2])
	}
	nd := int(magic[3])
	if nd == 0 {
		return nil, formatErr(s.name, 3, nil, "no dimensions")
	}
	dimb := make([]byte, 4*nd)
	if n, err := io.ReadFull(s.r, dimb); err != nil {
		return nil, formatErr(s.name, 4+int64(n), nil, "header ends after %d of %d dimension bytes", n, len(dimb))
	}
	h.off = 4 + 4*int64(nd)
	h.dims = make([]int, nd)
	for i := range h.dims {
		h.dims[i] = int(binary.BigEndian.Uint32(dimb[4*i:]))
	}
	// Sizes in bytes, checked against MaxBytes at each step so that they
	// cannot overflow.
	full, part := size, size
	for i, d := range h.dims {
		if d != 0 && full > MaxBytes/int64(d) {
			return nil, formatErr(s.name, 4, nil, "dimensions %s of %v declare more than the limit of %d bytes",
				h.shape(), h.typ, int64(MaxBytes))
		}
		full *= int64(d)
		if i == 0 && first >= 0 && first < d {
			part *= int64(first)
		} else {
			part *= int64(d)
		}
	}
	h.full, h.bytes, h.count = full, full, h.dims[0]
	switch bound, exact := s.bound(h.off); {
	case exact && h.full > bound:
		return nil, formatErr(s.name, h.off+bound, nil, "data ends after %d of %d bytes (dimensions %s of %v)",
			bound, h.full, h.shape(), h.typ)
	case exact && h.full < bound:
		return nil, formatErr(s.name, h.off+h.full, nil, "%d bytes after the %d bytes declared by dimensions %s of %v",
			bound-h.full, h.full, h.shape(), h.typ)
	case !exact && part > bound:
		return nil, formatErr(s.name, 4, nil, "dimensions %s of %v declare %d bytes, more than this %d-byte compressed file can hold",
			h.shape(), h.typ, h.full, s.size)
	}
	if first >= 0 && first < h.dims[0] {
		h.dims[0], h.bytes = first, part
	}
	return h, nil
}

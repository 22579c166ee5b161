package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sbinet/npyio"

	"gonum.org/v1/gonum/mat"
)

// WriteNpy writes m to path as a NumPy .npy file (little-endian float64,
// C order, shape (rows, cols)). The file is written to a temporary name and
// renamed into place, so a failure leaves no partial file.
func WriteNpy(path string, m mat.Matrix) error {
	d := mat.DenseCopyOf(m)
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	w := bufio.NewWriter(tmp)
	err = npyio.Write(w, d)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("nn: writing %s: %w", path, err)
	}
	return nil
}

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
	npyType    = regexp.MustCompile(`^[<|]([fiu])([1248])$`)
)

// npyHeader validates the header of an .npy file held in data and returns
// the array shape and the offset of the array data.
func npyHeader(data []byte) (shape []int, start int, typ string, fortran bool, err error) {
	magic := []byte("\x93NUMPY")
	if len(data) < 10 || !bytes.Equal(data[:6], magic) {
		return nil, 0, "", false, errors.New("not a NumPy .npy file (bad magic bytes at offset 0)")
	}
	var hlen int
	switch data[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(data[8:10])), 10
	case 2, 3:
		if len(data) < 12 {
			return nil, 0, "", false, errors.New("truncated header (file ends at offset 10)")
		}
		hlen, start = int(binary.LittleEndian.Uint32(data[8:12])), 12
	default:
		return nil, 0, "", false, fmt.Errorf("unsupported .npy format version %d.%d (offset 6)", data[6], data[7])
	}
	if start+hlen > len(data) {
		return nil, 0, "", false, fmt.Errorf("truncated header: %d header bytes declared at offset 8, file has %d bytes", hlen, len(data))
	}
	hdr := string(data[start : start+hlen])
	start += hlen
	if !strings.HasSuffix(hdr, "\n") || !strings.HasPrefix(strings.TrimSpace(hdr), "{") {
		return nil, 0, "", false, errors.New("malformed header dictionary")
	}
	descr := npyDescr.FindStringSubmatch(hdr)
	if descr == nil {
		return nil, 0, "", false, errors.New("header has no 'descr'")
	}
	dt := npyType.FindStringSubmatch(descr[1])
	if dt == nil {
		return nil, 0, "", false, fmt.Errorf("unsupported data type %q (want little-endian float or integer, e.g. '<f8')", descr[1])
	}
	size, _ := strconv.Atoi(dt[2])
	if dt[1] == "f" && size < 4 {
		return nil, 0, "", false, fmt.Errorf("unsupported data type %q", descr[1])
	}
	order := npyFortran.FindStringSubmatch(hdr)
	if order == nil {
		return nil, 0, "", false, errors.New("header has no valid 'fortran_order'")
	}
	sh := npyShape.FindStringSubmatch(hdr)
	if sh == nil {
		return nil, 0, "", false, errors.New("header has no valid 'shape'")
	}
	n := 1
	for _, tok := range strings.Split(sh[1], ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		d, err := strconv.Atoi(tok)
		if err != nil || d < 0 {
			return nil, 0, "", false, fmt.Errorf("invalid dimension %q in shape (%s)", tok, sh[1])
		}
		shape = append(shape, d)
		// n·d elements need at least n·d bytes; compare without forming
		// the product, which can overflow int for a crafted shape.
		if d > 0 && n > len(data)/d {
			return nil, 0, "", false, fmt.Errorf("shape (%s) needs more data than the file holds", sh[1])
		}
		n *= d
	}
	if len(shape) > 2 {
		return nil, 0, "", false, fmt.Errorf("shape (%s) has %d dimensions, want at most 2", sh[1], len(shape))
	}
	if want, have := n*size, len(data)-start; have != want {
		if have < want {
			return nil, 0, "", false, fmt.Errorf("truncated data: shape (%s) of %s needs %d bytes from offset %d, file has %d", sh[1], descr[1], want, start, have)
		}
		return nil, 0, "", false, fmt.Errorf("%d unexpected bytes after the data at offset %d", have-want, start+want)
	}
	return shape, start, dt[0], order[1] == "True", nil
}

// ReadNpy reads a matrix from a NumPy .npy file of little-endian floats or
// integers (converted to float64), in C or Fortran order, with at most 2
// dimensions (a 1-D array of length n becomes an n×1 column, a scalar
// 1×1). A missing, truncated or malformed file returns an error naming the
// file and what is wrong.
func ReadNpy(path string) (*mat.Dense, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nn: reading %s: %w", path, err)
	}
	shape, start, typ, fortran, err := npyHeader(data)
	if err != nil {
		return nil, fmt.Errorf("nn: reading %s: %w", path, err)
	}
	for _, d := range shape {
		if d == 0 {
			return nil, fmt.Errorf("nn: reading %s: empty array of shape %v", path, shape)
		}
	}
	return decodeNpy(data[start:], shape, typ, fortran), nil
}

// decodeNpy converts validated little-endian array data to a matrix.
func decodeNpy(raw []byte, shape []int, typ string, fortran bool) *mat.Dense {
	r, c := 1, 1
	switch len(shape) {
	case 1:
		r = shape[0]
	case 2:
		r, c = shape[0], shape[1]
	}
	kind, size := typ[1], int(typ[2]-'0')
	le := binary.LittleEndian
	v := make([]float64, r*c)
	for i := range v {
		b := raw[i*size : i*size+size]
		var x float64
		switch {
		case kind == 'f' && size == 8:
			x = math.Float64frombits(le.Uint64(b))
		case kind == 'f':
			x = float64(math.Float32frombits(le.Uint32(b)))
		case kind == 'i' && size == 1:
			x = float64(int8(b[0]))
		case kind == 'i' && size == 2:
			x = float64(int16(le.Uint16(b)))
		case kind == 'i' && size == 4:
			x = float64(int32(le.Uint32(b)))
		case kind == 'i':
			x = float64(int64(le.Uint64(b)))
		case size == 1:
			x = float64(b[0])
		case size == 2:
			x = float64(le.Uint16(b))
		case size == 4:
			x = float64(le.Uint32(b))
		default:
			x = float64(le.Uint64(b))
		}
		if fortran { // element (i mod r, i div r)
			v[(i%r)*c+i/r] = x
		} else {
			v[i] = x
		}
	}
	return mat.NewDense(r, c, v)
}

// SaveNpy writes each matrix to dir/NAME.npy, creating dir if needed.
func (p *Params) SaveNpy(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("nn: SaveNpy: %w", err)
	}
	for i, name := range p.names {
		if err := WriteNpy(filepath.Join(dir, name+".npy"), p.mats[i]); err != nil {
			return err
		}
	}
	return nil
}

// LoadNpy reads every matrix from dir/NAME.npy. Each file must hold a matrix
// of the same shape (or, for a column or row vector, a 1-D array of the same
// length). On any error p is left unchanged.
func (p *Params) LoadNpy(dir string) error {
	tmp := p.Clone()
	for i, name := range p.names {
		path := filepath.Join(dir, name+".npy")
		m, err := ReadNpy(path)
		if err != nil {
			return err
		}
		r, c := m.Dims()
		if r != p.rows[i] || c != p.cols[i] {
			vector := c == 1 && (p.rows[i] == 1 || p.cols[i] == 1) && r == p.rows[i]*p.cols[i]
			if !vector {
				return fmt.Errorf("nn: reading %s: shape %d×%d, parameter %q is %d×%d", path, r, c, name, p.rows[i], p.cols[i])
			}
		}
		copy(tmp.data[tmp.off[i]:tmp.off[i]+r*c], m.RawMatrix().Data)
	}
	copy(p.data, tmp.data)
	return nil
}

// ReadParamsNpy reads every *.npy file of dir into a new parameter set, named
// after the files and ordered by name.
func ReadParamsNpy(dir string) (*Params, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.npy"))
	if err != nil {
		return nil, fmt.Errorf("nn: ReadParamsNpy: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("nn: ReadParamsNpy: no .npy files in %s", dir)
	}
	sort.Strings(paths)
	p := NewParams()
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".npy")
		if !validName(name) {
			return nil, fmt.Errorf("nn: reading %s: %q is not a valid parameter name", path, name)
		}
		m, err := ReadNpy(path)
		if err != nil {
			return nil, err
		}
		r, c := m.Dims()
		p.Add(name, r, c).Copy(m)
	}
	return p, nil
}

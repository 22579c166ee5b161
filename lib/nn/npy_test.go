package nn

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sbinet/npyio"
	"gonum.org/v1/gonum/mat"
)

func TestNpyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(6, 6))
	net := MLP{Sizes: []int{3, 4, 2}, Act: ReLU}
	p := net.Init(rng, XavierNormal)
	fillNormal(rng, p.M("b2"), 1)
	if err := p.SaveNpy(dir); err != nil {
		t.Fatal(err)
	}
	q := net.Params()
	if err := q.LoadNpy(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range p.Names() {
		if !mat.Equal(p.M(name), q.M(name)) {
			t.Errorf("%s changed in the round trip", name)
		}
	}
	r, err := ReadParamsNpy(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Names(), ","); got != "W1,W2,b1,b2" {
		t.Errorf("ReadParamsNpy names %s", got)
	}
	if !mat.Equal(r.M("W2"), p.M("W2")) {
		t.Errorf("ReadParamsNpy W2 differs")
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the directory, want 4", len(entries))
	}
}

func TestNpyForeignShapes(t *testing.T) {
	dir := t.TempDir()
	// A 1-D float32 array, as PyTorch saves a bias, loads as a column.
	f, err := os.Create(filepath.Join(dir, "b1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if err := npyio.Write(f, []float32{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	m, err := ReadNpy(filepath.Join(dir, "b1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(m, mat.NewDense(4, 1, []float64{1, 2, 3, 4})) {
		t.Errorf("1-D array read as %v", mat.Formatted(m))
	}
	// Fortran order is honoured.
	if err := WriteNpy(filepath.Join(dir, "c.npy"), mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "c.npy"))
	hdrEnd := strings.IndexByte(string(data), '\n') + 1
	fortran := []byte(strings.Replace(string(data[:hdrEnd]), "False", "True ", 1))
	fortran = append(fortran, data[hdrEnd:]...)
	os.WriteFile(filepath.Join(dir, "f.npy"), fortran, 0o644)
	m, err = ReadNpy(filepath.Join(dir, "f.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(m, mat.NewDense(2, 3, []float64{1, 3, 5, 2, 4, 6})) {
		t.Errorf("Fortran-order array read as %v", mat.Formatted(m))
	}
}

func TestNpyMalformed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.npy")
	if err := WriteNpy(good, mat.NewDense(3, 4, nil)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	hdrEnd := strings.IndexByte(string(data), '\n') + 1
	hdrStart := 10
	if data[6] > 1 {
		hdrStart = 12
	}
	write := func(name string, b []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cases := []struct {
		path string
		want string
	}{
		{write("garbage.npy", []byte("this is not a numpy file at all")), "bad magic"},
		{write("empty.npy", nil), "bad magic"},
		{write("truncdata.npy", data[:len(data)-9]), "truncated data: shape (3, 4) of <f8 needs 96 bytes"},
		{write("trunchdr.npy", data[:40]), "truncated header"},
		{write("extra.npy", append(append([]byte(nil), data...), 1, 2, 3)), "3 unexpected bytes after the data"},
		{write("dtype.npy", []byte(strings.Replace(string(data), "<f8", "<c8", 1))), `unsupported data type "<c8"`},
		{write("noshape.npy", []byte(strings.Replace(string(data), "'shape'", "'shope'", 1))), "no valid 'shape'"},
		{write("nodict.npy", append(append([]byte(nil), data[:hdrStart]...), []byte(strings.Repeat("x", hdrEnd-hdrStart-1)+"\n")...)), "malformed header"},
		{filepath.Join(dir, "missing.npy"), "no such file"},
	}
	for _, c := range cases {
		_, err := ReadNpy(c.path)
		if err == nil {
			t.Errorf("%s: no error", filepath.Base(c.path))
			continue
		}
		if !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want the file name and %q", filepath.Base(c.path), err, c.want)
		}
	}

	// LoadNpy with one bad file reports it and leaves the parameters unchanged.
	net := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: Tanh}
	p := net.Init(rand.New(rand.NewPCG(1, 1)), Normal(1))
	before := p.Clone()
	pdir := filepath.Join(dir, "params")
	if err := p.SaveNpy(pdir); err != nil {
		t.Fatal(err)
	}
	q := net.Init(rand.New(rand.NewPCG(2, 2)), Normal(1))
	qBefore := q.Clone()
	os.WriteFile(filepath.Join(pdir, "V.npy"), data[:len(data)-1], 0o644)
	err := q.LoadNpy(pdir)
	if err == nil || !strings.Contains(err.Error(), "V.npy") {
		t.Errorf("LoadNpy error %v, want one naming V.npy", err)
	}
	for _, name := range q.Names() {
		if !mat.Equal(q.M(name), qBefore.M(name)) {
			t.Errorf("failed LoadNpy changed %s", name)
		}
	}
	// A file of the wrong shape is reported with both shapes.
	if err := WriteNpy(filepath.Join(pdir, "V.npy"), mat.NewDense(4, 3, nil)); err != nil {
		t.Fatal(err)
	}
	if err := q.LoadNpy(pdir); err == nil || !strings.Contains(err.Error(), `shape 4×3, parameter "V" is 3×4`) {
		t.Errorf("LoadNpy error %v, want a shape mismatch", err)
	}
	_ = before
}

// npyWithShape returns a version-1.0 .npy file of little-endian float64 with
// the given shape text in its header and data bytes of payload.
func npyWithShape(shape string, data int) []byte {
	hdr := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape)
	for (10+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	return append(b, make([]byte, data)...)
}

// A crafted shape whose element count overflows int must be reported, not
// panic in makeslice or return a matrix without data (the product of the
// dimensions wraps to a small or negative number).
func TestNpyShapeOverflow(t *testing.T) {
	dir := t.TempDir()
	for i, c := range []struct {
		shape string
		data  int // bytes of data: what the wrapped element count asks for
	}{
		{"(2, 4611686018427387904)", 0},     // 2·2⁶² = 2⁶³: 8 bytes each wraps to 0
		{"(4, 4611686018427387904)", 0},     // 2⁶⁴ wraps to 0 elements
		{"(3037000500, 3037000500)", 96},    // the square just above 2⁶³
		{"(2, 9223372036854775807)", 16},    // MaxInt64 · 2 wraps to −2: 16 bytes
		{"(0, 9223372036854775807)", 0},     // empty, but the second dimension is absurd
		{"(12, 4611686018427387904, 4)", 0}, // three dimensions, wrapping
	} {
		shape := c.shape
		path := filepath.Join(dir, fmt.Sprintf("crafted%d.npy", i))
		if err := os.WriteFile(path, npyWithShape(shape, c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadNpy(path)
		if err == nil {
			t.Errorf("shape %s: no error, read %v", shape, m)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("shape %s: error %q does not name the file", shape, err)
		}
		// The parameter loaders read through the same header parser.
		net := TwoLayer{In: 4, Hidden: 3, Out: 2, Act: Tanh}
		p := net.Params()
		pdir := filepath.Join(dir, fmt.Sprintf("params%d", i))
		if err := p.SaveNpy(pdir); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(pdir, "U.npy"), npyWithShape(shape, c.data), 0o644)
		if err := p.LoadNpy(pdir); err == nil {
			t.Errorf("shape %s: LoadNpy gave no error", shape)
		}
	}
}

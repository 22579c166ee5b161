package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/data")

// fixtureDir holds the small data files the tests read; they are generated
// by fixtures below (go test -run TestFixtures -update).
const fixtureDir = "../../testdata/data"

// fixturePixel is the value of pixel j of image i in the valid fixtures.
func fixturePixel(i, j int) byte { return byte((i*37 + j*11) % 256) }

// fixtureLabel is the label of image i in the valid fixtures.
func fixtureLabel(i int) int { return (3*i + 1) % 10 }

// Fixture sizes.
const (
	fashionTrainN = 6
	fashionTestN  = 4
	cifarPerBatch = 1 // records in each data_batch_k.bin
	cifarTestN    = 2
)

func idxBytes(a *IDX) []byte {
	var b bytes.Buffer
	if err := WriteIDX(&b, a); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func labelsIDX(labels ...int) []byte {
	v := make([]float64, len(labels))
	for i, l := range labels {
		v[i] = float64(l)
	}
	return idxBytes(NewIDX(Uint8, []int{len(v)}, v))
}

func fixtureLabels(n int) []int {
	l := make([]int, n)
	for i := range l {
		l[i] = fixtureLabel(i)
	}
	return l
}

// imagesIDX returns n fixture images of h×w pixels as an uint8 IDX file.
func imagesIDX(n, h, w int) []byte {
	v := make([]float64, n*h*w)
	for i := 0; i < n; i++ {
		for j := 0; j < h*w; j++ {
			v[i*h*w+j] = float64(fixturePixel(i, j))
		}
	}
	return idxBytes(NewIDX(Uint8, []int{n, h, w}, v))
}

// cifarRecords returns n CIFAR-10 records, numbered from first.
func cifarRecords(first, n int) []byte {
	b := make([]byte, 0, n*cifarRecord)
	for i := first; i < first+n; i++ {
		b = append(b, byte(fixtureLabel(i)))
		for j := 0; j < cifarRecord-1; j++ {
			b = append(b, fixturePixel(i, j))
		}
	}
	return b
}

// header returns an IDX header.
func header(t IDXType, dims ...uint32) []byte {
	b := []byte{0, 0, byte(t), byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

// typedValues are the values of the per-type round-trip fixtures, 2×3.
var typedValues = map[IDXType][]float64{
	Uint8:   {0, 1, 2, 127, 128, 255},
	Int8:    {-128, -1, 0, 1, 64, 127},
	Int16:   {-32768, -300, 0, 1, 300, 32767},
	Int32:   {-2147483648, -70000, 0, 1, 70000, 2147483647},
	Float32: {-1.5, -0.25, 0, 0.5, 3, 1e10},
	Float64: {-1e-300, -0.1, 0, 1.0 / 3, 2.5, 1e300},
}

// fixtures returns the contents of every fixture file, by path under
// fixtureDir.
func fixtures() map[string][]byte {
	f := map[string][]byte{}

	// A Fashion-MNIST directory in miniature: the train files gzipped, the
	// test images raw under the uncompressed name, the test labels raw
	// under the .gz name (detection is by content, not by name).
	f["fashion/train-images-idx3-ubyte.gz"] = gz(imagesIDX(fashionTrainN, 28, 28))
	f["fashion/train-labels-idx1-ubyte.gz"] = gz(labelsIDX(fixtureLabels(fashionTrainN)...))
	f["fashion/t10k-images-idx3-ubyte"] = imagesIDX(fashionTestN, 28, 28)
	f["fashion/t10k-labels-idx1-ubyte.gz"] = labelsIDX(fixtureLabels(fashionTestN)...)

	// One 2×3 array of each element type, and the uint8 one gzipped.
	for t, v := range typedValues {
		f["idx/"+t.String()+".idx"] = idxBytes(NewIDX(t, []int{2, 3}, v))
	}
	f["idx/uint8.idx.gz"] = gz(f["idx/uint8.idx"])

	// Malformed IDX files.
	valid := imagesIDX(1, 2, 12) // 16-byte header, 24 data bytes
	f["idx/empty.idx"] = nil
	f["idx/bad-magic.idx"] = append([]byte{0x01}, valid[1:]...)
	f["idx/bad-type.idx"] = append(header(0x07, 1, 2, 12), valid[16:]...)
	f["idx/no-dims.idx"] = header(Uint8)
	f["idx/short-header.idx"] = valid[:10]
	f["idx/short-data.idx"] = valid[:16+20]
	f["idx/long-data.idx"] = append(append([]byte(nil), valid...), 1, 2, 3)
	f["idx/short-data.idx.gz"] = gz(valid[:16+20])
	f["idx/too-big.idx"] = header(Uint8, 65535, 65535, 65535)
	f["idx/huge.idx.gz"] = gz(header(Uint8, 1000, 1000, 100))
	noise := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	z := gz(append(header(Uint8, 4096), noise...))
	f["idx/truncated.idx.gz"] = z[:len(z)/2]

	// Malformed image/label pairs, for LoadIDX and FashionMNIST.
	f["idx/labels-5.idx"] = labelsIDX(fixtureLabels(5)...)
	f["idx/labels-bad.idx"] = labelsIDX(1, 2, 3, 12, 4, 5)
	f["idx/labels-2d.idx"] = idxBytes(NewIDX(Uint8, []int{2, 3}, typedValues[Uint8]))
	f["idx/images-int16.idx"] = idxBytes(NewIDX(Int16, []int{6, 1, 1}, typedValues[Int16]))
	f["idx/images-6x2x3.idx"] = imagesIDX(6, 2, 3)
	f["idx/images-1d.idx"] = idxBytes(NewIDX(Uint8, []int{6}, typedValues[Uint8]))

	// A CIFAR-10 directory in miniature; data_batch_5 is gzipped.
	for k := 1; k <= 5; k++ {
		f["cifar/data_batch_"+string(rune('0'+k))+".bin"] = cifarRecords((k-1)*cifarPerBatch, cifarPerBatch)
	}
	f["cifar/data_batch_5.bin"] = gz(f["cifar/data_batch_5.bin"])
	f["cifar/test_batch.bin"] = cifarRecords(100, cifarTestN)

	// Malformed CIFAR-10 files.
	two := cifarRecords(0, 2)
	f["cifar-bad/empty.bin"] = nil
	f["cifar-bad/truncated.bin"] = two[:cifarRecord+1000]
	bad := append([]byte(nil), two...)
	bad[cifarRecord] = 10
	f["cifar-bad/bad-label.bin"] = bad
	zc := gz(two)
	f["cifar-bad/truncated.bin.gz"] = zc[:len(zc)/2]
	return f
}

// TestFixtures checks that the committed fixtures are those fixtures()
// describes (comparing decompressed contents for gzip files, whose bytes
// depend on the compressor), or rewrites them with -update.
func TestFixtures(t *testing.T) {
	want := fixtures()
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	if *update {
		if err := os.RemoveAll(fixtureDir); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			p := filepath.Join(fixtureDir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, want[name], 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, name := range names {
		got, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Errorf("%v (regenerate with go test -run TestFixtures -update)", err)
			continue
		}
		if strings.Contains(name, "truncated") {
			continue // a cut compressed stream: its bytes depend on the compressor
		}
		if !bytes.Equal(plain(t, got), plain(t, want[name])) {
			t.Errorf("%s differs from its generator (regenerate with go test -run TestFixtures -update)", name)
		}
	}
}

// plain returns b decompressed if it is gzip data.
func plain(t *testing.T, b []byte) []byte {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fixture(name string) string { return filepath.Join(fixtureDir, name) }

func writeFile(name string, b []byte) error { return os.WriteFile(name, b, 0o644) }

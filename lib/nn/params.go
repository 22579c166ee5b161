package nn

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Params is an ordered set of named parameter matrices that are views into
// one backing vector θ, so that
//
//	θ = (vec M₁, vec M₂, …),  vec M = rows of M concatenated (row-major),
//
// and Vec returns θ without copying: an optimiser or a Hessian routine works
// on the flat vector, a model or a symmetry on the matrices, and each sees
// the other's writes. The matrices returned by M stay valid when more
// parameters are added or the storage is rebound with Bind.
type Params struct {
	names []string
	index map[string]int
	rows  []int
	cols  []int
	off   []int
	data  []float64
	mats  []*mat.Dense
}

// NewParams returns an empty parameter set.
func NewParams() *Params { return &Params{index: map[string]int{}} }

func validName(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// Add appends a zero r×c matrix called name and returns it. Names are made of
// letters, digits, '_', '.' and '-' (they become file names in SaveNpy);
// an invalid or duplicate name or a non-positive shape panics.
func (p *Params) Add(name string, r, c int) *mat.Dense {
	if !validName(name) {
		panic(fmt.Sprintf("nn: Params.Add: invalid name %q", name))
	}
	if _, dup := p.index[name]; dup {
		panic(fmt.Sprintf("nn: Params.Add: duplicate name %q", name))
	}
	if r <= 0 || c <= 0 {
		panic(fmt.Sprintf("nn: Params.Add: %q has invalid shape %d×%d", name, r, c))
	}
	if p.index == nil {
		p.index = map[string]int{}
	}
	off := len(p.data)
	n := off + r*c
	if n > cap(p.data) {
		data := make([]float64, n, max(n, 2*cap(p.data)))
		copy(data, p.data)
		p.data = data
		for i, m := range p.mats {
			m.SetRawMatrix(p.raw(i))
		}
	} else {
		p.data = p.data[:n]
		clear(p.data[off:])
	}
	p.index[name] = len(p.names)
	p.names = append(p.names, name)
	p.rows = append(p.rows, r)
	p.cols = append(p.cols, c)
	p.off = append(p.off, off)
	m := mat.NewDense(r, c, p.data[off:n:n])
	p.mats = append(p.mats, m)
	return m
}

func (p *Params) raw(i int) blas64.General {
	off, n := p.off[i], p.off[i]+p.rows[i]*p.cols[i]
	return blas64.General{Rows: p.rows[i], Cols: p.cols[i], Stride: p.cols[i], Data: p.data[off:n:n]}
}

// Index returns the position of the parameter called name, or -1.
func (p *Params) Index(name string) int {
	i, ok := p.index[name]
	if !ok {
		return -1
	}
	return i
}

// Has reports whether there is a parameter called name.
func (p *Params) Has(name string) bool { return p.Index(name) >= 0 }

// M returns the matrix called name, a view into Vec. An unknown name panics.
func (p *Params) M(name string) *mat.Dense {
	i, ok := p.index[name]
	if !ok {
		panic(fmt.Sprintf("nn: Params.M: no parameter %q (have %s)", name, strings.Join(p.names, ", ")))
	}
	return p.mats[i]
}

// At returns the i-th matrix in order of addition.
func (p *Params) At(i int) *mat.Dense { return p.mats[i] }

// Names returns the parameter names in order of addition.
func (p *Params) Names() []string { return append([]string(nil), p.names...) }

// Count returns the number of matrices.
func (p *Params) Count() int { return len(p.names) }

// Len returns the total number of scalar parameters, len(Vec()).
func (p *Params) Len() int { return len(p.data) }

// Vec returns θ, the backing vector of all matrices (no copy).
func (p *Params) Vec() []float64 { return p.data }

// Shape returns the dimensions of the matrix called name.
func (p *Params) Shape(name string) (r, c int) {
	r, c = p.M(name).Dims()
	return r, c
}

// Offset returns where the matrix called name starts in Vec: its entry
// (i, j) is Vec()[Offset(name) + i·c + j].
func (p *Params) Offset(name string) int {
	p.M(name)
	return p.off[p.index[name]]
}

// Bind makes every matrix a view into v instead of the current backing
// vector, without copying; afterwards Vec() is v. len(v) must be Len().
// Bind allocates nothing, so a function of a flat vector can look at it
// through named matrices cheaply on every call.
func (p *Params) Bind(v []float64) {
	if len(v) != len(p.data) {
		panic(fmt.Sprintf("nn: Params.Bind: vector of length %d for %d parameters", len(v), len(p.data)))
	}
	p.data = v
	for i, m := range p.mats {
		m.SetRawMatrix(p.raw(i))
	}
}

// NewLike returns a parameter set with the same names and shapes, all zero,
// with its own backing vector (for gradients, velocities, directions).
func (p *Params) NewLike() *Params {
	q := &Params{
		names: append([]string(nil), p.names...),
		index: make(map[string]int, len(p.names)),
		rows:  append([]int(nil), p.rows...),
		cols:  append([]int(nil), p.cols...),
		off:   append([]int(nil), p.off...),
		data:  make([]float64, len(p.data)),
		mats:  make([]*mat.Dense, len(p.names)),
	}
	for i, n := range q.names {
		q.index[n] = i
		q.mats[i] = &mat.Dense{}
		q.mats[i].SetRawMatrix(q.raw(i))
	}
	return q
}

// Clone returns a deep copy.
func (p *Params) Clone() *Params {
	q := p.NewLike()
	copy(q.data, p.data)
	return q
}

// SameLayout reports whether q has the same names and shapes in the same order.
func (p *Params) SameLayout(q *Params) bool {
	if len(p.names) != len(q.names) {
		return false
	}
	for i := range p.names {
		if p.names[i] != q.names[i] || p.rows[i] != q.rows[i] || p.cols[i] != q.cols[i] {
			return false
		}
	}
	return true
}

// CopyFrom copies the values of q, which must have the same layout.
func (p *Params) CopyFrom(q *Params) {
	if !p.SameLayout(q) {
		panic(fmt.Sprintf("nn: Params.CopyFrom: layouts differ (%v and %v)", p, q))
	}
	copy(p.data, q.data)
}

// String lists the parameters and their shapes, for example
// "Params{U 5×50, V 50×10; 750 values}".
func (p *Params) String() string {
	var b strings.Builder
	b.WriteString("Params{")
	for i, n := range p.names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d×%d", n, p.rows[i], p.cols[i])
	}
	fmt.Fprintf(&b, "; %d values}", len(p.data))
	return b.String()
}

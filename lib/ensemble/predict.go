package ensemble

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/noetherlab/noether/lib/ad"
	"github.com/noetherlab/noether/lib/nn"
)

// Logits returns the logits of the first k members on pre-activations H
// (Net.Hidden), one m×N matrix per member.
func (e *Ensemble) Logits(H *mat.Dense, k int) []*mat.Dense {
	e.checkK("Logits", k)
	z := make([]*mat.Dense, k)
	for i := range z {
		z[i] = e.Net.MemberLogits(nil, e.Members[i], H)
	}
	return z
}

func (e *Ensemble) checkK(fn string, k int) {
	if k < 1 || k > len(e.Members) {
		panic(fmt.Sprintf("ensemble: %s: %d members of %d", fn, k, len(e.Members)))
	}
}

// Vote returns the majority vote of the members' predicted classes: for
// each sample (column) the class that is argmax of the most members' logits,
// the smallest such class on a tie (as torch.mode). It panics if the
// matrices differ in shape or there are none.
func Vote(logits []*mat.Dense) []int {
	m, N := checkScores("Vote", logits)
	counts := mat.NewDense(m, N, nil)
	var s scratch
	for _, z := range logits {
		addVotes(counts, z, &s)
	}
	return nn.Argmax(counts) // the first largest count: the smallest class on ties
}

// addVotes adds one to counts at each column's argmax of z (the first
// largest entry), with s's buffers.
func addVotes(counts, z *mat.Dense, s *scratch) {
	m, N := z.Dims()
	best, arg := grow(&s.best, N), grow(&s.arg, N)
	clear(arg)
	copy(best, z.RawRowView(0))
	for i := 1; i < m; i++ {
		row := z.RawRowView(i)[:len(best)]
		arg := arg[:len(best)]
		for j, v := range row {
			// branch-free (which row wins is unpredictable): keep best[j]
			// and arg[j] unless v > best[j], through the mask of v > best[j].
			b := best[j]
			keep := uint64(b2i(v > b)) - 1
			best[j] = math.Float64frombits(math.Float64bits(b)&keep | math.Float64bits(v)&^keep)
			arg[j] = arg[j]&int(keep) | i&^int(keep)
		}
	}
	for j, c := range arg {
		counts.RawRowView(c)[j]++
	}
}

// b2i converts a bool to 0 or 1 (a flag move, no branch).
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// scratch holds the buffers of addVotes, addSoftmax and memberLogits, so
// that evaluating many members allocates nothing per member.
type scratch struct {
	best, mx, sum, e []float64
	arg              []int
	tape             *ad.Tape
}

// grow returns (*b)[:n], reallocating *b when it is too short.
func grow[T any](b *[]T, n int) []T {
	if cap(*b) < n {
		*b = make([]T, n)
	}
	*b = (*b)[:n]
	return *b
}

// Average returns (1/K) Σ_i softmax(Z_i), the members' class
// probabilities averaged, one column per sample.
func Average(logits []*mat.Dense) *mat.Dense {
	m, N := checkScores("Average", logits)
	p := mat.NewDense(m, N, nil)
	var s scratch
	for _, z := range logits {
		addSoftmax(p, z, &s)
	}
	p.Scale(1/float64(len(logits)), p)
	return p
}

// addSoftmax adds softmax of each column of z to p: exp(z − max) / Σ exp(z − max),
// with s's buffers.
func addSoftmax(p, z *mat.Dense, s *scratch) {
	m, N := z.Dims()
	mx, sum, e := grow(&s.mx, N), grow(&s.sum, N), grow(&s.e, m*N)
	clear(sum)
	copy(mx, z.RawRowView(0))
	for i := 1; i < m; i++ {
		for j, v := range z.RawRowView(i) {
			mx[j] = max(mx[j], v) // as math.Max for NaN and ±0, inlined
		}
	}
	for i := 0; i < m; i++ {
		er := e[i*N : i*N+N]
		for j, v := range z.RawRowView(i) {
			er[j] = v - mx[j]
		}
		ad.ExpTo(er, er) // math.Exp's bits, eight at a time
		for j, v := range er {
			sum[j] += v
		}
	}
	for i := 0; i < m; i++ {
		pr := p.RawRowView(i)
		for j, v := range e[i*N : i*N+N] {
			pr[j] += v / sum[j]
		}
	}
}

func checkScores(fn string, logits []*mat.Dense) (m, N int) {
	if len(logits) == 0 {
		panic(fmt.Sprintf("ensemble: %s: no members", fn))
	}
	m, N = logits[0].Dims()
	for i, z := range logits {
		if r, c := z.Dims(); r != m || c != N {
			panic(fmt.Sprintf("ensemble: %s: member %d has %d×%d logits, member 0 %d×%d", fn, i, r, c, m, N))
		}
	}
	return m, N
}

// Accuracy returns, for each ensemble size k in sizes (increasing, at most
// the number of members), the accuracy of the first k members on
// pre-activations H with the given labels: by majority vote and by mean
// softmax. The members' logits are computed once, so the cost is that of
// the largest size; the samples are split over the available cores.
func (e *Ensemble) Accuracy(H *mat.Dense, labels []int, sizes []int) (vote, mean []float64) {
	return e.accuracy("Accuracy", H, labels, sizes, true)
}

// VoteAccuracy is Accuracy by majority vote only: it skips the softmax of
// every member, which costs about as much as the members' logits.
func (e *Ensemble) VoteAccuracy(H *mat.Dense, labels []int, sizes []int) []float64 {
	vote, _ := e.accuracy("VoteAccuracy", H, labels, sizes, false)
	return vote
}

// accuracy is Accuracy, with the mean-softmax accuracies only when soft
// (nil otherwise); fn names the caller in panics.
func (e *Ensemble) accuracy(fn string, H *mat.Dense, labels []int, sizes []int, soft bool) (vote, mean []float64) {
	h, N := H.Dims()
	if len(labels) != N {
		panic(fmt.Sprintf("ensemble: %s: %d samples and %d labels", fn, N, len(labels)))
	}
	for i, k := range sizes {
		e.checkK(fn, k)
		if i > 0 && k <= sizes[i-1] {
			panic(fmt.Sprintf("ensemble: %s: sizes %v are not increasing", fn, sizes))
		}
	}
	parts := max(1, min(runtime.GOMAXPROCS(0), N/100))
	hitV := make([][]int, parts)
	hitM := make([][]int, parts)
	var wg sync.WaitGroup
	for q := range parts {
		j0, j1 := q*N/parts, (q+1)*N/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			hitV[q], hitM[q] = e.hits(mat.DenseCopyOf(H.Slice(0, h, j0, j1)), labels[j0:j1], sizes, soft)
		}()
	}
	wg.Wait()
	vote = make([]float64, len(sizes))
	if soft {
		mean = make([]float64, len(sizes))
	}
	for s := range sizes {
		for q := range parts {
			vote[s] += float64(hitV[q][s])
			if soft {
				mean[s] += float64(hitM[q][s])
			}
		}
		vote[s] /= float64(N)
		if soft {
			mean[s] /= float64(N)
		}
	}
	return vote, mean
}

// hits returns the numbers of correct votes and, when soft, mean-softmax
// predictions of the prefixes sizes of the members.
//
// The samples are taken in blocks of at most hitsBlock (hitsSpan), every
// member on each block: a block's pre-activations, the members' logits and
// the counts stay in the cache. Each sample's logits are the same bits
// whatever the block, and so are its votes and softmaxes: σ acts entry by
// entry, and each product sums every entry in an order that does not
// depend on the columns as long as the method does not change, which
// blocks of nearly equal sizes ensure (a short last block could take the
// direct method where the whole is packed, which rounds the sums of a
// hidden layer wider than 256 otherwise).
func (e *Ensemble) hits(H *mat.Dense, labels []int, sizes []int, soft bool) (vote, mean []int) {
	_, N := H.Dims()
	m := e.Net.Classes()
	vote = make([]int, len(sizes))
	if soft {
		mean = make([]int, len(sizes))
	}
	var hb, counts, p mat.Dense
	s := scratch{tape: tapes.Get().(*ad.Tape)}
	defer tapes.Put(s.tape)
	for b, nb := 0, (N+hitsBlock-1)/hitsBlock; b < nb; b++ {
		j0, j1 := hitsSpan(b, nb, N)
		columns(&hb, H, j0, j1)
		blank(&counts, m, j1-j0)
		if soft {
			blank(&p, m, j1-j0)
		}
		next := 0
		for i := 0; next < len(sizes); i++ {
			z := e.Net.memberLogitsOnTape(&s, e.Members[i], &hb)
			addVotes(&counts, z, &s)
			if soft {
				addSoftmax(&p, z, &s)
			}
			if i+1 == sizes[next] {
				vote[next] += correct(&counts, labels[j0:j1])
				if soft {
					mean[next] += correct(&p, labels[j0:j1])
				}
				next++
			}
		}
	}
	return vote, mean
}

// hitsBlock is the number of samples hits evaluates at a time: the block's
// pre-activations, two layers of a member and its logits, the counts and
// the softmax sums then take about 400 KB.
const hitsBlock = 512

// hitsSpan returns the samples [j0, j1) of block b of nb, nearly equal,
// that cover N: more than hitsBlock/2 each when N is over hitsBlock.
func hitsSpan(b, nb, N int) (j0, j1 int) { return b * N / nb, (b + 1) * N / nb }

// blank makes m an r×c zero matrix, reusing its storage.
func blank(m *mat.Dense, r, c int) {
	m.Reset()
	m.ReuseAs(r, c)
	m.Zero()
}

// correct counts the columns of scores whose first largest entry is at the
// label.
func correct(scores *mat.Dense, labels []int) int {
	n := 0
	for j, c := range nn.Argmax(scores) {
		if c == labels[j] {
			n++
		}
	}
	return n
}

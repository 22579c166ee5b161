package classify

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/noetherlab/noether/lib/cache"
	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// TrainCached is Train with its result kept by package cache: if the same
// model was trained before from the same initial parameters on the same data
// with the same settings, it loads the trained parameters into p and returns
// trained = false; otherwise it trains, stores p and returns trained = true.
//
// A notebook whose cells each need the trained network calls it in every
// cell: the first trains, the others load. The run is identified (the key of
// cache.Do) by a SHA-256 over the model's description, the settings, every
// initial parameter, the labels and a sample of about 2¹⁸ input values (every
// input when there are fewer). As for every cached result, the cache is
// $NOETHER_CACHE (off: always train), and a result that cannot be stored is
// reported on standard error, not returned as an error. Observers in s see
// the steps only of a run that trains.
func TrainCached(model nn.Model, p *nn.Params, set *data.Set, s Settings) (trained bool, err error) {
	key := struct{ Run string }{runKey(model, p, set, s)}
	v, cached, err := cache.Do("classify.TrainCached", key, func() ([]float64, error) {
		if _, err := Train(model, p, set, s); err != nil {
			return nil, err
		}
		return p.Vec(), nil
	})
	if err != nil {
		return true, err
	}
	if cached {
		if len(v) != p.Len() {
			// A stored run of another layout under the same key cannot
			// happen short of a hash collision: train instead.
			_, err := Train(model, p, set, s)
			return true, err
		}
		copy(p.Vec(), v)
	}
	return !cached, nil
}

// runKey returns the hex SHA-256 (first 16 bytes) identifying a training run.
func runKey(model nn.Model, p *nn.Params, set *data.Set, s Settings) string {
	h := sha256.New()
	fmt.Fprintf(h, "%v|%v|%d|%d|%g|%d|", model, p, s.Epochs, s.BatchSize, s.LR, s.Seed)
	var b [8]byte
	put := func(v float64) {
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	for _, v := range p.Vec() {
		put(v)
	}
	n, d := set.X.Dims()
	fmt.Fprintf(h, "%d×%d|%v|", n, d, set.Shape)
	for _, l := range set.Labels {
		binary.LittleEndian.PutUint64(b[:], uint64(l))
		h.Write(b[:])
	}
	stride := max(1, n*d>>18)
	for k := 0; k < n*d; k += stride {
		put(set.X.At(k/d, k%d))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

package classify

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/noetherlab/noether/lib/data"
	"github.com/noetherlab/noether/lib/nn"
)

// TrainCached is Train with its result kept in dir: if dir holds the
// parameters saved by a run of the same model from the same initial
// parameters on the same data with the same settings, it loads them into p
// and returns trained = false; otherwise it trains, saves p there (as .npy
// files, see nn.Params.SaveNpy) and returns trained = true.
//
// A notebook whose cells each need the trained network calls it in every
// cell: the first trains, the others load. The run is identified by a
// SHA-256 over the model's description, the settings, every initial
// parameter, the labels and a sample of about 2¹⁸ input values (every
// input when there are fewer), which names the subdirectory of dir it is
// saved in. A failure to save is returned after training, with p trained.
func TrainCached(dir string, model nn.Model, p *nn.Params, set *data.Set, s Settings) (trained bool, err error) {
	sub := filepath.Join(dir, runKey(model, p, set, s))
	if _, err := os.Stat(sub); err == nil {
		if err := p.LoadNpy(sub); err == nil {
			return false, nil
		}
	}
	if _, err := Train(model, p, set, s); err != nil {
		return true, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return true, fmt.Errorf("classify: TrainCached: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "tmp-")
	if err != nil {
		return true, fmt.Errorf("classify: TrainCached: %w", err)
	}
	if err := p.SaveNpy(tmp); err != nil {
		os.RemoveAll(tmp)
		return true, fmt.Errorf("classify: TrainCached: %w", err)
	}
	// The rename makes the result appear whole; if another run saved the
	// same result first, keep theirs.
	if err := os.Rename(tmp, sub); err != nil {
		os.RemoveAll(tmp)
	}
	return true, nil
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

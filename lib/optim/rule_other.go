//go:build !amd64

package optim

// momentumVec has no vector form here: the scalar loop does every entry.
func momentumVec(theta, b, g []float64, mu, eta float64) int { return 0 }

// adamVec has no vector form here: the scalar loop does every entry.
func adamVec(theta, m, v, g []float64, k *adamConsts) int { return 0 }

// finiteVec has no vector form here: the scalar loop checks every entry.
func finiteVec(x []float64) (int, bool) { return 0, true }

package exercise

import (
	"math"
	"testing"
)

// TestDecayFactor: (1 − ηγ)² passes; the continuous e^{−2ηγ}, the factor of
// θ, 1 − ηγ, and a wild guess fail.
func TestDecayFactor(t *testing.T) {
	contract18(t, DecayFactor, (1-0.0025)*(1-0.0025), math.Exp(-0.005), 1-0.0025, 0.5)
}

// TestOscillationThreshold: (1−β)²/(4(1+β)) at β = 0.99 passes; (1−β)²,
// (1−β)/(1+β) and a quarter of the discrete threshold (1−√β)² fail.
func TestOscillationThreshold(t *testing.T) {
	contract18(t, OscillationThreshold, 0.0001/(4*1.99), 0.0001, 0.01/1.99, (1-math.Sqrt(0.99))*(1-math.Sqrt(0.99))/4)
}

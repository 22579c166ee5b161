package exercise

import "testing"

// The checks of notebooks 12–17 run when a student runs an answer cell:
// each should take well under the 2 s a cell may spend on a check. Any
// answer other than the placeholder makes a check compute its answer; the
// functions are the right ones, so that every random input is tried.
func BenchmarkChecks12to17(b *testing.B) {
	checks := map[string]func() Verdict{
		"PathBarrier":              func() Verdict { return PathBarrier(answer121) },
		"LineThroughRescaling":     func() Verdict { return LineThroughRescaling(1) },
		"UnitSlerp":                func() Verdict { return UnitSlerp(answer123) },
		"SignHamming":              func() Verdict { return SignHamming(answer131) },
		"FlipDisagreement":         func() Verdict { return FlipDisagreement(1) },
		"ChargeStep":               func() Verdict { return ChargeStep(answer141) },
		"BatchDrift":               func() Verdict { return BatchDrift(1) },
		"CircleGrowth":             func() Verdict { return CircleGrowth(1) },
		"DecayEquilibrium":         func() Verdict { return DecayEquilibrium(1) },
		"AnisotropicBalance":       func() Verdict { return AnisotropicBalance(1) },
		"BalancedKaimingSharpness": func() Verdict { return BalancedKaimingSharpness(1) },
		"RankOneSharpness":         func() Verdict { return RankOneSharpness(answer162) },
		"DecayLevel":               func() Verdict { return DecayLevel(answer171) },
		"ScaleInvariantNoise":      func() Verdict { return ScaleInvariantNoise(1) },
	}
	for name, check := range checks {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				check()
			}
		})
	}
}

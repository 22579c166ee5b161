package exercise

import "math/rand/v2"

// OnRandomInputs checks a student's function on trials inputs drawn from
// newRand(seed). Each call of trial draws one input from rng, evaluates the
// student's function and the library's on it, and returns "" when they
// agree or, when they do not, what is wrong (without the library's value).
// The first disagreement is the verdict; a panic in the student's function
// is reported as such (Safely). Seeding makes the verdict reproducible: the
// same answer always gets the same verdict.
func OnRandomInputs(id string, trials int, seed uint64, trial func(rng *rand.Rand) string) Verdict {
	rng := newRand(seed)
	for i := range trials {
		var msg string
		if err := Safely(func() { msg = trial(rng) }); err != nil {
			return Fail(id, "on random input %d: %v", i+1, err)
		}
		if msg != "" {
			return Fail(id, "%s", msg)
		}
	}
	return Pass(id, "agrees with the library on %d random inputs", trials)
}

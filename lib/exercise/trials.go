package exercise

import "math/rand/v2"

// OnRandomInputs checks a student's function on trials inputs drawn from a
// generator seeded by seed. Each call of trial draws one input from rng,
// evaluates the student's function and the library's on it, and returns ""
// when they agree or, when they do not, what is wrong (without the library's
// value). The first disagreement is the verdict; a panic in the student's
// function is reported as such. Seeding makes the verdict reproducible: the
// same answer always gets the same verdict.
func OnRandomInputs(id string, trials int, seed uint64, trial func(rng *rand.Rand) string) (v Verdict) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	i := 0
	defer func() {
		if r := recover(); r != nil {
			v = Fail(id, "your function panicked on random input %d: %v", i+1, r)
		}
	}()
	for ; i < trials; i++ {
		if msg := trial(rng); msg != "" {
			return Fail(id, "%s", msg)
		}
	}
	return Pass(id, "agrees with the library on %d random inputs", trials)
}

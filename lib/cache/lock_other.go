//go:build !unix

package cache

// lock does nothing where flock is missing: concurrent runs may then
// compute the same result twice (each stores it whole; the last one stays).
func lock(string) (unlock func()) { return nil }

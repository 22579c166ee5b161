// Package stats summarises repeated measurements: the mean of independent
// units (trained networks, seeds) with a two-sided 95% Student t interval,
// and the same for paired differences.
//
// A difference measured on n independent units is called a gain (or a loss)
// only when its interval excludes 0 (Interval.Excludes).
package stats

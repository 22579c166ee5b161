//go:build unix && !darwin && !ios

package kernel

// rssUnit is the unit of ru_maxrss: KiB on Linux and the BSDs.
const rssUnit = 1024

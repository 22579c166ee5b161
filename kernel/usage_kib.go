//go:build unix && !darwin && !ios

package kernel

// rssUnit is the unit of ru_maxrss: KiB on Linux, the BSDs and AIX (Solaris
// and illumos leave it 0: their wait4 reports only the CPU times).
const rssUnit = 1024

package kernel

// rssUnit is the unit of ru_maxrss: bytes on macOS.
const rssUnit = 1

package kernel

import "os"

var osStat = os.Stat

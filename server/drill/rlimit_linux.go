package drill

import "syscall"

// raiseFileLimit lifts the soft limit on open files to the hard limit
// (every connection is a file) and returns the limit in force.
func raiseFileLimit() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	// Root may lift the hard limit too (up to fs.nr_open); try that first.
	for _, want := range []uint64{max(lim.Max, 1<<20), lim.Max} {
		if lim.Cur >= want {
			break
		}
		raised := syscall.Rlimit{Cur: want, Max: max(want, lim.Max)}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised) == nil {
			lim = raised
			break
		}
	}
	return lim.Cur
}

package cli

import (
	"log/slog"
	"syscall"
)

// raiseFileLimit lifts the soft limit on open files to the hard limit:
// every WebSocket is a file, and the usual soft limit of 1024 would cap a
// school at a thousand students.
func raiseFileLimit(log *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return
	}
	// Root may lift the hard limit too (up to fs.nr_open); try that first.
	for _, want := range []uint64{max(lim.Max, 1<<20), lim.Max} {
		if lim.Cur >= want {
			break
		}
		raised := syscall.Rlimit{Cur: want, Max: max(want, lim.Max)}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			lim = raised
			break
		}
	}
	if lim.Cur < 4096 {
		log.Warn("low open-file limit: each connection needs one", "limit", lim.Cur)
	}
	log.Debug("open-file limit", "limit", lim.Cur)
}

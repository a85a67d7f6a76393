//go:build !unix

package datadir

import "os"

// flock is a no-op where flock(2) does not exist; Ersatzraum ships for
// Linux, where the lock is real.
func flock(*os.File) error { return nil }

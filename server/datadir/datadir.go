// Package datadir owns the layout of the data directory that
// `ersatzraum serve --data DIR` works in, and the advisory lock that keeps
// two processes (two servers, or a server and a restore) from using one
// directory at the same time.
package datadir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Names inside the data directory.
const (
	DBFile     = "ersatzraum.db"   // the SQLite database (with -wal and -shm beside it)
	FilesDir   = "files"           // stored files (hand-ins), content-addressed
	TURNSecret = "turn-secret"     // the shared TURN secret, when serve created it
	ACMEDir    = "acme"            // certificates from ACME (--domain)
	LockFile   = "ersatzraum.lock" // held by a running server
	// PostgresNote is written by a server whose database is in
	// PostgreSQL (serve --postgres): the admin commands read it, so that
	// none of them works on an SQLite database that is not the school's.
	PostgresNote = "postgresql.txt"
)

// postgresNoteText is what an admin who opens the note reads.
const postgresNoteText = `The database of this data folder is in PostgreSQL (ersatzraum serve --postgres URL).
Die Datenbank dieses Datenordners liegt in PostgreSQL (ersatzraum serve --postgres URL).

Back it up with pg_dump, not with ersatzraum backup (docs/admin.md, "Running on PostgreSQL").
Sichern mit pg_dump, nicht mit ersatzraum backup (docs/admin.md, „Betrieb mit PostgreSQL“).

While this file is here, ersatzraum serve and ersatzraum teacher want --postgres.
Solange diese Datei hier liegt, verlangen ersatzraum serve und ersatzraum teacher --postgres.
`

// UsesPostgres reports whether dir's database is in PostgreSQL.
func UsesPostgres(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, PostgresNote))
	return err == nil
}

// MarkPostgres notes in dir that its database is in PostgreSQL.
func MarkPostgres(dir string) error {
	if UsesPostgres(dir) {
		return nil
	}
	return os.WriteFile(filepath.Join(dir, PostgresNote), []byte(postgresNoteText), 0o640)
}

// ErrLocked is returned when another process holds the directory.
var ErrLocked = errors.New("in use by another process")

// Lock is a held lock on a data directory.
type Lock struct{ f *os.File }

// Acquire takes the lock of dir without waiting, creating dir if needed.
// The lock is released by Release or when the process ends, even by a
// crash: a stale lock file left behind does not block the next start.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("data directory %s: %w (is a server running on it?)", dir, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return &Lock{f: f}, nil
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor drops the flock
	l.f = nil
	return err
}

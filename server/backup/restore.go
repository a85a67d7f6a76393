package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"ersatzraum/server/datadir"
)

// Restored says what Restore did.
type Restored struct {
	Manifest *Manifest
	// Previous is where the data directory that was replaced now lives;
	// empty when there was none.
	Previous string
}

// Restore replaces the data directory dir with the archive's contents. It
// refuses while a server holds dir, verifies every checksum and the
// database's integrity in dir+".restore-tmp" first, and only then swaps the
// directories by renaming: the old one is kept as
// dir+".before-restore-<time>", so a restore can itself be undone.
func Restore(ctx context.Context, archive, dir string, now time.Time) (*Restored, error) {
	dir = filepath.Clean(dir)
	_, statErr := os.Stat(dir)
	existed := statErr == nil
	lock, err := datadir.Acquire(dir)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	if !existed {
		// Acquire created it; it holds only the lock file.
		defer func() {
			if _, err := os.Stat(dir); err == nil && isOnlyLock(dir) {
				os.RemoveAll(dir)
			}
		}()
	}

	tmp := dir + ".restore-tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	m, err := extract(archive, tmp)
	if err != nil {
		return nil, err
	}
	if _, err := checkDB(ctx, filepath.Join(tmp, datadir.DBFile)); err != nil {
		return nil, err
	}
	syncDir(tmp)

	res := &Restored{Manifest: m}
	if existed && !isOnlyLock(dir) {
		res.Previous = fmt.Sprintf("%s.before-restore-%s", dir, now.Format("20060102-150405"))
		if err := os.Rename(dir, res.Previous); err != nil {
			return nil, fmt.Errorf("move the current data aside: %w", err)
		}
	} else if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if res.Previous != "" {
			os.Rename(res.Previous, dir) // put the old data back
		}
		return nil, fmt.Errorf("move the restored data in place: %w", err)
	}
	ok = true
	syncDir(filepath.Dir(dir))
	return res, nil
}

// isOnlyLock reports whether dir holds nothing but (at most) the lock file.
func isOnlyLock(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	for _, e := range entries {
		if e.Name() != datadir.LockFile {
			return false
		}
	}
	return true
}

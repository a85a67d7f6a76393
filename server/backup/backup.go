// Package backup owns `ersatzraum backup` and `ersatzraum restore`: one
// tar.gz file holding a consistent copy of a data directory, taken while
// the server runs, and its verified, atomic restore.
//
// The archive holds the database as a snapshot made by SQLite's
// VACUUM INTO (one read transaction: every write committed before the
// snapshot began is in it, nothing half-written is), then the stored files
// (files/, content-addressed and never changed once written, so copying them
// after the snapshot covers every file the snapshot refers to), the ACME
// certificates, the keys beside the database (turn-secret, code-key: every
// other regular file directly in the data directory), and last
// manifest.json with the size and SHA-256 of every member.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"ersatzraum/server/datadir"
)

// Format names the archive layout; FormatVersion grows when it changes.
const (
	Format        = "ersatzraum-backup"
	FormatVersion = 1
	manifestName  = "manifest.json"
)

// Manifest describes an archive.
type Manifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"formatVersion"`
	Program       string    `json:"program,omitempty"` // version of the ersatzraum that wrote it
	Created       time.Time `json:"created"`
	SchemaVersion int       `json:"schemaVersion"` // the database's user_version
	Members       []Member  `json:"members"`
}

// Member is one file of an archive.
type Member struct {
	Name   string `json:"name"` // slash-separated, relative to the data directory
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Create writes a backup of the data directory dir to the file out. The
// file appears only when complete (written beside it, then renamed).
func Create(ctx context.Context, dir, out, program string) (*Manifest, error) {
	dbPath := filepath.Join(dir, datadir.DBFile)
	if _, err := os.Stat(dbPath); err != nil {
		return nil, fmt.Errorf("no database to back up: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".ersatzraum-backup-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	snapshot := filepath.Join(work, datadir.DBFile)
	schema, err := snapshotDB(ctx, dbPath, snapshot)
	if err != nil {
		return nil, err
	}

	partial := out + ".partial"
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer func() {
		if f != nil {
			f.Close()
			os.Remove(partial)
		}
	}()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	m := &Manifest{Format: Format, FormatVersion: FormatVersion, Program: program, Created: time.Now().UTC(), SchemaVersion: schema}
	add := func(name, src string) error {
		mem, err := addFile(tw, name, src)
		if err != nil {
			return fmt.Errorf("add %s: %w", name, err)
		}
		m.Members = append(m.Members, mem)
		return nil
	}
	if err := add(datadir.DBFile, snapshot); err != nil {
		return nil, err
	}
	for _, sub := range []string{datadir.FilesDir, datadir.ACMEDir} {
		root := filepath.Join(dir, sub)
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == root {
					return nil
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil // directories are implied; links and sockets are not ours
			}
			rel, _ := filepath.Rel(dir, p)
			return add(filepath.ToSlash(rel), p)
		})
		if err != nil {
			return nil, err
		}
	}
	// The keys beside the database (turn-secret, code-key, …).
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Type().IsRegular() && topLevelFile(e.Name()) {
			if err := add(e.Name(), filepath.Join(dir, e.Name())); err != nil {
				return nil, err
			}
		}
	}
	body, _ := json.MarshalIndent(m, "", "  ")
	if err := tw.WriteHeader(&tar.Header{Name: manifestName, Mode: 0o600, Size: int64(len(body)), ModTime: m.Created, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(body); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	f = nil
	if err := os.Rename(partial, out); err != nil {
		os.Remove(partial)
		return nil, err
	}
	syncDir(filepath.Dir(out))
	return m, nil
}

// snapshotDB copies the live database into dst in one read transaction
// and returns its schema version.
func snapshotDB(ctx context.Context, src, dst string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return 0, fmt.Errorf("snapshot %s: %w", src, err)
	}
	return checkDB(ctx, dst)
}

// checkDB runs SQLite's integrity check on the database file path and
// returns its schema version.
func checkDB(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("integrity check of %s: %w", path, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("integrity check of %s: %s", path, res)
	}
	var v int
	err = db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

func addFile(tw *tar.Writer, name, src string) (Member, error) {
	f, err := os.Open(src)
	if err != nil {
		return Member{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Member{}, err
	}
	hdr := &tar.Header{Name: name, Mode: int64(st.Mode().Perm()), Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return Member{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, st.Size()))
	if err != nil {
		return Member{}, err
	}
	if n != st.Size() {
		return Member{}, fmt.Errorf("%s shrank while being copied", src)
	}
	return Member{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Verify reads a whole archive and checks every member against the
// manifest, without writing anything.
func Verify(archive string) (*Manifest, error) {
	return extract(archive, "")
}

// extract reads archive and, when dst is not empty, writes its members
// below dst. It fails unless the members match the manifest exactly.
func extract(archive, dst string) (*Manifest, error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a backup (gzip): %w", archive, err)
	}
	tr := tar.NewReader(gz)
	var m *Manifest
	got := map[string]Member{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", archive, err)
		}
		if hdr.Typeflag != tar.TypeReg || !validName(hdr.Name) {
			return nil, fmt.Errorf("%s: unexpected member %q", archive, hdr.Name)
		}
		if hdr.Name == manifestName {
			m = new(Manifest)
			if err := json.NewDecoder(io.LimitReader(tr, 16<<20)).Decode(m); err != nil {
				return nil, fmt.Errorf("%s: manifest: %w", archive, err)
			}
			continue
		}
		if _, dup := got[hdr.Name]; dup {
			return nil, fmt.Errorf("%s: member %q twice", archive, hdr.Name)
		}
		var w io.Writer = io.Discard
		var out *os.File
		if dst != "" {
			p := filepath.Join(dst, filepath.FromSlash(hdr.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				return nil, err
			}
			if out, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fs.FileMode(hdr.Mode).Perm()&0o640|0o600); err != nil {
				return nil, err
			}
			w = out
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), tr)
		if out != nil {
			if err == nil {
				err = out.Sync()
			}
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: member %s: %w", archive, hdr.Name, err)
		}
		got[hdr.Name] = Member{Name: hdr.Name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	if m == nil || m.Format != Format {
		return nil, fmt.Errorf("%s: no Ersatzraum manifest: not a backup, or cut short", archive)
	}
	if m.FormatVersion > FormatVersion {
		return nil, fmt.Errorf("%s: backup format %d is newer than this program knows (%d): restore with a newer ersatzraum", archive, m.FormatVersion, FormatVersion)
	}
	for _, want := range m.Members {
		have, ok := got[want.Name]
		if !ok {
			return nil, fmt.Errorf("%s: %s is missing", archive, want.Name)
		}
		if have != want {
			return nil, fmt.Errorf("%s: %s is damaged (sha256 %s, manifest says %s)", archive, want.Name, have.SHA256, want.SHA256)
		}
		delete(got, want.Name)
	}
	for name := range got {
		return nil, fmt.Errorf("%s: %s is not in the manifest", archive, name)
	}
	if !hasMember(m, datadir.DBFile) {
		return nil, fmt.Errorf("%s: holds no database", archive)
	}
	return m, nil
}

func hasMember(m *Manifest, name string) bool {
	for _, mem := range m.Members {
		if mem.Name == name {
			return true
		}
	}
	return false
}

// validName admits only the names Create writes.
func validName(name string) bool {
	if !fs.ValidPath(name) || path.Clean(name) != name {
		return false
	}
	if name == manifestName || name == datadir.DBFile {
		return true
	}
	dir, _, nested := cutFirst(name)
	if nested {
		return dir == datadir.FilesDir || dir == datadir.ACMEDir
	}
	return topLevelFile(name)
}

// topLevelFile reports whether a file directly in the data directory
// belongs in a backup: keys and secrets do; the database (copied by
// snapshot), its journal files, the lock and hidden temporary files do not.
func topLevelFile(name string) bool {
	switch name {
	case datadir.DBFile, datadir.DBFile + "-wal", datadir.DBFile + "-shm", datadir.DBFile + "-journal", datadir.LockFile, manifestName:
		return false
	}
	return !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, ".partial")
}

func cutFirst(name string) (string, string, bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}

// Package files owns the content-addressed file store in DATA/files/:
// worksheets attached to assignments and files handed in by students.
//
// A file is stored under the SHA-256 of its bytes, in two levels of
// fan-out directories (files/ab/cd/abcd…). It is written to a hidden
// temporary file in the store's root, fsync'd, renamed into place and the
// directory fsync'd, so that once Put returns the file survives a crash of
// the process or the machine. Stored files never change. Names given by
// users are never part of a path: callers keep them in the database.
//
// Put checks the size against a limit while reading and the type from the
// content (http.DetectContentType plus a PDF check), never from a name or
// a header sent by the client.
package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Types a store may accept; callers pass the subset they allow.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
	WebP = "image/webp"
	Text = "text/plain"
)

var (
	// ErrTooLarge: the content is longer than the limit; nothing was stored.
	ErrTooLarge = errors.New("file too large")
	// ErrBadType: the content is not of an allowed type; nothing was stored.
	ErrBadType = errors.New("file type not allowed")
	// ErrEmpty: the content has no bytes; nothing was stored.
	ErrEmpty = errors.New("file is empty")
	// ErrNotFound: no file with that hash (or not a valid hash).
	ErrNotFound = errors.New("no such file")
)

// Meta describes a stored file.
type Meta struct {
	Hash string // SHA-256, 64 lower-case hex digits
	Type string // one of the type constants
	Size int64
}

// Store is a content-addressed file store rooted in one directory.
type Store struct {
	dir string
}

// New returns the store in dir; the directory is created on the first Put.
func New(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's root directory.
func (s *Store) Dir() string { return s.dir }

// ValidHash reports whether h looks like a hash this store writes.
func ValidHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// path is where a (valid) hash lives: dir/ab/cd/abcd….
func (s *Store) path(hash string) string {
	return filepath.Join(s.dir, hash[:2], hash[2:4], hash)
}

// Put reads r to its end (or past limit bytes) and stores the content if
// it is at most limit bytes long and of one of the allowed types. The type
// is decided by the first 512 bytes; a refused type is reported before the
// rest is read. Storing a content that is already there is harmless.
func (s *Store) Put(r io.Reader, limit int64, allowed []string) (Meta, error) {
	st, err := s.Stage(r, limit, allowed)
	if err != nil {
		return Meta{}, err
	}
	if err := st.Commit(); err != nil {
		return Meta{}, err
	}
	return st.Meta, nil
}

// Staged is a content read and checked, written to a hidden temporary
// file but not stored yet: a request that carries several files stages
// them all, checks what it must, and then commits or discards every one,
// so that nothing is stored for a refused request.
type Staged struct {
	Meta
	s   *Store
	tmp string // "" once committed or discarded
}

// Stage is Put without the storing: see Commit and Discard. The
// temporary file is fsync'd already.
func (s *Store) Stage(r io.Reader, limit int64, allowed []string) (*Staged, error) {
	head, typ, err := readHead(r, limit, allowed)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(s.dir, ".put-*")
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return nil, err
	}
	rest, err := io.Copy(w, io.LimitReader(r, limit-int64(len(head))+1))
	if err != nil {
		return nil, err
	}
	size := int64(len(head)) + rest
	if size > limit {
		return nil, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	done = true
	return &Staged{Meta: Meta{Hash: hex.EncodeToString(h.Sum(nil)), Type: typ, Size: size}, s: s, tmp: tmp.Name()}, nil
}

// Commit stores a staged content under its hash; once it returns, the
// file survives a crash.
func (st *Staged) Commit() error {
	if st.tmp == "" {
		return errors.New("files: staged content committed twice or discarded")
	}
	final := st.s.path(st.Hash)
	sub := filepath.Dir(final)
	if err := os.MkdirAll(sub, 0o750); err != nil {
		return err
	}
	if err := os.Rename(st.tmp, final); err != nil {
		return err
	}
	st.tmp = ""
	// The rename, and new fan-out directories, must reach the disk too.
	for _, d := range []string{sub, filepath.Dir(sub), st.s.dir} {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// Discard removes a staged content that is not to be stored; after
// Commit it does nothing.
func (st *Staged) Discard() {
	if st != nil && st.tmp != "" {
		os.Remove(st.tmp)
		st.tmp = ""
	}
}

// Hash reads and checks a content like Put and returns what Put would
// store, writing nothing: for comparing a resent upload with what is
// stored already.
func Hash(r io.Reader, limit int64, allowed []string) (Meta, error) {
	head, typ, err := readHead(r, limit, allowed)
	if err != nil {
		return Meta{}, err
	}
	h := sha256.New()
	h.Write(head)
	rest, err := io.Copy(h, io.LimitReader(r, limit-int64(len(head))+1))
	if err != nil {
		return Meta{}, err
	}
	size := int64(len(head)) + rest
	if size > limit {
		return Meta{}, ErrTooLarge
	}
	return Meta{Hash: hex.EncodeToString(h.Sum(nil)), Type: typ, Size: size}, nil
}

// readHead reads the first 512 bytes and checks type and limit on them.
func readHead(r io.Reader, limit int64, allowed []string) ([]byte, string, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, "", err
	}
	head = head[:n]
	if n == 0 {
		return nil, "", ErrEmpty
	}
	typ := Detect(head)
	if !slices.Contains(allowed, typ) {
		return nil, "", fmt.Errorf("%w: %s", ErrBadType, typ)
	}
	if int64(n) > limit {
		return nil, "", ErrTooLarge
	}
	return head, typ, nil
}

// Detect names the type of a content by its first bytes: one of the type
// constants, or what http.DetectContentType says (without parameters) for
// anything else.
func Detect(head []byte) string {
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return PDF
	}
	t, _, err := mime.ParseMediaType(http.DetectContentType(head))
	if err != nil {
		return "application/octet-stream"
	}
	if t == Text && !strings.Contains(strings.ToLower(http.DetectContentType(head)), "utf-8") {
		// UTF-16 text: not what a hand-in's text file should be.
		return "text/plain-other"
	}
	return t
}

// Open opens a stored file for reading.
func (s *Store) Open(hash string) (*os.File, error) {
	if !ValidHash(hash) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Has reports whether a file is stored.
func (s *Store) Has(hash string) bool {
	if !ValidHash(hash) {
		return false
	}
	_, err := os.Stat(s.path(hash))
	return err == nil
}

// Remove deletes a stored file; a missing file is not an error.
func (s *Store) Remove(hash string) error {
	if !ValidHash(hash) {
		return ErrNotFound
	}
	err := os.Remove(s.path(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Sweep removes stored files that inUse does not claim and that were
// written before the cutoff (a younger file may belong to a write whose
// database row is not committed yet), and leftover temporary files older
// than the cutoff. It returns how many files it removed.
func (s *Store) Sweep(inUse func(hash string) (bool, error), before time.Time) (int, error) {
	removed := 0
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == s.dir {
				return nil
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(before) {
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".put-") {
			if os.Remove(p) == nil {
				removed++
			}
			return nil
		}
		if !ValidHash(name) {
			return nil
		}
		used, err := inUse(name)
		if err != nil {
			return err
		}
		if !used && os.Remove(p) == nil {
			removed++
		}
		return nil
	})
	return removed, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

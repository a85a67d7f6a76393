package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var pdf = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 2000)...)

func count(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

func TestPutStoresByContent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "files")
	s := New(dir)
	m, err := s.Put(bytes.NewReader(pdf), 1<<20, []string{PDF})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	want := hex.EncodeToString(sum[:])
	if m.Hash != want || m.Type != PDF || m.Size != int64(len(pdf)) {
		t.Fatalf("meta %+v", m)
	}
	if _, err := os.Stat(filepath.Join(dir, want[:2], want[2:4], want)); err != nil {
		t.Fatal("not at its fan-out path:", err)
	}
	again, err := s.Put(bytes.NewReader(pdf), 1<<20, []string{PDF})
	if err != nil || again != m || count(t, dir) != 1 {
		t.Fatalf("second put: %+v %v, %d files", again, err, count(t, dir))
	}
	f, err := s.Open(m.Hash)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, pdf) {
		t.Fatal("read back other bytes")
	}
	for _, bad := range []string{"", "../../etc/passwd", strings.Repeat("A", 64), want[:63] + "/"} {
		if _, err := s.Open(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
}

func TestPutLimitsAndTypes(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	cases := []struct {
		name    string
		content []byte
		limit   int64
		allowed []string
		want    error
	}{
		{"one byte too many", pdf, int64(len(pdf)) - 1, []string{PDF}, ErrTooLarge},
		{"too many in the head", pdf[:100], 99, []string{PDF}, ErrTooLarge},
		{"ELF as pdf", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 600)...), 1 << 20, []string{PDF, PNG}, ErrBadType},
		{"Windows exe", append([]byte("MZ\x90\x00"), make([]byte, 600)...), 1 << 20, []string{PDF}, ErrBadType},
		{"HTML", []byte("<!DOCTYPE html><script>alert(1)</script>"), 1 << 20, []string{PDF, Text}, ErrBadType},
		{"text where not allowed", []byte("Meine Hausaufgabe"), 1 << 20, []string{PDF}, ErrBadType},
		{"empty", nil, 1 << 20, []string{PDF}, ErrEmpty},
	}
	for _, c := range cases {
		if _, err := s.Put(bytes.NewReader(c.content), c.limit, c.allowed); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if n := count(t, dir); n != 0 {
		t.Fatalf("%d files left behind by refused puts", n)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0"), make([]byte, 100)...)
	webp := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 100)...)
	for typ, content := range map[string][]byte{PNG: png, JPEG: jpeg, WebP: webp, Text: []byte("Meine Lösung: 42")} {
		m, err := s.Put(bytes.NewReader(content), 1<<20, []string{PDF, PNG, JPEG, WebP, Text})
		if err != nil || m.Type != typ {
			t.Errorf("%s: %+v %v", typ, m, err)
		}
	}
}

func TestSweepKeepsWhatIsInUseAndYoung(t *testing.T) {
	dir := t.TempDir()
	s := New(dir)
	keep, _ := s.Put(strings.NewReader("keep me"), 100, []string{Text})
	drop, _ := s.Put(strings.NewReader("drop me"), 100, []string{Text})
	os.WriteFile(filepath.Join(dir, ".put-123"), []byte("half"), 0o640)
	n, err := s.Sweep(func(h string) (bool, error) { return h == keep.Hash, nil }, time.Now().Add(-time.Hour))
	if err != nil || n != 0 {
		t.Fatalf("young files swept: %d %v", n, err)
	}
	n, err = s.Sweep(func(h string) (bool, error) { return h == keep.Hash, nil }, time.Now().Add(time.Minute))
	if err != nil || n != 2 || !s.Has(keep.Hash) || s.Has(drop.Hash) {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if n, err := New(filepath.Join(dir, "missing")).Sweep(nil, time.Now()); n != 0 || err != nil {
		t.Fatalf("sweep of a missing store: %d %v", n, err)
	}
}

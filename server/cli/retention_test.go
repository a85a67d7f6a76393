package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ersatzraum/server/files"
	"ersatzraum/server/storage"
)

// Files nothing refers to (a detached worksheet, a failed upload) are
// swept whatever the retention limits, also with --keep-attendance 0
// (keep hand-ins for ever): keeping data forever is no reason to keep
// orphans.
func TestFileSweepRunsWhenEverythingIsKeptForever(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := files.New(t.TempDir())
	m, err := store.Put(bytes.NewReader([]byte("%PDF-1.4\n%orphan\n")), 1<<20, []string{"application/pdf"})
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-3 * 24 * time.Hour)
	p := filepath.Join(store.Dir(), m.Hash[:2], m.Hash[2:4], m.Hash)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("stored file not at %s: %v", p, err)
	}
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	wait := startRetention(ctx, keepConfig{attendance: 0, lessons: 0}, db, store, slog.New(slog.DiscardHandler))
	deadline := time.Now().Add(10 * time.Second)
	for store.Has(m.Hash) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	wait()
	if store.Has(m.Hash) {
		t.Fatal("an orphaned file older than a day was kept with --keep-attendance 0")
	}
}

package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ersatzraum/server/datadir"
	"ersatzraum/server/storage"
)

// TestBackupUnderWritesRestoresEverythingAcknowledged writes attendance
// rows continuously while a backup is taken: every row whose write had
// returned before the backup started must be in the restored database.
func TestBackupUnderWritesRestoresEverythingAcknowledged(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	dir := filepath.Join(base, "data")
	db, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.UnixMilli(time.Now().UnixMilli())
	if err := db.CreateTeacher(ctx, storage.Teacher{ID: "t", Name: "Frau Weber", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateLesson(ctx, storage.Lesson{ID: "l", TeacherID: "t", Title: "7b Mathe", CodeHash: []byte{1}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "files", "ab"), 0o750)
	os.WriteFile(filepath.Join(dir, "files", "ab", "abcdef"), []byte("Hausaufgabe"), 0o640)
	os.WriteFile(filepath.Join(dir, datadir.TURNSecret), []byte("s3cret\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "code-key"), []byte("key"), 0o600)

	var acked atomic.Int64 // rows 0..acked-1 are written
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			err := db.PutAttendance(ctx, storage.Attendance{LessonID: "l", ParticipantID: fmt.Sprintf("p%06d", i),
				Name: "Schüler", Status: "present", JoinedAt: now.Add(time.Duration(i) * time.Millisecond), ResumeHash: []byte{2}})
			if err != nil {
				writeErr = err
				return
			}
			acked.Store(int64(i + 1))
		}
	}()
	for acked.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	archive := filepath.Join(base, "backup.tar.gz")
	m, err := Create(ctx, dir, archive, "test")
	if err != nil {
		t.Fatal(err)
	}
	during := acked.Load()
	time.Sleep(20 * time.Millisecond) // writes go on after the backup
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("writes failed during the backup: %v", writeErr)
	}
	if during == before {
		t.Logf("no write finished during the backup (it took no time)")
	}
	t.Logf("rows acknowledged before the backup: %d, during: %d, at the end: %d; members %d", before, during-before, acked.Load(), len(m.Members))

	target := filepath.Join(base, "restored")
	res, err := Restore(ctx, archive, target, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res.Previous != "" {
		t.Fatalf("no previous directory existed, got %q", res.Previous)
	}
	rdb, err := storage.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	rows, err := rdb.LessonAttendance(ctx, "l")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.ParticipantID] = true
	}
	for i := int64(0); i < before; i++ {
		if id := fmt.Sprintf("p%06d", i); !have[id] {
			t.Fatalf("row %s, acknowledged before the backup began, is missing (restored %d rows)", id, len(rows))
		}
	}
	if int64(len(rows)) > during {
		t.Fatalf("restored %d rows, more than were ever acknowledged by the end of the backup (%d)", len(rows), during)
	}
	var check string
	sqlDB, _ := sql.Open("sqlite", "file:"+filepath.Join(target, datadir.DBFile))
	defer sqlDB.Close()
	if err := sqlDB.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "files", "ab", "abcdef")); string(b) != "Hausaufgabe" {
		t.Fatalf("stored file not restored: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(target, datadir.TURNSecret)); string(b) != "s3cret\n" {
		t.Fatalf("turn secret not restored: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "code-key")); string(b) != "key" {
		t.Fatalf("code key not restored: %q", b)
	}
	for _, name := range []string{datadir.LockFile, datadir.DBFile + "-wal"} {
		for _, m := range m.Members {
			if m.Name == name {
				t.Errorf("%s is in the backup", name)
			}
		}
	}
	if st, _ := os.Stat(filepath.Join(target, datadir.TURNSecret)); st.Mode().Perm() != 0o600 {
		t.Fatalf("turn secret mode %v", st.Mode().Perm())
	}
	if _, err := os.Stat(target + ".restore-tmp"); !os.IsNotExist(err) {
		t.Fatalf("temporary directory left behind: %v", err)
	}
}

func TestRestoreRefusesWhileAServerHoldsTheDirectoryAndKeepsTheOldData(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "src")
	db, err := storage.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	db.CreateTeacher(ctx, storage.Teacher{ID: "t", Name: "aus der Sicherung", CreatedAt: time.Now()})
	db.Close()
	archive := filepath.Join(base, "b.tar.gz")
	if _, err := Create(ctx, src, archive, "test"); err != nil {
		t.Fatal(err)
	}

	live := filepath.Join(base, "live")
	db2, _ := storage.Open(ctx, live)
	db2.CreateTeacher(ctx, storage.Teacher{ID: "x", Name: "vorher", CreatedAt: time.Now()})
	db2.Close()
	lock, err := datadir.Acquire(live)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, archive, live, time.Now()); !errors.Is(err, datadir.ErrLocked) {
		t.Fatalf("restore beside a running server: want ErrLocked, got %v", err)
	}
	lock.Release()

	at := time.Date(2026, 9, 1, 7, 30, 0, 0, time.Local)
	res, err := Restore(ctx, archive, live, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := live + ".before-restore-20260901-073000"; res.Previous != want {
		t.Fatalf("old data kept at %q, want %q", res.Previous, want)
	}
	names := func(dir string) string {
		d, err := storage.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		ts, _ := d.Teachers(ctx)
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(live); got != "aus der Sicherung" {
		t.Fatalf("restored teachers: %q", got)
	}
	if got := names(res.Previous); got != "vorher" {
		t.Fatalf("previous teachers: %q", got)
	}
}

func TestDamagedArchivesAreRefused(t *testing.T) {
	ctx := context.Background()
	base := t.TempDir()
	src := filepath.Join(base, "src")
	db, _ := storage.Open(ctx, src)
	db.Close()
	archive := filepath.Join(base, "b.tar.gz")
	if _, err := Create(ctx, src, archive, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(archive); err != nil {
		t.Fatalf("fresh archive: %v", err)
	}

	// Rewrite the archive with one byte of the database flipped.
	flipped := filepath.Join(base, "flipped.tar.gz")
	rewrite(t, archive, flipped, func(name string, body []byte) []byte {
		if name == datadir.DBFile {
			body[len(body)/2] ^= 0xff
		}
		return body
	})
	target := filepath.Join(base, "target")
	if _, err := Restore(ctx, flipped, target, time.Now()); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("flipped byte: want a checksum error, got %v", err)
	}
	if _, err := os.Stat(target); !os.IsNotExist(err) {
		t.Fatalf("a failed restore left %s behind: %v", target, err)
	}

	// An archive cut short has no manifest.
	data, _ := os.ReadFile(archive)
	short := filepath.Join(base, "short.tar.gz")
	os.WriteFile(short, data[:len(data)/2], 0o600)
	if _, err := Verify(short); err == nil {
		t.Fatal("truncated archive accepted")
	}

	// A member that tries to leave the data directory.
	evil := filepath.Join(base, "evil.tar.gz")
	rewrite(t, archive, evil, nil, "../outside")
	if _, err := Verify(evil); err == nil || !strings.Contains(err.Error(), "unexpected member") {
		t.Fatalf("path traversal: %v", err)
	}
}

// rewrite copies an archive, changing member bodies and adding extra
// members.
func rewrite(t *testing.T, from, to string, change func(string, []byte) []byte, extra ...string) {
	t.Helper()
	in, _ := os.Open(from)
	defer in.Close()
	gz, _ := gzip.NewReader(in)
	tr := tar.NewReader(gz)
	out, _ := os.Create(to)
	defer out.Close()
	gw := gzip.NewWriter(out)
	tw := tar.NewWriter(gw)
	for _, name := range extra {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if change != nil {
			body = change(hdr.Name, body)
		}
		hdr.Size = int64(len(body))
		tw.WriteHeader(hdr)
		tw.Write(body)
	}
	tw.Close()
	gw.Close()
}

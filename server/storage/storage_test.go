package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openTest opens the SQLite database in dir, for the tests of what only
// SQLite has.
func openTest(t *testing.T, dir string) *DB {
	return place{engine: SQLite, dir: dir}.open(t)
}

func TestAttendanceSurvivesReopen(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		if err := db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "7b Mathe", CodeHash: []byte{1}, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		a := Attendance{LessonID: "l1", ParticipantID: "p1", Name: "Lea", Status: "present", Camera: true, JoinedAt: now, ResumeHash: []byte{9}}
		if err := db.PutAttendance(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.LeftAt = now.Add(time.Minute)
		if err := db.PutAttendance(ctx, a); err != nil {
			t.Fatal(err)
		}
		db.Close()

		db2 := p.open(t)
		rows, err := db2.LessonAttendance(ctx, "l1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("want 1 row after reopen, got %d", len(rows))
		}
		got := rows[0]
		if got.Name != "Lea" || got.Status != "present" || !got.Camera || !got.JoinedAt.Equal(now) || !got.LeftAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("row changed across reopen: %+v", got)
		}
		active, err := db2.ActiveLessons(ctx)
		if err != nil || len(active) != 1 || active[0].Title != "7b Mathe" {
			t.Fatalf("active lessons: %v %+v", err, active)
		}
		if err := db2.EndLesson(ctx, "l1", now); err != nil {
			t.Fatal(err)
		}
		if active, _ := db2.ActiveLessons(ctx); len(active) != 0 {
			t.Fatalf("ended lesson still active: %+v", active)
		}
		if err := db2.EndLesson(ctx, "l1", now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("ending twice: want ErrNotFound, got %v", err)
		}
	})
}

func TestLoginTokenIsOneTime(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.Now()
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "A", CreatedAt: now})
		if err := db.PutLoginToken(ctx, []byte("h"), "t1", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.PutLoginToken(ctx, []byte("old"), "t1", now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		id, err := db.ConsumeLoginToken(ctx, []byte("h"), now)
		if err != nil || id != "t1" {
			t.Fatalf("first use: %q %v", id, err)
		}
		if _, err := db.ConsumeLoginToken(ctx, []byte("h"), now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("reuse: want ErrNotFound, got %v", err)
		}
		if _, err := db.ConsumeLoginToken(ctx, []byte("old"), now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("expired: want ErrNotFound, got %v", err)
		}
	})
}

func TestSessions(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.Now()
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "A", CreatedAt: now})
		db.PutSession(ctx, []byte("s"), "t1", now.Add(time.Hour))
		if id, err := db.SessionTeacher(ctx, []byte("s"), now); err != nil || id != "t1" {
			t.Fatalf("session: %q %v", id, err)
		}
		if _, err := db.SessionTeacher(ctx, []byte("s"), now.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("expired session accepted: %v", err)
		}
		db.DeleteSession(ctx, []byte("s"))
		if _, err := db.SessionTeacher(ctx, []byte("s"), now); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleted session accepted: %v", err)
		}
	})
}

func TestAttendanceOfSomeoneWhoNeverJoined(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.Now()
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "A", CreatedAt: now})
		db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "x", CodeHash: []byte{1}, CreatedAt: now})
		if err := db.PutAttendance(ctx, Attendance{LessonID: "l1", ParticipantID: "r-1", Name: "Cem", Status: "absent"}); err != nil {
			t.Fatal(err)
		}
		rows, err := db.LessonAttendance(ctx, "l1")
		if err != nil || len(rows) != 1 || !rows[0].JoinedAt.IsZero() || !rows[0].LeftAt.IsZero() || rows[0].Status != "absent" {
			t.Fatalf("never joined: %+v %v", rows, err)
		}
	})
}

// An absent line of a running lesson is not purged just because nobody
// joined: it counts from the lesson's start; events go by their own time.
func TestPurgeKeepsAbsentLinesOfRecentLessons(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.Now()
		db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "A", CreatedAt: now})
		db.CreateLesson(ctx, Lesson{ID: "new", TeacherID: "t1", Title: "x", CodeHash: []byte{1}, CreatedAt: now})
		db.CreateLesson(ctx, Lesson{ID: "old", TeacherID: "t1", Title: "y", CodeHash: []byte{2}, CreatedAt: now.AddDate(-2, 0, 0)})
		db.PutAttendance(ctx, Attendance{LessonID: "new", ParticipantID: "r-1", Name: "Cem", Status: "absent"})
		db.PutAttendance(ctx, Attendance{LessonID: "old", ParticipantID: "r-1", Name: "Cem", Status: "absent"})
		db.PutEvent(ctx, Event{LessonID: "new", ParticipantID: "r-1", Kind: "status", Status: "excused", At: now})
		db.PutEvent(ctx, Event{LessonID: "old", ParticipantID: "r-1", Kind: "status", Status: "excused", At: now.AddDate(-2, 0, 0)})
		n, err := db.PurgeAttendance(ctx, now.AddDate(-1, 0, 0))
		if err != nil || n != 2 {
			t.Fatalf("purged %d rows (%v), want the old line and the old event", n, err)
		}
		if rows, _ := db.LessonAttendance(ctx, "new"); len(rows) != 1 {
			t.Fatalf("the running lesson's absent line was purged")
		}
		if evs, _ := db.LessonEvents(ctx, "new"); len(evs) != 1 {
			t.Fatalf("the running lesson's event was purged")
		}
	})
}

// A data folder whose name holds URI characters opens that folder's
// database, not another file (the DSN is an SQLite URI). SQLite only.
func TestOpenInAFolderWithURICharacters(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "Schule #1 ?100%")
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(filepath.Join(dir, "ersatzraum.db")); err != nil {
		t.Fatalf("database not in the data folder: %v", err)
	}
}

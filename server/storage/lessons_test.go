package storage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"ersatzraum/server/roster"
)

// A class lesson's class and lock are written with the lesson and come
// back with it in the one query that restores the hub.
func TestLessonClassAndLockRoundTrip(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{7}, CodeEnc: []byte{7}, CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "class", TeacherID: "t1", Title: "7b Mathe", CodeHash: []byte{1}, ClassID: "c1", Locked: true, CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "adhoc", TeacherID: "t1", Title: "AG", CodeHash: []byte{2}, CreatedAt: now.Add(time.Second)}))

		active, err := db.ActiveLessons(ctx)
		must(err)
		if len(active) != 2 || active[0].ClassID != "c1" || !active[0].Locked || active[1].ClassID != "" || active[1].Locked {
			t.Fatalf("active lessons: %+v", active)
		}
		must(db.SetLessonLocked(ctx, "class", false))
		if l, err := db.Lesson(ctx, "class"); err != nil || l.Locked || l.ClassID != "c1" {
			t.Fatalf("after unlock: %v %+v", err, l)
		}
		if ls, err := db.ClassLessons(ctx, "c1"); err != nil || len(ls) != 1 || ls[0].ID != "class" {
			t.Fatalf("class lessons: %v %+v", err, ls)
		}
	})
}

// Ending twice tells the roster writer that there is nothing to do.
func TestEndingTwiceIsLessonEnded(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := withLesson(t, p)
		now := time.Now()
		if err := db.EndLesson(ctx, "l1", now); err != nil {
			t.Fatal(err)
		}
		err := db.EndLesson(ctx, "l1", now)
		if !errors.Is(err, ErrNotFound) || !errors.Is(err, roster.ErrLessonEnded) {
			t.Fatalf("second end: %v", err)
		}
	})
}

// withLesson opens the database at p with teacher t1 and lesson l1.
func withLesson(t *testing.T, p place) *DB {
	t.Helper()
	ctx := context.Background()
	db := p.open(t)
	now := time.Now()
	if err := db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "x", CodeHash: []byte{1}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return db
}

// The database is the roster writer's store as it is.
var _ roster.Store = (*DB)(nil)

// Lines written before migration 5 said "listed" only by the "r-" prefix
// of their participant id; the migration turns that into the column.
// SQLite only: PostgreSQL's schema starts where SQLite's migration 7
// ended, so no PostgreSQL database was ever at version 4.
func TestMigrationMarksClassListLines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := withLesson(t, place{engine: SQLite, dir: dir})
	for _, id := range []string{"r-lea", "k3xq7a"} {
		if err := db.PutAttendance(ctx, Attendance{LessonID: "l1", ParticipantID: id, Name: id, Status: "absent"}); err != nil {
			t.Fatal(err)
		}
	}
	// Back to version 4, as a database from before looked.
	if _, err := db.sql.ExecContext(ctx, `ALTER TABLE attendance DROP COLUMN listed; PRAGMA user_version = 4`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rows, err := openTest(t, dir).LessonAttendance(ctx, "l1")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, a := range rows {
		listed[a.ParticipantID] = a.Listed
	}
	if !listed["r-lea"] || listed["k3xq7a"] || len(listed) != 2 {
		t.Fatalf("after migration: %v", listed)
	}
	// And a line written now keeps what it says.
	db2 := withLesson(t, place{engine: SQLite, dir: t.TempDir()})
	db2.PutAttendance(ctx, Attendance{LessonID: "l1", ParticipantID: "r-ida", Name: "Ida", Status: "absent", Listed: true})
	if rows, _ := db2.LessonAttendance(ctx, "l1"); len(rows) != 1 || !rows[0].Listed {
		t.Fatalf("listed line read back as %+v", rows)
	}
}

// The start page's list: a teacher's running lessons (however old) come
// first, then the ended ones started since the cutoff, newest first, up
// to the limit; other teachers' lessons and older ended ones never.
func TestTeacherLessonsRunningFirstThenRecent(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		day := 24 * time.Hour
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateTeacher(ctx, Teacher{ID: "t2", Name: "Herr Kaya", CreatedAt: now}))
		lesson := func(id, teacher string, started time.Time, ended bool) {
			t.Helper()
			must(db.CreateLesson(ctx, Lesson{ID: id, TeacherID: teacher, Title: id, CodeHash: []byte(id), CreatedAt: started}))
			if ended {
				must(db.EndLesson(ctx, id, started.Add(45*time.Minute)))
			}
		}
		lesson("old-running", "t1", now.Add(-30*day), false)
		lesson("old-ended", "t1", now.Add(-20*day), true)
		lesson("ended-3d", "t1", now.Add(-3*day), true)
		lesson("ended-1d", "t1", now.Add(-1*day), true)
		lesson("running-today", "t1", now.Add(-time.Hour), false)
		lesson("bobs", "t2", now.Add(-time.Minute), false)

		ids := func(ls []Lesson) []string {
			var out []string
			for _, l := range ls {
				out = append(out, l.ID)
			}
			return out
		}
		got, err := db.TeacherLessons(ctx, "t1", now.Add(-14*day), 20)
		must(err)
		want := []string{"running-today", "old-running", "ended-1d", "ended-3d"}
		if !slices.Equal(ids(got), want) {
			t.Fatalf("lessons %v, want %v", ids(got), want)
		}
		if !got[0].EndedAt.IsZero() || got[2].EndedAt.IsZero() || got[2].Title != "ended-1d" {
			t.Fatalf("lessons read back as %+v", got)
		}
		got, err = db.TeacherLessons(ctx, "t1", now.Add(-14*day), 3)
		must(err)
		if !slices.Equal(ids(got), want[:3]) {
			t.Fatalf("limited to 3: %v", ids(got))
		}
		got, err = db.TeacherLessons(ctx, "t2", now.Add(-14*day), 20)
		must(err)
		if !slices.Equal(ids(got), []string{"bobs"}) {
			t.Fatalf("Bob's lessons: %v", ids(got))
		}
	})
}

package retention

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"ersatzraum/server/storage"
)

var now = time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)

func days(n int) time.Duration { return time.Duration(n) * Day }

func seed(t *testing.T) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.CreateTeacher(ctx, storage.Teacher{ID: "t", Name: "Frau Weber", CreatedAt: now.Add(-days(900))}))
	lesson := func(id string, created, ended time.Duration) {
		must(db.CreateLesson(ctx, storage.Lesson{ID: id, TeacherID: "t", Title: id, CodeHash: []byte(id), CreatedAt: now.Add(-created)}))
		if ended > 0 {
			must(db.EndLesson(ctx, id, now.Add(-ended)))
		}
	}
	lesson("old-ended", days(401), days(400))
	lesson("recent-ended", days(11), days(10))
	lesson("running", days(400), 0) // never ended: kept however old
	line := func(lessonID, p string, joined, left time.Duration) {
		a := storage.Attendance{LessonID: lessonID, ParticipantID: p, Name: "Lea", Status: "present", JoinedAt: now.Add(-joined), ResumeHash: []byte{1}}
		if left > 0 {
			a.LeftAt = now.Add(-left)
		}
		must(db.PutAttendance(ctx, a))
	}
	line("old-ended", "p1", days(401), days(400)) // goes with its lesson
	line("recent-ended", "p2", days(11), days(10))
	line("running", "p3", days(400), days(399)) // old line in a running lesson
	line("running", "p4", days(1), 0)           // still connected
	line("running", "p5", days(370), 0)         // open line, joined long ago

	must(db.PutSession(ctx, []byte("s-expired-2d"), "t", now.Add(-days(2))))
	must(db.PutSession(ctx, []byte("s-expired-1h"), "t", now.Add(-time.Hour)))
	must(db.PutSession(ctx, []byte("s-valid"), "t", now.Add(days(20))))
	must(db.PutLoginToken(ctx, []byte("l-expired-3d"), "t", now.Add(-days(3))))
	must(db.PutLoginToken(ctx, []byte("l-used-2d"), "t", now.Add(days(5))))
	if _, err := db.ConsumeLoginToken(ctx, []byte("l-used-2d"), now.Add(-days(2))); err != nil {
		t.Fatal(err)
	}
	must(db.PutLoginToken(ctx, []byte("l-fresh"), "t", now.Add(days(7))))
	return db
}

func TestOncePurgesOnlyWhatIsOlderThanThePolicy(t *testing.T) {
	ctx := context.Background()
	db := seed(t)
	p := &Purger{Store: db, Policy: DefaultPolicy, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	c, err := p.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{Lessons: 1, Attendance: 2, Sessions: 1, LoginTokens: 2}
	if c != want {
		t.Fatalf("counts: got %+v, want %+v", c, want)
	}
	if _, err := db.Lesson(ctx, "old-ended"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("lesson ended 400 days ago kept: %v", err)
	}
	for _, id := range []string{"recent-ended", "running"} {
		if _, err := db.Lesson(ctx, id); err != nil {
			t.Errorf("lesson %s: %v", id, err)
		}
	}
	if rows, _ := db.LessonAttendance(ctx, "old-ended"); len(rows) != 0 {
		t.Errorf("roll call of a purged lesson kept: %+v", rows)
	}
	if rows, _ := db.LessonAttendance(ctx, "recent-ended"); len(rows) != 1 {
		t.Errorf("recent roll call: %+v", rows)
	}
	rows, _ := db.LessonAttendance(ctx, "running")
	if len(rows) != 1 || rows[0].ParticipantID != "p4" {
		t.Errorf("running lesson: want only p4 left, got %+v", rows)
	}
	if _, err := db.SessionTeacher(ctx, []byte("s-valid"), now); err != nil {
		t.Errorf("valid session purged: %v", err)
	}
	if _, err := db.ConsumeLoginToken(ctx, []byte("l-fresh"), now); err != nil {
		t.Errorf("fresh login token purged: %v", err)
	}
	// A second run finds nothing more.
	if c, err := p.Once(ctx); err != nil || c != (Counts{}) {
		t.Fatalf("second run: %+v %v", c, err)
	}
}

func TestZeroKeepsForeverAndHandInHookGetsItsCutoff(t *testing.T) {
	ctx := context.Background()
	db := seed(t)
	var cutoff time.Time
	p := &Purger{
		Store:  db,
		Policy: Policy{HandIns: days(30)},
		HandIns: func(_ context.Context, before time.Time) (int64, error) {
			cutoff = before
			return 4, nil
		},
		Now: func() time.Time { return now },
	}
	c, err := p.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c != (Counts{HandIns: 4}) {
		t.Fatalf("with zero limits only the hook may delete: %+v", c)
	}
	if !cutoff.Equal(now.Add(-days(30))) {
		t.Fatalf("hand-in cutoff %v", cutoff)
	}
	if rows, _ := db.LessonAttendance(ctx, "old-ended"); len(rows) != 1 {
		t.Fatalf("zero limit purged attendance anyway")
	}
}

// fakeClock drives Run: each tick moves time forward by what Run waited.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waits <- d
	return c.fire
}

func TestRunPurgesAtStartAndThenDaily(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := seed(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	clock := &fakeClock{t: now.Add(-days(20)), waits: make(chan time.Duration), fire: make(chan time.Time, 1)}
	p := &Purger{Store: db, Policy: DefaultPolicy, Now: clock.Now, After: clock.After,
		Log: slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, nil))}
	done := make(chan struct{})
	go func() { p.Run(ctx, Day); close(done) }()

	if d := <-clock.waits; d != Day {
		t.Fatalf("waits %v between runs, want 24h", d)
	}
	// 20 days before now, the session that expired 2 days before now is
	// still valid; a year later the lesson that ended 10 days before now is
	// due.
	if _, err := db.Lesson(context.Background(), "recent-ended"); err != nil {
		t.Fatal(err)
	}
	clock.mu.Lock()
	clock.t = now.Add(days(356))
	clock.mu.Unlock()
	clock.fire <- clock.t
	<-clock.waits // the second run has finished
	if _, err := db.Lesson(context.Background(), "recent-ended"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("second run did not purge the lesson that had become old: %v", err)
	}
	cancel()
	<-done
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(logs.String(), "retention purge"); n != 2 {
		t.Fatalf("want 2 logged runs, got %d:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "Lea") || strings.Contains(logs.String(), "Weber") {
		t.Fatalf("names in the log:\n%s", logs.String())
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

package httpapi

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// GET /api/lessons: the start page's list of the teacher's own lessons.
// Running ones first (with no end), then ended ones of the last 14 days,
// newest first, each with its class and counts; an ad-hoc lesson has no
// class; older ended lessons and other teachers' lessons never show.
func TestTeacherLessonsList(t *testing.T) {
	f := newRecordsFixture(t) // Alice's 7b Mathe: first ended, second running
	ctx := context.Background()
	time.Sleep(5 * time.Millisecond)
	var adhoc protocol.CreatedLesson
	decodeJSON(t, f.e.do("POST", "/api/lessons", jsonBody(`{"title":"Vertretung 9c"}`), f.alice), &adhoc)
	var bobs protocol.CreatedLesson
	decodeJSON(t, f.e.do("POST", "/api/lessons", jsonBody(`{"title":"Bobs Stunde"}`), f.bob), &bobs)
	// An ended lesson from three weeks ago is past the list's 14 days.
	old := storage.Lesson{ID: "old-lesson", TeacherID: f.first.TeacherID, Title: "Alt", CodeHash: []byte("old"), CreatedAt: time.Now().AddDate(0, 0, -21)}
	if err := f.e.db.CreateLesson(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := f.e.db.EndLesson(ctx, old.ID, old.CreatedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A lesson the hub no longer runs has ended a moment ago, also while
	// storage has not heard of its end yet.
	gone := storage.Lesson{ID: "gone-lesson", TeacherID: f.first.TeacherID, Title: "Eben beendet", CodeHash: []byte("gone"), CreatedAt: f.firstStart.Add(time.Millisecond)}
	if err := f.e.db.CreateLesson(ctx, gone); err != nil {
		t.Fatal(err)
	}
	f.e.writer.Sync()

	var got []protocol.RecentLesson
	decodeJSON(t, f.e.do("GET", "/api/lessons", nil, f.alice), &got)
	var ids []string
	for _, l := range got {
		ids = append(ids, l.ID)
	}
	if want := []string{adhoc.ID, f.second.ID, gone.ID, f.first.ID}; !slices.Equal(ids, want) {
		t.Fatalf("Alice's lessons %v, want %v (ad hoc, running class lesson, the ones ended)", ids, want)
	}
	ad, running, ended := got[0], got[1], got[3]
	if got[2].EndedAt.IsZero() {
		t.Errorf("a lesson the hub no longer runs is listed as running: %+v", got[2])
	}
	if ad.Title != "Vertretung 9c" || ad.ClassID != "" || ad.ClassName != "" || !ad.EndedAt.IsZero() {
		t.Errorf("ad-hoc lesson: %+v", ad)
	}
	if running.ClassID != f.class.ID || running.ClassName != "7b Mathe" || !running.EndedAt.IsZero() {
		t.Errorf("running class lesson: %+v", running)
	}
	if ended.ClassName != "7b Mathe" || !ended.StartedAt.Equal(f.firstStart) || !ended.EndedAt.Equal(f.firstEnd) {
		t.Errorf("ended lesson: %+v", ended)
	}
	if ended.Late != 1 || ended.Excused != 1 || ended.Present < 1 || ended.Absent < 1 {
		t.Errorf("ended lesson counts: %+v", ended.RollCallCounts)
	}

	// Bob sees his own lesson only, and Alice's records stay closed to him.
	var bobList []protocol.RecentLesson
	decodeJSON(t, f.e.do("GET", "/api/lessons", nil, f.bob), &bobList)
	if len(bobList) != 1 || bobList[0].ID != bobs.ID {
		t.Fatalf("Bob's lessons: %+v", bobList)
	}
	for _, path := range []string{
		"/api/lessons/" + adhoc.ID + "/attendance",
		"/api/lessons/" + adhoc.ID + "/attendance.csv",
		"/lessons/" + adhoc.ID + "/print",
	} {
		expectAPIError(t, f.e.do("GET", path, nil, f.bob), http.StatusNotFound, protocol.ErrUnknownLesson)
	}
	// Nor does an admin, who owns nothing: the admin flag gives no
	// rights over other teachers' lessons (docs/security.md).
	carol, tokC := f.e.teacher("Carol")
	if err := f.e.db.SetAdmin(ctx, carol.ID, true); err != nil {
		t.Fatal(err)
	}
	admin := f.e.login(tokC)
	var carolList []protocol.RecentLesson
	decodeJSON(t, f.e.do("GET", "/api/lessons", nil, admin), &carolList)
	if len(carolList) != 0 {
		t.Fatalf("the admin's list: %+v", carolList)
	}
	expectAPIError(t, f.e.do("GET", "/api/lessons/"+adhoc.ID+"/attendance.csv", nil, admin), http.StatusNotFound, protocol.ErrUnknownLesson)
	// Without a teacher's session: unauthorized, also with a student's
	// personal link.
	expectAPIError(t, f.e.do("GET", "/api/lessons", nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	student := lastPathPart(f.class.Students[0].Link)
	expectAPIError(t, f.e.doAs("GET", "/api/lessons", nil, "", nil, student), http.StatusUnauthorized, protocol.ErrUnauthorized)
}

// The list is bounded: at most MaxRecentLessons, the newest.
func TestTeacherLessonsListIsBounded(t *testing.T) {
	e := newEnv(t)
	tch, tok := e.teacher("Alice")
	alice := e.login(tok)
	start := time.Now().Add(-time.Hour)
	for i := range protocol.MaxRecentLessons + 5 {
		l := storage.Lesson{ID: "l" + string(rune('a'+i)), TeacherID: tch.ID, Title: "Stunde", CodeHash: []byte{byte(i)}, CreatedAt: start.Add(time.Duration(i) * time.Minute)}
		if err := e.db.CreateLesson(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if err := e.db.EndLesson(context.Background(), l.ID, l.CreatedAt.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	var got []protocol.RecentLesson
	decodeJSON(t, e.do("GET", "/api/lessons", nil, alice), &got)
	if len(got) != protocol.MaxRecentLessons || got[0].ID != "l"+string(rune('a'+protocol.MaxRecentLessons+4)) {
		t.Fatalf("%d lessons, first %+v", len(got), got[0])
	}
}

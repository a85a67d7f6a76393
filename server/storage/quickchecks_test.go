package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"ersatzraum/app/protocol"
)

// A saved result comes back whole, saving again replaces its counts, and
// the attendance retention takes it away with the roll call.
func TestQuickChecksRoundTripAndRetention(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := p.open(t)
		now := time.UnixMilli(time.Now().UnixMilli())
		must := fatalOn(t)
		must(db.CreateTeacher(ctx, Teacher{ID: "t1", Name: "Frau Weber", CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "l1", TeacherID: "t1", Title: "7b Mathe", CodeHash: []byte{1}, CreatedAt: now}))
		rec := protocol.CheckRecord{ID: "l1-q1", LessonID: "l1", Question: "Verstanden?", Options: []string{"Ja", "Nein"},
			Counts: []int{3, 1}, Answered: 4, Present: 5, SavedAt: now.UnixMilli()}
		must(db.SaveCheck(ctx, rec))
		rec.Counts, rec.Answered = []int{4, 1}, 5
		must(db.SaveCheck(ctx, rec))
		old := protocol.CheckRecord{ID: "l1-q0", LessonID: "l1", Question: "Alt", Options: []string{"a", "b"}, Counts: []int{0, 0},
			SavedAt: now.Add(-400 * 24 * time.Hour).UnixMilli()}
		must(db.SaveCheck(ctx, old))
		got, err := db.LessonChecks(ctx, "l1")
		must(err)
		if len(got) != 2 || !reflect.DeepEqual(got[1], rec) || got[0].ID != "l1-q0" {
			t.Fatalf("saved checks: %+v", got)
		}
		n, err := db.PurgeAttendance(ctx, now.Add(-365*24*time.Hour))
		must(err)
		got, err = db.LessonChecks(ctx, "l1")
		must(err)
		if n != 1 || len(got) != 1 || got[0].ID != "l1-q1" {
			t.Fatalf("after retention (%d purged): %+v", n, got)
		}

		// A class's results come with their lesson's title and start.
		must(db.CreateClass(ctx, Class{ID: "c1", TeacherID: "t1", Name: "7b", CodeHash: []byte{7}, CodeEnc: []byte{7}, CreatedAt: now}))
		must(db.CreateLesson(ctx, Lesson{ID: "l2", TeacherID: "t1", Title: "7b Deutsch", CodeHash: []byte{2}, ClassID: "c1", CreatedAt: now}))
		must(db.SaveCheck(ctx, protocol.CheckRecord{ID: "l2-q1", LessonID: "l2", Question: "Fertig?", Options: []string{"Ja"}, Counts: []int{2}, SavedAt: now.UnixMilli()}))
		class, err := db.ClassChecks(ctx, "c1")
		must(err)
		if len(class) != 1 || class[0].ID != "l2-q1" || class[0].LessonTitle != "7b Deutsch" || class[0].LessonStartedAt != now.UnixMilli() || class[0].Counts[0] != 2 {
			t.Fatalf("class checks: %+v", class)
		}
	})
}

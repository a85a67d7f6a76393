package signaling

import (
	"context"
	"reflect"
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// The class's last grouping outlives the lesson and a restart, through
// the real SQLite store: only class-list students are kept, the next
// lesson's "last" starts from it with a newcomer added, and a lesson
// that ends during group work keeps that grouping.
func TestGroupingAcrossLessonsThroughStorage(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	if err := db.CreateTeacher(ctx, storage.Teacher{ID: "t-alice", Name: "Frau Weber", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateClass(ctx, storage.Class{ID: "class-7b", TeacherID: "t-alice", Name: "7b", CodeHash: []byte{1}, CodeEnc: []byte{1}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	stored := func() [][]string {
		t.Helper()
		g, err := db.LastGrouping(ctx, "class-7b")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}

	h := newTestHub(t)
	h.Groupings = db
	addGroupClass(h)
	addGroupLesson(h, "lesson-1", codeA)
	l := joinGroupLesson(t, h, "lesson-1", "a", "b", "c", "d")
	l.joinAdHoc("Zoe")
	l.drain()
	l.startManual([]string{"a", "b", "Zoe"}, []string{"c", "d"})
	l.teacher.send(protocol.TypeGroupsEnd, nil)
	if got, want := stored(), [][]string{{"r-a", "r-b"}, {"r-c", "r-d"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("stored %v, want %v (no ad-hoc student)", got, want)
	}
	l.teacher.send(protocol.TypeEnd, nil)

	// The next lesson, in a new process.
	h2 := newTestHub(t)
	h2.Groupings = db
	addGroupClass(h2)
	addGroupLesson(h2, "lesson-2", codeB)
	l2 := joinGroupLesson(t, h2, "lesson-2", "a", "b", "c", "d", "e")
	l2.expectMembers(l2.start(protocol.GroupsStart{Mode: protocol.GroupsLast}), []string{"a", "b", "e"}, []string{"c", "d"})
	l2.teacher.send(protocol.TypeGroupsMove, protocol.GroupsMove{ID: l2.pid("e"), Group: 2})
	l2.teacher.send(protocol.TypeEnd, nil) // during group work
	if got, want := stored(), [][]string{{"r-a", "r-b"}, {"r-c", "r-d", "r-e"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("stored at the lesson's end %v, want %v", got, want)
	}
}

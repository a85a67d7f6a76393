package signaling

import (
	"testing"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/codes"
	"ersatzraum/server/roster"
)

// A lesson nobody ends keeps its join code working for ever otherwise,
// also across restarts (the hub restores every lesson not ended).
func TestIdleLessonsEndAndTheirCodesStopWorking(t *testing.T) {
	h := newTestHub(t)
	idle := 12 * time.Hour
	h.addLesson("lesson-a", "t-alice", "Mathe", codeA)
	h.addLesson("lesson-b", "t-bob", "Deutsch", codeB)
	teacher, _ := h.joinTeacher(t, "t-alice", "lesson-a")
	student, _ := h.joinStudent(t, codeA, "Lea")
	teacherB, _ := h.joinTeacher(t, "t-bob", "lesson-b")

	// Alice's class goes home; Bob keeps his page open all day.
	student.gone()
	teacher.gone()
	h.clock.advance(idle - time.Minute)
	if n := h.EndIdleLessons(idle); n != 0 {
		t.Fatalf("ended %d lessons before they were idle for %v", n, idle)
	}
	h.clock.advance(2 * time.Minute)
	if n := h.EndIdleLessons(idle); n != 1 {
		t.Fatalf("ended %d lessons, want Alice's", n)
	}
	_, ends := h.rec.snapshot()
	if len(ends) != 1 || ends[0].lessonID != "lesson-a" {
		t.Fatalf("recorded ends %+v, want lesson-a", ends)
	}
	late := h.connect(t, Identity{})
	late.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Max"})
	late.expectError(protocol.ErrUnknownLesson)
	teacherBack := h.connect(t, Identity{TeacherID: "t-alice"})
	teacherBack.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleTeacher, Lesson: "lesson-a"})
	teacherBack.expectError(protocol.ErrUnknownLesson)

	// Bob's lesson has its teacher connected: not idle, however long.
	h.clock.advance(3 * idle)
	if n := h.EndIdleLessons(idle); n != 0 {
		t.Fatalf("ended %d lessons with their teacher in", n)
	}
	teacherB.expectOpen()
	h.joinStudent(t, codeB, "Ida")

	// 0 keeps lessons open.
	teacherB.gone()
	h.clock.advance(10 * idle)
	if n := h.EndIdleLessons(0); n != 0 {
		t.Fatalf("idle 0 ended %d lessons", n)
	}
}

// After a restart the hub knows only what the roll call says: a lesson
// whose last join or leave is older than the limit ends at the first
// sweep, however often the server restarted since.
func TestRestoredLessonIdleSinceItsLastRecordedActivity(t *testing.T) {
	h := newTestHub(t)
	idle := 12 * time.Hour
	now := h.clock.now()
	start := now.Add(-3 * 24 * time.Hour)
	lines := []roster.Line{
		{LessonID: "old", ParticipantID: "p1", Name: "Lea", Status: protocol.StatusPresent, JoinedAt: start.Add(time.Minute), LeftAt: start.Add(time.Hour)},
		// Open: the server went down while Max was in, two days ago.
		{LessonID: "old", ParticipantID: "p2", Name: "Max", Status: protocol.StatusPresent, JoinedAt: now.Add(-2 * 24 * time.Hour)},
	}
	h.AddLesson(Lesson{ID: "old", TeacherID: "t-alice", CodeHash: codes.HashCode(codes.NormalizeCode(codeA)), Start: start}, lines)
	fresh := Lesson{ID: "fresh", TeacherID: "t-bob", CodeHash: codes.HashCode(codes.NormalizeCode(codeB)), Start: now.Add(-time.Hour)}
	h.AddLesson(fresh, nil)
	if n := h.EndIdleLessons(idle); n != 1 {
		t.Fatalf("ended %d restored lessons, want the old one", n)
	}
	c := h.connect(t, Identity{})
	c.send(protocol.TypeHello, protocol.Hello{Role: protocol.RoleStudent, Code: codeA, Name: "Max"})
	c.expectError(protocol.ErrUnknownLesson)
	h.joinStudent(t, codeB, "Ida")
}

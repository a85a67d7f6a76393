package storage

import (
	"context"
	"testing"
	"time"

	"ersatzraum/server/roster"
)

// A batch of roll-call changes lands whole, in order (the later line of a
// participant wins), an end of a lesson that has ended already does not
// stop it, and a batch with one change that cannot be written lands not
// at all.
func TestWriteRollCallInOneTransaction(t *testing.T) {
	onBoth(t, func(t *testing.T, p place) {
		ctx := context.Background()
		db := withLesson(t, p)
		at := time.UnixMilli(time.Now().UnixMilli())
		first := roster.Line{LessonID: "l1", ParticipantID: "p1", Name: "Ada", Status: "present", JoinedAt: at}
		second := first
		second.Status = "excused"
		cem := roster.Line{LessonID: "l1", ParticipantID: "p0", Name: "Cem", Status: "late", JoinedAt: at}
		if err := db.WriteRollCall(ctx, []roster.Change{
			{Line: &first},
			{Event: &roster.Event{LessonID: "l1", ParticipantID: "p1", Kind: roster.EventJoin, At: at}},
			{Line: &cem},
			{Event: &roster.Event{LessonID: "l1", ParticipantID: "p0", Kind: roster.EventJoin, At: at}},
			{Event: &roster.Event{LessonID: "l1", ParticipantID: "p1", Kind: roster.EventStatus, Status: "excused", At: at}},
			{Line: &second},
			{LockID: "l1", Locked: true},
			{EndID: "l1", EndAt: at},
			{EndID: "l1", EndAt: at.Add(time.Second)}, // ended already: no error, not moved
		}); err != nil {
			t.Fatal(err)
		}
		lines, err := db.LessonAttendance(ctx, "l1")
		if err != nil || len(lines) != 2 || lines[0].Name != "Cem" || lines[1].Status != "excused" {
			t.Fatalf("lines %v %+v, want Cem late and Ada excused", err, lines)
		}
		events, err := db.LessonEvents(ctx, "l1")
		if err != nil || len(events) != 3 || events[0].ParticipantID != "p1" || events[1].ParticipantID != "p0" || events[2].Kind != roster.EventStatus {
			t.Fatalf("events %v %+v, want them in the order written", err, events)
		}
		l, err := db.Lesson(ctx, "l1")
		if err != nil || !l.Locked || !l.EndedAt.Equal(at) {
			t.Fatalf("lesson %v %+v, want locked and ended at %v", err, l, at)
		}

		ben := roster.Line{LessonID: "l1", ParticipantID: "p2", Name: "Ben", Status: "present", JoinedAt: at}
		orphan := roster.Line{LessonID: "gone", ParticipantID: "p3", Name: "Cem", Status: "present", JoinedAt: at}
		if err := db.WriteRollCall(ctx, []roster.Change{{Line: &ben}, {Line: &orphan}}); err == nil {
			t.Fatal("a line of a lesson that does not exist was written")
		}
		if lines, _ := db.LessonAttendance(ctx, "l1"); len(lines) != 2 {
			t.Fatalf("a failed batch left %d lines, want the 2 from before", len(lines))
		}
	})
}

package httpapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"ersatzraum/app/protocol"
	"ersatzraum/server/storage"
)

// The roll call's records: a class's history lesson by lesson, and each
// lesson's report for the exports (csv.go, print.go). The hub writes
// attendance lines and events as they happen (roster.Writer); everything
// here only reads them.

// RecordStore is what the records need from storage.
type RecordStore interface {
	ClassLessons(ctx context.Context, classID string) ([]storage.Lesson, error)
	LessonAttendance(ctx context.Context, lessonID string) ([]storage.Attendance, error)
	LessonEvents(ctx context.Context, lessonID string) ([]storage.Event, error)
}

// recordZone is the time zone of the exports: the server's local one.
func recordZone() *time.Location { return time.Local }

// lessonReport is a lesson with its report rows.
type lessonReport struct {
	Lesson storage.Lesson
	Rows   []ReportRow
	Counts protocol.RollCallCounts
}

// report loads one lesson's lines and events and makes its report.
func (s *Server) report(ctx context.Context, l storage.Lesson) (lessonReport, error) {
	lines, err := s.Records.LessonAttendance(ctx, l.ID)
	if err != nil {
		return lessonReport{}, err
	}
	events, err := s.Records.LessonEvents(ctx, l.ID)
	if err != nil {
		return lessonReport{}, err
	}
	return lessonReport{Lesson: l, Rows: LessonReport(l, lines, events, time.Now()), Counts: countStatuses(lines)}, nil
}

// classReports are the reports of all of a class's lessons, oldest first.
func (s *Server) classReports(ctx context.Context, c storage.Class) ([]lessonReport, error) {
	lessons, err := s.Records.ClassLessons(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(lessons)
	out := make([]lessonReport, 0, len(lessons))
	for _, l := range lessons {
		rep, err := s.report(ctx, l)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// classHistory answers GET /api/classes/{id}/lessons: newest first.
func (s *Server) classHistory(w http.ResponseWriter, r *http.Request, c storage.Class) {
	lessons, err := s.Records.ClassLessons(r.Context(), c.ID)
	if err != nil {
		s.internal(w, "class history", err)
		return
	}
	out := make([]protocol.LessonRecord, 0, len(lessons))
	for _, l := range lessons {
		lines, err := s.Records.LessonAttendance(r.Context(), l.ID)
		if err != nil {
			s.internal(w, "class history", err)
			return
		}
		out = append(out, protocol.LessonRecord{ID: l.ID, Title: l.Title, StartedAt: l.CreatedAt, EndedAt: l.EndedAt, RollCallCounts: countStatuses(lines)})
	}
	writeJSON(w, http.StatusOK, out)
}

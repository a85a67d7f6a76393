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
	TeacherLessons(ctx context.Context, teacherID string, since time.Time, limit int) ([]storage.Lesson, error)
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

// teacherLessons answers GET /api/lessons: the signed-in teacher's own
// running and recent lessons (protocol.RecentLessonDays,
// MaxRecentLessons) with their counts, for the start page. Nobody sees
// another teacher's lessons here; the admin flag gives no more.
func (s *Server) teacherLessons(w http.ResponseWriter, r *http.Request) {
	t, err := s.Accounts.TeacherFromRequest(r)
	if err != nil {
		writeError(w, http.StatusUnauthorized, protocol.ErrUnauthorized, "sign in as a teacher first")
		return
	}
	since := time.Now().AddDate(0, 0, -protocol.RecentLessonDays)
	lessons, err := s.Records.TeacherLessons(r.Context(), t.ID, since, protocol.MaxRecentLessons)
	if err != nil {
		s.internal(w, "teacher lessons", err)
		return
	}
	classes, err := s.Classes.Classes(r.Context(), t.ID)
	if err != nil {
		s.internal(w, "teacher lessons", err)
		return
	}
	names := make(map[string]string, len(classes))
	for _, c := range classes {
		names[c.ID] = c.Name
	}
	out := make([]protocol.RecentLesson, 0, len(lessons))
	for _, l := range lessons {
		if l.EndedAt.IsZero() && !s.Host.Live(l.ID) {
			// Ended a moment ago: the hub is done with it, and its end
			// is on its way to storage (roster.Writer). A teacher who
			// just ended it and opens the start page sees it ended.
			l.EndedAt = time.Now()
		}
		lines, err := s.Records.LessonAttendance(r.Context(), l.ID)
		if err != nil {
			s.internal(w, "teacher lessons", err)
			return
		}
		rec := protocol.RecentLesson{
			LessonRecord: protocol.LessonRecord{ID: l.ID, Title: l.Title, StartedAt: l.CreatedAt, EndedAt: l.EndedAt, RollCallCounts: countStatuses(lines)},
		}
		if name, ok := names[l.ClassID]; ok {
			rec.ClassID, rec.ClassName = l.ClassID, name
		}
		out = append(out, rec)
	}
	// Running first, then newest first (as storage sorts them, with the
	// lessons that ended a moment ago moved among the ended).
	slices.SortStableFunc(out, func(a, b protocol.RecentLesson) int {
		if ar, br := a.EndedAt.IsZero(), b.EndedAt.IsZero(); ar != br {
			if ar {
				return -1
			}
			return 1
		}
		return b.StartedAt.Compare(a.StartedAt)
	})
	writeJSON(w, http.StatusOK, out)
}
